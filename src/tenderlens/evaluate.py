"""Measuring on real documents: the hand-labelled pages and requirement statements of the evalset.

Matching follows ../shared/evalset/README.md: a predicted requirement on a gold page matches a
gold unit when at least half of the gold unit's word tokens are covered by the prediction's text
(and, for precision, at least half of the prediction's tokens by the gold unit's). These files are
read at evaluation time only; nothing here is trained or tuned on the holdout.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .document import Document, FindingKind
from .errors import TenderlensWarning
from .ingest import IngestOptions, read
from .segment import segment

_TOKEN = re.compile(r"\w+")
Stage = Callable[[Document], Document]


def tokens(text: str) -> set[str]:
    return set(_TOKEN.findall(text.lower()))


def covered(part: set[str], by: set[str]) -> bool:
    return bool(part) and len(part & by) >= 0.5 * len(part)


def _overlap(unit: set[str], found: set[str]) -> tuple[float, float]:
    shared = len(unit & found)
    return shared / len(unit), shared / max(len(found), 1)


def gold_pages(evalset: Path) -> list[dict[str, Any]]:
    with (evalset / "dev" / "gold_pages.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def page_document(evalset: Path, gold: dict[str, Any]) -> tuple[Document, tuple[int, int]]:
    """The gold page read with its neighbours (so running headers repeat and are removed)."""
    path = evalset / gold["doc"]
    page = int(gold["page"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TenderlensWarning)
        doc = segment(read(path, IngestOptions(pages=frozenset({page - 1, page, page + 1}) - {0}, processes=1)))
    target = next(p for p in doc.pages if p.number == page)
    return doc, (target.start, target.end)


def requirement_scores(evalset: Path, stages: dict[str, Stage]) -> dict[str, dict[str, Any]]:
    """Detection P/R/F1 and modality accuracy of each stage over all gold pages."""
    pages = gold_pages(evalset)
    docs = [page_document(evalset, g) for g in pages]
    out = {}
    for name, stage in stages.items():
        tp_recall = gold_total = tp_precision = predicted_total = 0
        modality_right = modality_total = 0
        for gold, (doc, (start, end)) in zip(pages, docs, strict=True):
            found = [
                f for f in stage(doc).findings if f.kind is FindingKind.REQUIREMENT and start <= f.evidence.start < end
            ]
            predicted = [(tokens(f.evidence.text), f.label) for f in found]
            units = [(tokens(u["text"]), u["requirement"]) for u in gold["units"]]
            for unit_tokens, label in units:
                if label is None:
                    continue
                gold_total += 1
                # of the predictions that cover the unit, the one that overlaps it most
                covering = [p for p in predicted if covered(unit_tokens, p[0])]
                match = max(covering, key=lambda p: _overlap(unit_tokens, p[0]), default=None)
                if match:
                    tp_recall += 1
                    modality_total += 1
                    modality_right += match[1] == label
            for found_tokens, _ in predicted:
                predicted_total += 1
                tp_precision += any(label and covered(found_tokens, u) for u, label in units)
        precision = tp_precision / predicted_total if predicted_total else 0.0
        recall = tp_recall / gold_total if gold_total else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[name] = {
            "pages": len(pages),
            "gold_requirements": gold_total,
            "predicted": predicted_total,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "modality_accuracy": round(modality_right / modality_total, 4) if modality_total else 0.0,
        }
    return out


STATEMENT_LABELS = {"essential": "mandatory", "nice_to_have": "desirable"}


def statement_scores(evalset: Path, predictors: dict[str, Callable[[list[str]], list[str]]]) -> dict[str, Any]:
    """Agreement with published labels of real requirement statements (essential / nice to have)."""
    out: dict[str, Any] = {}
    for path in sorted((evalset / "requirements").glob("*.jsonl")):
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
        labelled = [r for r in rows if r["label"] in STATEMENT_LABELS]
        if not labelled:
            continue
        texts = [r["text"] for r in labelled]
        truth = [STATEMENT_LABELS[r["label"]] for r in labelled]
        for name, predict in predictors.items():
            predicted = predict(texts)
            detected = sum(p != "none" for p in predicted)
            agree = sum(p == t for p, t in zip(predicted, truth, strict=True))
            out.setdefault(path.stem, {})[name] = {
                "units": len(labelled),
                "detected_as_requirement": round(detected / len(labelled), 4),
                "label_agreement": round(agree / len(labelled), 4),
            }
    return out


def markdown(rows: Iterable[tuple[str, dict[str, Any]]], columns: list[str]) -> str:
    lines = ["| | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for name, values in rows:
        lines.append(f"| {name} | " + " | ".join(str(values.get(c, "")) for c in columns) + " |")
    return "\n".join(lines)


def obligation_scores(evalset: Path, stages: dict[str, Stage]) -> dict[str, dict[str, Any]]:
    """Micro precision/recall/F1 over (unit, id) pairs on the gold pages; implied ones excluded."""
    pages = gold_pages(evalset)
    docs = [page_document(evalset, g) for g in pages]
    out = {}
    for name, stage in stages.items():
        tp = fp = fn = 0
        per_id: dict[str, list[int]] = {}
        for gold, (doc, (start, end)) in zip(pages, docs, strict=True):
            found: dict[int, tuple[set[str], set[str]]] = {}
            for f in stage(doc).findings:
                if (
                    f.kind is FindingKind.OBLIGATION
                    and f.attrs.get("basis") != "implied"
                    and start <= f.evidence.start < end
                ):
                    found.setdefault(f.evidence.start, (tokens(f.evidence.text), set()))[1].add(f.label)
            units = [(tokens(u["text"]), set(u["obligations"])) for u in gold["units"]]
            for unit_tokens, truth in units:
                predicted: set[str] = set()
                for found_tokens, ids in found.values():
                    if covered(unit_tokens, found_tokens):
                        predicted |= ids
                for oid in predicted | truth:
                    counts = per_id.setdefault(oid, [0, 0, 0])
                    counts[0 if oid in predicted & truth else 1 if oid in predicted else 2] += 1
                tp, fp, fn = tp + len(predicted & truth), fp + len(predicted - truth), fn + len(truth - predicted)
            for found_tokens, ids in found.values():  # findings that cover no gold unit are false positives
                if not any(covered(u, found_tokens) or covered(found_tokens, u) for u, _ in units):
                    fp += len(ids)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out[name] = {
            "gold_pairs": tp + fn,
            "predicted_pairs": tp + fp,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "per_id": {k: {"tp": v[0], "fp": v[1], "fn": v[2]} for k, v in sorted(per_id.items())},
        }
    return out
