"""Readers for the sources that are not PDFs: DOCX, plain text / Markdown / HTML, OCDS JSON.

Each builds its Document through `DocumentBuilder`, so offsets, blocks and sections follow the
same rules as for PDFs. These formats have no pages: their text is page 1 with no boxes.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

from .document import BlockKind, Document, DocumentBuilder, Table
from .errors import Errors, IngestError

_MD_HEADING = re.compile(r"(#{1,6})\s+(.*)")
_MD_ITEM = re.compile(r"(?:[-*+•]|\d{1,3}[.)]|\(?[a-z]\)|\(?[ivx]{1,5}\))\s+")


def read_text(path: Path) -> Document:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise IngestError(Errors.E014, path=path, reason=str(exc)) from None
    if not text.strip():
        raise IngestError(Errors.E001, path=path)
    if path.suffix.lower() in {".html", ".htm"} or re.search(r"<(html|body|p|div)\b", text[:2000], re.I):
        return _from_html(path, text)
    return _from_markdown(path, text)


def _from_markdown(path: Path, text: str) -> Document:
    """Plain text and Markdown: blank lines end paragraphs; '#' headings; list markers start items."""
    builder = DocumentBuilder(str(path))
    builder.start_page(1)
    pending: list[str] = []

    def flush() -> None:
        if pending:
            kind = BlockKind.LIST_ITEM if _MD_ITEM.match(pending[0]) else BlockKind.PARAGRAPH
            builder.add_block(kind, [(line, None) for line in pending])
            pending.clear()

    for raw_line in text.splitlines():
        line = " ".join(raw_line.split())
        heading = _MD_HEADING.fullmatch(line)
        if not line:
            flush()
        elif heading:
            flush()
            builder.add_block(BlockKind.HEADING, [(heading.group(2), None)], level=len(heading.group(1)))
        elif _MD_ITEM.match(line):
            flush()
            pending.append(line)
        else:
            pending.append(line)
    flush()
    return builder.build(meta={"format": "text", "page_count": 1})


class _HTMLBlocks(HTMLParser):
    """Collects (kind, level, text) for block elements, in document order."""

    BLOCKS: ClassVar[set[str]] = {"p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "title"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[BlockKind, int, str]] = []
        self._text: list[str] = []
        self._cells: list[str] | None = None
        self._tag = "p"
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag == "tr":
            self._end()
            self._cells = []
        elif tag in {"td", "th"}:
            self._end_cell()
        elif tag in self.BLOCKS:
            self._end()
            self._tag = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)
        elif tag in {"td", "th"}:
            self._end_cell()
        elif tag == "tr" and self._cells is not None:
            self._end_cell()
            if any(self._cells):
                self.blocks.append((BlockKind.TABLE_ROW, 0, " | ".join(c for c in self._cells if c)))
            self._cells = None
        elif tag in self.BLOCKS:
            self._end()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._text.append(data)

    def _end_cell(self) -> None:
        if self._cells is not None:
            self._cells.append(" ".join("".join(self._text).split()))
            self._text = []

    def _end(self) -> None:
        text = " ".join("".join(self._text).split())
        self._text = []
        if not text or self._cells is not None:
            return
        if re.fullmatch(r"h[1-6]", self._tag):
            self.blocks.append((BlockKind.HEADING, int(self._tag[1]), text))
        elif self._tag == "li":
            self.blocks.append((BlockKind.LIST_ITEM, 0, text))
        else:
            self.blocks.append((BlockKind.PARAGRAPH, 0, text))
        self._tag = "p"


def _from_html(path: Path, text: str) -> Document:
    parser = _HTMLBlocks()
    parser.feed(text)
    parser.close()
    parser._end()
    builder = DocumentBuilder(str(path))
    builder.start_page(1)
    for kind, level, block in parser.blocks:
        builder.add_block(kind, [(block, None)], level=level)
    return builder.build(meta={"format": "html", "page_count": 1})


def read_docx(path: Path) -> Document:
    """Paragraphs, headings, list items and tables of a DOCX, in body order."""
    import zipfile

    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(Errors.E013, path=path, reason=f"{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise IngestError(Errors.E013, path=path, reason=f"{type(exc).__name__}: {exc}") from None
    builder = DocumentBuilder(str(path))
    builder.start_page(1)
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = " ".join(item.text.split())
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            heading = re.match(r"(?:Heading|Title)\s*(\d*)", style)
            numbered = item._p.pPr is not None and item._p.pPr.numPr is not None
            if heading:
                builder.add_block(BlockKind.HEADING, [(text, None)], level=int(heading.group(1) or 1))
            elif numbered or style.startswith("List"):
                builder.add_block(BlockKind.LIST_ITEM, [(text, None)])
            else:
                builder.add_block(BlockKind.PARAGRAPH, [(text, None)])
        elif isinstance(item, DocxTable):
            rows = [tuple(" ".join(c.text.split()) for c in row.cells) for row in item.rows]
            rows = [r for r in rows if any(r)]
            if not rows:
                continue
            index = builder.add_table(Table(rows[0], tuple(rows[1:]), (1,)))
            for row in rows:
                builder.add_block(BlockKind.TABLE_ROW, [(" | ".join(_dedupe(row)), None)], table=index)
    doc = builder.build(meta={"format": "docx", "page_count": 1})
    if not doc.text.strip():
        raise IngestError(Errors.E001, path=path)
    return doc


def _dedupe(cells: tuple[str, ...]) -> list[str]:
    """Merged DOCX cells repeat their text in every grid cell they cover; keep it once."""
    out: list[str] = []
    for cell in cells:
        if cell and (not out or out[-1] != cell):
            out.append(cell)
    return out


# -- OCDS -----------------------------------------------------------------------------------

OCDS_PROCEDURE_FIELDS = ("procurementMethod", "procurementMethodDetails", "legalBasis", "techniques")


def read_ocds(path: Path) -> Document:
    """An OCDS release, release package or record package: the newest release of its process."""
    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(Errors.E011, path=path, reason=str(exc)) from None
    release = _release(path, data)
    tender = release.get("tender") or {}
    if not isinstance(tender, dict):
        raise IngestError(Errors.E012, path=path, reason="'tender' is not an object")
    builder = DocumentBuilder(str(path))
    builder.start_page(1)
    title = _str(tender.get("title")) or _str(release.get("title"))
    if title:
        builder.add_block(BlockKind.HEADING, [(title, None)], level=1)
    for paragraph in re.split(r"\n\s*\n|\r\n\r\n|\\n\\n", _str(tender.get("description"))):
        if paragraph.strip():
            builder.add_block(BlockKind.PARAGRAPH, [(" ".join(paragraph.split()), None)])
    for lot in tender.get("lots") or []:
        if isinstance(lot, dict):
            lot_text = ": ".join(p for p in (_str(lot.get("title")), _str(lot.get("description"))) if p)
            if lot_text:
                builder.add_block(BlockKind.LIST_ITEM, [(f"Lot {lot.get('id', '')}: {lot_text}", None)])
    facts = _facts(release, tender)
    blocks = [builder.add_block(BlockKind.PARAGRAPH, [(f"{label}: {value}", None)]) for label, value in facts.items()]
    facts_span = [blocks[0].start, blocks[-1].end] if blocks else None
    procedure = {k: tender[k] for k in OCDS_PROCEDURE_FIELDS if tender.get(k)}
    procedure_span = None
    if procedure:  # kept apart (meta.procedure_span) so that text-only routing can ignore it
        stated = "; ".join(f"{k}: {v}" for k, v in procedure.items())
        block = builder.add_block(BlockKind.PARAGRAPH, [(f"Procedure: {stated}", None)])
        procedure_span = [block.start, block.end]
    meta = {
        "format": "ocds",
        "page_count": 1,
        "ocid": release.get("ocid"),
        "release_id": release.get("id"),
        "tag": release.get("tag"),
        "procedure": procedure,
        "procedure_span": procedure_span,
        "facts_span": facts_span,
        **{k.lower().replace(" ", "_"): v for k, v in facts.items()},
    }
    doc = builder.build(meta=meta)
    if not doc.text.strip():
        raise IngestError(Errors.E012, path=path, reason="the release has no title or description")
    return doc


def _release(path: Path, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise IngestError(Errors.E012, path=path, reason="the top level is not an object")
    if isinstance(data.get("records"), list) and data["records"]:
        record = data["records"][-1]
        if isinstance(record, dict):
            if isinstance(record.get("compiledRelease"), dict):
                return dict(record["compiledRelease"])
            data = {"releases": record.get("releases") or []}
    if isinstance(data.get("releases"), list):
        releases = [r for r in data["releases"] if isinstance(r, dict)]
        if not releases:
            raise IngestError(Errors.E012, path=path, reason="the package holds no releases")
        newest: dict[str, Any] = max(releases, key=lambda r: str(r.get("date", "")))
        return newest
    if "ocid" in data or "tender" in data:
        return dict(data)
    raise IngestError(Errors.E012, path=path, reason="no 'ocid', 'tender', 'releases' or 'records'")


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _facts(release: dict[str, Any], tender: dict[str, Any]) -> dict[str, str]:
    facts: dict[str, str] = {}
    buyer = release.get("buyer") or {}
    if isinstance(buyer, dict) and _str(buyer.get("name")):
        facts["Buyer"] = _str(buyer.get("name"))
    value = tender.get("value") or {}
    if isinstance(value, dict) and value.get("amount") is not None:
        facts["Value"] = (
            f"{value.get('currency', 'GBP')} {value['amount']:,}"
            if isinstance(value["amount"], int | float)
            else str(value["amount"])
        )
    period = tender.get("tenderPeriod") or {}
    if isinstance(period, dict) and _str(period.get("endDate")):
        facts["Deadline"] = _str(period.get("endDate"))
    contract = tender.get("contractPeriod") or {}
    if isinstance(contract, dict) and _str(contract.get("startDate")):
        facts["Contract start"] = _str(contract.get("startDate"))
    return facts
