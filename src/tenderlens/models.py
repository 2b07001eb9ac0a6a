"""Trained heads and the model folders that hold them.

A head is linear over feature vectors (MiniLM embeddings plus a few lexical features), fitted
with scikit-learn and served with numpy, speaking sklearn's inference contract (`classes_`,
`predict_proba`). Weights are stored as `.npz` (no pickle). A model folder
`models/<task>-<version>/` holds the weights, `config.json`, `meta.json` (version, date, commit,
corpus checksums, seed, metrics and the sha256 of every file) and `README.md`, the model card.
Loading checks every checksum and refuses unknown files.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .corpus import sha256
from .errors import Errors, ModelError

META = "meta.json"
CARD = "README.md"
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"


def softmax(scores: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
    """Each row of scores as probabilities."""
    shifted = np.asarray(scores, dtype=np.float64) - np.max(scores, axis=1, keepdims=True)
    exp = np.exp(shifted)
    proba: NDArray[np.float64] = exp / exp.sum(axis=1, keepdims=True)
    return proba


class LinearHead:
    """Softmax (one label per row) or independent sigmoids (multi-label) over feature rows."""

    def __init__(self, *, multilabel: bool = False, C: float = 1.0, balanced: bool = True, seed: int = 0) -> None:
        self.multilabel = multilabel
        self.C = C
        self.balanced = balanced
        self.seed = seed

    def fit(
        self, X: NDArray[np.floating[Any]], y: Sequence[Any], judged: Sequence[Collection[str] | None] | None = None
    ) -> LinearHead:
        """Fit on rows ``X`` and labels ``y``. Multi-label rows may be judged on some labels only
        (``judged[i]``; None: on all), and each label then learns from the rows judged on it."""
        from sklearn.linear_model import LogisticRegression

        weight = "balanced" if self.balanced else None
        if self.multilabel:
            classes = sorted({label for labels in y for label in labels})
            judged_on = [None] * len(y) if judged is None else judged
            if len(judged_on) != len(y):
                raise ValueError(f"judged has {len(judged_on)} rows for {len(y)} labels")
            coefs, intercepts = [], []
            for label in classes:
                rows = [i for i, on in enumerate(judged_on) if on is None or label in on]
                target = np.array([label in y[i] for i in rows], dtype=int)
                model = LogisticRegression(C=self.C, class_weight=weight, max_iter=3000, random_state=self.seed)
                model.fit(X if len(rows) == len(y) else np.asarray(X)[rows], target)  # no copy when all are judged
                coefs.append(model.coef_[0])
                intercepts.append(model.intercept_[0])
            self.classes_ = np.array(classes)
            self.coef_ = np.array(coefs)
            self.intercept_ = np.array(intercepts)
        else:
            model = LogisticRegression(C=self.C, class_weight=weight, max_iter=3000, random_state=self.seed)
            model.fit(X, np.asarray(y))
            self.classes_ = model.classes_
            if len(self.classes_) == 2:  # sklearn keeps one row for two classes; make it a softmax pair
                self.coef_ = np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
                self.intercept_ = np.array([-model.intercept_[0] / 2, model.intercept_[0] / 2])
            else:
                self.coef_ = model.coef_
                self.intercept_ = model.intercept_
        return self

    def decision_function(self, X: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
        scores: NDArray[np.float64] = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        return scores

    def predict_proba(self, X: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
        scores = self.decision_function(X)
        if self.multilabel:
            sigmoid: NDArray[np.float64] = 1 / (1 + np.exp(-scores))
            return sigmoid
        return softmax(scores)

    def predict(self, X: NDArray[np.floating[Any]]) -> NDArray[Any]:
        proba = self.predict_proba(X)
        if self.multilabel:
            return proba >= 0.5
        labels: NDArray[Any] = self.classes_[proba.argmax(axis=1)]
        return labels

    def arrays(self, prefix: str) -> dict[str, NDArray[Any]]:
        return {
            f"{prefix}.coef": self.coef_,
            f"{prefix}.intercept": self.intercept_,
            f"{prefix}.classes": self.classes_.astype(str),
            f"{prefix}.multilabel": np.array(self.multilabel),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]], prefix: str) -> LinearHead:
        head = cls(multilabel=bool(arrays[f"{prefix}.multilabel"]))
        head.coef_ = arrays[f"{prefix}.coef"]
        head.intercept_ = arrays[f"{prefix}.intercept"]
        head.classes_ = arrays[f"{prefix}.classes"]
        return head


def with_lexical(
    embeddings: NDArray[np.floating[Any]],
    texts: Sequence[str],
    lead_ins: Sequence[str | None],
    lexical: Any,
    scale: float = 1.0,
) -> NDArray[np.float64]:
    """Embedding rows joined by ``scale`` times the lexical features of each text.

    A larger scale lets the L2-regularised heads lean more on the few lexical cues.
    """
    rows = np.array([lexical(t, c) for t, c in zip(texts, lead_ins, strict=True)], dtype=np.float64)
    return np.hstack([np.asarray(embeddings, dtype=np.float64), scale * rows.reshape(len(texts), -1)])


def with_ngrams(features: NDArray[np.floating[Any]], texts: Sequence[str], n_features: int) -> NDArray[np.float64]:
    """Feature rows joined by hashed word unigrams and bigrams (L2-normalised, ``n_features`` wide).

    Hashing needs no vocabulary file, so a model folder stays weights and config; it gives a
    head the exact wording ("Employment Regulations", "aggregate liability") that a sentence
    embedding smooths over.
    """
    from sklearn.feature_extraction.text import HashingVectorizer

    hashed = HashingVectorizer(n_features=n_features, ngram_range=(1, 2), alternate_sign=False, norm="l2")
    return np.hstack([np.asarray(features, dtype=np.float64), hashed.transform(list(texts)).toarray()])


def preceding(proba: NDArray[np.float64], documents: Sequence[Any], units: int = 3) -> NDArray[np.float64]:
    """Per row, the probabilities of the ``units`` rows before it in its document: the row just
    before at full weight, halving with each row further back (the largest for each column)."""
    out = np.zeros_like(proba)
    for row in range(len(proba)):
        for distance in range(1, units + 1):
            if row - distance < 0 or documents[row - distance] != documents[row]:
                break
            out[row] = np.maximum(out[row], 0.5 ** (distance - 1) * proba[row - distance])
    return out


def with_preceding(
    features: NDArray[np.float64], proba: NDArray[np.float64], documents: Sequence[Any], scale: float
) -> NDArray[np.float64]:
    """Feature rows joined by ``scale`` times the `preceding` probabilities: what a sequence head reads."""
    return np.hstack([features, scale * preceding(proba, documents)])


def sequence_proba(
    head: LinearHead,
    sequence: LinearHead | None,
    X: NDArray[np.float64],
    documents: Sequence[Any],
    scale: float,
) -> NDArray[np.float64]:
    """``head``'s probabilities, or with a ``sequence`` head those it gives when it also reads
    ``head``'s probabilities for the units just before each unit."""
    proba = head.predict_proba(X)
    if sequence is None:
        return proba
    return sequence.predict_proba(with_preceding(X, proba, documents, scale))


def save_folder(
    folder: Path,
    heads: Mapping[str, LinearHead],
    *,
    config: Mapping[str, Any],
    meta: Mapping[str, Any],
    card: str,
) -> None:
    """Write weights, config, meta (with the sha256 of every file) and the model card."""
    folder.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, NDArray[Any]] = {}
    for name, head in heads.items():
        arrays.update(head.arrays(name))
    weights = folder / "weights.npz"
    with weights.open("wb") as handle:  # a file handle keeps numpy from adding a suffix
        np.savez(handle, **arrays)  # type: ignore[arg-type]
    (folder / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", "utf-8")
    (folder / CARD).write_text(card, "utf-8")
    checked = {p.relative_to(folder).as_posix(): sha256(p) for p in _files(folder) if p.name != META}
    (folder / META).write_text(json.dumps({**meta, "files": checked}, indent=2) + "\n", "utf-8")


def load_folder(folder: str | Path) -> tuple[dict[str, LinearHead], dict[str, Any], dict[str, Any]]:
    """Heads, config and meta of a model folder, after checking every file against meta.json."""
    folder = Path(folder)
    meta_path = folder / META
    if not meta_path.is_file():
        raise ModelError(Errors.E201, path=folder, name=META)
    meta: dict[str, Any] = json.loads(meta_path.read_text("utf-8"))
    expected: dict[str, str] = meta.get("files", {})
    for path in _files(folder):
        name = path.relative_to(folder).as_posix()
        if name != META and name not in expected:
            raise ModelError(Errors.E203, path=folder, name=name)
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            raise ModelError(Errors.E201, path=folder, name=name)
        if sha256(path) != digest:
            raise ModelError(Errors.E202, path=path)
    config: dict[str, Any] = json.loads((folder / "config.json").read_text("utf-8"))
    with np.load(folder / "weights.npz", allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    names = sorted({key.split(".")[0] for key in arrays})
    return {name: LinearHead.from_arrays(arrays, name) for name in names}, config, meta


def _files(folder: Path) -> list[Path]:
    """Every file of a model folder, its fine-tuned `encoder/` included."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def installed(root: Path = MODELS_DIR) -> list[dict[str, Any]]:
    """meta.json of every model folder under ``root``."""
    if not root.is_dir():
        return []
    found = []
    for meta_path in sorted(root.glob(f"*/{META}")):
        meta = json.loads(meta_path.read_text("utf-8"))
        found.append({"folder": str(meta_path.parent), **meta})
    return found


def latest(task: str, root: Path = MODELS_DIR) -> Path | None:
    """The newest shipped model folder for ``task`` (by version), if any."""
    folders = sorted(p.parent for p in root.glob(f"{task}-*/{META}"))
    return folders[-1] if folders else None
