"""Ingestion throughput and peak memory: tenderlens `read` against raw pdfplumber `extract_text`.

Both run in the same benchmark run, each in a fresh process (so peak RSS is its own), on the same
files, and are reported as pages/s and as the ratio of tenderlens to raw pdfplumber.

    .venv/bin/python benchmarks/ingest.py [--repeat 2] [FILE ...]

Without files it uses the 136- and 304-page CCS PDFs of ../shared/evalset/pdfs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

EVALSET = Path(__file__).resolve().parents[2] / "shared" / "evalset" / "pdfs"
DEFAULT = [
    EVALSET / "ccs_rm3830_attachment-2_statement-of-requirements-annex-a.pdf",
    EVALSET / "ccs_rm6378_service-requirements-and-standards_call-off-sch-20.pdf",
]


def raw_pdfplumber(path: str) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def tenderlens_read(path: str) -> int:
    from tenderlens.ingest import read

    return len(read(path).pages)


def _measure(name: str, path: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    function = {"pdfplumber": raw_pdfplumber, "tenderlens": tenderlens_read}[name]
    if name == "tenderlens":
        import tenderlens.ingest  # noqa: F401  imports are not part of the timing
    else:
        import pdfplumber  # noqa: F401
    start = time.perf_counter()
    pages = function(path)
    seconds = time.perf_counter() - start
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest worker
    workers = (os.cpu_count() or 1) if name == "tenderlens" else 0
    # an upper bound on the peak of all processes together: main plus every worker at its largest
    queue.put({"pages": pages, "seconds": seconds, "peak_rss_mb": main_rss + workers * worker_rss})


def measure(name: str, path: Path) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_measure, args=(name, str(path), queue))
    process.start()
    result: dict[str, float] = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    missing = [f for f in args.files if not f.exists()]
    if missing:
        sys.exit(f"missing {missing[0]} (the evalset lives in ../shared/evalset)")
    rows = []
    for path in args.files:
        runs: dict[str, list[dict[str, float]]] = {"pdfplumber": [], "tenderlens": []}
        for _ in range(args.repeat):  # interleaved, so drift on a noisy machine hits both
            for name in runs:
                runs[name].append(measure(name, path))
        row = {"file": path.name, "pages": runs["tenderlens"][0]["pages"]}
        for name, results in runs.items():
            seconds = statistics.median(r["seconds"] for r in results)
            row[f"{name}_pages_per_s"] = round(row["pages"] / seconds, 2)
            row[f"{name}_peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in results), 1)
        row["ratio"] = round(row["tenderlens_pages_per_s"] / row["pdfplumber_pages_per_s"], 2)
        rows.append(row)
        print(json.dumps(row))


if __name__ == "__main__":
    main()
