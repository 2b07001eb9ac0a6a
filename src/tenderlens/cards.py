"""Model cards: the README.md of a model folder, written from its meta.json and config."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

INTENDED = {
    "obligations": (
        "Name the regulatory obligations (the 26 ids of docs/labels.md section 3) that a unit of a tender or "
        "contract requires or refers to, explicitly or implicitly; the catalogue's aliases find explicit ones."
    ),
    "commitments": (
        "Decide whether a unit of a policy document is a forward-looking commitment (docs/labels.md section 4)."
    ),
    "routes": (
        "Classify the regime and contracting route of a notice or tender (docs/labels.md section 2) from its text."
    ),
    "requirements": (
        "Decide for each unit (sentence, clause, list item, table row) of a UK tender, contract or NHS policy "
        "text whether it is a mandatory requirement, a desirable one, or not a requirement (docs/labels.md "
        "section 1), and give a requirement its category."
    ),
}
LIMITS = {
    "obligations": (
        "Authored training text; real contracts refer to obligations through defined terms the corpus may lack. "
        "Long table rows that hold several clauses are scored as one unit. Implied obligations come from rules, "
        "not from this model."
    ),
    "commitments": "Authored policy text only; no real labelled commitments were available outside the holdout.",
    "routes": (
        "Real notices are thin and dominated by open procedures; many state no procedure at all. The PA2023 and "
        "PSR routes are learnt from authored notices only, as the real dev notices hold none. Accuracy falls "
        "steeply with notice length and with the route's score (the rows by length and score above): short notices "
        "are mostly records of call-offs and direct awards that name no procedure, and there a low score is a guess. "
        "Notices under `short_notice_chars` get the route prior of the real notices that short (the `short` "
        "head), fitted on 25 dev notices; the cutoff was set where the error rows above showed the problem, so "
        "the cross-validated gain it brings is optimistic (other cutoffs gain less or lose: see the config), and "
        "a report marks such a notice that names no route as a guess. "
        "Flags are checked on real notices only for establishes_framework, and only where the publisher states it "
        "(Sell2Wales, Public Contracts Scotland). light_touch is the weakest flag (its rows above): a notice "
        "for light-touch services seldom says so, and the head guesses from the kind of service, so a report "
        "gives it only where the text names it (`flags_need_telltale`); its score is always in the JSON."
    ),
    "requirements": (
        "Trained on text the project authored, in English, in the style of UK public-sector procurement. "
        "Units come from the project's segmenter: a sentence split wrongly is classified wrongly. Duties "
        "phrased as plain statements of fact, and obligations that live only in a table's header, are the "
        "common misses. It does not judge whether a requirement is lawful or proportionate."
    ),
}


def metrics_table(metrics: Mapping[str, Any]) -> list[str]:
    """Per-label precision, recall, F1 and support, then the micro and macro averages (Markdown)."""
    lines = ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, m in metrics["per_label"].items():
        lines.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    for average in ("micro", "macro"):
        m = metrics[average]
        lines.append(f"| *{average}* | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | |")
    return lines


def _real(real: Mapping[str, Any]) -> list[str]:
    """Each real-data measurement as a table, systems as rows."""
    lines = []
    for name, result in real.items():
        lines += [f"### {name}", ""]
        systems = {k: v for k, v in result.items() if isinstance(v, dict) and k not in ("report",)}
        flat = {k: {m: x for m, x in v.items() if not isinstance(x, (dict, list))} for k, v in systems.items()}
        columns = sorted({m for v in flat.values() for m in v})
        if flat and columns and all(flat.values()):
            lines.append("| | " + " | ".join(columns) + " |")
            lines.append("|---|" + "---|" * len(columns))
            lines += [f"| {k} | " + " | ".join(str(v.get(c, "")) for c in columns) + " |" for k, v in flat.items()]
        else:  # nested one more level (per file, then per system)
            for sub, values in systems.items():
                lines += [f"{sub}:", "", "```json", json.dumps(values, indent=1), "```"]
        lines.append("")
    return lines


def model_card(meta: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    task = meta["task"]
    lines = [
        "---",
        "license: apache-2.0",
        "language: en",
        "base_model: sentence-transformers/all-MiniLM-L6-v2",
        f"tags: [tenderlens, {task}]",
        "---",
        f"# tenderlens {task} {meta['version']}",
        "",
        "## Intended use",
        INTENDED.get(task, f"The {task} heads of tenderlens."),
        "",
        "Out of scope: legal advice; documents not in English; scanned pages whose OCR failed.",
        "",
        "## Model",
        f"Linear heads (scikit-learn logistic regression, weights in `weights.npz`) over {meta['encoder']}"
        " embeddings, plus lexical cues where the config says so. Seed "
        f"{meta['seed']}; trained on {meta['device']}; commit {meta.get('git_commit') or 'unknown'}; "
        f"created {meta['created']}.",
        "",
        "## Training data",
        "The project's authored corpora (see `corpora/README.md`), split by document: "
        + ", ".join(f"{k} {v} units" for k, v in meta["units"].items())
        + ". Checksums of every file are in `meta.json`.",
        "",
        "## Evaluation",
    ]
    for split, heads in meta["metrics"].items():
        for head, metrics in heads.items():
            lines += ["", f"### {head} on {split}", "", *metrics_table(metrics)]
            if "accuracy" in metrics:
                lines.append(f"\nAccuracy {metrics['accuracy']:.3f} over {metrics['support']} units.")
    if meta.get("real"):
        lines += ["", "## On real documents (../shared/evalset)", "", *_real(meta["real"])]
    lines += ["", "## Limitations", LIMITS.get(task, "See the datasheet of its corpus."), ""]
    lines += [
        "## Reproduce",
        f"`tenderlens train {task} --config training/{task}.toml` then "
        f"`tenderlens evaluate {task} --real --record` (needs ../shared/evalset).",
        "",
    ]
    lines += ["## Config", "```json", json.dumps(config, indent=2, sort_keys=True), "```", ""]
    return "\n".join(lines)
