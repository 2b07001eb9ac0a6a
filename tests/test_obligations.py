from __future__ import annotations

from conftest import make_document

from tenderlens.document import BlockKind, FindingKind
from tenderlens.obligations import (
    ObligationModel,
    catalogue,
    context_features,
    contexts,
    explicit_mentions,
    implied,
    opens_section,
    summary,
)
from tenderlens.pipeline import Pipeline


def test_catalogue_has_the_26_ids_of_labels_md_with_what_they_take():
    cat = catalogue()
    assert len(cat.ids) == 26 and cat.ids[0] == "DTAC" and cat.ids[-1] == "PROCUREMENT_REGISTRATION"
    assert all(o.aliases and o.what_it_takes and o.sources for o in cat.obligations.values())
    dtac = next(i for i in cat.implications if i.when == "DTAC")
    assert set(dtac.then) == {"DCB0129", "DSPT", "UK_GDPR", "CYBER_ESSENTIALS", "ACCESSIBILITY"}


def test_explicit_mentions_survive_case_hyphen_and_spacing_variants():
    text = "Comply with DCB 0129, dcb-0160, ISO/IEC 27001:2022 and Cyber Essentials+ (see the DTAC)."
    assert [(text[s:e], oid) for s, e, oid in explicit_mentions(text)] == [
        ("DCB 0129", "DCB0129"),
        ("dcb-0160", "DCB0160"),
        ("ISO/IEC 27001:2022", "ISO_27001"),
        ("Cyber Essentials+", "CYBER_ESSENTIALS"),
        ("DTAC", "DTAC"),
    ]


def test_everyday_words_are_not_obligations():
    for text in [
        "Pay national insurance contributions monthly.",
        "The essentials of good handover.",
        "Accessible car parking is available.",
        "Transfer the files by Friday.",
    ]:
        assert explicit_mentions(text) == [], text


def test_a_units_context_is_its_section_heading_and_the_units_before_it():
    texts = [
        "4. Registration with the regulator",
        "4.1 The Provider must be registered with the Care Quality Commission.",
        "4.2 A Registered Manager must be in post.",
        "4.3 Inspection reports are shared with the Council.",
        "4.4 Ratings of Inadequate lead to a review.",
        "4.5 The Provider tells the Council of enforcement action.",
        "5. Modern slavery",
    ]
    context = contexts(texts)
    assert context[0] == "" and context[1] == f"{texts[0]}\n{texts[0]}"  # the heading, and the unit before
    assert context[5].split("\n") == [texts[0], texts[2], texts[3], texts[4]]  # heading, then 3 units
    cqc = catalogue().ids.index("CQC")
    nearness = [context_features(t, c)[cqc] for t, c in zip(texts, context, strict=True)]
    assert nearness == [0.0, 0.0, 1.0, 0.5, 0.25, 0.0, 0.0]
    slavery = catalogue().ids.index("MODERN_SLAVERY")
    assert context_features("The Supplier maps its supply chain.", "5. Modern slavery")[slavery] == 0.5
    assert contexts(["FOI applies.", "Next.", "Other."], ["a", "a", "b"]) == ["", "\nFOI applies.", ""]  # afresh


def test_implied_obligations_are_marked_and_cite_their_cause():
    doc = make_document([(BlockKind.PARAGRAPH, "The Supplier must pass the DTAC assessment before go-live.")])
    out = Pipeline.from_names(["segment.v1", "requirements.rules.v1"])(doc)
    out = ObligationModel()(out)
    found = [f for f in out.findings if f.kind is FindingKind.OBLIGATION]
    assert found[0].label == "DTAC" and found[0].attrs["basis"] == "explicit"
    implied_ids = {f.label for f in found if f.attrs["basis"] == "implied"}
    assert implied_ids >= {"DCB0129", "DSPT", "UK_GDPR", "CYBER_ESSENTIALS", "ACCESSIBILITY"}
    assert all(
        f.attrs["implied_by"] == "DTAC" and f.evidence == found[0].evidence
        for f in found
        if f.attrs["basis"] == "implied"
    )
    requirement = next(f for f in out.findings if f.kind is FindingKind.REQUIREMENT)
    assert "DTAC" in requirement.attrs["obligations"] and "DSPT" not in requirement.attrs["obligations"]
    rows = {r["id"]: r for r in summary(out)}
    assert rows["DTAC"]["status"] == "found" and rows["DSPT"]["status"] == "implied"
    assert rows["DSPT"]["implied_by"] == "DTAC" and rows["DSPT"]["what_it_takes"]


def test_implied_skips_what_was_found():
    doc = make_document([(BlockKind.PARAGRAPH, "Hold DTAC approval and complete the DSPT each year.")])
    out = ObligationModel()(Pipeline.from_names(["segment.v1"])(doc))
    assert [f.attrs["basis"] for f in out.findings if f.label == "DSPT"] == ["explicit"]
    assert not implied([])


def test_a_table_row_is_read_clause_by_clause_and_its_requirement_lists_what_they_carry():
    row = (
        "Legislation | 24.1 The Regulatory Reform (Fire Safety) Order 2005 applies. "
        "24.2 BS 5839-1:2017 fire alarm systems shall be maintained."
    )
    doc = Pipeline.from_names(["segment.v1", "requirements.rules.v1"])(make_document([(BlockKind.TABLE_ROW, row)]))
    out = ObligationModel()(doc)
    [obligation] = [f for f in out.findings if f.kind is FindingKind.OBLIGATION]
    assert obligation.label == "HEALTH_AND_SAFETY"
    assert obligation.evidence.text == "24.1 The Regulatory Reform (Fire Safety) Order 2005 applies."
    [requirement] = [f for f in out.findings if f.kind is FindingKind.REQUIREMENT]
    assert requirement.evidence.text == row and requirement.attrs["obligations"] == ["HEALTH_AND_SAFETY"]


def test_the_implicit_head_reads_sentences_not_headings():
    text = "A named clinical safety officer must keep the hazard log and sign the safety case."
    found = {}
    for kind in (BlockKind.PARAGRAPH, BlockKind.HEADING):
        doc = Pipeline.from_names(["segment.v1"])(make_document([(kind, text)]))
        found[kind] = [(f.label, f.attrs["basis"]) for f in ObligationModel()(doc).findings]
    assert ("DCB0129", "implicit") in found[BlockKind.PARAGRAPH]
    assert found[BlockKind.HEADING] == []


def test_a_heading_names_a_topic_and_the_clauses_under_it_carry_the_obligation():
    doc = make_document(
        [(BlockKind.HEADING, "7. Social value"), (BlockKind.PARAGRAPH, "The Supplier shall meet the PPN 06/20 Model.")]
    )
    out = ObligationModel()(Pipeline.from_names(["segment.v1"])(doc))
    assert [(f.label, f.evidence.text) for f in out.findings if f.attrs["basis"] != "implied"] == [
        ("SOCIAL_VALUE", "The Supplier shall meet the PPN 06/20 Model.")
    ]
    texts = ["Schedule 6: Insurance Requirements", "Public liability insurance | £5m a claim", "Hold Cyber Essentials."]
    assert [opens_section(t) for t in texts] == [True, False, False]
    assert [sorted(found) for found in ObligationModel(threshold=0.99).predict(texts)] == [
        [],
        ["INSURANCE"],
        ["CYBER_ESSENTIALS"],
    ]


def test_the_summary_cites_a_requirement_over_a_definition():
    doc = make_document(
        [
            (BlockKind.PARAGRAPH, "In this document DTAC means the Digital Technology Assessment Criteria."),
            (BlockKind.PARAGRAPH, "The Supplier must pass the DTAC assessment before go-live."),
        ]
    )
    out = ObligationModel()(Pipeline.from_names(["segment.v1", "requirements.rules.v1"])(doc))
    [dtac] = [row for row in summary(out) if row["id"] == "DTAC"]
    assert dtac["evidence"]["text"] == "The Supplier must pass the DTAC assessment before go-live."
