from __future__ import annotations

import numpy as np
import pytest
from conftest import make_document

from tenderlens.document import BlockKind, FindingKind
from tenderlens.requirements import LABELS, ModalRules, contents_line, instructions, modal_cues
from tenderlens.segment import segment

# columns: none, mandatory, desirable; the head is unsure between the two modalities
UNSURE = np.array([[0.1, 0.5, 0.4]])


@pytest.mark.parametrize(
    ("text", "lead_in", "expected"),
    [
        ("The Supplier shall keep a hazard log.", None, "mandatory"),
        ("Bidders should describe their roadmap.", None, "desirable"),
        ("Should a test fail, the Supplier must repeat it.", None, "mandatory"),  # a condition, not advice
        ("(a) a named clinical safety officer;", "Bidders should include:", "desirable"),
        ("Home blood pressure | Every morning", "Below are our recommendations on reading times.", "desirable"),
        ("(b) monthly reports;", "The Supplier is required to provide:", "mandatory"),
        ("The service runs all year round.", None, "mandatory"),  # no cue: the head's choice stands
    ],
)
def test_an_unambiguous_modal_cue_decides_the_modality(text, lead_in, expected):
    proba = modal_cues([text], [lead_in], UNSURE)
    assert LABELS[int(proba[0].argmax())] == expected
    assert sorted(proba[0]) == sorted(UNSURE[0])  # scores are swapped, never invented


def test_modal_rules_mark_duties_and_skip_definitions_and_headings():
    doc = segment(
        make_document(
            [
                (BlockKind.HEADING, "4. The Supplier shall comply"),
                (BlockKind.PARAGRAPH, "The Supplier shall hold Cyber Essentials Plus."),
                (BlockKind.PARAGRAPH, "Bidders should describe their social value offer."),
                (BlockKind.PARAGRAPH, "'Services' shall mean the services in Schedule 2."),
            ]
        )
    )
    found = {f.evidence.text: f.label for f in ModalRules()(doc).findings if f.kind is FindingKind.REQUIREMENT}
    assert found == {
        "The Supplier shall hold Cyber Essentials Plus.": "mandatory",
        "Bidders should describe their social value offer.": "desirable",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Q2 Explain how you will protect patient data.", "mandatory"),
        ("4.4.3 Do not include marketing brochures.", "mandatory"),
        ("Name each file with the question number.", "mandatory"),
        ("provide a lung health check to every eligible resident;", "none"),  # continues a lead-in
        ("Name of organisation", "none"),
    ],
)
def test_an_instruction_to_the_bidder_is_never_scored_none(text, expected):
    proba = instructions([text], np.array([[0.6, 0.3, 0.1]]))
    assert LABELS[int(proba[0].argmax())] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 Introduction 2 Background and context 3 Specification of requirements 4 Instructions", True),
        ("4.2 Social value requirements ............ 17", True),
        ("Tender published 2 February 2026; clarifications close 3 March 2026; tenders due 4 April", False),
        ("1.2 The Supplier shall provide 3 Reports to 4 Boards.", False),
        ("3.1 The Supplier shall keep a hazard log.", False),
    ],
)
def test_lines_of_a_table_of_contents_are_recognised(text, expected):
    assert contents_line(text) is expected
