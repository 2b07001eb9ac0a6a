from __future__ import annotations

import warnings
from pathlib import Path

import pdfplumber
import pytest
from conftest import HEIGHT, LEFT, RIGHT, TABLE_ROWS, text_lines, write_pdf

from tenderlens.document import BlockKind
from tenderlens.errors import IngestError, TenderlensWarning
from tenderlens.ingest import IngestOptions, parse_pages, read


def block_texts(doc, kind=None):
    return [doc.text[b.start : b.end] for b in doc.blocks if kind is None or b.kind is kind]


def test_headers_and_footers_are_recorded_not_in_text(spec_pdf):
    doc = read(spec_pdf)
    assert "OFFICIAL" not in doc.text and "Page 1 of 3" not in doc.text
    assert doc.pages[0].furniture == ("Northmoor Trust | ITT NT-2026-01 | OFFICIAL", "Page 1 of 3")
    assert [p.number for p in doc.pages] == [1, 2, 3]


def test_a_two_line_footer_high_above_the_edge_is_furniture(tmp_path):
    def page(c, n):
        text_lines(c, [f"{n}.1 The Supplier shall keep records of every visit made under Lot {n}."], top=120)
        text_lines(c, ["Ref: RM9999 Facilities Call-Off", "Version 3.0"], top=HEIGHT * 0.895, size=8)

    doc = read(write_pdf(tmp_path / "footer.pdf", [page, page, page], header=None))
    assert "RM9999" not in doc.text and "Version 3.0" not in doc.text
    assert doc.pages[1].furniture == ("Ref: RM9999 Facilities Call-Off", "Version 3.0")
    assert doc.text[doc.pages[1].start : doc.pages[1].end].strip().endswith("under Lot 2.")


def test_hyphenation_repaired_and_lines_keep_boxes(spec_pdf):
    doc = read(spec_pdf)
    assert "implementation within 12 weeks" in doc.text
    assert "imple-" not in doc.text
    start = doc.text.index("implementation")
    evidence = doc.evidence(start, start + len("implementation"))
    assert evidence.page == 1 and evidence.bbox is not None


def test_headings_sections_and_numbered_clauses(spec_pdf):
    doc = read(spec_pdf)
    headings = block_texts(doc, BlockKind.HEADING)
    assert headings == ["1 Introduction", "3 Specification", "3.2 Information Governance", "4 Evaluation"]
    items = [b for b in doc.blocks if b.kind is BlockKind.LIST_ITEM]
    assert [doc.text[b.start : b.start + 5] for b in items] == ["3.2.1", "3.2.2", "(a) a", "(b) m"]
    assert items[0].section == "3 Specification > 3.2 Information Governance"
    evaluation = doc.blocks[-1]
    assert evaluation.section == "4 Evaluation"


def test_two_column_reading_order(two_column_pdf):
    doc = read(two_column_pdf)
    page = doc.text[doc.pages[0].start : doc.pages[0].end]
    positions = [page.index(s[:44]) for s in LEFT + RIGHT]
    assert positions == sorted(positions), "left column first, then the right column"
    assert (
        "Left column sentence 1 explains" in page
        and "Right column" not in page[: page.index("Left column sentence 18")]
    )


def test_table_rows_are_blocks_and_stitched_across_pages(table_pdf):
    doc = read(table_pdf)
    assert len(doc.tables) == 1
    only = doc.tables[0]
    assert only.header == ("Ref", "Requirement", "Priority")
    assert only.pages == (1, 2)
    assert [row[0] for row in only.rows] == [r[0] for r in TABLE_ROWS]
    rows = [b for b in doc.blocks if b.kind is BlockKind.TABLE_ROW]
    assert len(rows) == 61  # the header once, then 60 rows
    assert (
        doc.text[rows[36].start : rows[36].end] == "R36 | The platform must support requirement number 36. | Mandatory"
    )
    assert doc.evidence(rows[36].start, rows[36].end).page == 2
    assert "Bidders should answer" in doc.text


def test_pages_option_reads_only_those_pages(spec_pdf):
    doc = read(spec_pdf, IngestOptions(pages=frozenset({2, 3})))
    assert [p.number for p in doc.pages] == [2, 3]
    assert doc.meta["page_count"] == 3
    assert "remote monitoring" not in doc.text


def test_parse_pages():
    assert parse_pages("3,7-9") == {3, 7, 8, 9}
    with pytest.raises(IngestError, match="E015"):
        parse_pages("3-x")
    with pytest.raises(IngestError, match="E015"):
        parse_pages("9-7")


def test_parallel_read_keeps_page_order(tmp_path):
    def page(c, n):
        c.setFont("Helvetica", 10)
        c.drawString(56, 700, f"Body text of page number {n} of the long document.")

    path = write_pdf(tmp_path / "long.pdf", [page] * 30)
    serial = read(path, IngestOptions(processes=1))
    parallel = read(path, IngestOptions(processes=2, parallel_min_pages=2))
    assert serial == parallel
    assert [p.number for p in parallel.pages] == list(range(1, 31))
    assert parallel.text.index("page number 29") > parallel.text.index("page number 3 ")


def test_scanned_page_is_ocrd_or_warned(image_only_pdf, has_tesseract):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        doc = read(image_only_pdf)
    messages = [str(w.message) for w in caught if issubclass(w.category, TenderlensWarning)]
    if has_tesseract:
        assert doc.pages[0].ocr
        assert "Supplier shall hold Cyber Essentials" in doc.text
        assert any(m.startswith("W002") for m in messages)
    else:
        assert any(m.startswith("W001") for m in messages)
        assert doc.warnings and doc.warnings[0].startswith("W001")


# -- bad input: one coded error each ---------------------------------------------------------


def _expect(path: Path, code: str, options: IngestOptions | None = None) -> IngestError:
    with pytest.raises(IngestError) as caught:
        read(path, options)
    assert caught.value.code == code, str(caught.value)
    assert str(caught.value).startswith(code + ": ")
    return caught.value


def test_empty_file(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    _expect(tmp_path / "empty.pdf", "E001")


def test_missing_file(tmp_path):
    _expect(tmp_path / "nope.pdf", "E002")


@pytest.mark.parametrize(
    ("content", "detected"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "PNG image"),
        (b"PK\x03\x04" + b"\x00" * 64, "ZIP"),
        (bytes(range(256)), "binary"),
    ],
)
def test_not_a_pdf(tmp_path, content, detected):
    path = tmp_path / "renamed.pdf"
    path.write_bytes(content)
    assert detected in str(_expect(path, "E003"))


def test_truncated_pdf(spec_pdf, tmp_path):
    path = tmp_path / "truncated.pdf"
    path.write_bytes(spec_pdf.read_bytes()[:300])
    _expect(path, "E004")


def test_garbage_after_header(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    _expect(path, "E004")


def test_zero_pages(tmp_path):
    body = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    body += b"trailer<</Size 3/Root 1 0 R>>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"
    path = tmp_path / "zero.pdf"
    path.write_bytes(body)
    _expect(path, "E005")


def test_encrypted(tmp_path):
    def page(c, n):
        c.drawString(56, 700, "The Supplier shall keep this secret.")

    path = write_pdf(tmp_path / "locked.pdf", [page], encrypt="s3cret")
    _expect(path, "E006")
    _expect(path, "E007", IngestOptions(password="wrong"))
    assert "keep this secret" in read(path, IngestOptions(password="s3cret")).text


def test_too_many_pages(spec_pdf):
    _expect(spec_pdf, "E008", IngestOptions(max_pages=2))


def test_selected_pages_do_not_exist(spec_pdf):
    _expect(spec_pdf, "E016", IngestOptions(pages=frozenset({9})))


@pytest.fixture
def dense_pdf(tmp_path: Path) -> Path:
    def page(c, n):
        c.setFont("Helvetica", 1)
        line = "x" * 500
        for row in range(200):
            c.drawString(5, 830 - row * 4, line)

    return write_pdf(tmp_path / "dense.pdf", [page], header=None)


def test_page_with_100k_tiny_characters(dense_pdf):
    with pdfplumber.open(dense_pdf) as pdf:
        assert len(pdf.pages[0].chars) == 100_000
    _expect(dense_pdf, "E009")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm may hit a finaliser
def test_page_timeout(dense_pdf):
    _expect(dense_pdf, "E010", IngestOptions(max_chars_per_page=200_000, page_timeout=0.05))


def test_invalid_json(tmp_path):
    path = tmp_path / "notice.json"
    path.write_text('{"ocid": "x", ', encoding="utf-8")
    _expect(path, "E011")


def test_json_that_is_not_ocds(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"hello": "world"}', encoding="utf-8")
    _expect(path, "E012")


# -- the real documents ------------------------------------------------------------------------


def _real_files(evalset: Path) -> list[Path]:
    return sorted([*(evalset / "pdfs").glob("*.pdf"), *(evalset / "raw").glob("*.pdf")])


@pytest.mark.filterwarnings("ignore::tenderlens.errors.TenderlensWarning")  # scanned pages are OCR'd
def test_every_real_pdf_ingests_with_pdfplumbers_page_count(evalset):
    files = _real_files(evalset)
    assert len(files) >= 20
    for path in files:
        with pdfplumber.open(path) as pdf:
            expected = len(pdf.pages)
        doc = read(path)
        assert [p.number for p in doc.pages] == list(range(1, expected + 1)), path.name
        assert doc.text.strip(), path.name


def test_real_json_and_docx_ingest(evalset):
    files = [*(evalset / "raw").glob("*.json"), *(evalset / "raw2").glob("*.json"), *(evalset / "pdfs").glob("*.docx")]
    assert files
    for path in files:
        doc = read(path)
        assert doc.text.strip(), path.name
        assert len(doc.pages) == 1
