"""Render a scanned Document: the JSON contract of docs/labels.md section 5, and a terminal table.

Reports only format what the stages found; no analysis happens here.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from typing import Any

from .document import SCHEMA_VERSION, Document, Finding

FORMATS = ("table", "json")


def to_contract(doc: Document) -> dict[str, Any]:
    """The scan result as plain data (one object per document)."""
    route = None
    if doc.route is not None:
        r = doc.route
        route = {
            "regime": r.regime,
            "route": r.route,
            "score": round(r.score, 4),
            "flags": list(r.flags),
            "source": r.source,
            "evidence": [{"page": e.page, "text": e.text, "start": e.start, "end": e.end} for e in r.evidence],
            **dict(r.attrs),
        }
    return {
        "schema_version": SCHEMA_VERSION,
        "source": doc.source,
        "pages": int(doc.meta.get("page_count", len(doc.pages))),
        "pages_read": [p.number for p in doc.pages],
        "format": doc.meta.get("format"),
        "route": route,
        "findings": [_finding(f) for f in doc.findings],
        "warnings": list(doc.warnings),
    }


def _finding(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": f.kind.value,
        "label": f.label,
        "page": f.evidence.page,
        "text": " ".join(f.evidence.text.split()),
        "start": f.evidence.start,
        "end": f.evidence.end,
        "score": round(f.score, 4),
        "source": f.source,
    }
    if f.evidence.bbox is not None:
        out["bbox"] = [round(v, 1) for v in f.evidence.bbox]
    for key, value in f.attrs.items():
        if key == "facts":
            value = [{k: v for k, v in fact.items() if k not in ("start", "end")} for fact in value]
        out[key] = value
    return out


def to_json(doc: Document, *, indent: int | None = 2) -> str:
    return json.dumps(to_contract(doc), indent=indent, ensure_ascii=False)


def to_table(doc: Document, width: int | None = None) -> str:
    """A report readable in a terminal: the route, then one row per finding."""
    width = width or min(shutil.get_terminal_size((110, 20)).columns, 140)
    data = to_contract(doc)
    lines = [f"{doc.source}  ({data['pages']} pages, {len(doc.findings)} findings)"]
    if data["route"]:
        r = data["route"]
        lines.append(f"Route: {r['regime']} / {r['route']} (score {r['score']:.2f})")
        if r.get("meaning"):
            lines += textwrap.wrap(r["meaning"], width, initial_indent="  ", subsequent_indent="  ")
    for warning in doc.warnings:
        lines.append(f"! {warning}")
    lines.append("")
    text_width = max(30, width - 27)
    lines.append(f"{'page':>4}  {'kind':<11} {'label':<9} text")
    lines.append("-" * width)
    for f in data["findings"]:
        wrapped = textwrap.wrap(f["text"], text_width) or [""]
        lines.append(f"{f['page']:>4}  {f['kind'][:11]:<11} {f['label'][:9]:<9} {wrapped[0]}")
        lines += [" " * 27 + more for more in wrapped[1:3]]
        if len(wrapped) > 3:
            lines[-1] += " ..."
        extras = [fact["text"] for fact in f.get("facts", [])]
        if f.get("obligations"):
            extras.append("obligations: " + ", ".join(f["obligations"]))
        if extras:
            lines.append(" " * 27 + "[" + "; ".join(extras) + "]")
    counts: dict[str, int] = {}
    for f in doc.findings:
        counts[f"{f.kind.value}:{f.label}"] = counts.get(f"{f.kind.value}:{f.label}", 0) + 1
    lines.append("")
    lines.append("Summary: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no findings"))
    return "\n".join(lines)


def render(doc: Document, fmt: str) -> str:
    if fmt == "json":
        return to_json(doc)
    return to_table(doc)
