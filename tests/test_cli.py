from __future__ import annotations

import json

from tenderlens.cli import cli


def test_scan_json_follows_the_contract(runner, spec_pdf):
    result = runner.invoke(cli, ["scan", str(spec_pdf), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema_version"] == "1" and data["pages"] == 3
    assert {"source", "route", "findings"} <= data.keys()
    labels = {f["text"]: f["label"] for f in data["findings"] if f["kind"] == "requirement"}
    assert (
        labels["3.2.1 The Supplier shall hold Cyber Essentials Plus certification throughout the term."] == "mandatory"
    )
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


def test_compliance_matrix_formats(runner, spec_pdf, tmp_path):
    import csv
    import io

    result = runner.invoke(cli, ["scan", str(spec_pdf), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and rows[0]["id"] == "R001" and {"priority", "response", "owner", "status"} <= rows[0].keys()
    markdown = runner.invoke(cli, ["scan", str(spec_pdf), "--format", "md"]).stdout
    assert markdown.startswith("# Compliance matrix:") and "| R001 |" in markdown
    assert runner.invoke(cli, ["scan", str(spec_pdf), "--format", "xlsx"]).exit_code == 2
    out = tmp_path / "matrix"
    assert runner.invoke(cli, ["scan", str(spec_pdf), "--format", "xlsx", "--out", str(out)]).exit_code == 0
    assert (out / "spec.pdf.xlsx").read_bytes()[:2] == b"PK"


def test_train_evaluate_and_models_commands(runner, tmp_path):
    import json as json_

    rows = [
        {"text": "The Supplier shall encrypt all data.", "requirement": "mandatory", "category": "technical"},
        {"text": "Bidders should offer training.", "requirement": "desirable", "category": "staffing"},
        {"text": "The Trust was founded in 1948.", "requirement": None},
    ]
    data = tmp_path / "tiny.jsonl"
    data.write_text("".join(json_.dumps({**r, "meta": {"doc_id": "d", "split": "train"}}) + "\n" for r in rows))
    config = tmp_path / "c.toml"
    config.write_text('version = "t"\nseed = 0\ncorpus = []\n[C]\nrequirement = 100.0\n')
    model = tmp_path / "model"
    result = runner.invoke(
        cli, ["train", "requirements", "--config", str(config), "--data", str(data), "--output", str(model)]
    )
    assert result.exit_code == 0, result.output
    assert "fitting head 'requirement'" in result.stderr and (model / "meta.json").exists()
    result = runner.invoke(
        cli, ["evaluate", "requirements", "--model", str(model), "--data", str(data), "--out", str(tmp_path / "m")]
    )
    assert result.exit_code == 0, result.output
    assert "| mandatory | 1.000 | 1.000 | 1.000 | 1 |" in result.stdout
    assert json_.loads((tmp_path / "m" / "metrics.json").read_text())["requirement"]["accuracy"] == 1.0
    assert (tmp_path / "m" / "confusion-requirement.png").read_bytes()[:4] == b"\x89PNG"
    listed = runner.invoke(cli, ["models"])
    assert listed.exit_code == 0 and "device: cpu" in listed.stdout and "requirements" in listed.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x y z", "requirement": "essential"}\n')
    result = runner.invoke(cli, ["train", "requirements", "--config", str(config), "--data", str(bad)])
    assert result.exit_code == 1 and "E204" in result.output and "Traceback" not in result.output
