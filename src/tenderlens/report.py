"""Render a scanned Document: the JSON contract of docs/labels.md section 5, and a terminal table.

Reports only format what the stages found; no analysis happens here.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from typing import Any

from . import obligations
from .document import SCHEMA_VERSION, Document, Finding, FindingKind
from .routes import flag_line

FORMATS = ("table", "json", "csv", "xlsx", "md")


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
            "scores": dict(r.scores),
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
        "kind": doc.meta.get("kind"),
        "findings": [_finding(f) for f in doc.findings],
        "obligations": obligations.summary(doc),
        "key_dates": key_dates(doc),
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
        for flag in r.get("flags", []):
            lines += textwrap.wrap(flag_line(flag, r), width, initial_indent="  + ", subsequent_indent="    ")
        if r.get("caution"):
            lines += textwrap.wrap(r["caution"], width, initial_indent="  ! ", subsequent_indent="    ")
        for e in r["evidence"]:
            lines += textwrap.wrap(
                f"p.{e['page']}: {' '.join(e['text'].split())}", width, initial_indent="  > ", subsequent_indent="    "
            )[:2]
    for warning in doc.warnings:
        lines.append(f"! {warning}")
    lines.append("")
    indent = " " * 33
    text_width = max(30, width - len(indent))
    lines.append(f"{'page':>4}  {'kind':<11} {'label':<9} {'score':<5} text")
    lines.append("-" * width)
    for f in data["findings"]:
        wrapped = textwrap.wrap(f["text"], text_width) or [""]
        lines.append(f"{f['page']:>4}  {f['kind'][:11]:<11} {f['label'][:9]:<9} {f['score']:<5.2f} {wrapped[0]}")
        lines += [indent + more for more in wrapped[1:3]]
        if len(wrapped) > 3:
            lines[-1] += " ..."
        extras = [fact["text"] for fact in f.get("facts", [])]
        if f.get("obligations"):
            extras.append("obligations: " + ", ".join(f["obligations"]))
        if extras:
            lines.append(indent + "[" + "; ".join(extras) + "]")
    if data["obligations"]:
        lines += ["", "Obligations:"]
        for o in data["obligations"]:
            basis = "implied by " + o["implied_by"] if o["status"] == "implied" else ", ".join(o["basis"])
            lines.append(f"  {o['id']:<25} {o['status']:<8} pages {','.join(map(str, o['pages']))} ({basis})")
            lines += textwrap.wrap(o["what_it_takes"], width - 4, initial_indent="    ", subsequent_indent="    ")[:2]
    if data["key_dates"]:
        lines += ["", "Key dates:"]
        lines += [f"  {d['milestone']:<24} {d['date']:<17} p.{d['page']}  {d['text']}" for d in data["key_dates"]]
    counts: dict[str, int] = {}
    for f in doc.findings:
        counts[f"{f.kind.value}:{f.label}"] = counts.get(f"{f.kind.value}:{f.label}", 0) + 1
    lines.append("")
    lines.append("Summary: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no findings"))
    return "\n".join(lines)


def key_dates(doc: Document) -> list[dict[str, Any]]:
    """Dated facts of requirement findings whose wording names a tender milestone."""
    out = []
    for f in doc.findings:
        if f.kind is not FindingKind.REQUIREMENT:
            continue
        milestone = next((m for m in MILESTONES if re.search(MILESTONES[m], f.evidence.text, re.I)), None)
        if milestone is None:
            continue
        for fact in f.attrs.get("facts", []):
            if fact["kind"] in ("deadline", "date") and isinstance(fact["value"], str) and fact["value"][:1].isdigit():
                out.append(
                    {"milestone": milestone, "date": fact["value"], "text": fact["text"], "page": f.evidence.page}
                )
                break
    return out


MILESTONES = {
    "clarification deadline": r"clarification",
    "submission deadline": r"\b(submi|tenders? (must|should|shall) be (received|returned)|return(ed)? by|closing date)",
    "award": r"\b(award|standstill)",
    "contract start": r"\b(contract (start|commence)|commencement|go-live|start date)",
}


def render(doc: Document, fmt: str) -> str | bytes:
    from . import matrix

    if fmt == "json":
        return to_json(doc)
    if fmt == "csv":
        return matrix.to_csv(doc)
    if fmt == "xlsx":
        return matrix.to_xlsx(doc)
    if fmt == "md":
        return matrix.to_markdown(doc)
    return to_table(doc)
