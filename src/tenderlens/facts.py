"""Dates, deadlines, money and durations in UK tender wording, normalised and kept with their quotes.

Patterns are day-first (UK). Each fact is a dict with ``kind`` (date | deadline | value |
duration), ``text`` (the exact quote), ``start``/``end`` (offsets into the string given) and a
normalised ``value``: ISO 8601 date or time, GBP amount, or ISO 8601 duration.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAYNAME = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_TIME = (
    r"(?:(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>am|pm|noon|midday|hrs|hours)?\s*"
    r"(?:\((?:noon|midday)\)\s*)?(?:on|,)?\s+)?"
)
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
}
_COUNT = r"(?P<count>\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")(?:\s*\(\d{1,3}\))?"

DATE_LONG = re.compile(
    rf"\b{_TIME}{_DAYNAME}(?:w/c\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})(?:,?\s+(?P<year>\d{{4}}))?\b",
    re.IGNORECASE,
)
DATE_NUMERIC = re.compile(rf"\b{_TIME}(?P<day>\d{{1,2}})[/.](?P<month>\d{{1,2}})[/.](?P<year>\d{{4}}|\d{{2}})\b", re.I)
DATE_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<year>20\d\d)\b", re.IGNORECASE)
RELATIVE = re.compile(
    rf"\b(?:within|no later than|not later than|at least|not less than)\s+{_COUNT}\s+"
    r"(?P<unit>working days?|business days?|calendar days?|days?|weeks?|months?|years?|hours?)"
    r"(?:\s+(?:of|after|from|before|following|prior to)\s+(?P<anchor>(?:the\s+)?[A-Za-z][\w\- ]{2,60}?))?"
    r"(?=[.,;:)]|\s+(?:and|or|to|in|unless|where)\b|$)",
    re.IGNORECASE,
)
MONEY = re.compile(
    r"£\s?(?P<amount>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<pence>\d{1,2}))?\s*(?P<scale>m\b|mn\b|million\b|bn\b|billion\b|k\b)?"
    r"(?P<tail>(?:\s*\(?(?:excluding|exclusive of|excl\.?|ex\.?|including|inclusive of|incl\.?|plus)\s+VAT\)?)?"
    r"(?:\s*(?:per annum|p\.a\.|per year|a year|per month|per hour|over the (?:life|term) of the contract))?)",
    re.IGNORECASE,
)
DURATION = re.compile(
    rf"\b(?:(?P<times>\d|one|two|three|four)\s*(?:x|×)\s*)?{_COUNT}[\s-]+(?P<unit>years?|months?|weeks?)\b",
    re.IGNORECASE,
)
_DEADLINE_CUE = re.compile(
    r"\b(by|before|no later than|not later than|deadline|due|closing|close|submit|return|received|until|latest)\b",
    re.IGNORECASE,
)


SCALES = {"k": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
PERIODS = {"per month": "P1M", "per hour": "PT1H", "life": "contract", "term": "contract"}


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _count(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBER_WORDS[text.lower()]


def _year(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _iso(day: int, month: int, year: int | None, hour: str | None, minute: str | None, ampm: str | None) -> str | None:
    try:
        when = date(year or 2000, month, day)
    except ValueError:
        return None
    iso = when.isoformat() if year else f"--{month:02d}-{day:02d}"
    if hour is not None and (ampm or minute):
        h = int(hour)
        if ampm and ampm.lower() == "pm" and h < 12:
            h += 12
        if h > 23 or int(minute or 0) > 59:
            return iso
        iso += f"T{h:02d}:{int(minute or 0):02d}"
    return iso


def find(text: str) -> list[dict[str, Any]]:
    """Every fact in ``text``, in order; overlapping matches keep the longest."""
    found: list[dict[str, Any]] = []
    cue = bool(_DEADLINE_CUE.search(text))
    for m in DATE_LONG.finditer(text):
        iso = _iso(
            int(m["day"]), MONTHS[m["month"].lower().rstrip(".")], _year(m["year"]), m["hour"], m["minute"], m["ampm"]
        )
        if iso:
            found.append(_fact("deadline" if cue else "date", m, iso))
    for m in DATE_NUMERIC.finditer(text):
        month = int(m["month"])
        if 1 <= month <= 12:
            iso = _iso(int(m["day"]), month, _year(m["year"]), m["hour"], m["minute"], m["ampm"])
            if iso:
                found.append(_fact("deadline" if cue else "date", m, iso))
    for m in DATE_MONTH_YEAR.finditer(text):
        found.append(
            _fact(
                "deadline" if cue else "date", m, f"{int(m['year']):04d}-{MONTHS[m['month'].lower().rstrip('.')]:02d}"
            )
        )
    for m in RELATIVE.finditer(text):
        unit = m["unit"].lower()
        letter = {"y": "Y", "m": "M", "w": "W", "h": "H"}.get(unit.split()[-1][0], "D")
        value = f"PT{_count(m['count'])}H" if letter == "H" else f"P{_count(m['count'])}{letter}"
        fact = _fact("deadline", m, value)
        fact["working_days"] = unit.startswith(("working", "business"))
        if m["anchor"]:
            fact["anchor"] = m["anchor"].strip()
        found.append(fact)
    for m in MONEY.finditer(text):
        amount = float(m["amount"].replace(",", "") + "." + (m["pence"] or "0"))
        scale = (m["scale"] or "").lower()
        amount *= (
            1e9
            if scale in ("bn", "billion")
            else 1e6
            if scale in ("m", "mn", "million")
            else 1e3
            if scale == "k"
            else 1
        )
        fact = _fact("value", m, round(amount, 2))
        tail = (m["tail"] or "").lower()
        fact["currency"] = "GBP"
        if "vat" in tail:
            fact["vat"] = "excluded" if re.search(r"ex", tail) else "plus" if "plus" in tail else "included"
        period = re.search(r"per annum|p\.a\.|per year|a year|per month|per hour|life|term", tail)
        if period:
            fact["period"] = {"per month": "P1M", "per hour": "PT1H", "life": "contract", "term": "contract"}.get(
                period.group(0), "P1Y"
            )
        found.append(fact)
    for m in DURATION.finditer(text):
        letter = m["unit"][0].upper()
        fact = _fact("duration", m, f"P{_count(m['count'])}{letter}")
        if m["times"]:
            fact["repeat"] = _count(m["times"])
        found.append(fact)
    return _longest(found)


def _fact(kind: str, m: re.Match[str], value: Any) -> dict[str, Any]:
    start, end = m.span()
    quote = m.group(0)
    stripped = quote.rstrip(" ,")
    return {"kind": kind, "text": stripped, "start": start, "end": end - (len(quote) - len(stripped)), "value": value}


def _longest(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept: list[dict[str, Any]] = []
    for fact in sorted(facts, key=lambda f: (f["start"], -(f["end"] - f["start"]))):
        if kept and fact["start"] < kept[-1]["end"]:
            continue
        kept.append(fact)
    return kept
