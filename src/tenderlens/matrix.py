"""The compliance matrix: one row per requirement finding, as CSV, Markdown or an Excel workbook.

Like `report`, this only formats what the stages found. The response, owner and status columns are
left empty for the bid team to fill in.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .document import Document, Finding, FindingKind
from .routes import flag_line

COLUMNS = (
    "id",
    "section",
    "page",
    "requirement",
    "priority",
    "category",
    "deadline",
    "value",
    "obligations",
    "response",
    "owner",
    "status",
)
WIDTHS = {
    "id": 7,
    "section": 32,
    "page": 6,
    "requirement": 80,
    "priority": 11,
    "category": 20,
    "deadline": 28,
    "value": 22,
    "obligations": 22,
    "response": 40,
    "owner": 14,
    "status": 12,
}
SHEET = "Compliance matrix"
FIXED_TIME = datetime(2000, 1, 1)  # workbook and zip timestamps, so the same scan gives the same bytes
MANDATORY_FILL = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")
HEADER_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")


def rows(doc: Document) -> list[dict[str, str]]:
    """One row per requirement finding, in document order."""
    requirements = [f for f in doc.findings if f.kind is FindingKind.REQUIREMENT]
    requirements.sort(key=lambda f: (f.evidence.start, f.evidence.end))
    return [_row(doc, f, i) for i, f in enumerate(requirements, start=1)]


def to_csv(doc: Document) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(doc))
    return out.getvalue()


def to_markdown(doc: Document) -> str:
    lines = [f"# Compliance matrix: {_md(doc.source)}", ""]
    if doc.route is not None:
        r = doc.route
        caution = f" **{r.attrs['caution']}**" if r.attrs.get("caution") else ""
        lines += [f"**Route:** {r.regime} / {r.route} (score {r.score:.2f}). {r.attrs.get('meaning', '')}{caution}", ""]
        lines += [f"- **{flag}**{_md(flag_line(flag, r.attrs)[len(flag) :])}" for flag in r.flags]
        lines += [""] if r.flags else []
        lines += [f"- evidence, page {e.page}: {_md(' '.join(e.text.split()))}" for e in r.evidence] + [""]
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for row in rows(doc):
        lines.append("| " + " | ".join(_md(row[c]) for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def to_xlsx(doc: Document) -> bytes:
    """A workbook: the matrix sheet (filterable, frozen header) and a sheet about the document."""
    table = rows(doc)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    _append(ws, COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    for row in table:
        _append(ws, [int(row[c]) if c == "page" and row[c].isdigit() else row[c] for c in COLUMNS])
        for cell in ws[ws.max_row]:
            cell.alignment = WRAP
            if row["priority"] == "Mandatory":
                cell.fill = MANDATORY_FILL
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = WIDTHS[column]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(table) + 1}"

    info = wb.create_sheet("Document")
    pages = int(doc.meta.get("page_count", len(doc.pages)))
    facts: list[tuple[str, Any]] = [("source", doc.source), ("pages", pages)]
    if doc.route is not None:
        facts += [("regime", doc.route.regime), ("route", doc.route.route), ("score", round(doc.route.score, 4))]
        facts += [("what it means", str(doc.route.attrs.get("meaning", "")))]
        if doc.route.attrs.get("caution"):
            facts += [("caution", str(doc.route.attrs["caution"]))]
        facts += [(f"flag {flag}", flag_line(flag, doc.route.attrs)) for flag in doc.route.flags]
        facts += [(f"evidence p.{e.page}", " ".join(e.text.split())) for e in doc.route.evidence]
    facts += [
        ("mandatory", sum(r["priority"] == "Mandatory" for r in table)),
        ("desirable", sum(r["priority"] == "Desirable" for r in table)),
    ]
    for key, value in facts:
        _append(info, [key, value])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    info.column_dimensions["A"].width = 14
    info.column_dimensions["B"].width = 60

    wb.properties.creator = "tenderlens"
    wb.properties.title = f"Compliance matrix: {doc.source}"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not save_workbook, which stamps the modified time
    return _fixed_zip(raw.getvalue())


def _row(doc: Document, f: Finding, index: int) -> dict[str, str]:
    attrs = f.attrs
    section = attrs.get("section")
    if section is None:
        block = doc.block_at(f.evidence.start)
        section = block.section if block else ""
    facts: list[Mapping[str, Any]] = list(attrs.get("facts") or [])
    return {
        "id": f"R{index:03d}",
        "section": _clean(section),
        "page": str(f.evidence.page),
        "requirement": _clean(f.evidence.text),
        "priority": f.label.capitalize(),
        "category": _clean(attrs.get("category") or ""),
        "deadline": _quotes(facts, ("deadline", "date")),
        "value": _quotes(facts, ("value",)),
        "obligations": ", ".join(_clean(o) for o in attrs.get("obligations") or []),
        "response": "",
        "owner": "",
        "status": "",
    }


def _quotes(facts: Iterable[Mapping[str, Any]], kinds: tuple[str, ...]) -> str:
    return "; ".join(_clean(fact.get("text", "")) for fact in facts if fact.get("kind") in kinds)


def _clean(value: Any) -> str:
    return " ".join(str(value).split())


def _md(cell: str) -> str:
    return cell.replace("\\", "\\\\").replace("|", "\\|")


def _append(ws: Any, values: Iterable[Any]) -> None:
    """Append a row, keeping text that starts with "=" as text rather than a formula."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every member dated `FIXED_TIME`."""
    out = io.BytesIO()
    stamp = FIXED_TIME.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, source.read(member.filename))
    return out.getvalue()
