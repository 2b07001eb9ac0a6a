"""Shared fixtures: PDFs drawn with reportlab for each layout the ingester must handle.

Every PDF is generated in tmp_path, so tests never depend on files someone else wrote.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from tenderlens.document import BlockKind, Document, DocumentBuilder

WIDTH, HEIGHT = A4
EVALSET = Path(__file__).resolve().parents[2] / "shared" / "evalset"
Draw = Callable[[Canvas, int], None]


def write_pdf(
    path: Path,
    pages: Sequence[Draw],
    *,
    header: str | None = "Northmoor Trust | ITT NT-2026-01 | OFFICIAL",
    encrypt: str | None = None,
) -> Path:
    """One page per drawing function, with a running header and a 'Page N of M' footer."""
    canvas = Canvas(str(path), pagesize=A4, invariant=1, encrypt=encrypt)
    for number, draw in enumerate(pages, start=1):
        if header:
            canvas.setFont("Helvetica", 8)
            canvas.drawString(56, HEIGHT - 30, header)
            canvas.drawString(WIDTH / 2 - 20, 24, f"Page {number} of {len(pages)}")
        draw(canvas, number)
        canvas.showPage()
    canvas.save()
    return path


def text_lines(canvas: Canvas, lines: Sequence[str], *, x: float = 56, top: float = 80, size: float = 10) -> float:
    """Draw lines of body text from ``top`` (points from the page top); return the next top."""
    canvas.setFont("Helvetica", size)
    for line in lines:
        canvas.drawString(x, HEIGHT - top, line)
        top += size * 1.4
    return top


def heading(canvas: Canvas, text: str, top: float, size: float = 14) -> float:
    canvas.setFont("Helvetica-Bold", size)
    canvas.drawString(56, HEIGHT - top, text)
    return top + size * 2


def table(canvas: Canvas, rows: Sequence[Sequence[str]], top: float, widths: Sequence[float] = (60, 300, 100)) -> float:
    """A ruled table; returns the top below it."""
    height = 18
    canvas.setFont("Helvetica", 9)
    for r, row in enumerate(rows):
        y = HEIGHT - top - (r + 1) * height
        x = 56.0
        for cell, width in zip(row, widths, strict=True):
            canvas.rect(x, y, width, height)
            canvas.drawString(x + 3, y + 5, cell)
            x += width
    return top + (len(rows) + 1) * height


SPEC_PAGE_1 = [
    "The Trust is procuring a remote monitoring platform for patients with heart failure.",
    "The platform will support around 2,000 patients in the first year of the contract.",
    "",
    "The Supplier shall provide a platform that meets the requirements of this specification.",
    "Tenders must be received by 12:00 noon on 16 March 2026 through the e-tendering portal.",
    "Bidders should describe their approach to training clinical staff, e.g. ward nurses.",
    "",
    "The Supplier shall complete the imple-",
    "mentation within 12 weeks of the contract start date, i.e. by June 2026.",
]


@pytest.fixture
def spec_pdf(tmp_path: Path) -> Path:
    """Three pages: headings, paragraphs, numbered clauses, a hyphenated line end."""

    def page1(c: Canvas, n: int) -> None:
        top = heading(c, "1 Introduction", 70)
        text_lines(c, SPEC_PAGE_1, top=top)

    def page2(c: Canvas, n: int) -> None:
        top = heading(c, "3 Specification", 70)
        top = heading(c, "3.2 Information Governance", top, size=12)
        text_lines(
            c,
            [
                "3.2.1 The Supplier shall hold Cyber Essentials Plus certification throughout the term.",
                "",
                "3.2.2 The Supplier shall complete the Data Security and Protection Toolkit annually.",
                "",
                "The Supplier shall:",
                "(a) appoint a clinical safety officer;",
                "",
                "(b) maintain a hazard log for the life of the contract.",
            ],
            top=top,
        )

    def page3(c: Canvas, n: int) -> None:
        top = heading(c, "4 Evaluation", 70)
        text_lines(c, ["The Trust may reject any tender that is late or incomplete.", "No. of copies: one."], top=top)

    return write_pdf(tmp_path / "spec.pdf", [page1, page2, page3])


LEFT = [f"Left column sentence {i} explains the service model in detail." for i in range(1, 19)]
RIGHT = [f"Right column sentence {i} sets out the strategic context here." for i in range(1, 19)]


@pytest.fixture
def two_column_pdf(tmp_path: Path) -> Path:
    def page(c: Canvas, n: int) -> None:
        top = heading(c, f"2.{n} Background and Strategic Context", 70)
        text_lines(c, [s[:44] for s in LEFT], x=56, top=top, size=9)
        text_lines(c, [s[:44] for s in RIGHT], x=WIDTH / 2 + 10, top=top, size=9)

    return write_pdf(tmp_path / "two-column.pdf", [page, page])


TABLE_HEADER = ["Ref", "Requirement", "Priority"]
TABLE_ROWS = [[f"R{i:02d}", f"The platform must support requirement number {i}.", "Mandatory"] for i in range(1, 61)]


@pytest.fixture
def table_pdf(tmp_path: Path) -> Path:
    """A 60-row ruled table: rows 1-35 on page 1, the header repeated and rows 36-60 on page 2."""

    def page1(c: Canvas, n: int) -> None:
        top = heading(c, "5 Requirements", 60)
        table(c, [TABLE_HEADER, *TABLE_ROWS[:35]], top - 10)

    def page2(c: Canvas, n: int) -> None:
        table(c, [TABLE_HEADER, *TABLE_ROWS[35:]], 50)
        text_lines(c, ["Bidders should answer every row of the table above."], top=560)

    return write_pdf(tmp_path / "table.pdf", [page1, page2])


@pytest.fixture
def image_only_pdf(tmp_path: Path) -> Path:
    """A scanned page: text rendered into an image, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1654, 600), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=48)
    draw.text((60, 80), "The Supplier shall hold Cyber Essentials.", fill=0, font=font)
    draw.text((60, 200), "Tenders must arrive by 16 March 2026.", fill=0, font=font)
    png = tmp_path / "scan.png"
    image.save(png)

    def page(c: Canvas, n: int) -> None:
        c.drawImage(str(png), 0, HEIGHT - 300, width=WIDTH, height=WIDTH * 600 / 1654)

    return write_pdf(tmp_path / "scanned.pdf", [page], header=None)


@pytest.fixture
def has_tesseract() -> bool:
    return shutil.which("tesseract") is not None


def make_document(blocks: Sequence[tuple[BlockKind, str]], pages: int = 1) -> Document:
    """A Document built directly: ``blocks`` spread evenly over ``pages`` pages."""
    builder = DocumentBuilder("made.txt")
    per_page = max(1, -(-len(blocks) // pages))
    for index, (kind, text) in enumerate(blocks):
        if index % per_page == 0:
            builder.start_page(index // per_page + 1, 595, 842)
        builder.add_block(kind, [(text, (50.0, 50.0 + index, 500.0, 60.0 + index))], level=1)
    return builder.build()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def evalset() -> Path:
    if not EVALSET.is_dir():
        pytest.skip(f"the real-document evalset is not present at {EVALSET} (it lives beside the repository)")
    return EVALSET
