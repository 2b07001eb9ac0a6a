"""Policy commitments: forward-looking promises and targets, with their target dates normalised.

A binary head over the shared MiniLM embeddings (plus a few cues such as "we will" and "by 2030")
scores each unit. A document is recognised as a policy document (not a tender) when it holds at
least `MIN_COMMITMENTS` commitments and at least half as many as it has mandatory requirements;
only then are commitment findings written, so a tender's "the Trust will publish the award" is
not reported as a policy promise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .document import Document, Finding, FindingKind
from .encode import EncoderRef

MIN_COMMITMENTS = 3
_PROMISE = re.compile(
    r"\b(we will|we shall|we are committing|we commit|we have committed|our ambition|we aim|we intend|"
    r"will be expected to|will ensure|will deliver|we are investing|will be rolled out|will have)\b",
    re.I,
)
_TARGET = re.compile(
    r"\b(by|before|within|from|until|in)\s+(the\s+)?(end of\s+)?(\w+\s+)?(20\d\d)|\bwithin the decade\b", re.I
)
_PAST = re.compile(r"\b(we have|has been|have been|was|were|did|delivered|achieved)\b", re.I)
_CONDITIONAL = re.compile(r"\b(may|might|could|consider|if)\b", re.I)
_FUTURE = re.compile(r"\b(will|shall|must|is to|are to)\b", re.I)
_YEAR = re.compile(r"\b20[2-4]\d\b")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}

LEXICAL = ("promise", "target", "past", "conditional", "question", "future", "lead_in", "table_row", "dated_row")


def lexical_features(text: str, lead_in: str | None = None) -> list[float]:
    context = f"{lead_in or ''} {text}"
    return [
        float(bool(_PROMISE.search(context))),
        float(bool(_TARGET.search(context))),
        float(bool(_PAST.search(text))),
        float(bool(_CONDITIONAL.search(text))),
        float(text.rstrip().endswith("?")),
        float(bool(_FUTURE.search(text))),
        float(text.rstrip().endswith(":")),  # a lead-in: its items carry the promises
        float(" | " in text),
        float(" | " in text and bool(_YEAR.search(text))),  # a row of a targets table
    ]


def target_date(text: str, anchor_year: int | None = None) -> str | None:
    """The stated target: '2028', '2027-03' ("by March 2027", "2026/27"), or None."""
    financial = re.search(r"\b(20\d\d)\s*/\s*(\d\d)\b", text)
    if financial:
        return f"20{financial.group(2)}-03"
    month_year = re.search(r"\b(" + "|".join(_MONTHS) + r")\s+(20\d\d)\b", text, re.I)
    if month_year:
        return f"{month_year.group(2)}-{_MONTHS[month_year.group(1).lower()]:02d}"
    year = re.search(r"\b(?:by|before|in|until|from|end of|during)\s+(?:the\s+end\s+of\s+)?(20\d\d)\b", text, re.I)
    if year:
        return year.group(1)
    if anchor_year and re.search(r"\bwithin the (next )?decade\b|\bby the end of the decade\b", text, re.I):
        return str(anchor_year + 10) if "within" in text.lower() else str(anchor_year // 10 * 10 + 10)
    bare = re.findall(r"\b(20[2-5]\d)\b", text)
    return bare[-1] if bare and _PROMISE.search(text) else None


class CommitmentModel:
    """Commitment or not, per unit; findings only in documents recognised as policy."""

    def __init__(self, folder: str | Path | None = None, encoder: Any = None) -> None:
        from .models import latest, load_folder

        folder = folder or latest("commitments")
        if folder is None:
            from .errors import Errors, ModelError

            raise ModelError(Errors.E201, path="models/", name="a commitments-* model folder")
        heads, config, meta = load_folder(folder)
        self.head = heads["commitment"]
        self.scale = float(config.get("lexical_scale", 1.0))
        self.name = f"commitments.minilm-head.{meta['version']}"
        self.encoder = EncoderRef(folder, encoder)

    @property
    def classes_(self) -> NDArray[Any]:
        return self.head.classes_

    def predict_proba(self, texts: Sequence[str], lead_ins: Sequence[str | None] | None = None) -> NDArray[np.float64]:
        from .models import with_lexical

        contexts = lead_ins or [None] * len(texts)
        X = with_lexical(self.encoder.encode(list(texts)), texts, contexts, lexical_features, self.scale)
        return self.head.predict_proba(X)

    def __call__(self, doc: Document) -> Document:
        from .segment import lead_ins

        if not doc.units:
            return doc
        contexts = lead_ins(doc)
        texts = [doc.text[s:e] for s, e in doc.units]
        proba = self.predict_proba(texts, contexts)[:, list(self.classes_).index("True")]
        chosen = [i for i, p in enumerate(proba) if p >= 0.5 and len(texts[i].split()) >= 4]
        mandatory = sum(1 for f in doc.findings if f.kind is FindingKind.REQUIREMENT and f.label == "mandatory")
        policy = len(chosen) >= MIN_COMMITMENTS and len(chosen) * 2 >= mandatory
        doc = replace(doc, meta={**doc.meta, "kind": "policy" if policy else "tender"})
        if not policy:
            return doc
        findings = []
        for i in chosen:
            start, end = doc.units[i]
            lead_in = contexts[i]
            target = target_date(texts[i]) or (target_date(lead_in) if lead_in else None)
            findings.append(
                Finding(
                    FindingKind.COMMITMENT,
                    "commitment",
                    doc.evidence(start, end),
                    float(proba[i]),
                    self.name,
                    {"target_date": target},
                )
            )
        return doc.with_findings(findings)
