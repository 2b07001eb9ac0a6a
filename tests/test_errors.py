from __future__ import annotations

import re
import string

import pytest

from tenderlens.errors import Errors, IngestError, Warnings, warn


@pytest.mark.parametrize("template", [*Errors, *Warnings])
def test_every_message_has_its_code_and_fills(template):
    fields = {name for _, name, _, _ in string.Formatter().parse(template.value) if name}
    message = template.format(**{name: 1 for name in fields})
    assert re.fullmatch(rf"{template.name}: .+", message)
    assert "{" not in message


def test_error_carries_code_and_fields():
    error = IngestError(Errors.E006, path="t.pdf")
    assert error.code == "E006" and error.fields == {"path": "t.pdf"}
    assert str(error) == "E006: t.pdf is encrypted. Pass --password, or decrypt it first."


def test_warn_returns_the_message():
    with pytest.warns(UserWarning, match="W002"):
        assert warn(Warnings.W002, path="a.pdf", page=3).startswith("W002: a.pdf: page 3")
