"""Requirement findings: which units impose a duty, mandatory or desirable, with their facts.

`ModalRules` is the first stage and the baseline every model is measured against: modal verbs
and their tender equivalents over the units of `segment.py`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from . import facts
from .document import BlockKind, Document, Finding, FindingKind

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
    rf"|\b{_PARTY}\s+will\b",
    re.IGNORECASE,
)
DESIRABLE = re.compile(
    r"\b(should|desirable|preferably|preferred|ideally|is encouraged|are encouraged|"
    r"would be an advantage|viewed favourably|may wish to|nice to have)\b",
    re.IGNORECASE,
)
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
        units = [u for u in doc.units if _eligible(doc, u[0])]
        scores = self.predict_proba([doc.text[s:e] for s, e in units])
        return doc.with_findings(requirement_findings(doc, units, scores, self.name))


def _eligible(doc: Document, offset: int) -> bool:
    block = doc.block_at(offset)
    return block is None or block.kind is not BlockKind.HEADING


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
