from __future__ import annotations

import itertools

import pytest
from conftest import make_document
from hypothesis import given
from hypothesis import strategies as st

from tenderlens.document import BlockKind, Document, Finding, FindingKind, Page

words = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]), min_size=1, max_size=40)
blocks = st.lists(
    st.tuples(st.sampled_from(list(BlockKind)), words.filter(lambda t: t.strip())), min_size=1, max_size=30
)


@given(blocks, st.integers(min_value=1, max_value=5))
def test_pages_tile_the_text(block_list, pages):
    doc = make_document(block_list, pages)
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)
    for before, after in itertools.pairwise(doc.pages):
        assert before.end == after.start
    for block in doc.blocks:
        assert 0 <= block.start <= block.end <= len(doc.text)


@given(blocks, st.integers(min_value=1, max_value=5), st.data())
def test_evidence_quote_page_and_box_agree(block_list, pages, data):
    doc = make_document(block_list, pages)
    start = data.draw(st.integers(min_value=0, max_value=len(doc.text) - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=len(doc.text)))
    evidence = doc.evidence(start, end)
    assert evidence.text == doc.text[start:end]
    page = next(p for p in doc.pages if p.number == evidence.page)
    assert page.start <= start < page.end
    if evidence.bbox is not None:
        lines = [ln for ln in page.lines if ln.start < end and ln.end > start]
        assert lines and evidence.bbox[0] == min(ln.bbox[0] for ln in lines)


@given(blocks, st.integers(min_value=1, max_value=5), st.floats(min_value=0, max_value=1))
def test_round_trip_through_dict(block_list, pages, score):
    doc = make_document(block_list, pages)
    block = doc.blocks[0]
    finding = Finding(
        FindingKind.REQUIREMENT,
        "mandatory",
        doc.evidence(block.start, max(block.end, block.start + 1)),
        score,
        "test.v1",
        {"facts": []},
    )
    doc = doc.with_findings([finding])
    assert Document.from_dict(doc.to_dict()) == doc


def test_sections_follow_heading_levels():
    doc = make_document([(BlockKind.HEADING, "1 Intro"), (BlockKind.PARAGRAPH, "Text."), (BlockKind.HEADING, "2 Spec")])
    assert [b.section for b in doc.blocks] == ["1 Intro", "1 Intro", "2 Spec"]


def test_invalid_ranges_and_scores_are_refused():
    doc = make_document([(BlockKind.PARAGRAPH, "The Supplier shall comply.")])
    with pytest.raises(ValueError):
        doc.evidence(5, 5)
    with pytest.raises(ValueError):
        doc.evidence(0, len(doc.text) + 1)
    with pytest.raises(ValueError):
        Finding(FindingKind.REQUIREMENT, "mandatory", doc.evidence(0, 3), 1.5, "x")
    with pytest.raises(ValueError, match="tile"):
        Document("x", "abc", (Page(1, 0, 1), Page(2, 2, 3)))


def test_unknown_schema_version_is_refused():
    data = make_document([(BlockKind.PARAGRAPH, "Text.")]).to_dict()
    data["schema_version"] = "0"
    with pytest.raises(ValueError, match="schema_version"):
        Document.from_dict(data)
