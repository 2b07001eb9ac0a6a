from __future__ import annotations

import json

import docx

from tenderlens.document import BlockKind
from tenderlens.ingest import read


def kinds(doc):
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


def test_markdown(tmp_path):
    path = tmp_path / "spec.md"
    path.write_text("# 1 Scope\n\nThe Supplier shall host the service\nin the UK.\n\n- item one\n- item two\n", "utf-8")
    doc = read(path)
    assert kinds(doc) == [
        (BlockKind.HEADING, "1 Scope"),
        (BlockKind.PARAGRAPH, "The Supplier shall host the service in the UK."),
        (BlockKind.LIST_ITEM, "- item one"),
        (BlockKind.LIST_ITEM, "- item two"),
    ]
    assert doc.blocks[1].section == "1 Scope"


def test_html(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><style>p{}</style></head><body><h2>Key dates</h2><p>Tenders must arrive by"
        " <b>16 March 2026</b>.</p><ul><li>Clarifications close 2 March.</li></ul>"
        "<table><tr><th>Event</th><th>Date</th></tr><tr><td>Award</td><td>1 May 2026</td></tr></table></body></html>",
        "utf-8",
    )
    assert kinds(read(path)) == [
        (BlockKind.HEADING, "Key dates"),
        (BlockKind.PARAGRAPH, "Tenders must arrive by 16 March 2026."),
        (BlockKind.LIST_ITEM, "Clarifications close 2 March."),
        (BlockKind.TABLE_ROW, "Event | Date"),
        (BlockKind.TABLE_ROW, "Award | 1 May 2026"),
    ]


def test_docx_in_body_order(tmp_path):
    document = docx.Document()
    document.add_heading("Instructions to Bidders", level=1)
    document.add_paragraph("Bidders must submit their response through the portal.")
    document.add_paragraph("Provide two references.", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Criterion", "Weight"
    table.cell(1, 0).text, table.cell(1, 1).text = "Quality", "60%"
    document.add_paragraph("After the table.")
    path = tmp_path / "itt.docx"
    document.save(str(path))
    doc = read(path)
    assert kinds(doc) == [
        (BlockKind.HEADING, "Instructions to Bidders"),
        (BlockKind.PARAGRAPH, "Bidders must submit their response through the portal."),
        (BlockKind.LIST_ITEM, "Provide two references."),
        (BlockKind.TABLE_ROW, "Criterion | Weight"),
        (BlockKind.TABLE_ROW, "Quality | 60%"),
        (BlockKind.PARAGRAPH, "After the table."),
    ]
    assert doc.tables[0].header == ("Criterion", "Weight")


RELEASE = {
    "ocid": "ocds-abc-1",
    "id": "r1",
    "date": "2026-01-01T00:00:00Z",
    "tag": ["tender"],
    "buyer": {"name": "Northmoor ICB"},
    "tender": {
        "title": "Remote monitoring platform",
        "description": "The ICB invites tenders.\n\nThe contract runs for three years.",
        "value": {"amount": 1200000, "currency": "GBP"},
        "tenderPeriod": {"endDate": "2026-03-16T12:00:00Z"},
        "procurementMethod": "open",
        "procurementMethodDetails": "Open procedure",
        "lots": [{"id": "1", "title": "Platform"}],
    },
}


def test_ocds_release_package_and_record_package(tmp_path):
    older = {**RELEASE, "id": "r0", "date": "2025-12-01T00:00:00Z", "tender": {"title": "Old title"}}
    forms = {
        "release.json": RELEASE,
        "package.json": {"uri": "x", "releases": [older, RELEASE]},
        "record.json": {"records": [{"ocid": "ocds-abc-1", "compiledRelease": RELEASE}]},
    }
    for name, data in forms.items():
        path = tmp_path / name
        path.write_text(json.dumps(data), "utf-8")
        doc = read(path)
        assert doc.text.startswith("Remote monitoring platform\nThe ICB invites tenders.\nThe contract runs"), name
        assert "Lot 1: Platform" in doc.text
        assert "Deadline: 2026-03-16T12:00:00Z" in doc.text
        assert doc.meta["procedure"] == {"procurementMethod": "open", "procurementMethodDetails": "Open procedure"}
        assert doc.meta["buyer"] == "Northmoor ICB"
