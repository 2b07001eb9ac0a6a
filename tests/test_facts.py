from __future__ import annotations

import pytest

from tenderlens import facts


@pytest.mark.parametrize(
    ("text", "kind", "quote", "value"),
    [
        (
            "Tenders must be received by 12:00 noon on 31st March 2025.",
            "deadline",
            "12:00 noon on 31st March 2025",
            "2025-03-31T12:00",
        ),
        ("Return it by 31/03/2025.", "deadline", "31/03/2025", "2025-03-31"),
        ("Go-live is planned for w/c 3 Nov.", "date", "w/c 3 Nov", "--11-03"),
        (
            "within 10 Working Days of the Call-Off Start Date.",
            "deadline",
            "within 10 Working Days of the Call-Off Start Date",
            "P10D",
        ),
        ("The value is £1.2m excluding VAT per annum.", "value", "£1.2m excluding VAT per annum", 1_200_000.0),
        ("a budget of £250,000 excluding VAT", "value", "£250,000 excluding VAT", 250_000.0),
        ("an initial term of three (3) years", "duration", "three (3) years", "P3Y"),
    ],
)
def test_facts_are_found_and_normalised(text, kind, quote, value):
    found = facts.find(text)
    assert [(f["kind"], f["text"], f["value"]) for f in found][:1] == [(kind, quote, value)]
    assert text[found[0]["start"] : found[0]["end"]] == quote


def test_money_details_and_repeated_durations():
    money = facts.find("£1.2m excluding VAT per annum")[0]
    assert money["vat"] == "excluded" and money["period"] == "P1Y" and money["currency"] == "GBP"
    extension = facts.find("with an option to extend by 2 x 12 months")[0]
    assert extension["value"] == "P12M" and extension["repeat"] == 2
    relative = facts.find("within 10 Working Days of the Call-Off Start Date.")[0]
    assert relative["working_days"] and relative["anchor"] == "the Call-Off Start Date"


def test_impossible_dates_are_not_facts():
    assert facts.find("Reference 31/02/2025 and 45/13/2025") == []
