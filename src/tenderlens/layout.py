"""One PDF page's layout with pdfplumber: lines in reading order, tables, and OCR for scans.

This runs inside worker processes, so it returns plain, picklable values (`PageLayout`) and
never raises on bad pages: a problem becomes `PageLayout.error` for the parent to report.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import BBox

LINE_TOLERANCE = 3.0  # points: words whose tops differ by less sit on one line
COLUMN_GAP = 14.0  # points: a wider gap between two words on one line may be a column gutter
OCR_RESOLUTION = 300
_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)


@dataclass
class TextLine:
    text: str
    bbox: BBox
    size: float
    bold: bool
    column: int = 0  # 0 full width or single column, 1 left, 2 right


@dataclass
class TableGrid:
    bbox: BBox
    rows: list[list[str]]
    row_boxes: list[BBox]


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    items: list[TextLine | TableGrid] = field(default_factory=list)
    ocr: bool = False
    no_text: bool = False
    warning: tuple[str, dict[str, Any]] | None = None
    error: tuple[str, dict[str, Any]] | None = None


@dataclass(frozen=True)
class PageLimits:
    max_chars: int = 50_000
    timeout: float = 60.0
    ocr: bool = True


class _PageTimeout(BaseException):  # not an Exception, so pdfminer cannot swallow or wrap it
    pass


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise `_PageTimeout` after ``seconds`` (main thread only; elsewhere no limit applies)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _PageTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    # the alarm can land in a finaliser, where Python swallows the exception: check the clock too
    if time.monotonic() - started > seconds:
        raise _PageTimeout


def read_pages(path: str, password: str | None, numbers: Sequence[int], limits: PageLimits) -> list[PageLayout]:
    """Lay out the given 1-based pages of one PDF; stop at the first page that fails."""
    import pdfplumber

    layouts: list[PageLayout] = []
    # our own file handle: pdfplumber leaves its file open when the PDF fails to parse
    with open(path, "rb") as stream:
        try:
            pdf = pdfplumber.open(stream, password=password or "")
        except Exception as exc:  # the parent already opened it once; treat a late failure as corrupt
            return [PageLayout(numbers[0], 0, 0, error=("E004", {"reason": reason_of(exc)}))]
        with pdf:
            for number in numbers:
                layout = _read_page(pdf, number, limits)
                layouts.append(layout)
                if layout.error:
                    break
    return layouts


def _read_page(pdf: Any, number: int, limits: PageLimits) -> PageLayout:
    page = None
    try:
        with deadline(limits.timeout):
            page = pdf.pages[number - 1]
            return page_layout(page, limits)
    except _PageTimeout:
        return PageLayout(number, 0, 0, error=("E010", {"seconds": limits.timeout}))
    except Exception as exc:
        return PageLayout(number, 0, 0, error=("E004", {"reason": reason_of(exc)}))
    finally:
        if page is not None:
            page.close()


def page_layout(page: Any, limits: PageLimits) -> PageLayout:
    number = page.page_number
    layout = PageLayout(number, float(page.width), float(page.height))
    chars = page.chars
    if len(chars) > limits.max_chars:
        layout.error = ("E009", {"chars": len(chars), "limit": limits.max_chars})
        return layout
    if not any(c["text"].strip() for c in chars):
        layout.no_text = True
        if limits.ocr:
            _ocr(page, layout)
        return layout
    tables = _tables(page)
    words = [
        w for w in page.extract_words(extra_attrs=["size", "fontname"]) if not any(_inside(w, t.bbox) for t in tables)
    ]
    gutter = _gutter(_lines(words, gap=COLUMN_GAP), layout.width)
    lines = _lines(words) if gutter is None else _lines_by_column(words, gutter)
    layout.items = _reading_order(lines, tables)
    return layout


def _tables(page: Any) -> list[TableGrid]:
    if not (page.rects or page.lines):
        return []
    grids = []
    for table in page.find_tables():
        rows = [[_clean(cell) for cell in row] for row in table.extract()]
        boxes = [_box(row.bbox) for row in table.rows]
        # a shaded box around running text is drawn like a one-column table: keep it as text
        if len(rows) < 2 or max(sum(1 for c in r if c) for r in rows) < 2:
            continue
        kept = [(r, b) for r, b in zip(rows, boxes, strict=True) if any(r)]
        grids.append(TableGrid(_box(table.bbox), [r for r, _ in kept], [b for _, b in kept]))
    return grids


def _box(values: Sequence[float]) -> BBox:
    x0, top, x1, bottom = (float(v) for v in values)
    return (x0, top, x1, bottom)


def _clean(cell: str | None) -> str:
    return " ".join((cell or "").split())


def _inside(word: dict[str, Any], bbox: BBox) -> bool:
    cx = (word["x0"] + word["x1"]) / 2
    cy = (word["top"] + word["bottom"]) / 2
    return bool(bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3])


def _group(words: list[dict[str, Any]], gap: float | None = None) -> list[list[dict[str, Any]]]:
    """Words grouped into lines by their tops, left to right; split where a gap exceeds ``gap``."""
    rows: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(word["top"] - rows[-1][0]["top"]) <= LINE_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    groups = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        groups.append([row[0]])
        for word in row[1:]:
            if gap is not None and word["x0"] - groups[-1][-1]["x1"] > gap:
                groups.append([word])
            else:
                groups[-1].append(word)
    return groups


def _lines(words: list[dict[str, Any]], column: int = 0, gap: float | None = None) -> list[TextLine]:
    out = []
    for group in _group(words, gap):
        bbox = (
            min(w["x0"] for w in group),
            min(w["top"] for w in group),
            max(w["x1"] for w in group),
            max(w["bottom"] for w in group),
        )
        bold = sum(len(w["text"]) for w in group if _BOLD.search(w.get("fontname", "")))
        total = sum(len(w["text"]) for w in group)
        size = statistics.median(float(w.get("size", 0.0)) for w in group)
        out.append(TextLine(" ".join(w["text"] for w in group), bbox, size, bold * 2 > total, column))
    return out


def _gutter(lines: list[TextLine], width: float) -> float | None:
    """The x of a column gutter crossed by few line segments, with many on each side, or None."""
    body = [ln for ln in lines if len(ln.text) > 3]
    if len(body) < 16 or width <= 0:
        return None

    def crossing(x: float) -> int:
        return sum(1 for ln in body if ln.bbox[0] < x - 2 and ln.bbox[2] > x + 2)

    # fewest crossings; among equals, the x nearest the middle of the page
    crossed, _, x = min((crossing(x), abs(x - width / 2), x) for x in (width * step / 100 for step in range(30, 71)))
    left = [ln for ln in body if ln.bbox[2] <= x + 2]
    right = [ln for ln in body if ln.bbox[0] >= x - 2]
    if crossed > 0.1 * len(body) or len(left) < 6 or len(right) < 6:
        return None
    # real columns are filled with running text: many left lines reach close to the gutter
    filled = sum(1 for ln in left if ln.bbox[2] > x - 0.25 * x)
    return x if filled >= 0.4 * len(left) else None


def _lines_by_column(words: list[dict[str, Any]], gutter: float) -> list[TextLine]:
    """Lines on a two-column page; runs of words that cross the gutter stay full width."""
    spanning: list[dict[str, Any]] = []
    rest: list[dict[str, Any]] = []
    for group in _group(words, COLUMN_GAP):
        crosses = group[0]["x0"] < gutter - 2 and group[-1]["x1"] > gutter + 2
        (spanning if crosses else rest).extend(group)
    left = [w for w in rest if (w["x0"] + w["x1"]) / 2 <= gutter]
    right = [w for w in rest if (w["x0"] + w["x1"]) / 2 > gutter]
    return _lines(spanning) + _lines(left, column=1) + _lines(right, column=2)


def _reading_order(lines: list[TextLine], tables: list[TableGrid]) -> list[TextLine | TableGrid]:
    """Top to bottom; on two-column pages, each band between full-width items left then right."""
    full: list[TextLine | TableGrid] = [ln for ln in lines if ln.column == 0]
    full += tables
    columns = [ln for ln in lines if ln.column]
    full.sort(key=lambda item: item.bbox[1])
    ordered: list[TextLine | TableGrid] = []
    previous_top = float("-inf")
    for item in [*full, None]:
        top = float("inf") if item is None else item.bbox[1]
        band = sorted(
            (ln for ln in columns if previous_top <= ln.bbox[1] < top), key=lambda ln: (ln.column, ln.bbox[1])
        )
        ordered += band
        if item is not None:
            ordered.append(item)
        previous_top = top
    return ordered


def _ocr(page: Any, layout: PageLayout) -> None:
    """Read a page without a text layer with Tesseract, if it is installed."""
    if shutil.which("tesseract") is None:
        layout.warning = ("W001", {})
        return
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "page.png"
        page.to_image(resolution=OCR_RESOLUTION).original.save(image)
        try:
            done = subprocess.run(
                ["tesseract", str(image), "stdout", "--psm", "3", "tsv"],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                check=True,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            layout.warning = ("W003", {"reason": reason_of(exc)})
            return
    scale = 72 / OCR_RESOLUTION
    words = []
    for row in done.stdout.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or not cols[11].strip() or float(cols[10]) < 0:
            continue
        left, top, width, height = (float(v) * scale for v in cols[6:10])
        words.append(
            {
                "text": cols[11],
                "x0": left,
                "top": top,
                "x1": left + width,
                "bottom": top + height,
                "size": height,
                "fontname": "",
            }
        )
    layout.items = list(_lines(words))
    layout.ocr = True
    layout.warning = ("W002", {})


def reason_of(exc: BaseException) -> str:
    """A short reason for an error, unwrapping pdfplumber's PdfminerException."""
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    message = str(inner).strip()
    return type(inner).__name__ + (f": {message[:120]}" if message else "")
