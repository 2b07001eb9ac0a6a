"""Throughput of the model stages and of `scan` end to end, on the 2-core machine.

    .venv/bin/python benchmarks/requirements.py

1. units/s of the requirement stage (encoder + head, batched) on the units of a real 304-page
   specification, against the modal-verb rules on the same units, in the same process;
2. pages/s of `tenderlens.scan` end to end (ingest, segment, all model stages) on that file,
   against ingestion alone, in the same process.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tenderlens.encode import Encoder
from tenderlens.ingest import read
from tenderlens.pipeline import Pipeline
from tenderlens.requirements import ModalRules, RequirementModel
from tenderlens.segment import segment

SPEC = (
    Path(__file__).resolve().parents[2]
    / "shared/evalset/pdfs/ccs_rm6378_service-requirements-and-standards_call-off-sch-20.pdf"
)


def timed(function, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main() -> None:
    if not SPEC.exists():
        sys.exit(f"missing {SPEC} (the evalset lives in ../shared/evalset)")
    doc, ingest_s = timed(read, str(SPEC))
    doc, segment_s = timed(segment, doc)
    texts = [doc.text[s:e] for s, e in doc.units]
    _, rules_s = timed(ModalRules().predict_proba, texts)
    model = RequirementModel(encoder=Encoder(device="cpu"))  # a fresh encoder: nothing cached
    _, model_s = timed(model, doc)
    pipeline = Pipeline.from_names()
    pipeline.stages  # noqa: B018  models are loaded before timing
    _, scan_s = timed(lambda: pipeline(segment(read(str(SPEC)))))
    print(
        json.dumps(
            {
                "file": SPEC.name,
                "pages": len(doc.pages),
                "units": len(texts),
                "ingest_pages_per_s": round(len(doc.pages) / ingest_s, 2),
                "segment_units_per_s": round(len(texts) / segment_s, 1),
                "rules_units_per_s": round(len(texts) / rules_s, 1),
                "requirement_stage_units_per_s": round(len(texts) / model_s, 1),
                "scan_pages_per_s": round(len(doc.pages) / scan_s, 2),
                "scan_vs_ingest": round(ingest_s / scan_s, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
