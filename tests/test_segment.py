from __future__ import annotations

from conftest import make_document

from tenderlens.document import BlockKind
from tenderlens.segment import segment


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
