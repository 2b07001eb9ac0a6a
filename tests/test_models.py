"""The training path: heads, model folders, overfit-and-round-trip for every task, retraining."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tenderlens.commitments import CommitmentModel
from tenderlens.encode import shared_encoder
from tenderlens.errors import ModelError
from tenderlens.evaluate import flag_cross_validation, route_cross_validation
from tenderlens.models import LinearHead, load_folder, preceding, save_folder
from tenderlens.obligations import ObligationModel, explicit_mentions
from tenderlens.requirements import RequirementModel
from tenderlens.routes import RouteModel
from tenderlens.train import evaluate, published_flags, train


@pytest.fixture(scope="module")
def encoder():
    return shared_encoder("cpu")


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


def write_config(path: Path, **values) -> Path:
    lines = []
    tables = {k: v for k, v in values.items() if isinstance(v, dict)}
    for key, value in values.items():
        if key not in tables:
            lines.append(f"{key} = {json.dumps(value)}")
    for name, table in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in table.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def unit(text: str, **labels) -> dict:
    return {"text": text, **labels, "meta": {"doc_id": "tiny", "split": "train"}}


# -- the head and the folder -------------------------------------------------------------------


def test_linear_head_speaks_sklearns_contract():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 5))
    y = np.where(X[:, 0] > 0, "b", np.where(X[:, 1] > 0, "a", "c"))
    head = LinearHead(C=10)
    assert head.fit(X, y) is head
    assert list(head.classes_) == ["a", "b", "c"]
    proba = head.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1) and (head.predict(X) == y).mean() > 0.9
    binary = LinearHead().fit(X, X[:, 0] > 0)
    assert binary.predict_proba(X).shape == (60, 2)
    multi = LinearHead(multilabel=True).fit(X, [["x"] if v > 0 else [] for v in X[:, 0]] + [])
    assert multi.predict_proba(X).shape == (60, 1)


def test_a_multilabel_row_teaches_only_the_labels_it_was_judged_on():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = [[label for label, v in (("x", X[i, 0]), ("z", X[i, 1])) if v > 0] for i in range(80)]
    # the second half is judged on x only, and its z is wrong: those rows must not teach z
    y = y[:40] + [
        [label for label in labels if label == "x"] + (["z"] if X[40 + i, 1] <= 0 else [])
        for i, labels in enumerate(y[40:])
    ]
    judged = [None] * 40 + [frozenset({"x"})] * 40
    head = LinearHead(multilabel=True, C=10).fit(X, y, judged)
    z = list(head.classes_).index("z")
    assert ((head.predict_proba(X)[:, z] >= 0.5) == (X[:, 1] > 0)).mean() > 0.9
    fooled = LinearHead(multilabel=True, C=10).fit(X, y)
    assert ((fooled.predict_proba(X)[:, z] >= 0.5) == (X[:, 1] > 0)).mean() < 0.8


def test_preceding_probabilities_halve_with_distance_and_stop_at_the_document():
    proba = np.array([[0.8], [0.0], [0.0], [0.0], [0.0], [0.6]])
    out = preceding(proba, ["a", "a", "a", "a", "a", "b"])
    assert out[:, 0].tolist() == [0.0, 0.8, 0.4, 0.2, 0.0, 0.0]


def test_folder_round_trip_and_tampering_is_refused(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 4))
    head = LinearHead().fit(X, X[:, 0] > 0)
    folder = tmp_path / "m"
    save_folder(folder, {"h": head}, config={"seed": 0}, meta={"task": "t", "version": "1"}, card="# card\n")
    heads, config, meta = load_folder(folder)
    assert np.array_equal(heads["h"].predict_proba(X), head.predict_proba(X))
    assert config == {"seed": 0} and set(meta["files"]) == {"README.md", "config.json", "weights.npz"}
    (folder / "extra.pkl").write_bytes(b"x")
    with pytest.raises(ModelError, match="E203"):
        load_folder(folder)
    (folder / "extra.pkl").unlink()
    weights = (folder / "weights.npz").read_bytes()
    (folder / "weights.npz").write_bytes(weights[:-1] + bytes([weights[-1] ^ 1]))
    with pytest.raises(ModelError, match="E202"):
        load_folder(folder)
    (folder / "meta.json").unlink()
    with pytest.raises(ModelError, match="E201"):
        load_folder(folder)


# -- overfit and round trip, every task ----------------------------------------------------------

REQUIREMENTS = [
    unit("The Supplier shall encrypt all data at rest.", requirement="mandatory", category="technical"),
    unit("The Provider must keep a hazard log.", requirement="mandatory", category="clinical_safety"),
    unit("Bidders should describe their training offer.", requirement="desirable", category="staffing"),
    unit("Ideally the app will support Welsh.", requirement="desirable", category="functional"),
    unit("The Trust was founded in 1948.", requirement=None),
    unit("'Working Day' means a weekday.", requirement=None),
]
OBLIGATIONS = [
    unit("The Supplier must hold Cyber Essentials Plus.", obligations=["CYBER_ESSENTIALS"]),
    unit("A clinical safety officer shall keep a hazard log.", obligations=["DCB0129"]),
    unit("Staff will transfer to the new provider on the Relevant Transfer Date.", obligations=["TUPE"]),
    unit("The canteen opens at eight.", obligations=[]),
]
COMMITMENTS = [
    unit("By 2028 every patient will be able to book online.", commitment=True),
    unit("We will open 40 neighbourhood health centres by 2030.", commitment=True),
    unit("Waiting lists grew during the pandemic.", commitment=False),
    unit("The board met in March.", commitment=False),
]
ROUTES = [
    unit("Open procedure for wound care products.", regime="pcr2015", route="open", flags=[]),
    unit("Call-off from the RM6221 framework, Lot 2.", regime="pcr2015", route="framework_call_off", flags=[]),
    unit("PSR direct award process C for community nursing.", regime="psr", route="psr_direct_award_c", flags=[]),
    unit("Request for quotation for courier services.", regime="pcr2015", route="below_threshold_quotation", flags=[]),
    unit(
        "Restricted procedure to appoint six contractors to a highways framework.",
        regime="pcr2015",
        route="restricted",
        flags=["establishes_framework"],
    ),
]


@pytest.mark.parametrize(
    ("task", "rows", "loader", "heads"),
    [
        ("requirements", REQUIREMENTS, RequirementModel, ["requirement", "category"]),
        ("obligations", OBLIGATIONS, ObligationModel, ["obligations"]),
        ("commitments", COMMITMENTS, CommitmentModel, ["commitment"]),
        ("routes", ROUTES, RouteModel, ["regime", "route", "flags"]),
    ],
)
def test_overfit_and_round_trip(tmp_path, encoder, task, rows, loader, heads):
    data = write_jsonl(tmp_path / "tiny.jsonl", rows)
    config = write_config(tmp_path / "c.toml", version="t1", seed=0, corpus=[str(data)], C={h: 100.0 for h in heads})
    first = train(task, config, output=tmp_path / "a", encoder=encoder)
    second = train(task, config, output=tmp_path / "b", encoder=encoder)
    a, _, meta = load_folder(first)
    b, _, _ = load_folder(second)
    for name in heads:
        assert np.array_equal(a[name].coef_, b[name].coef_), "same data and seed give identical weights"
    assert meta["seed"] == 0 and meta["version"] == "t1" and str(data.name) in "".join(meta["corpus"])
    assert (first / "README.md").read_text().startswith("---\nlicense: apache-2.0")
    model = loader(first, encoder=encoder)
    texts = [r["text"] for r in rows]
    if task == "requirements":
        predicted = [model.classes_[i] for i in model.predict_proba(texts).argmax(axis=1)]
        assert predicted == [r["requirement"] or "none" for r in rows]
    elif task == "obligations":
        assert [sorted(found) for found in model.predict(texts)] == [sorted(r["obligations"]) for r in rows]
    elif task == "commitments":
        predicted = [model.classes_[i] for i in model.predict_proba(texts).argmax(axis=1)]
        assert predicted == [str(r["commitment"]) for r in rows]
    else:
        predicted = model.predict(texts)
        assert [p.route for p in predicted] == [r["route"] for r in rows]
        assert [[f for f, score in p.flags.items() if score >= 0.5] for p in predicted] == [r["flags"] for r in rows]
    reloaded = loader(first, encoder=encoder)
    if task != "routes":
        assert np.array_equal(reloaded.predict_proba(texts), model.predict_proba(texts))


def test_retraining_with_a_new_obligation_id(tmp_path, encoder):
    """A team adds 50 rows for an id the catalogue lacks, retrains, and the id is predicted."""
    actions = ["review", "report", "learn from", "investigate", "respond to"]
    objects = ["patient safety incidents", "safety events", "incident learning responses", "serious incidents"]
    frames = [
        "compassionate engagement with patients and families",
        "a system-based approach to learning",
        "proportionate responses",
        "oversight by the board",
    ]
    new = [
        unit(f"The Provider shall {a} {o} under its incident response plan, with {f}.", obligations=["PSIRF"])
        for a in actions
        for o in objects
        for f in frames
    ][:50]
    negatives = [
        unit(t, obligations=[])
        for t in [
            "The café opens at eight.",
            "Parking is free for visitors.",
            "The building has three floors.",
            "Invoices are paid monthly.",
            "The helpdesk answers calls.",
            "Deliveries arrive on Tuesdays.",
        ]
        * 4
    ]
    data = write_jsonl(tmp_path / "psirf.jsonl", new + negatives + OBLIGATIONS)
    config = write_config(
        tmp_path / "c.toml",
        version="t2",
        seed=0,
        corpus=[str(data)],
        C={"obligations": 10.0},
        extra_labels={"obligations": ["PSIRF"]},
    )
    folder = train("obligations", config, output=tmp_path / "m", encoder=encoder)
    model = ObligationModel(folder, encoder=encoder)
    unseen = model.predict(["The service must learn from patient safety incidents and involve affected families."])
    assert "PSIRF" in unseen[0]
    assert "PSIRF" not in model.predict(["The visitors' car park closes at ten."])[0]


def test_the_sequence_head_reads_the_units_before(tmp_path, encoder):
    """The same clause carries TUPE after a staff-transfer clause and nothing after a canteen one."""
    transfer, canteen = "Employees keep their terms when the service changes hands.", "The canteen opens at eight."
    follow = "The same applies to their pension rights."
    assert not explicit_mentions(transfer + " " + follow)

    def doc(n: int, first: str, ids: list[str]) -> list[dict]:
        meta = {"doc_id": f"d{n}", "split": "train"}
        return [{"text": first, "obligations": ids, "meta": meta}, {"text": follow, "obligations": ids, "meta": meta}]

    rows = [r for n in range(12) for r in (doc(n, transfer, ["TUPE"]) if n % 2 else doc(n, canteen, []))]
    data = write_jsonl(tmp_path / "seq.jsonl", rows)
    for scale, output in ((0.0, "flat"), (1.0, "seq")):
        config = write_config(
            tmp_path / f"{output}.toml", seed=0, corpus=[str(data)], sequence_scale=scale, C={"obligations": 100.0}
        )
        heads = load_folder(train("obligations", config, output=tmp_path / output, encoder=encoder))[0]
        assert ("sequence" in heads) == bool(scale)
    flat, seq = ObligationModel(tmp_path / "flat", encoder=encoder), ObligationModel(tmp_path / "seq", encoder=encoder)
    after_transfer = seq.predict_proba([transfer, follow])[1, 0]
    after_canteen = seq.predict_proba([canteen, follow])[1, 0]
    assert after_transfer > 0.5 > after_canteen
    assert abs(flat.predict_proba([transfer, follow])[1, 0] - flat.predict_proba([canteen, follow])[1, 0]) < 0.1
    two_documents = seq.predict_proba([transfer, follow], documents=["x", "y"])[1, 0]
    assert two_documents < after_transfer  # a clause of another document is no context


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "no units"),
        ('{"text": "The Supplier shall comply."}\n', "lacks requirement"),
        ('{"text": "The Supplier shall comply.", "requirement": "essential"}\n', "unknown requirement label"),
        ("not json\n", "not JSON"),
    ],
)
def test_bad_training_data_gets_a_coded_error(tmp_path, encoder, content, reason):
    data = tmp_path / "bad.jsonl"
    data.write_text(content, "utf-8")
    config = write_config(tmp_path / "c.toml", version="x", corpus=[str(data)])
    with pytest.raises(ModelError, match="E204") as caught:
        train("requirements", config, output=tmp_path / "m", encoder=encoder)
    assert reason in str(caught.value)


def test_unknown_task(tmp_path):
    with pytest.raises(ModelError, match="E205"):
        train("sentiment", write_config(tmp_path / "c.toml", version="x"))


def test_csv_training_data_and_evaluate(tmp_path, encoder):
    data = tmp_path / "extra.csv"
    data.write_text(
        "text,requirement,category,doc_id,split\n"
        + "".join(
            f'"{r["text"]}",{r["requirement"] or ""},{r.get("category") or ""},d{i},train\n'
            for i, r in enumerate(REQUIREMENTS)
        ),
        "utf-8",
    )
    config = write_config(tmp_path / "c.toml", version="t3", seed=0, corpus=[], C={"requirement": 100.0})
    folder = train("requirements", config, extra=[data], output=tmp_path / "m", encoder=encoder)
    results = evaluate("requirements", folder, [data], encoder=encoder)
    assert results["requirement"]["accuracy"] == 1.0
    assert set(results["requirement"]["per_label"]) == {"mandatory", "desirable", "none"}
    assert results["requirement"]["confusion"]["labels"] == ["desirable", "mandatory", "none"]


def test_route_cross_validation_reports_each_draw_of_the_folds_and_their_mean(tmp_path, evalset, encoder):
    data = write_jsonl(tmp_path / "tiny.jsonl", ROUTES)
    config = write_config(tmp_path / "c.toml", version="cv", seed=0, corpus=[str(data)], C={"route": 1.0})
    result = route_cross_validation(config, folds=2, draws=2, encoder=encoder)
    first, second = result["model"], result["model, fold seed 1"]
    mean = result["model, mean of 2 fold draws"]
    assert mean["accuracy"] == pytest.approx((first["accuracy"] + second["accuracy"]) / 2, abs=1e-4)
    assert mean["macro_f1"] == pytest.approx((first["macro_f1"] + second["macro_f1"]) / 2, abs=1e-4)
    matrix = np.array(first["report"]["confusion"]["matrix"])
    assert matrix.sum() == result["notices"]
    assert np.trace(matrix) / matrix.sum() == pytest.approx(first["accuracy"], abs=1e-4)
    assert "open" in result["macro_over"] and result["majority"]["accuracy"] > 0.5
    for what in ("notice length", "route score"):
        bands = {k: v["accuracy"] for k, v in result.items() if k.startswith(f"model, {what}")}
        sizes = [float(k.rsplit("(", 1)[1].split()[0]) for k in bands]
        assert sum(sizes) == pytest.approx(result["notices"], abs=0.5)
        weighted = sum(n * a for n, a in zip(sizes, bands.values(), strict=True)) / sum(sizes)
        assert weighted == pytest.approx(mean["accuracy"], abs=2e-3)


def test_flag_cross_validation_scores_the_framework_flag_where_publishers_state_it(tmp_path, evalset, encoder):
    data = write_jsonl(tmp_path / "tiny.jsonl", ROUTES)
    config = write_config(tmp_path / "c.toml", version="cv", seed=0, corpus=[str(data)], C={"flags": 1.0})
    result = flag_cross_validation(config, folds=2, draws=2, encoder=encoder)
    with (evalset / "notices_dev.jsonl").open(encoding="utf-8") as handle:
        stated = [published_flags(row) for row in map(json.loads, handle) if row.get("route")]
    known = [flags for flags in stated if flags is not None]
    name = f"establishes_framework ({sum(map(bool, known))} of {len(known)} notices that state it)"
    assert 0 < sum(map(bool, known)) < len(known) < len(stated)
    rules, model = result[f"{name}, tell-tales alone"], result[f"{name}, model, mean of 2 fold draws"]
    assert rules["precision"] >= 0.9 and 0 < rules["recall"] < 1
    assert rules["f1"] == pytest.approx(
        2 * rules["precision"] * rules["recall"] / (rules["precision"] + rules["recall"]), abs=1e-3
    )
    assert all(0 <= model[k] <= 1 for k in ("precision", "recall", "f1")) and model["recall"] > 0


@pytest.mark.gpu
def test_cpu_and_gpu_encoders_agree():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("CUDA is not available")
    texts = ["The Supplier shall hold Cyber Essentials Plus.", "Bidders should describe their training offer."]
    cpu = shared_encoder("cpu").encode(texts)
    gpu = shared_encoder("cuda").encode(texts)
    assert np.allclose(cpu, gpu, atol=1e-4)
    model = RequirementModel(encoder=shared_encoder("cuda"))
    assert (
        model.predict_proba(texts).argmax(1)
        == RequirementModel(encoder=shared_encoder("cpu")).predict_proba(texts).argmax(1)
    ).all()


def test_fine_tuning_saves_an_encoder_that_the_model_uses(tmp_path):
    data = write_jsonl(tmp_path / "tiny.jsonl", REQUIREMENTS)
    config = write_config(
        tmp_path / "c.toml",
        version="ft",
        seed=0,
        corpus=[str(data)],
        C={"requirement": 100.0},
        fine_tune={"epochs": 2, "learning_rate": 1e-4, "batch_size": 4},
    )
    folder = train("requirements", config, output=tmp_path / "m", device="cpu")
    assert (folder / "encoder" / "model.safetensors").is_file()
    _, _, meta = load_folder(folder)
    assert "encoder/model.safetensors" in meta["files"] and "fine-tuned" in meta["encoder"]
    model = RequirementModel(folder)
    texts = [r["text"] for r in REQUIREMENTS]
    predicted = [model.classes_[i] for i in model.predict_proba(texts).argmax(axis=1)]
    assert predicted == [r["requirement"] or "none" for r in REQUIREMENTS]
    assert model.encoder.get().path == folder / "encoder"
