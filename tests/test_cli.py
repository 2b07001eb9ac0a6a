from __future__ import annotations

import json

from tenderlens.cli import cli


def test_scan_json_follows_the_contract(runner, spec_pdf):
    result = runner.invoke(cli, ["scan", str(spec_pdf), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema_version"] == "1" and data["pages"] == 3
    assert {"source", "route", "findings"} <= data.keys()
    labels = {f["text"]: f["label"] for f in data["findings"]}
    assert labels["3.2.1 The Supplier shall hold Cyber Essentials Plus certification throughout the term."] == "mandatory"
    assert labels["Bidders should describe their approach to training clinical staff, e.g. ward nurses."] == "desirable"
    assert "The Trust may reject any tender that is late or incomplete." not in labels
    for finding in data["findings"]:
        assert finding["kind"] in {"requirement", "obligation", "commitment", "deadline", "value"}
        assert 0 <= finding["score"] <= 1 and finding["page"] >= 1
    deadline = next(f for f in data["findings"] if f["text"].startswith("Tenders must be received"))
    assert deadline["facts"][0]["value"] == "2026-03-16T12:00" and deadline["page"] == 1


def test_scan_table_is_the_default(runner, spec_pdf):
    result = runner.invoke(cli, ["scan", str(spec_pdf), "--pages", "2"])
    assert result.exit_code == 0, result.output
    assert "(3 pages," in result.stdout and "mandatory" in result.stdout
    assert "remote monitoring" not in result.stdout


def test_several_files_give_json_lines_and_a_bad_one_costs_nothing_else(runner, spec_pdf, table_pdf, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    result = runner.invoke(cli, ["scan", str(spec_pdf), str(bad), str(table_pdf), "--format", "json"])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert [json.loads(line)["source"] for line in lines] == [str(spec_pdf), str(table_pdf)]
    assert result.stderr.startswith("E004: ") and "Traceback" not in result.output


def test_out_writes_one_file_per_document(runner, spec_pdf, table_pdf, tmp_path):
    out = tmp_path / "reports"
    result = runner.invoke(cli, ["scan", str(spec_pdf), str(table_pdf), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["spec.pdf.json", "table.pdf.json"]
    assert json.loads((out / "table.pdf.json").read_text())["pages"] == 2


def test_bad_page_spec_is_a_usage_error(runner, spec_pdf):
    result = runner.invoke(cli, ["scan", str(spec_pdf), "--pages", "x"])
    assert result.exit_code == 2 and "E015" in result.output


def test_encrypted_file_gives_one_coded_line(runner, tmp_path):
    from conftest import write_pdf

    path = write_pdf(tmp_path / "locked.pdf", [lambda c, n: c.drawString(50, 700, "Secret text here.")], encrypt="pw")
    result = runner.invoke(cli, ["scan", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"E006: {path} is encrypted. Pass --password, or decrypt it first."]
    assert runner.invoke(cli, ["scan", str(path), "--password", "pw"]).exit_code == 0
