"""Mutated PDFs never escape as anything but a coded IngestError (run with -m slow)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from conftest import write_pdf
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tenderlens.errors import IngestError, TenderlensWarning
from tenderlens.ingest import IngestOptions, read

OPTIONS = IngestOptions(page_timeout=10, ocr=False, processes=1)


def _seed(tmp: Path) -> bytes:
    def page(c, n):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(56, 760, f"{n} Specification")
        c.setFont("Helvetica", 10)
        c.drawString(56, 730, "The Supplier shall hold Cyber Essentials Plus and must reply by 16 March 2026.")
        for row in range(4):
            c.rect(56, 600 - row * 18, 200, 18)
            c.rect(256, 600 - row * 18, 200, 18)
            c.drawString(60, 605 - row * 18, f"R{row}")
            c.drawString(260, 605 - row * 18, "Mandatory")

    return write_pdf(tmp / "seed.pdf", [page, page]).read_bytes()


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10_000), st.integers(0, 255)),
    st.tuples(st.just("truncate"), st.integers(0, 10_000), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.integers(0, 255)),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.integers(1, 64)),
)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(mutation, min_size=1, max_size=8))
def test_mutated_pdfs_give_a_document_or_a_coded_error(tmp_path_factory, mutations):
    tmp = tmp_path_factory.mktemp("fuzz")
    data = bytearray(_seed(tmp))
    for kind, position, value in mutations:
        if not data:
            break
        position %= len(data)
        if kind == "flip":
            data[position] ^= value or 1
        elif kind == "truncate":
            del data[position:]
        elif kind == "insert":
            data[position:position] = bytes([value]) * 16
        else:
            del data[position : position + value]
    path = tmp / "mutated.pdf"
    path.write_bytes(bytes(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TenderlensWarning)
        try:
            doc = read(path, OPTIONS)
        except IngestError as error:
            assert error.code.startswith("E0")
            event(f"coded error {error.code}")
        else:
            assert doc.pages
            event("read")
