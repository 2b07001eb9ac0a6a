from __future__ import annotations

from conftest import make_document

from tenderlens.document import BlockKind
from tenderlens.segment import lead_ins, segment


def units(doc):
    return [doc.text[s:e] for s, e in segment(doc).units]


def test_sentences_split_but_not_at_abbreviations():
    doc = make_document(
        [
            (
                BlockKind.PARAGRAPH,
                "Bidders should train staff, e.g. ward nurses, on the system. No. of copies: one. "
                "The value is approx. £2 million. The Supplier shall comply.",
            )
        ]
    )
    assert units(doc) == [
        "Bidders should train staff, e.g. ward nurses, on the system.",
        "No. of copies: one.",
        "The value is approx. £2 million.",
        "The Supplier shall comply.",
    ]


def test_clause_numbers_stay_with_their_sentence_and_rows_are_whole():
    doc = make_document(
        [
            (BlockKind.HEADING, "3.2 Security"),
            (BlockKind.LIST_ITEM, "14.2. The Supplier shall keep records. It shall share them."),
            (BlockKind.TABLE_ROW, "R1 | The platform must log access. It must alert. | Mandatory"),
        ]
    )
    assert units(doc) == [
        "3.2 Security",
        "14.2. The Supplier shall keep records.",
        "It shall share them.",
        "R1 | The platform must log access. It must alert. | Mandatory",
    ]


def test_list_items_hang_from_a_colon_or_a_sentence_that_points_at_them():
    doc = segment(
        make_document(
            [
                (BlockKind.PARAGRAPH, "The Supplier shall:"),
                (BlockKind.LIST_ITEM, "(a) keep a hazard log."),
                (BlockKind.PARAGRAPH, "The service runs all year."),
                (BlockKind.LIST_ITEM, "• Weekends are covered."),
                (BlockKind.PARAGRAPH, "Below are the recommended reading times."),
                (BlockKind.TABLE_ROW, "Home blood pressure | Every morning"),
            ]
        )
    )
    assert lead_ins(doc) == [
        None,
        "The Supplier shall:",
        None,
        None,
        None,
        "Below are the recommended reading times.",
    ]


def test_a_list_ends_at_the_next_clause_of_its_lead_ins_level_and_items_open_no_new_list():
    doc = segment(
        make_document(
            [
                (BlockKind.LIST_ITEM, "3.8.2 The Supplier shall resolve incidents within these times:"),
                (BlockKind.LIST_ITEM, "(i) priority 1 (outage): response within 30 minutes;"),
                (BlockKind.LIST_ITEM, "(ii) priority 2 (degraded): response within 2 hours."),
                (BlockKind.LIST_ITEM, "3.8.3 The Supplier shall report monthly."),
            ]
        )
    )
    lead = "3.8.2 The Supplier shall resolve incidents within these times:"
    assert lead_ins(doc) == [None, lead, lead, None]
