from __future__ import annotations

import pytest
from conftest import make_document

from tenderlens.commitments import CommitmentModel, target_date
from tenderlens.document import BlockKind, FindingKind
from tenderlens.pipeline import Pipeline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("By 2028 every patient will use the NHS App.", "2028"),
        ("ICBs will be expected to do this by March 2027.", "2027-03"),
        ("We will deliver this in 2026/27.", "2027-03"),
        ("We will do it within the decade.", None),
        ("We have delivered 40 centres.", None),
    ],
)
def test_target_dates(text, expected):
    assert target_date(text) == expected


def test_within_the_decade_needs_an_anchor():
    assert target_date("We will do it within the decade.", anchor_year=2025) == "2035"


POLICY = [
    "By 2028 every patient will be able to book appointments through the NHS App.",
    "We will open neighbourhood health centres in every community by 2030.",
    "We are committing £2 billion to a single patient record by 2029.",
    "Waiting lists grew during the pandemic and staff morale fell.",
    "Our ambition is that by 2035 most outpatient care happens closer to home.",
]


def test_policy_documents_are_recognised_and_give_commitments():
    doc = make_document([(BlockKind.PARAGRAPH, t) for t in POLICY])
    out = CommitmentModel()(Pipeline.from_names(["segment.v1"])(doc))
    assert out.meta["kind"] == "policy"
    found = {f.evidence.text: f.attrs["target_date"] for f in out.findings if f.kind is FindingKind.COMMITMENT}
    assert found[POLICY[0]] == "2028" and found[POLICY[2]] == "2029"
    assert POLICY[3] not in found


def test_tenders_are_not_policy():
    doc = make_document(
        [
            (BlockKind.PARAGRAPH, t)
            for t in [
                "The Supplier shall host all data in the UK.",
                "The Supplier must hold Cyber Essentials Plus.",
                "Tenders must be received by 16 March 2026.",
                "The Trust will publish the award notice.",
            ]
        ]
    )
    out = CommitmentModel()(Pipeline.from_names(["segment.v1", "requirements.rules.v1"])(doc))
    assert out.meta["kind"] == "tender"
    assert not [f for f in out.findings if f.kind is FindingKind.COMMITMENT]
