"""The command line: thin commands over the library's functions."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import click

from . import __version__
from .errors import Errors, TenderlensError, TenderlensWarning
from .ingest import IngestOptions, parse_pages
from .pipeline import DEFAULT_STAGES, Pipeline, scan
from .report import FORMATS, render, to_json

SUFFIX = {"json": ".json", "table": ".txt", "csv": ".csv", "xlsx": ".xlsx", "md": ".md"}


@click.group()
@click.version_option(__version__, prog_name="tenderlens")
def cli() -> None:
    """Read UK tender and health-policy documents: requirements, route, obligations."""


@cli.command("scan")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--pages", "page_spec", help="Pages to read, e.g. '3,7-9' (PDF only).")
@click.option("--password", help="Password of an encrypted PDF.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write one report per document here.")
@click.option("--max-pages", type=click.IntRange(1), default=2000, show_default=True)
@click.option("--max-chars-per-page", type=click.IntRange(1), default=50_000, show_default=True)
@click.option("--page-timeout", type=click.FloatRange(0), default=60.0, show_default=True, help="Seconds; 0 for none.")
@click.option("--processes", type=click.IntRange(1), help="Processes for long PDFs (default: one per CPU).")
@click.option("--text-only", is_flag=True, help="Ignore OCDS procedure fields when classifying the route.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
def scan_cli(
    files: tuple[Path, ...],
    page_spec: str | None,
    password: str | None,
    fmt: str,
    out: Path | None,
    max_pages: int,
    max_chars_per_page: int,
    page_timeout: float,
    processes: int | None,
    text_only: bool,
    device: str,
) -> None:
    """Scan FILES (PDF, DOCX, TXT, MD, HTML, OCDS JSON) and report what each demands.

    Several files give one JSON object per line (JSON Lines) with --format json, or one file
    each under --out. A file that fails gets one coded error line; the others carry on.
    """
    try:
        pages = parse_pages(page_spec) if page_spec else None
    except TenderlensError as exc:
        raise click.UsageError(str(exc)) from None
    options = IngestOptions(
        pages=pages,
        password=password,
        max_pages=max_pages,
        max_chars_per_page=max_chars_per_page,
        page_timeout=page_timeout,
        processes=processes,
    )
    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx writes workbooks: pass --out DIR")
    names = tuple("routes.text-only" if text_only and n == "routes" else n for n in DEFAULT_STAGES)
    try:
        pipeline = Pipeline.from_names(names, device=device)
    except TenderlensError as exc:
        raise click.ClickException(str(exc)) from None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in files:
        try:
            with warnings.catch_warnings():  # reported below, one coded line each
                warnings.simplefilter("ignore", TenderlensWarning)
                doc = scan(str(path), options, pipeline)
        except TenderlensError as exc:
            failed += 1
            click.echo(str(exc), err=True)
            continue
        except Exception as exc:  # never a traceback, never the other documents lost
            failed += 1
            click.echo(Errors.E099.format(path=path, reason=f"{type(exc).__name__}: {exc}"), err=True)
            continue
        for warning in doc.warnings:
            click.echo(warning, err=True)
        lines_out = fmt == "json" and len(files) > 1 and not out  # JSON Lines on stdout
        text = to_json(doc, indent=None) if lines_out else render(doc, fmt)
        if out:
            target = out / (path.name + SUFFIX[fmt])
            tmp = target.with_suffix(target.suffix + ".part")
            if isinstance(text, bytes):
                tmp.write_bytes(text)
            else:
                tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
            os.replace(tmp, target)
            click.echo(f"{path} -> {target}", err=True)
        else:
            click.echo(text if isinstance(text, str) else "")
    if failed:
        sys.exit(1)


@cli.command("train")
@click.argument("task")
@click.option("--config", "config_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", "extra", multiple=True, type=click.Path(exists=True, path_type=Path), help="More JSONL/CSV.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="Model folder to write.")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True)
@click.option("--fine-tune", is_flag=True, help="Fine-tune the MiniLM encoder too (best on a GPU).")
def train_cli(
    task: str, config_path: Path, extra: tuple[Path, ...], output: Path | None, device: str, fine_tune: bool
) -> None:
    """Train every head of TASK from its config (and --data) and write a model folder."""
    from .train import train

    try:
        folder = train(
            task, config_path, extra=extra, output=output, device=device, progress=_progress, fine_tune=fine_tune
        )
    except TenderlensError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(str(folder))


@cli.command("evaluate")
@click.argument("task")
@click.option("--model", "folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--data", multiple=True, type=click.Path(exists=True, path_type=Path), help="Default: the test split.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write metrics.json and metrics.md here.")
@click.option("--real", is_flag=True, help="Measure on the real documents of ../shared/evalset instead.")
@click.option("--record", is_flag=True, help="With --real: write the figures into the model card.")
def evaluate_cli(
    task: str, folder: Path | None, data: tuple[Path, ...], out: Path | None, real: bool, record: bool
) -> None:
    """Per-label precision, recall and F1, micro and macro, and a confusion matrix."""
    import json

    from .evaluate import confusion_png, metrics_markdown, real_evaluation, record_real
    from .models import latest
    from .train import evaluate

    folder = folder or latest(task)
    if folder is None:
        raise click.ClickException(f"no model folder for {task!r}; pass --model")
    try:
        if real:
            results = real_evaluation(task, folder)
            if record:
                record_real(folder, results)
        else:
            results = evaluate(task, folder, data)
    except TenderlensError as exc:
        raise click.ClickException(str(exc)) from None
    text = json.dumps(results, indent=2) if real else metrics_markdown(results)
    click.echo(text)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "metrics.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
        (out / "metrics.md").write_text(text, "utf-8")
        for head, metrics in ({} if real else results).items():
            if "confusion" in metrics:
                confusion_png(metrics, out / f"confusion-{head}.png", f"{task} {head}: rows true, columns predicted")


@cli.command("models")
def models_cli() -> None:
    """Installed models, their versions and headline metrics, and the device in use."""
    from .encode import resolve_device
    from .models import installed

    click.echo(f"device: {resolve_device('auto')}")
    for meta in installed():
        tests = meta.get("metrics", {}).get("test", {})
        headline = [f"{head} macro-F1 {m['macro']['f1']:.3f}" for head, m in tests.items()]
        click.echo(f"{meta['task']:<13} {meta['version']:<9} {meta['folder']}  test: {', '.join(headline)}")


def _progress(message: str) -> None:
    click.echo(message, err=True)
