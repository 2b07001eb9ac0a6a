"""Regulatory obligations: explicit mentions, implicit ones, and the ones other findings imply.

- explicit: an alias of the catalogue (`data/obligations.json`) is named, found by `PhraseIndex`
  whatever the case, spacing or hyphens ("DCB 0129", "dcb-0129", "ISO/IEC 27001:2022").
- implicit: a multi-label head over the shared MiniLM embeddings, trained on `corpora/obligations`.
  It also reads which obligations the unit's context named (its section heading and the units
  just before it), since the clauses after "2.3 ... registered with the CQC" go on about the CQC
  without naming it; a second head (`sequence`) reads the first head's probabilities for the
  units before, so an unnamed run of clauses carries on too.
- implied: the catalogue's implication rules ("DTAC implies DCB0129 ..."), reported with basis
  ``implied`` and the rule that implied them, citing the evidence of the obligation that implies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .document import BlockKind, Document, Finding, FindingKind
from .encode import EncoderRef
from .phrases import PhraseIndex, read_catalogue

EXPLICIT_SOURCE = "obligations.catalogue.v1"
IMPLIED_SOURCE = "obligations.implied.v1"
MIN_WORDS = 4  # shorter units are fragments of a table or a list: the implicit head reads sentences
CONTEXT_UNITS = 3  # preceding units that colour a unit's obligations
HEADING_WORDS = 8  # a unit this short without closing punctuation opens a section
_WORD = re.compile(r"[A-Za-z]{2,}")
_PIECE_BREAK = re.compile(r"\s*\|\s*|(?<=[.;:])\s+(?=\d{1,3}(?:\.\d{1,3})+\.?\s)")


@dataclass(frozen=True)
class Obligation:
    id: str
    name: str
    aliases: tuple[str, ...]
    what_it_takes: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Implication:
    when: str
    then: tuple[str, ...]
    rule: str
    source: str


@dataclass(frozen=True)
class Catalogue:
    obligations: dict[str, Obligation]
    implications: tuple[Implication, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.obligations)


@lru_cache(maxsize=4)
def catalogue(path: str | None = None) -> Catalogue:
    """The shipped catalogue, or a user's own file of the same shape."""
    data = read_catalogue("obligations.json", path)
    obligations = {
        o["id"]: Obligation(o["id"], o["name"], tuple(o["aliases"]), o["what_it_takes"], tuple(o["sources"]))
        for o in data["obligations"]
    }
    implications = tuple(
        Implication(i["if"], tuple(i["then"]), i["rule"], i["source"]) for i in data.get("implications", [])
    )
    return Catalogue(obligations, implications)


@lru_cache(maxsize=4)
def _aliases(path: str | None = None) -> PhraseIndex:
    # ids such as INSURANCE are everyday words: aliases only
    return PhraseIndex((alias, o.id) for o in catalogue(path).obligations.values() for alias in o.aliases)


def explicit_mentions(text: str, path: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, id) of every alias in ``text``, offsets into ``text``."""
    return _aliases(path).find(text)


def contexts(texts: Sequence[str], documents: Sequence[Any] | None = None) -> list[str]:
    """The context of each unit, in reading order: its section heading, then up to `CONTEXT_UNITS`
    preceding units of its document, nearest last, one a line. ``documents`` names the document
    of each unit (default: all one document)."""
    out: list[str] = []
    flat = [" ".join(t.split()) for t in texts]
    for _, group in groupby(range(len(flat)), key=lambda i: documents[i] if documents else None):
        rows, heading = list(group), ""
        for n, i in enumerate(rows):
            out.append("\n".join([heading, *(flat[j] for j in rows[max(0, n - CONTEXT_UNITS) : n])]))
            if opens_section(flat[i]):
                heading = flat[i]
    return out


def opens_section(text: str) -> bool:
    """Whether a unit read without its layout is a heading: short, outside a table, and without
    closing punctuation ("7. Social value", "Schedule 6: Insurance Requirements")."""
    flat = " ".join(text.split())
    return " | " not in flat and len(flat.split()) <= HEADING_WORDS and not flat.endswith((".", ";", ":", "?"))


def context_features(text: str, context: str | None) -> list[float]:
    """Per catalogue id, how near before the unit its context named it: 1 for the unit just
    before, halving with each unit further back, and 0.5 for the section heading."""
    scores = dict.fromkeys(catalogue().ids, 0.0)
    heading, *before = (context or "").split("\n")
    for _, _, oid in explicit_mentions(heading):
        scores[oid] = max(scores[oid], 0.5)
    for distance, unit in enumerate(reversed(before)):
        for _, _, oid in explicit_mentions(unit):
            scores[oid] = max(scores[oid], 0.5**distance)
    return list(scores.values())


class ObligationModel:
    """Explicit aliases plus the implicit head, per unit; then implications over the document."""

    def __init__(self, folder: str | Path | None = None, encoder: Any = None, threshold: float | None = None) -> None:
        from .models import latest, load_folder

        folder = folder or latest("obligations")
        self.head = None
        self.ngrams = 0
        self.name = EXPLICIT_SOURCE
        if folder is not None:
            heads, config, meta = load_folder(folder)
            self.head = heads["obligations"]
            self.ngrams = int(config.get("hashed_ngrams", 0))
            self.context_scale = float(config.get("lexical_scale", 1.0))
            self.sequence = heads.get("sequence")
            self.sequence_scale = float(config.get("sequence_scale", 0.0))
            self.threshold = float(threshold or config.get("threshold", 0.5))
            self.model_name = f"obligations.minilm-head.{meta['version']}"
        self.encoder = EncoderRef(folder, encoder)

    def predict_proba(self, texts: Sequence[str], documents: Sequence[Any] | None = None) -> NDArray[np.float64]:
        """Implicit-head probabilities, one column per `classes_` id, for units in reading order;
        ``documents`` names the document of each (default: all one document)."""
        from .models import sequence_proba, with_lexical, with_ngrams

        if self.head is None or not texts:
            return np.zeros((len(texts), 0))
        documents = documents or [None] * len(texts)
        features = self.encoder.encode(list(texts)).astype(np.float64)
        features = with_lexical(features, texts, contexts(texts, documents), context_features, self.context_scale)
        if self.ngrams:
            features = with_ngrams(features, texts, self.ngrams)
        return sequence_proba(self.head, self.sequence, features, documents, self.sequence_scale)

    @property
    def classes_(self) -> NDArray[Any]:
        return self.head.classes_ if self.head is not None else np.array([])

    def predict(
        self,
        texts: Sequence[str],
        implicit: Sequence[bool] | None = None,
        documents: Sequence[Any] | None = None,
        headings: Sequence[bool] | None = None,
    ) -> list[dict[str, tuple[str, float]]]:
        """For each text: id -> (basis, score), explicit mentions first; the head only where
        ``implicit``. A heading names a topic and carries nothing; the clauses under it do
        (``headings`` defaults to `opens_section` of each text)."""
        proba = self.predict_proba(texts, documents)
        headings = [opens_section(t) for t in texts] if headings is None else headings
        out = []
        for i, text in enumerate(texts):
            found: dict[str, tuple[str, float]] = {}
            if headings[i]:
                out.append(found)
                continue
            for _, _, oid in explicit_mentions(text):
                found[oid] = ("explicit", 0.99)
            if implicit is not None and not implicit[i]:
                out.append(found)
                continue
            for j, oid in enumerate(self.classes_):
                if proba[i, j] >= self.threshold and str(oid) not in found:
                    found[str(oid)] = ("implicit", float(proba[i, j]))
            out.append(found)
        return out

    def __call__(self, doc: Document) -> Document:
        units = [piece for unit in doc.units for piece in _pieces(doc, unit)]
        texts = [doc.text[s:e] for s, e in units]
        headings = [_is_heading(doc, start) for start, _ in units]
        implicit = [not h and len(_WORD.findall(t)) >= MIN_WORDS for h, t in zip(headings, texts, strict=True)]
        findings: list[Finding] = []
        for (start, end), found in zip(units, self.predict(texts, implicit, headings=headings), strict=True):
            for oid, (basis, score) in found.items():
                source = EXPLICIT_SOURCE if basis == "explicit" else self.model_name
                findings.append(
                    Finding(FindingKind.OBLIGATION, oid, doc.evidence(start, end), score, source, {"basis": basis})
                )
        findings += implied(findings)
        return _attach(doc.with_findings(findings), findings)


def _pieces(doc: Document, unit: tuple[int, int]) -> list[tuple[int, int]]:
    """A table row split into its cells and the numbered clauses inside them; other units whole.

    Rows of a specification often hold a dozen clauses; an obligation belongs to the one clause
    that names or describes it, and that clause is the evidence a reader wants.
    """
    start, end = unit
    block = doc.block_at(start)
    if block is None or block.kind is not BlockKind.TABLE_ROW:
        return [unit]
    pieces, at = [], start
    for match in _PIECE_BREAK.finditer(doc.text, start, end):
        if match.start() > at:
            pieces.append((at, match.start()))
        at = match.end()
    if end > at:
        pieces.append((at, end))
    return pieces


def _is_heading(doc: Document, start: int) -> bool:
    block = doc.block_at(start)
    return block is not None and block.kind is BlockKind.HEADING


def implied(found: Sequence[Finding], path: str | None = None) -> list[Finding]:
    """Obligations implied by others and not found themselves; each cites what implied it."""
    present = {f.label for f in found}
    first: dict[str, Finding] = {}
    for f in found:
        first.setdefault(f.label, f)
    out = []
    for rule in catalogue(path).implications:
        if rule.when not in first:
            continue
        for oid in rule.then:
            if oid in present:
                continue
            present.add(oid)
            cause = first[rule.when]
            out.append(
                Finding(
                    FindingKind.OBLIGATION,
                    oid,
                    cause.evidence,
                    cause.score,
                    IMPLIED_SOURCE,
                    {"basis": "implied", "implied_by": rule.when, "rule": rule.rule, "rule_source": rule.source},
                )
            )
    return out


def _attach(doc: Document, obligations: Sequence[Finding]) -> Document:
    """Requirement findings list the (found, not implied) obligations found within their text."""
    found = [f for f in obligations if f.attrs.get("basis") != "implied"]

    def within(requirement: Finding) -> list[str]:
        span = requirement.evidence
        return sorted({f.label for f in found if span.start <= f.evidence.start < span.end})

    findings = tuple(
        replace(f, attrs={**f.attrs, "obligations": ids})
        if f.kind is FindingKind.REQUIREMENT and (ids := within(f))
        else f
        for f in doc.findings
    )
    return replace(doc, findings=findings)


def summary(doc: Document, path: str | None = None) -> list[dict[str, Any]]:
    """Per obligation: found or implied, the strongest evidence, pages, what it takes, sources.

    The strongest evidence names the obligation, inside a mandatory requirement if it can: "must
    hold Cyber Essentials Plus" says more than the definition of the term."""
    cat = catalogue(path)
    grouped: dict[str, list[Finding]] = {}
    mandatory: list[tuple[int, int]] = []
    for f in doc.findings:
        if f.kind is FindingKind.OBLIGATION:
            grouped.setdefault(f.label, []).append(f)
        elif f.kind is FindingKind.REQUIREMENT and f.label == "mandatory":
            mandatory.append((f.evidence.start, f.evidence.end))

    def strength(f: Finding) -> tuple[bool, bool, float]:
        required = any(start <= f.evidence.start < end for start, end in mandatory)
        return f.attrs.get("basis") == "explicit", required, f.score

    rows = []
    for oid in cat.ids:
        if oid not in grouped:
            continue
        items = grouped[oid]
        found = [f for f in items if f.attrs.get("basis") != "implied"]
        best = max(found or items, key=strength)
        obligation = cat.obligations[oid]
        rows.append(
            {
                "id": oid,
                "name": obligation.name,
                "status": "found" if found else "implied",
                "basis": sorted({str(f.attrs.get("basis")) for f in items}),
                "pages": sorted({f.evidence.page for f in found or items}),
                "evidence": {"page": best.evidence.page, "text": " ".join(best.evidence.text.split())},
                "what_it_takes": obligation.what_it_takes,
                "sources": list(obligation.sources),
                **({"implied_by": best.attrs["implied_by"], "rule": best.attrs["rule"]} if not found else {}),
            }
        )
    return rows
