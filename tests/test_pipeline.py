from __future__ import annotations

import pytest
from conftest import make_document

from tenderlens.document import BlockKind
from tenderlens.errors import PipelineError
from tenderlens.pipeline import Pipeline


class Broken:
    name = "test.broken.v1"

    def __call__(self, doc):
        return {"not": "a document"}


def test_stage_contract_is_checked():
    with pytest.raises(PipelineError, match="E301"):
        Pipeline([Broken()])(make_document([(BlockKind.PARAGRAPH, "Text.")]))


def test_unknown_stage_name():
    with pytest.raises(PipelineError, match="E302"):
        Pipeline.from_names(["nope.v9"])


def test_default_pipeline_finds_requirements_with_modal_rules():
    doc = make_document(
        [
            (BlockKind.HEADING, "3 The Supplier shall"),
            (BlockKind.PARAGRAPH, "The Supplier shall host all data in the UK. Bidders should offer training."),
            (BlockKind.PARAGRAPH, "The Trust may terminate the contract. 'Working Day' shall mean a weekday."),
        ]
    )
    rules = Pipeline.from_names(["segment.v1", "requirements.rules.v1"])
    out = rules(doc)
    assert [(out.text[f.evidence.start : f.evidence.end], f.label) for f in out.findings] == [
        ("The Supplier shall host all data in the UK.", "mandatory"),
        ("Bidders should offer training.", "desirable"),
    ]
    assert list(rules.pipe([doc, doc]))[1] == out
