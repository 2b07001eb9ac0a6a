"""Read a source file into one `Document`: PDF (pdfplumber), DOCX, text/Markdown/HTML, OCDS JSON.

`read(path)` picks the reader from the file's content and extension. PDF pages are laid out by
`layout.py` (in parallel processes for long documents, page order kept); this module turns the
layouts into one text: running headers and footers out (recorded per page), end-of-line
hyphenation repaired, headings, list items and paragraphs as blocks with their section path, and
tables as one block per row, stitched when they continue over a page break.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .document import BBox, BlockKind, Document, DocumentBuilder, Table
from .errors import Errors, IngestError, Warnings, warn
from .layout import PageLayout, PageLimits, TableGrid, TextLine, read_pages, reason_of


@dataclass(frozen=True)
class IngestOptions:
    """How to read a source. Limits keep bad or hostile files from hanging a batch."""

    pages: frozenset[int] | None = None  # 1-based page numbers to read; None reads all
    password: str | None = None
    max_pages: int = 2000
    max_chars_per_page: int = 50_000
    page_timeout: float = 60.0  # seconds per page; 0 disables
    processes: int | None = None  # None: one per CPU for long PDFs
    parallel_min_pages: int = 24
    ocr: bool = True


_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office file"),
]
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}


def read(path: str | Path, options: IngestOptions | None = None) -> Document:
    """Read any supported file into a Document, or raise an `IngestError` with a code."""
    from . import formats

    options = options or IngestOptions()
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        raise IngestError(Errors.E002, path=path, reason=exc.strerror or exc) from None
    if not head:
        raise IngestError(Errors.E001, path=path)
    suffix = path.suffix.lower()
    if b"%PDF-" in head[:1024]:
        return read_pdf(path, options)
    if suffix == ".pdf":
        raise IngestError(Errors.E003, path=path, detected=_sniff(head))
    if suffix == ".docx" or (head.startswith(b"PK\x03\x04") and suffix not in TEXT_SUFFIXES):
        return formats.read_docx(path)
    if suffix == ".json" or (suffix not in TEXT_SUFFIXES and head.lstrip()[:1] in (b"{", b"[")):
        return formats.read_ocds(path)
    if suffix in TEXT_SUFFIXES or b"\x00" not in head:
        return formats.read_text(path)
    raise IngestError(Errors.E017, path=path, suffix=suffix)


def _sniff(head: bytes) -> str:
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return "text" if b"\x00" not in head and head.isascii() else "binary data"


def parse_pages(spec: str) -> frozenset[int]:
    """'3,7-9' -> {3, 7, 8, 9}."""
    pages: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not match:
            raise IngestError(Errors.E015, spec=spec, reason=f"{part!r} is not a page or range")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            raise IngestError(Errors.E015, spec=spec, reason=f"{part!r} is not an ascending range from 1")
        pages.update(range(first, last + 1))
    return frozenset(pages)


def read_pdf(path: str | Path, options: IngestOptions | None = None) -> Document:
    options = options or IngestOptions()
    path = Path(path)
    total = _page_count(path, options.password)
    if total == 0:
        raise IngestError(Errors.E005, path=path)
    numbers = sorted(n for n in (options.pages or range(1, total + 1)) if n <= total)
    if not numbers:
        raise IngestError(Errors.E016, path=path, spec=_spec(options.pages), pages=total)
    if len(numbers) > options.max_pages:
        raise IngestError(Errors.E008, path=path, pages=len(numbers), limit=options.max_pages)
    limits = PageLimits(options.max_chars_per_page, options.page_timeout, options.ocr)
    layouts = _layouts(str(path), options, numbers, limits)
    warnings = _check(path, layouts)
    doc = _assemble(str(path), layouts)
    return replace(doc, meta={"format": "pdf", "page_count": total}, warnings=warnings)


def _spec(pages: frozenset[int] | None) -> str:
    return ",".join(str(p) for p in sorted(pages or ()))


def _page_count(path: Path, password: str | None) -> int:
    import pdfplumber

    try:
        # our own file handle: pdfplumber leaves its file open when the PDF fails to parse
        with path.open("rb") as stream, pdfplumber.open(stream, password=password or "") as pdf:
            return len(pdf.pages)
    except Exception as exc:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if type(inner).__name__ == "PDFPasswordIncorrect":
            raise IngestError(Errors.E007 if password else Errors.E006, path=path) from None
        raise IngestError(Errors.E004, path=path, reason=reason_of(exc)) from None


def _layouts(path: str, options: IngestOptions, numbers: list[int], limits: PageLimits) -> list[PageLayout]:
    processes = options.processes or os.cpu_count() or 1
    if processes == 1 or len(numbers) < options.parallel_min_pages:
        return read_pages(path, options.password, numbers, limits)
    # contiguous chunks, a few per process so that a slow chunk does not idle the others
    size = max(4, -(-len(numbers) // (processes * 3)))
    chunks = [numbers[i : i + size] for i in range(0, len(numbers), size)]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        futures = [pool.submit(read_pages, path, options.password, c, limits) for c in chunks]
        return [layout for f in futures for layout in f.result()]


def _check(path: Path, layouts: list[PageLayout]) -> tuple[str, ...]:
    """Raise the first page error; turn page warnings into coded warnings."""
    for layout in layouts:
        if layout.error:
            code, fields = layout.error
            raise IngestError(Errors[code], path=path, page=layout.number, **fields)
    messages = []
    missing = [lay.number for lay in layouts if lay.warning and lay.warning[0] == "W001"]
    if missing:
        messages.append(warn(Warnings.W001, path=path, pages=len(missing)))
    for layout in layouts:
        if layout.warning and layout.warning[0] != "W001":
            code, fields = layout.warning
            messages.append(warn(Warnings[code], path=path, page=layout.number, **fields))
    return tuple(messages)


# -- from page layouts to one text ------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"(?:page\s*)?-?\s*\d{1,4}\s*-?(?:\s*(?:of|/)\s*\d{1,4})?", re.IGNORECASE)
_LIST_MARKER = re.compile(
    r"(?:[•●▪◦‣∙·■□➢✓*\uf000-\uf0ff]\s*|[\-–—]\s+|o\s+"  # bullets, symbol-font bullets, 'o' sub-bullets
    r"|\(?[a-z]{1,2}\)\s+|\(?[ivxlc]{1,6}\)\s+|\(?[A-Z]\)\s+"  # (a) a) (iv) (A)
    r"|\d{1,3}(?:\.\d{1,3})+\.?\s+|\d{1,3}[.)]\s+"  # 3.2.1  1.  1)
    r"|[A-Z]{1,3}[:\-]?\d{1,3}[.:]?\s+)"  # F:12  SR-3
)
_HEADING_NUMBER = re.compile(r"(?:section\s+|part\s+|schedule\s+)?(\d{1,3}(?:\.\d{1,3})*)\.?\s+\S", re.I)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _furniture(layouts: list[PageLayout]) -> set[tuple[int, int]]:
    """(page index, item index) of running headers, footers and page numbers."""
    candidates: list[tuple[int, int, str]] = []
    for p, layout in enumerate(layouts):
        lines = [(i, it) for i, it in enumerate(layout.items) if isinstance(it, TextLine)]
        for i, line in lines[:3] + lines[-3:]:
            # footers of two or three lines reach higher than headers reach down (CCS schedules: 9-10%)
            if line.bbox[1] < 0.08 * layout.height or line.bbox[3] > 0.88 * layout.height:
                candidates.append((p, i, line.text))
    per_page: dict[str, set[int]] = {}
    for p, _, text in candidates:
        per_page.setdefault(_furniture_key(text), set()).add(p)
    counts = Counter({key: len(pages) for key, pages in per_page.items()})
    needed = max(2, (len(layouts) + 1) // 2)
    return {
        (p, i)
        for p, i, text in candidates
        if _PAGE_NUMBER.fullmatch(text.strip()) or (len(layouts) > 1 and counts[_furniture_key(text)] >= needed)
    }


def _assemble(source: str, layouts: list[PageLayout]) -> Document:
    furniture = _furniture(layouts)
    lines = [it for lay in layouts for it in lay.items if isinstance(it, TextLine)]
    body_size = _body_size(lines)
    heading_sizes = sorted({round(ln.size) for ln in lines if ln.size >= body_size + 1}, reverse=True)
    vocabulary = {w.lower() for ln in lines for w in re.findall(r"[A-Za-z]+", ln.text)}
    builder = DocumentBuilder(source)
    carried: int | None = None  # the table the previous page ended with, which may continue
    for p, layout in enumerate(layouts):
        kept = [it for i, it in enumerate(layout.items) if (p, i) not in furniture]
        builder.start_page(
            layout.number,
            layout.width,
            layout.height,
            ocr=layout.ocr,
            furniture=[
                it.text for i, it in enumerate(layout.items) if (p, i) in furniture and isinstance(it, TextLine)
            ],
        )
        pending: list[TextLine] = []
        table: int | None = None
        for index, item in enumerate(kept):
            if isinstance(item, TableGrid):
                _flush(builder, pending, body_size, heading_sizes, vocabulary)
                pending = []
                table = _add_table(builder, item, layout.number, carried if index == 0 else None)
            else:
                if pending and _starts_block(pending, item, body_size):
                    _flush(builder, pending, body_size, heading_sizes, vocabulary)
                    pending = []
                pending.append(item)
        _flush(builder, pending, body_size, heading_sizes, vocabulary)
        carried = table if kept and isinstance(kept[-1], TableGrid) else None
    return builder.build()


def _body_size(lines: list[TextLine]) -> float:
    weighted = Counter[float]()
    for line in lines:
        weighted[round(line.size, 1)] += len(line.text)
    return weighted.most_common(1)[0][0] if weighted else 10.0


def _is_heading(line: TextLine, body_size: float) -> bool:
    text = line.text.strip()
    words = text.split()
    if not words or len(words) > 14 or text.endswith((".", ",", ";", ":")) or _PAGE_NUMBER.fullmatch(text):
        return False
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    return line.size >= body_size + 1 or line.bold or shouting


def _starts_block(pending: list[TextLine], line: TextLine, body_size: float) -> bool:
    previous = pending[-1]
    if _is_heading(line, body_size) != _is_heading(previous, body_size):
        return True
    if _is_heading(line, body_size):
        return abs(line.size - previous.size) > 0.5 or line.bbox[1] - previous.bbox[3] > line.size
    if _LIST_MARKER.match(line.text) or previous.text.rstrip().endswith((":", ";")):
        return True  # a new item, or the line after a lead-in or after an item of a list
    if line.column != previous.column:
        return True
    height = max(previous.bbox[3] - previous.bbox[1], 1.0)
    gap = line.bbox[1] - previous.bbox[3]
    return gap > 0.9 * height or gap < -height  # a blank line, or a jump back up (new column)


def _flush(
    builder: DocumentBuilder,
    lines: list[TextLine],
    body_size: float,
    heading_sizes: list[int],
    vocabulary: set[str],
) -> None:
    if not lines:
        return
    first = lines[0]
    texts = [ln.text for ln in lines]
    joins = []
    for i in range(1, len(texts)):
        joined = _dehyphenate(texts[i - 1], texts[i], vocabulary)
        if joined:
            texts[i - 1] = texts[i - 1][:-1]
        joins.append("" if joined else " ")
    pairs: list[tuple[str, BBox | None]] = [(t, ln.bbox) for t, ln in zip(texts, lines, strict=True)]
    if _is_heading(first, body_size):
        builder.add_block(BlockKind.HEADING, pairs, level=_heading_level(first, heading_sizes), joins=joins)
    elif _LIST_MARKER.match(first.text):
        builder.add_block(BlockKind.LIST_ITEM, pairs, joins=joins)
    else:
        builder.add_block(BlockKind.PARAGRAPH, pairs, joins=joins)


def _dehyphenate(line: str, following: str, vocabulary: set[str]) -> bool:
    """Whether ``line`` ends in a hyphen that splits one word across the line break."""
    head = re.search(r"([A-Za-z]+)-$", line)
    tail = re.match(r"([a-z]+)", following)
    if not head or not tail:
        return False
    whole = (head.group(1) + tail.group(1)).lower()
    if whole in vocabulary:
        return True
    # a compound that also appears hyphenated elsewhere keeps its hyphen ("follow-up")
    return f"{head.group(1)}-{tail.group(1)}".lower() not in vocabulary


def _heading_level(line: TextLine, heading_sizes: list[int]) -> int:
    numbered = _HEADING_NUMBER.match(line.text.strip())
    if numbered:
        return numbered.group(1).count(".") + 1
    size = round(line.size)
    return heading_sizes.index(size) + 1 if size in heading_sizes else len(heading_sizes) + 1


def _add_table(builder: DocumentBuilder, grid: TableGrid, page: int, continues: int | None) -> int:
    rows = [tuple(r) for r in grid.rows]
    boxes = list(grid.row_boxes)
    index: int
    if continues is not None and len(builder.table(continues).header) == len(rows[0]):
        earlier = builder.table(continues)
        if rows[0] == earlier.header:  # the header repeated on the new page
            rows, boxes = rows[1:], boxes[1:]
        index = continues
        builder.replace_table(index, Table(earlier.header, earlier.rows + tuple(rows), (*earlier.pages, page)))
    else:
        header, rows, boxes = rows[0], rows[1:], boxes[1:]
        index = builder.add_table(Table(header, tuple(rows), (page,)))
        builder.add_block(BlockKind.TABLE_ROW, [(" | ".join(c for c in header if c), grid.row_boxes[0])], table=index)
    for row, box in zip(rows, boxes, strict=True):
        text = " | ".join(c for c in row if c)
        if text:
            builder.add_block(BlockKind.TABLE_ROW, [(text, box)], table=index)
    return index
