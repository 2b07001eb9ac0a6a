"""The project's labelled corpora: loading, validation, checksums and splits made by document.

A corpus is JSONL: one unit a line with ``text``, the task's label fields and ``meta.doc_id``.
Splits are made by document, never by unit: a stable hash of ``doc_id`` puts each document in
train (70%), dev (15%) or test (15%), so no document's units straddle two splits.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .errors import Errors, ModelError

SPLITS = ("train", "dev", "test")


def split_of(doc_id: str) -> str:
    bucket = int(hashlib.sha256(doc_id.encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their .jsonl and .csv files, sorted for reproducibility."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.suffix in (".jsonl", ".csv"))
        else:
            out.append(path)
    return out


def read_units(paths: Sequence[str | Path], required: Sequence[str] = ("text",)) -> list[dict[str, Any]]:
    """Every unit of the given files; a bad file is a coded error naming the line."""
    units: list[dict[str, Any]] = []
    for path in files(paths):
        if not path.is_file():
            raise ModelError(Errors.E204, path=path, reason="the file does not exist")
        rows = _csv(path) if path.suffix == ".csv" else _jsonl(path)
        for number, row in rows:
            missing = [k for k in required if k not in row]
            if missing:
                raise ModelError(Errors.E204, path=path, reason=f"line {number} lacks {', '.join(missing)}")
            if not isinstance(row["text"], str) or not row["text"].strip():
                raise ModelError(Errors.E204, path=path, reason=f"line {number} has no text")
            meta = row.setdefault("meta", {})
            meta.setdefault("doc_id", f"{path.stem}")
            meta["file"] = path.name
            units.append(row)
    if not units:
        raise ModelError(Errors.E204, path=", ".join(map(str, paths)), reason="no units found (empty file?)")
    return units


def _jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ModelError(Errors.E204, path=path, reason=f"line {number} is not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise ModelError(Errors.E204, path=path, reason=f"line {number} is not an object")
            yield number, row


def _csv(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    """CSV with a header row; list fields (``obligations``, ``flags``) are separated by ';'.

    Optional ``doc_id`` and ``split`` columns go to the unit's meta.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            out: dict[str, Any] = {k: (v if v != "" else None) for k, v in row.items() if k}
            for key in ("obligations", "flags"):
                if key in out:
                    out[key] = [v.strip() for v in (out[key] or "").split(";") if v.strip()]
            meta = {key: out.pop(key) for key in ("doc_id", "split") if out.get(key)}
            if meta:
                out["meta"] = meta
            yield number, out


def documents(units: Sequence[dict[str, Any]]) -> list[str]:
    """The document (``meta.doc_id``) of each unit."""
    return [str(u.get("meta", {}).get("doc_id")) for u in units]


def by_split(units: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    for unit in units:
        out[unit["meta"].get("split") or split_of(unit["meta"]["doc_id"])].append(unit)
    return out
