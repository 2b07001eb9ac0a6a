"""Requirement findings: which units impose a duty, mandatory or desirable, with their facts.

`ModalRules` is the first stage and the baseline every model is measured against: modal verbs
and their tender equivalents over the units of `segment.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import facts
from .document import BlockKind, Document, Finding, FindingKind
from .encode import EncoderRef

LABELS = ("none", "mandatory", "desirable")

_PARTY = (
    r"(?:the\s+)?(?:supplier|contractor|provider|service provider|bidder|tenderer|potential provider|"
    r"applicant|participant|successful \w+|authority|buyer|trust|icb|commissioner|council|parties|"
    r"you|we|they|it|staff|all \w+)s?"
)
MANDATORY = re.compile(
    r"\b(must|shall|is required to|are required to|will be required to|has to|have to|needs? to|"
    r"is responsible for|are responsible for|is obliged to|are obliged to|undertakes? to|"
    r"is a condition of|are to)\b"
    rf"|\b{_PARTY}\s+will\b"
    r"|^\W*(?:[\w.()]{1,8}\s+)?no\s+(?:[\w-]+\s+){1,5}(?:may|shall|can)\b",  # a prohibition: "No staff may ..."
    re.IGNORECASE,
)
DESIRABLE = re.compile(
    # "should a Test fail" opens a condition: no advice there
    r"\b(should(?!\s+(?:a|an|any|the|there|it|this|that|such|they|you|we)\b)|desirable|preferably|preferred|"
    r"ideally|is encouraged|are encouraged|"
    r"would be an advantage|viewed favourably|may wish to|nice to have)\b",
    re.IGNORECASE,
)
# a lead-in that offers advice makes the items under it advice ("Below are our recommendations ...")
ADVISORY = re.compile(r"\b(recommend(?:s|ed|ations?)?|suggest(?:s|ed|ions?)?|advised|advisory)\b", re.IGNORECASE)
NOT_A_DUTY = re.compile(
    r"\b(shall mean|shall have the meaning|means|shall not apply|nothing in this|shall be read|"
    r"shall be construed|shall be deemed)\b",
    re.IGNORECASE,
)


class ModalRules:
    """Requirement or not, and modality, from modal verbs (``requirements.rules.v1``)."""

    name = "requirements.rules.v1"
    classes_ = np.array(LABELS)

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        scores = np.zeros((len(texts), len(LABELS)))
        for i, text in enumerate(texts):
            if len(text.split()) < 4 or NOT_A_DUTY.search(text):
                scores[i] = (0.9, 0.05, 0.05)
            elif MANDATORY.search(text):
                scores[i] = (0.1, 0.8, 0.1)
            elif DESIRABLE.search(text):
                scores[i] = (0.15, 0.1, 0.75)
            else:
                scores[i] = (0.9, 0.05, 0.05)
        return scores

    def __call__(self, doc: Document) -> Document:
        units = [u for u in doc.units if _eligible(doc, u)]
        scores = self.predict_proba([doc.text[s:e] for s, e in units])
        return doc.with_findings(requirement_findings(doc, units, scores, self.name))


_MONTH = "|".join(sorted(facts.MONTHS, key=len, reverse=True))
_SECTION = re.compile(rf"(?:^|\s)(\d{{1,2}})(?:\.\d{{1,2}})*\.?\s+(?!(?i:{_MONTH})\b)[A-Z][a-z]")  # not "2 March"
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d{1,3}\s*$")


def _eligible(doc: Document, unit: tuple[int, int]) -> bool:
    """Headings and lines of a table of contents are never requirements (labels.md section 1)."""
    block = doc.block_at(unit[0])
    return (block is None or block.kind is not BlockKind.HEADING) and not contents_line(doc.text[unit[0] : unit[1]])


def contents_line(text: str) -> bool:
    """A line of a table of contents: a dot leader to a page number, or three or more consecutive
    section numbers each opening a title ("1 Introduction 2 Background 3 Specification"), with no
    modal verb."""
    numbers = [int(n) for n in _SECTION.findall(text)]
    consecutive = len(numbers) >= 3 and all(b == a + 1 for a, b in pairwise(numbers))
    return (consecutive and not MANDATORY.search(text)) or bool(_DOT_LEADER.search(text))


def requirement_findings(
    doc: Document, units: Sequence[tuple[int, int]], scores: NDArray[np.float64], source: str
) -> list[Finding]:
    """Write a finding for each unit whose best label is a requirement."""
    findings = []
    for (start, end), row in zip(units, scores, strict=True):
        best = int(np.argmax(row))
        if LABELS[best] == "none":
            continue
        found = facts.find(doc.text[start:end])
        for fact in found:
            fact["start"] += start
            fact["end"] += start
        block = doc.block_at(start)
        findings.append(
            Finding(
                FindingKind.REQUIREMENT,
                LABELS[best],
                doc.evidence(start, end),
                float(row[best]),
                source,
                {"section": block.section if block else "", "facts": found},
            )
        )
    return findings


# -- the trained head ---------------------------------------------------------------------------

CATEGORIES = (
    "technical",
    "functional",
    "information_governance",
    "clinical_safety",
    "service_levels",
    "staffing",
    "commercial",
    "legal",
    "social_value_environment",
    "reporting",
    "implementation",
    "other",
)
_CLAUSE = r"[\dA-Za-z]{1,3}[.)]|\(?[ivx]{1,5}\)|\d+(?:\.\d+)+\.?"  # "a." "(iv)" "3.2.1"
_CLAUSE_NUMBER = re.compile(rf"^\W*(?:{_CLAUSE})\s+")
_PERMISSION = re.compile(r"\b(may|can|could|reserves the right|is entitled|at its (sole )?discretion)\b", re.I)
_IMPERATIVE = re.compile(
    r"^(?:[\w.()]{1,8}\s+)?(provide|describe|ensure|demonstrate|confirm|submit|maintain|supply|deliver|comply|give|"
    r"explain|set out|detail|state|outline|identify|include|support|offer|evidence|agree|notify|attend|complete|"
    r"hold|have|be|use|record|report|make|keep|meet|undertake|produce|publish|appoint)\b",
    re.I,
)
_TABLE_MANDATORY = re.compile(r"\|\s*(mandatory|essential|must|pass\s*/\s*fail|required|yes)\s*(\||$)", re.I)
_TABLE_DESIRABLE = re.compile(r"\|\s*(desirable|optional|preferred|nice to have|should|scored)\s*(\||$)", re.I)
_WORDS = re.compile(r"[A-Za-z]+")

LEXICAL = (
    "mandatory_word",
    "desirable_word",
    "permission_word",
    "not_a_duty",
    "imperative",
    "lead_in",
    "ends_colon",
    "table_mandatory",
    "table_desirable",
    "lowercase_start",
    "short",
    "shouting",
    "context_mandatory",
    "context_desirable",
    "log_words",
)


def lexical_features(text: str, lead_in: str | None = None) -> list[float]:
    """Cues that embeddings blur: modal verbs, lead-ins, priority columns, fragments."""
    words = _WORDS.findall(text)
    letters = "".join(words)
    body = _CLAUSE_NUMBER.sub("", text.strip())
    return [
        float(bool(MANDATORY.search(text))),
        float(bool(DESIRABLE.search(text))),
        float(bool(_PERMISSION.search(text))),
        float(bool(NOT_A_DUTY.search(text))),
        float(bool(_IMPERATIVE.match(body))),
        float(lead_in is not None),
        float(text.rstrip().endswith(":")),
        float(bool(_TABLE_MANDATORY.search(text))),
        float(bool(_TABLE_DESIRABLE.search(text))),
        float(body[:1].islower()),
        float(len(words) < 5),
        float(len(letters) > 3 and sum(c.isupper() for c in letters) > 0.8 * len(letters)),
        float(lead_in is not None and bool(MANDATORY.search(lead_in))),
        float(lead_in is not None and bool(DESIRABLE.search(lead_in) or ADVISORY.search(lead_in))),
        float(np.log1p(len(words)) / 5),
    ]


def modal_cues(texts: Sequence[str], lead_ins: Sequence[str | None], proba: NDArray[np.float64]) -> NDArray[np.float64]:
    """Let an unambiguous modal verb decide mandatory vs desirable; the head decides whether a duty.

    Columns follow `LABELS`. Where the text (or, failing that, its lead-in) has a mandatory cue and
    no desirable one, the larger of the two modality scores goes to mandatory, and vice versa.
    """
    out = proba.copy()
    for i, (text, lead_in) in enumerate(zip(texts, lead_ins, strict=True)):
        cue = _cue(text)
        if cue is None and lead_in:
            cue = _cue(lead_in, ADVISORY)
        if cue is not None:
            low, high = sorted(out[i, 1:])
            out[i, 1:] = (high, low) if cue == "mandatory" else (low, high)
    return out


# an instruction to the bidder opens with a capitalised directive ("Q2 Explain how ...", "Do not
# include ..."); lower-case items continue a lead-in ("we will: provide ..."), which decides for them
INSTRUCTION = re.compile(
    r"^(?:Please\s+)?(?:Provide|Describe|Explain|Set out|Outline|Demonstrate|Confirm|Submit|Ensure|Specify|"
    r"Summarise|Tell us|Do not|(?:Name|List|State|Show|Identify) (?:each|every|all|any|the|your|how|whether|which))\b"
)
_QUESTION_NUMBER = re.compile(rf"^\W*(?:{_CLAUSE}|Q\d+[a-z]?[.:]?)\s+")  # "Q2 Explain ..."


def instructions(texts: Sequence[str], proba: NDArray[np.float64]) -> NDArray[np.float64]:
    """An instruction to the bidder is a duty, whatever the head says: it never scores as `none`.

    Columns follow `LABELS`; where `none` leads, it swaps places with the better duty score.
    """
    out = proba.copy()
    for i, text in enumerate(texts):
        if INSTRUCTION.match(_QUESTION_NUMBER.sub("", text.strip())) and out[i].argmax() == 0:
            duty = 1 + int(out[i, 1:].argmax())
            out[i, 0], out[i, duty] = out[i, duty], out[i, 0]
    return out


def _cue(text: str, advisory: re.Pattern[str] | None = None) -> str | None:
    mandatory = bool(MANDATORY.search(text))
    desirable = bool(DESIRABLE.search(text) or (advisory and advisory.search(text)))
    if mandatory != desirable:
        return "mandatory" if mandatory else "desirable"
    return None


class RequirementModel:
    """MiniLM embeddings plus lexical cues -> none | mandatory | desirable, and a category."""

    def __init__(self, folder: str | Path | None = None, encoder: Any = None) -> None:
        from .models import latest, load_folder

        folder = folder or latest("requirements")
        if folder is None:
            from .errors import Errors, ModelError

            raise ModelError(Errors.E201, path="models/", name="a requirements-* model folder")
        self.heads, self.config, self.meta = load_folder(folder)
        self.name = f"requirements.minilm-head.{self.meta['version']}"
        self.encoder = EncoderRef(folder, encoder)

    @property
    def classes_(self) -> NDArray[Any]:
        return self.heads["requirement"].classes_

    def predict_proba(self, texts: Sequence[str], lead_ins: Sequence[str | None] | None = None) -> NDArray[np.float64]:
        from .models import with_lexical

        scale = float(self.config.get("lexical_scale", 1.0))
        contexts = lead_ins or [None] * len(texts)
        X = with_lexical(self.encoder.encode(list(texts)), texts, contexts, lexical_features, scale)
        return self.heads["requirement"].predict_proba(X)

    def predict_category(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        if not texts:
            return []
        X = self.encoder.encode(list(texts)).astype(np.float64)
        proba = self.heads["category"].predict_proba(X)
        classes = self.heads["category"].classes_
        return [(str(classes[i]), float(p[i])) for p, i in zip(proba, proba.argmax(axis=1), strict=True)]

    def __call__(self, doc: Document) -> Document:
        from .segment import lead_ins

        contexts = lead_ins(doc)
        chosen = [(u, c) for u, c in zip(doc.units, contexts, strict=True) if _eligible(doc, u)]
        units = [u for u, _ in chosen]
        texts = [doc.text[s:e] for s, e in units]
        contexts_chosen = [c for _, c in chosen]
        proba = self.predict_proba(texts, contexts_chosen)[:, [list(self.classes_).index(label) for label in LABELS]]
        proba = modal_cues(texts, contexts_chosen, instructions(texts, proba))
        findings = requirement_findings(doc, units, proba, self.name)
        categories = self.predict_category([f.evidence.text for f in findings])
        contexts_by_start = {u[0]: c for u, c in chosen}
        findings = [
            replace(
                f,
                attrs={
                    **f.attrs,
                    "category": category,
                    **(
                        {"lead_in": contexts_by_start[f.evidence.start]}
                        if contexts_by_start.get(f.evidence.start)
                        else {}
                    ),
                },
            )
            for f, (category, _) in zip(findings, categories, strict=True)
        ]
        return doc.with_findings(findings)
