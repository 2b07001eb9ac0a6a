"""End to end on the bundled sample tender, and the measured figures on the real evalset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tenderlens.document import FindingKind
from tenderlens.evaluate import covered, obligation_scores, requirement_scores, tokens
from tenderlens.obligations import ObligationModel
from tenderlens.pipeline import Pipeline, scan
from tenderlens.report import to_contract
from tenderlens.requirements import ModalRules, RequirementModel

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def sample():
    return scan(str(EXAMPLES / "sample_tender.pdf")), json.loads((EXAMPLES / "sample_tender.expected.json").read_text())


def test_sample_route_obligations_and_key_dates(sample):
    doc, expected = sample
    assert (doc.route.regime, doc.route.route) == (expected["route"]["regime"], expected["route"]["route"])
    contract = to_contract(doc)
    assert contract["pages"] == expected["pages"] == 13
    found = {o["id"] for o in contract["obligations"] if o["status"] == "found"}
    assert len(found & set(expected["obligations"])) >= 0.9 * len(expected["obligations"])
    for row in contract["obligations"]:
        assert row["evidence"]["text"] and row["pages"] and row["what_it_takes"]
        assert (row["status"] == "implied") == ("implied_by" in row)
    dates = {d["milestone"]: d["date"] for d in contract["key_dates"]}
    assert dates["submission deadline"] == "2026-03-16T12:00"


def test_sample_mandatory_requirements_are_in_the_matrix(sample):
    doc, expected = sample
    found = [tokens(f.evidence.text) for f in doc.findings if f.kind is FindingKind.REQUIREMENT]
    missed = [t for t in expected["mandatory"] if not any(covered(tokens(t), f) for f in found)]
    assert missed == []


def test_sample_two_column_page_and_table_are_read_in_order(sample):
    doc, expected = sample
    assert any(len(t.pages) == 2 for t in doc.tables), "the requirements table crosses a page break"
    for word in expected["hyphenated"]:
        assert word in doc.text


def test_real_gold_pages_requirements(evalset):
    scores = requirement_scores(evalset, {"rules": ModalRules(), "model": RequirementModel()})
    assert scores["model"]["f1"] >= 0.89 > scores["rules"]["f1"]
    assert scores["model"]["modality_accuracy"] >= 0.93


def test_real_gold_pages_obligations_beat_the_alias_dictionary(evalset):
    alias = ObligationModel()
    alias.head = None
    scores = obligation_scores(evalset, {"alias": alias, "model": ObligationModel()})
    assert scores["model"]["recall"] > scores["alias"]["recall"]
    assert scores["model"]["f1"] >= 0.80 > scores["alias"]["f1"]


def test_the_done_when_command_quotes_are_on_their_pages(evalset):
    path = evalset / "pdfs" / "ccs_rm6378_service-requirements-and-standards_call-off-sch-20.pdf"
    from tenderlens.ingest import IngestOptions

    doc = scan(str(path), IngestOptions(pages=frozenset({8, 37})), Pipeline.from_names())
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        pages = {n: " ".join((pdf.pages[n - 1].extract_text() or "").split()) for n in (8, 37)}
    assert doc.findings
    for finding in doc.findings:
        quote = " ".join(finding.evidence.text.split())
        words = tokens(quote)
        assert covered(words, tokens(pages[finding.evidence.page])), quote
