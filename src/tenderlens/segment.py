"""Split a Document into units: sentences, clauses, list items and table rows.

A spaCy tokenizer (`spacy.blank("en")`) with tender abbreviations as special cases, and its
rule-based sentencizer, split paragraphs and list items; headings and table rows are one unit
each. A sentence made only of a clause number ("14.2.", "(a)") joins the sentence after it. Units
are char offsets into `Document.text`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from .document import BlockKind, Document

ABBREVIATIONS = (
    "No.",
    "no.",
    "Nos.",
    "approx.",
    "Approx.",
    "para.",
    "paras.",
    "Para.",
    "cl.",
    "Cl.",
    "Sch.",
    "sch.",
    "Ref.",
    "ref.",
    "St.",
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "vs.",
    "v.",
    "incl.",
    "excl.",
    "Ltd.",
    "Co.",
    "Art.",
    "reg.",
    "Reg.",
    "s.",
    "ss.",
    "p.",
    "pp.",
    "min.",
    "max.",
    "Fig.",
)
_WORD = re.compile(r"[A-Za-z]{2,}")


@lru_cache(maxsize=1)
def tokenizer_pipeline() -> Any:
    """spacy.blank('en') with the sentencizer and the abbreviations above kept whole."""
    import spacy
    from spacy.symbols import ORTH

    nlp: Any = spacy.blank("en")
    for abbreviation in ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    nlp.add_pipe("sentencizer")
    return nlp


def segment(doc: Document) -> Document:
    """Return ``doc`` with its units set, in reading order."""
    nlp = tokenizer_pipeline()
    units: list[tuple[int, int]] = []
    prose = [b for b in doc.blocks if b.kind in (BlockKind.PARAGRAPH, BlockKind.LIST_ITEM)]
    sentences = {}
    texts = (doc.text[b.start : b.end] for b in prose)
    for block, parsed in zip(prose, nlp.pipe(texts, batch_size=256), strict=True):
        sentences[block.start] = [(block.start + s.start_char, block.start + s.end_char) for s in parsed.sents]
    for block in doc.blocks:
        if block.kind in (BlockKind.HEADING, BlockKind.TABLE_ROW):
            units.append((block.start, block.end))
        else:
            units.extend(_merge_markers(doc.text, sentences[block.start]))
    return replace(doc, units=tuple(_strip(doc.text, units)))


def _merge_markers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    carry: int | None = None
    for start, end in spans:
        if carry is not None:
            start, carry = carry, None
        if len(_WORD.findall(text[start:end])) < 2 and end < spans[-1][1]:
            carry = start
            continue
        merged.append((start, end))
    if carry is not None and merged:
        merged[-1] = (merged[-1][0], spans[-1][1])
    elif carry is not None:
        merged.append((carry, spans[-1][1]))
    return merged


def _strip(text: str, units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in units:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append((start, end))
    return out


_INTRODUCES = re.compile(r"\b(below|the following|as follows)\b", re.IGNORECASE)


def lead_ins(doc: Document) -> list[str | None]:
    """For each unit, the lead-in it hangs from ("The Supplier shall:"), or None.

    A unit ending in a colon (or holding one and ending in the semicolon of a first item) opens a
    list, and so does a sentence that points at what follows ("Below are the recommended ...");
    the list items (and table rows) that follow it take it as their lead-in until a paragraph or
    heading closes the list.
    """
    out: list[str | None] = []
    current: str | None = None
    previous = ""
    for start, end in doc.units:
        block = doc.block_at(start)
        kind = block.kind if block else BlockKind.PARAGRAPH
        text = doc.text[start:end]
        listed = kind in (BlockKind.LIST_ITEM, BlockKind.TABLE_ROW) or previous.endswith((":", ";", " and", " or"))
        if current is not None and listed and not _outranks(text, current):
            out.append(current)
        else:
            out.append(None)
            current = None
        previous = text.rstrip()
        if previous.endswith(":") or (kind is BlockKind.PARAGRAPH and _INTRODUCES.search(text)):
            current = text
        elif previous.endswith(";") and ":" in previous and current is None:
            current = previous[: previous.index(":") + 1]  # "... shall include: (a) the first item;"
    return out


_CLAUSE_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s")


def _outranks(text: str, lead_in: str) -> bool:
    """A clause numbered at the lead-in's own level or above ("3.8.3" after "3.8.2 ... :") ends its list."""
    unit, lead = _CLAUSE_NUMBER.match(text), _CLAUSE_NUMBER.match(lead_in)
    if unit is None or lead is None:
        return False
    return unit.group(1).count(".") <= lead.group(1).count(".")
