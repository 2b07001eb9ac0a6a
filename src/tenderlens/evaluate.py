"""Measuring models: on the real documents of the evalset, and as reports (Markdown, PNG).

Matching on the hand-labelled pages follows ../shared/evalset/README.md: a predicted requirement
on a gold page matches a gold unit when at least half of the gold unit's word tokens are covered
by the prediction's text (and, for precision, at least half of the prediction's tokens by the gold
unit's). Real files are read at evaluation time only; nothing here trains or tunes on the holdout.
Routes are measured on the real notices by cross-validation, since the shipped route model also
learns from them.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import corpus as corpora
from .document import Document, FindingKind
from .errors import Errors, ModelError, TenderlensWarning
from .ingest import IngestOptions, read
from .models import load_folder, save_folder
from .segment import segment
from .train import ROOT, Progress, featurise, head_maker, load_config, real_notices, report, task

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


def obligation_scores(evalset: Path, stages: Mapping[str, Stage]) -> dict[str, dict[str, Any]]:
    """Micro precision/recall/F1 over (unit, id) pairs on the gold pages; implied ones excluded.

    Each gold unit is aligned with the one span of ours that covers it best: a unit of the
    segmentation or the span of an obligation finding. It carries the ids found on that span;
    findings on spans aligned with no gold unit are false positives.
    """
    pages = gold_pages(evalset)
    docs = [page_document(evalset, g) for g in pages]
    out = {}
    for name, stage in stages.items():
        tp = fp = fn = 0
        per_id: dict[str, list[int]] = {}
        for gold, (doc, (start, end)) in zip(pages, docs, strict=True):
            spans: dict[tuple[int, int], set[str]] = {u: set() for u in doc.units if start <= u[0] < end}
            for f in stage(doc).findings:
                if (
                    f.kind is FindingKind.OBLIGATION
                    and f.attrs.get("basis") != "implied"
                    and start <= f.evidence.start < end
                ):
                    spans.setdefault((f.evidence.start, f.evidence.end), set()).add(f.label)
            span_tokens = {span: tokens(doc.text[span[0] : span[1]]) for span in spans}
            aligned = set()
            for unit in gold["units"]:
                unit_tokens, truth = tokens(unit["text"]), set(unit["obligations"])
                covering = [span for span, found in span_tokens.items() if covered(unit_tokens, found)]
                best = max(covering, key=lambda span: _overlap(unit_tokens, span_tokens[span]), default=None)
                predicted = spans[best] if best else set()
                aligned.add(best)
                for oid in predicted | truth:
                    counts = per_id.setdefault(oid, [0, 0, 0])
                    counts[0 if oid in predicted & truth else 1 if oid in predicted else 2] += 1
                tp, fp, fn = tp + len(predicted & truth), fp + len(predicted - truth), fn + len(truth - predicted)
            for span, ids in spans.items():
                if span not in aligned:
                    fp += len(ids)
                    for oid in ids:
                        per_id.setdefault(oid, [0, 0, 0])[1] += 1
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


def unit_obligation_scores(units: Sequence[dict[str, Any]], stages: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Micro P/R/F1 over (unit, id) pairs and F1 per id of labelled units, as each stage predicts them."""
    out = {}
    for name, stage in stages.items():
        counts: dict[str, list[int]] = {}  # id -> tp, fp, fn
        found_in = stage.predict([u["text"] for u in units], documents=corpora.documents(units))
        for unit, found in zip(units, found_in, strict=True):
            truth, predicted = set(unit["obligations"]), set(found)
            for oid in truth | predicted:
                counts.setdefault(oid, [0, 0, 0])[0 if oid in truth & predicted else 1 if oid in predicted else 2] += 1
        tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        per_id = {oid: round(2 * c[0] / (2 * c[0] + c[1] + c[2]), 4) for oid, c in sorted(counts.items())}
        out[name] = {
            "units": len(units),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0,
            "ids_at_f1_0.90": f"{sum(f >= 0.9 for f in per_id.values())} of {len(per_id)}",
            "per_id_f1": per_id,
        }
    return out


# -- model evaluation reports ---------------------------------------------------------------------


def metrics_markdown(results: dict[str, Any]) -> str:
    """Per-label tables and confusion matrices, for a terminal or a report file."""
    from .cards import metrics_table

    lines: list[str] = []
    for head, m in results.items():
        lines += [f"## {head}", "", *metrics_table(m)]
        if "confusion" in m:
            labels = m["confusion"]["labels"]
            lines += ["", f"Accuracy {m['accuracy']:.3f}. Confusion (rows true, columns predicted):", ""]
            lines.append("| | " + " | ".join(labels) + " |")
            lines.append("|---|" + "---|" * len(labels))
            for label, row in zip(labels, m["confusion"]["matrix"], strict=True):
                lines.append(f"| {label} | " + " | ".join(map(str, row)) + " |")
        lines.append("")
    return "\n".join(lines)


def confusion_png(metrics: dict[str, Any], path: Path, title: str = "") -> None:
    """The confusion matrix as a PNG heat map (rows true, columns predicted), drawn with Pillow."""
    from PIL import Image, ImageDraw

    labels = metrics["confusion"]["labels"]
    matrix = np.array(metrics["confusion"]["matrix"], dtype=float)
    cell, margin = 44, 190
    size = (margin + cell * len(labels) + 20, margin + cell * len(labels) + 20)
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.text((10, 10), title or "confusion matrix (rows true, columns predicted)", fill="black")
    rows = np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    for i, label in enumerate(labels):
        draw.text((10, margin + i * cell + cell // 3), label[:28], fill="black")
        column = Image.new("RGB", (margin - 40, 14), "white")
        ImageDraw.Draw(column).text((0, 0), label[:24], fill="black")
        image.paste(column.rotate(90, expand=True), (margin + i * cell + cell // 3, 30))
        for j in range(len(labels)):
            shade = int(255 - 200 * matrix[i, j] / rows[i, 0])
            box = (margin + j * cell, margin + i * cell, margin + (j + 1) * cell - 2, margin + (i + 1) * cell - 2)
            draw.rectangle(box, fill=(shade, shade, 255))
            draw.text((box[0] + 6, box[1] + cell // 3), str(int(matrix[i, j])), fill="black")
    image.save(path)


LENGTH_BANDS = (120, 300, 800)  # characters of title and description
SCORE_BANDS = (0.5, 0.8)


def route_cross_validation(
    config_path: str | Path,
    *,
    folds: int = 5,
    draws: int = 3,
    encoder: Any = None,
    progress: Progress = lambda m: None,
) -> dict[str, Any]:
    """Routes on the real notices, cross-validated, text only, beside the two baselines.

    Each fold trains on the authored corpus plus the other folds' real notices and predicts the
    held-out fold from title and description; where the config sets `short_notice_chars`, the
    short-notice prior is fitted on the other folds' notices too. Macro-F1 is over routes with at
    least 5 examples.
    With 225 notices one draw of the folds moves accuracy by about 0.01, so `draws` draws (fold
    seeds seed, seed + 1, ...) are reported one by one and as a mean; the first is the headline.
    """
    from collections import Counter

    from sklearn.metrics import f1_score

    from .encode import shared_encoder
    from .routes import SHORT_HEAD, route_proba, rule_route, short_notice_head

    spec = task("routes")
    config = load_config(config_path)
    real = real_notices()
    if not real:
        raise ModelError(Errors.E204, path="../shared/evalset/notices_dev.jsonl", reason="the real notices are absent")
    authored = corpora.read_units([ROOT / p for p in config.get("corpus", [])], spec.required)
    encoder = encoder or shared_encoder()
    truth = [u["route"] for u in real]
    threshold = float(config.get("threshold", 0.0))
    seed = int(config.get("seed", 0))
    new_head = head_maker(config, "route")

    # every feature is a function of its own text alone, so each unit is featurised once for all folds
    authored_examples, real_examples = spec.examples(authored)["route"], spec.examples(real)["route"]
    X_authored, X_real = (
        featurise(e, encoder.encode(e.texts), spec, config) for e in (authored_examples, real_examples)
    )
    real_weight = int(config.get("real_weight", 1))

    short_chars = int(config.get("short_notice_chars", 0))

    def cross_validated(draw: int) -> tuple[list[str], list[float]]:
        """The predicted route of each real notice, and its score."""
        fold_of = np.random.default_rng(draw).permutation(len(real)) % folds
        predicted, best = [""] * len(real), [0.0] * len(real)
        for fold in range(folds):
            train, held = np.flatnonzero(fold_of != fold), np.flatnonzero(fold_of == fold)
            X = np.vstack([X_authored, np.tile(X_real[train], (real_weight, 1))])
            head = new_head().fit(X, authored_examples.labels + [truth[i] for i in train] * real_weight)
            heads = {"route": head}
            if short_chars:  # fitted on the training folds' notices only, as the shipped one on all
                classes = [str(c) for c in head.classes_]
                notices = [(real[i]["text"], truth[i]) for i in train]
                heads[SHORT_HEAD] = short_notice_head(notices, classes, short_chars)
            proba = route_proba(heads, X_real[held], [real[i]["text"] for i in held], short_chars)
            for i, row in zip(held, proba, strict=True):
                predicted[i] = str(head.classes_[row.argmax()]) if row.max() >= threshold else "unknown"
                best[i] = float(row.max())
            progress(f"draw {draw}, fold {fold + 1}/{folds} done")
        return predicted, best

    majority = Counter(truth).most_common(1)[0][0]
    rules = [rule_route(u["text"]) or majority for u in real]
    frequent = sorted(label for label, n in Counter(truth).items() if n >= 5)

    def summary(guesses: Sequence[str]) -> dict[str, Any]:
        return {
            "accuracy": round(float(np.mean([g == t for g, t in zip(guesses, truth, strict=True)])), 4),
            "macro_f1": round(float(f1_score(truth, guesses, labels=frequent, average="macro", zero_division=0)), 4),
        }

    predicted, best = zip(*(cross_validated(seed + d) for d in range(draws)), strict=True)
    model = summary(predicted[0])
    model["report"] = report(np.array(truth), np.array(predicted[0]), sorted({*truth, *predicted[0]}))
    result = {
        "notices": len(real),
        "folds": folds,
        "macro_over": frequent,
        "majority": summary([majority] * len(real)),
        "telltale_rules": summary(rules),
        "model": model,
    }
    if draws > 1:
        scores = [summary(p) for p in predicted]
        for d, s in enumerate(scores[1:], start=1):
            result[f"model, fold seed {seed + d}"] = s
        result[f"model, mean of {draws} fold draws"] = {
            k: round(float(np.mean([s[k] for s in scores])), 4) for k in ("accuracy", "macro_f1")
        }
    # how far to trust a route: accuracy over all draws by the notice's length and by the route's score
    right = np.array([[g == t for g, t in zip(p, truth, strict=True)] for p in predicted]).ravel()
    lengths = np.tile([len(u["text"]) for u in real], draws)
    for what, unit, values, edges in (
        ("notice length", " characters", lengths, LENGTH_BANDS),
        ("route score", "", np.array(best).ravel(), SCORE_BANDS),
    ):
        band_of = np.digitize(values, edges)
        names = [f"under {edges[0]}", *(f"{a}-{b}" for a, b in pairwise(edges)), f"{edges[-1]} or more"]
        for band, name in enumerate(names):
            if (in_band := band_of == band).any():
                result[f"model, {what} {name}{unit} ({round(in_band.sum() / draws, 1):g} a draw)"] = {
                    "accuracy": round(float(right[in_band].mean()), 4)
                }
    return result


def flag_cross_validation(
    config_path: str | Path, *, folds: int = 5, draws: int = 3, encoder: Any = None
) -> dict[str, Any]:
    """`establishes_framework` on the real notices whose publisher states it, cross-validated as the
    routes are, beside the flag's tell-tales alone (the flag is set where one occurs)."""
    from .encode import shared_encoder
    from .routes import telltales

    spec, flag = task("routes"), "establishes_framework"
    config = load_config(config_path)
    authored = corpora.read_units([ROOT / p for p in config.get("corpus", [])], spec.required)
    known = [u for u in real_notices() if u["flags"] is not None]
    if not known:
        raise ModelError(Errors.E204, path="../shared/evalset/notices_dev.jsonl", reason="the real notices are absent")
    encoder = encoder or shared_encoder()
    authored_examples, real_examples = spec.examples(authored)["flags"], spec.examples(known)["flags"]
    X_authored, X_real = (
        featurise(e, encoder.encode(e.texts), spec, config) for e in (authored_examples, real_examples)
    )
    truth = np.array([flag in labels for labels in real_examples.labels])
    judged_authored = authored_examples.judged or [None] * len(authored_examples.texts)
    judged_real = real_examples.judged or [None] * len(real_examples.texts)
    real_weight = int(config.get("real_weight", 1))
    new_head = head_maker(config, "flags", multilabel=True)

    def figures(predicted: NDArray[np.bool_]) -> dict[str, float]:
        from sklearn.metrics import precision_recall_fscore_support

        p, r, f, _ = precision_recall_fscore_support(truth, predicted, average="binary", zero_division=0)
        return {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4)}

    draws_figures = []
    seed = int(config.get("seed", 0))
    for draw in range(seed, seed + draws):
        fold_of = np.random.default_rng(draw).permutation(len(known)) % folds
        predicted = np.zeros(len(known), dtype=bool)
        for fold in range(folds):
            train, held = np.flatnonzero(fold_of != fold), np.flatnonzero(fold_of == fold)
            X = np.vstack([X_authored, np.tile(X_real[train], (real_weight, 1))])
            labels = authored_examples.labels + [real_examples.labels[i] for i in train] * real_weight
            judged = judged_authored + [judged_real[i] for i in train] * real_weight
            head = new_head().fit(X, labels, judged)
            column = list(head.classes_).index(flag)
            predicted[held] = head.predict_proba(X_real[held])[:, column] >= 0.5
        draws_figures.append(figures(predicted))
    rules = np.array([any(key == f"flag:{flag}" for _, _, key in telltales(text)) for text in real_examples.texts])
    name = f"{flag} ({int(truth.sum())} of {len(known)} notices that state it)"
    return {
        f"{name}, tell-tales alone": figures(rules),
        f"{name}, model, mean of {draws} fold draws": {
            k: round(float(np.mean([d[k] for d in draws_figures])), 4) for k in ("precision", "recall", "f1")
        },
    }


EVALSET = ROOT.parent / "shared" / "evalset"


def real_evaluation(name: str, folder: str | Path, config_path: str | Path | None = None) -> dict[str, Any]:
    """Figures on the real documents of ../shared/evalset, each beside its baseline."""
    if not EVALSET.is_dir():
        raise ModelError(Errors.E204, path=EVALSET, reason="the real-document evalset is absent")
    if name == "requirements":
        from .requirements import LABELS, ModalRules, RequirementModel

        model, rules = RequirementModel(folder), ModalRules()

        def predict(stage: Any) -> Callable[[list[str]], list[str]]:
            def run(texts: list[str]) -> list[str]:
                proba = stage.predict_proba(texts)
                classes = [str(c) for c in stage.classes_] if stage is model else list(LABELS)
                return [classes[i] for i in proba.argmax(axis=1)]

            return run

        return {
            "gold_pages": requirement_scores(EVALSET, {"modal-verb rules": rules, "model": model}),
            "requirement_statements": statement_scores(
                EVALSET, {"modal-verb rules": predict(rules), "model": predict(model)}
            ),
        }
    if name == "obligations":
        from .obligations import ObligationModel

        alias = ObligationModel(folder)
        alias.head = None
        stages = {"alias dictionary": alias, "model": ObligationModel(folder)}
        config = load_folder(folder)[1]
        spec = task("obligations")
        test = corpora.by_split(corpora.read_units([ROOT / p for p in config.get("corpus", [])], spec.required))["test"]
        return {
            "gold_pages": obligation_scores(EVALSET, stages),
            "authored_test_split_as_shipped": unit_obligation_scores(test, stages),
        }
    if name == "routes":
        config_path = config_path or ROOT / "training" / "routes.toml"
        return {
            "notices_dev_cross_validated": route_cross_validation(config_path),
            "flags_cross_validated": flag_cross_validation(config_path),
        }
    raise ModelError(Errors.E204, path=EVALSET, reason=f"no real labelled data for {name!r} outside the holdout")


def record_real(folder: str | Path, results: dict[str, Any]) -> None:
    """Write real-document figures into a model folder's meta.json and card, re-checksumming it."""
    from .cards import model_card

    folder = Path(folder)
    heads, config, meta = load_folder(folder)
    meta = {k: v for k, v in meta.items() if k != "files"}
    meta["real"] = results
    save_folder(folder, heads, config=config, meta=meta, card=model_card(meta, config))
