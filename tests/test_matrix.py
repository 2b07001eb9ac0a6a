from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from tenderlens import matrix
from tenderlens.document import BlockKind, Document, DocumentBuilder, Finding, FindingKind, Route
from tenderlens.report import to_contract, to_table

MUST = "The Supplier shall  respond\nwithin 10 Working Days by 5 March 2026 | in writing."
SHOULD = "Bidders should offer a fee of £25,000 per annum."
FORMULA = "=SUM(A1) shall be treated as text."


def _document(*, route: bool = True) -> Document:
    builder = DocumentBuilder("tender.pdf")
    builder.start_page(1)
    builder.add_block(BlockKind.HEADING, [("3 Specification", None)], level=1)
    must = builder.add_block(BlockKind.PARAGRAPH, [(MUST, (50.0, 100.0, 500.0, 120.0))])
    builder.start_page(2)
    should = builder.add_block(BlockKind.LIST_ITEM, [(SHOULD, None)])
    formula = builder.add_block(BlockKind.PARAGRAPH, [(FORMULA, None)])
    route_found = Route("pcr2015", "open", 0.91234, "test.v1", attrs={"meaning": "Anyone may bid."})
    doc = builder.build(route=route_found if route else None)
    desirable = Finding(
        FindingKind.REQUIREMENT,
        "desirable",
        doc.evidence(should.start, should.end),
        0.8,
        "test.v1",
        {"category": "commercial", "facts": [{"kind": "value", "text": "£25,000 per annum", "value": 25000}]},
    )
    mandatory = Finding(
        FindingKind.REQUIREMENT,
        "mandatory",
        doc.evidence(must.start, must.end),
        0.9,
        "test.v1",
        {
            "section": "3 Specification > 3.2 Security",
            "category": "technical",
            "facts": [
                {"kind": "duration", "text": "10 Working Days", "value": "P10D"},
                {"kind": "deadline", "text": "within 10 Working Days", "value": "P10D"},
                {"kind": "date", "text": "5 March 2026", "value": "2026-03-05"},
            ],
            "obligations": ["UK_GDPR", "DSPT"],
        },
    )
    other = Finding(FindingKind.OBLIGATION, "UK_GDPR", doc.evidence(must.start, must.end), 0.99, "test.v1")
    third = Finding(FindingKind.REQUIREMENT, "mandatory", doc.evidence(formula.start, formula.end), 0.7, "test.v1")
    # findings out of order on purpose: the matrix follows the document
    return doc.with_findings([desirable, other, third, mandatory])


def test_rows_follow_the_document_and_fill_every_column():
    table = matrix.rows(_document())
    assert [r["id"] for r in table] == ["R001", "R002", "R003"]
    assert all(list(r) == list(matrix.COLUMNS) for r in table)
    first, second, third = table
    assert first == {
        "id": "R001",
        "section": "3 Specification > 3.2 Security",
        "page": "1",
        "requirement": "The Supplier shall respond within 10 Working Days by 5 March 2026 | in writing.",
        "priority": "Mandatory",
        "category": "technical",
        "deadline": "within 10 Working Days; 5 March 2026",
        "value": "",
        "obligations": "UK_GDPR, DSPT",
        "response": "",
        "owner": "",
        "status": "",
    }
    assert second["section"] == "3 Specification"  # from the block when the finding has none
    assert (second["page"], second["priority"], second["category"]) == ("2", "Desirable", "commercial")
    assert (second["value"], second["deadline"], second["obligations"]) == ("£25,000 per annum", "", "")
    assert (third["priority"], third["category"], third["requirement"]) == ("Mandatory", "", FORMULA)


def test_no_requirements_no_rows():
    doc = DocumentBuilder("empty.pdf").build()
    assert matrix.rows(doc) == []
    assert matrix.to_csv(doc) == ",".join(matrix.COLUMNS) + "\n"


def test_csv_parses_back_to_the_rows():
    doc = _document()
    parsed = list(csv.DictReader(io.StringIO(matrix.to_csv(doc))))
    assert parsed == matrix.rows(doc)
    assert list(parsed[0]) == list(matrix.COLUMNS)


def test_markdown_has_a_title_and_an_escaped_table():
    text = matrix.to_markdown(_document())
    head, table = text.split("\n| id |")
    assert head.splitlines()[0] == "# Compliance matrix: tender.pdf"
    assert "**Route:** pcr2015 / open (score 0.91). Anyone may bid." in head
    lines = ["", "", "| id |" + table.splitlines()[0], *table.splitlines()[1:]]
    assert lines[2] == "| " + " | ".join(matrix.COLUMNS) + " |"
    assert lines[3].count("---") == len(matrix.COLUMNS)
    assert len(lines) == 4 + 3
    assert "5 March 2026 \\| in writing." in lines[4]
    # every row has as many unescaped pipes as the header
    assert all(line.replace("\\|", "").count("|") == len(matrix.COLUMNS) + 1 for line in lines[2:])


def test_xlsx_sheet_layout_and_values():
    doc = _document()
    book = openpyxl.load_workbook(io.BytesIO(matrix.to_xlsx(doc)))
    assert book.sheetnames == ["Compliance matrix", "Document"]
    ws = book["Compliance matrix"]
    assert [c.value for c in ws[1]] == list(matrix.COLUMNS)
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:L4"
    assert ws.max_row == 4
    assert ws.column_dimensions["D"].width == 80
    assert all(c.alignment.wrap_text for row in ws.iter_rows() for c in row)
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    expected = [[r[c] or None for c in matrix.COLUMNS] for r in matrix.rows(doc)]
    for row in expected:
        row[2] = int(row[2])
    assert values == expected
    assert ws["D4"].value == FORMULA and ws["D4"].data_type == "s"  # text, not a formula
    fills = [ws.cell(row, 1).fill.fgColor.rgb for row in (2, 3, 4)]
    assert fills[0] == fills[2] != fills[1]  # mandatory rows marked
    info = {row[0]: row[1] for row in book["Document"].iter_rows(values_only=True)}
    assert info == {
        "source": "tender.pdf",
        "pages": 2,
        "regime": "pcr2015",
        "route": "open",
        "what it means": "Anyone may bid.",
        "score": 0.9123,
        "mandatory": 2,
        "desirable": 1,
    }


def test_a_route_caution_reaches_the_markdown_and_the_workbook():
    doc = _document()
    assert doc.route is not None
    doc = replace(doc, route=replace(doc.route, attrs={**doc.route.attrs, "caution": "A guess."}))
    assert "Anyone may bid. **A guess.**" in matrix.to_markdown(doc)
    book = openpyxl.load_workbook(io.BytesIO(matrix.to_xlsx(doc)))
    info = {row[0]: row[1] for row in book["Document"].iter_rows(values_only=True)}
    assert info["caution"] == "A guess."


def test_a_route_flag_and_its_meaning_reach_every_report_format():
    doc = _document()
    assert doc.route is not None
    meaning = "This notice sets up a framework."
    attrs = {
        **doc.route.attrs,
        "flag_meanings": {"establishes_framework": meaning, "establishes_dps": "It sets up a DPS."},
        "flag_scores": {"establishes_framework": 0.876, "establishes_dps": 0.1},
        "flags_published": ["establishes_dps"],
    }
    flags = ("establishes_dps", "establishes_framework")
    doc = replace(doc, route=replace(doc.route, flags=flags, attrs=attrs))
    markdown = matrix.to_markdown(doc)
    assert f"- **establishes_framework** (score 0.88): {meaning}" in markdown
    assert "- **establishes_dps** (stated by the publisher): It sets up a DPS." in markdown
    book = openpyxl.load_workbook(io.BytesIO(matrix.to_xlsx(doc)))
    info = {row[0]: row[1] for row in book["Document"].iter_rows(values_only=True)}
    assert info["flag establishes_framework"] == f"establishes_framework (score 0.88): {meaning}"
    assert f"  + establishes_framework (score 0.88): {meaning}" in to_table(doc, width=120).splitlines()
    assert to_contract(doc)["route"]["flags"] == list(flags)


def test_xlsx_without_route_and_is_deterministic():
    doc = _document(route=False)
    data = matrix.to_xlsx(doc)
    assert data == matrix.to_xlsx(doc)
    book = openpyxl.load_workbook(io.BytesIO(data))
    info = {row[0]: row[1] for row in book["Document"].iter_rows(values_only=True)}
    assert "route" not in info and info["mandatory"] == 2
    assert book.properties.created.year == 2000 and book.properties.modified.year == 2000


def test_xlsx_converts_to_pdf_with_libreoffice(tmp_path: Path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "matrix.xlsx"
    source.write_bytes(matrix.to_xlsx(_document()))
    out = tmp_path / "out"
    env = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    pdf = out / "matrix.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_terminal_table_gives_each_finding_its_score():
    lines = to_table(_document(), width=120).splitlines()
    assert "page  kind        label     score text" in lines
    assert any(line.startswith("   1  requirement mandatory 0.90  The Supplier shall respond") for line in lines)
    assert any(line.startswith("   2  requirement desirable 0.80  ") for line in lines)
