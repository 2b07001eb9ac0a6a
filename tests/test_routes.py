from __future__ import annotations

import json

import numpy as np
from conftest import make_document

from tenderlens.document import BlockKind
from tenderlens.ingest import read
from tenderlens.models import LinearHead
from tenderlens.phrases import PhraseIndex
from tenderlens.pipeline import Pipeline
from tenderlens.report import to_table
from tenderlens.routes import (
    CAUTION,
    LONG_DOCUMENT_CHARS,
    SHORT_HEAD,
    Prediction,
    RouteModel,
    catalogue,
    publisher_route,
    route_proba,
    rule_route,
    short_notice_head,
    stated_route,
    telltales,
)
from tenderlens.train import published_flags

LABELS_ROUTES = {
    "open",
    "restricted",
    "competitive_flexible",
    "competitive_dialogue",
    "competitive_negotiation",
    "innovation_partnership",
    "direct_award",
    "framework_call_off",
    "dps_call_off",
    "below_threshold_quotation",
    "psr_direct_award_a",
    "psr_direct_award_b",
    "psr_direct_award_c",
    "psr_most_suitable_provider",
    "psr_competitive",
    "sbri",
    "grant",
    "unknown",
}


def test_catalogue_covers_labels_md():
    cat = catalogue()
    assert set(cat.routes) == LABELS_ROUTES
    assert set(cat.regimes) == {"pa2023", "pcr2015", "psr", "scotland", "grant", "unknown"}
    assert set(cat.flags) == {"establishes_framework", "establishes_dps", "light_touch"}
    assert all(r["for_suppliers"] for r in cat.routes.values())


def test_telltales_and_rules():
    text = "This is a call-off from the framework via mini-competition under Lot 2."
    assert "route:framework_call_off" in {key for _, _, key in telltales(text)}
    assert rule_route(text) == "framework_call_off"
    assert rule_route("Supply of gloves.") is None
    assert stated_route("open procedure. The open procedure applies. A framework agreement.") == "open"
    assert publisher_route({"procurementMethodDetails": "Call-off from a framework agreement"}) == "framework_call_off"


def test_patterns_catch_what_phrases_cannot_and_count_once():
    index = PhraseIndex(
        [("restricted procedure", "restricted"), ("below threshold", "rfq")],
        patterns=[(r"\brestricted\b(?:\W+\w+){0,3}?\W+procedure", "restricted")],
    )
    assert index.find("A restricted, below threshold procedure.") == [(2, 39, "restricted"), (14, 29, "rfq")]
    assert [o for _, _, o in index.find("The Restricted Procedure applies.")] == ["restricted"]
    keys = [key for _, _, key in telltales("Awarded under RM6187.2 Lot 3, through the dialogue.")]
    assert keys.count("route:framework_call_off") == 1
    assert "route:competitive_dialogue" in keys
    assert not {key for _, _, key in telltales("Room RM12 is restricted to staff.")}
    assert not {key for _, _, key in telltales("Bidding is restricted to suppliers on the tender list.")}


def test_a_phrase_listed_under_two_ids_counts_for_both():
    index = PhraseIndex([("grant funding", "regime:grant"), ("grant funding", "route:grant"), ("grant", "x")])
    assert index.find("This is grant funding.") == [(8, 21, "regime:grant"), (8, 21, "route:grant")]
    keys = {key for _, _, key in telltales("Direct Award Process C under the PSR, with grant funding.")}
    assert {"route:psr_direct_award_c", "regime:grant", "route:grant"} <= keys


def test_a_phrase_ending_in_a_number_does_not_cut_a_longer_number_short():
    index = PhraseIndex([("Schedule 3", "lt"), ("ISO 27001", "iso")])
    assert [o for _, _, o in index.find("Services listed in Schedule 3 to the Regulations.")] == ["lt"]
    assert not index.find("3.11 Requirements Schedule\n3.11.1 Table 1 lists them. See Schedule 31.")
    assert [o for _, _, o in index.find("Certified to ISO 27001:2022.")] == ["iso"]


def test_a_longer_phrase_that_is_not_a_whole_word_leaves_the_shorter_one_found():
    index = PhraseIndex([("direct award", "da"), ("Direct Award C", "psr_c"), ("net zero", "carbon")])
    assert [o for _, _, o in index.find("A direct award contract was made.")] == ["da"]
    assert [o for _, _, o in index.find("Under Direct Award C, the trust...")] == ["psr_c"]
    assert [o for _, _, o in index.find("It has net zero commitments.")] == ["carbon"]
    assert not index.find("The directawardcontract field.")


def test_a_phrase_is_found_in_the_plural_but_not_inside_a_longer_word():
    index = PhraseIndex([("call-off", "co"), ("DPIA", "dpia"), ("open", "op")])
    assert index.find("Call-offs follow. Two DPIAs were done.") == [(0, 9, "co"), (22, 27, "dpia")]
    assert not index.find("The framework opensource reopens.")
    assert [o for _, _, o in index.find("It opens soon.")] == ["op"]


def test_a_call_off_under_a_named_framework_is_a_call_off_tell_tale():
    def routes(text):
        return [key for _, _, key in telltales(text) if key.startswith("route:")]

    assert routes(
        "The order was placed under the Midland Estates Alliance's Minor Works, Roofing and Repairs Framework."
    ) == ["route:framework_call_off"]
    assert routes("Awarded via their existing estates framework.") == ["route:framework_call_off"]
    assert "route:framework_call_off" not in routes("Suppliers appointed to this framework will be listed.")
    assert routes("The contract was directly awarded to the incumbent.") == ["route:direct_award"]


def test_flag_patterns_read_inflected_wordings_but_not_a_call_off():
    def flags(text):
        return {key for _, _, key in telltales(text) if key.startswith("flag:")}

    assert flags("The Board is establishing a multi-lot framework for estates works.") == {"flag:establishes_framework"}
    assert flags("We will appoint up to six firms to a regional consultancy framework.") == {
        "flag:establishes_framework"
    }
    assert flags("The council is setting up a new DPS for home to school transport.") == {"flag:establishes_dps"}
    assert not flags("This order was placed under the existing framework held by the trust.")
    assert not flags("The contract was established under the national framework for imaging.")


def test_published_flags_only_where_the_publisher_can_state_them():
    framework = {"tender": {"techniques": {"hasFrameworkAgreement": True}}}
    assert published_flags({"publisher": "Public Contracts Scotland", "raw": framework}) == ["establishes_framework"]
    assert published_flags({"publisher": "Sell2Wales", "raw": {"tender": {}}}) == []
    assert published_flags({"publisher": "Contracts Finder", "raw": framework}) is None


def test_flags_come_from_the_head_with_scores_and_evidence():
    model = RouteModel()
    assert "flags" in model.heads
    setup = model(
        Pipeline.from_names(["segment.v1"])(
            make_document(
                [
                    (BlockKind.HEADING, "Minor Building Works Framework 2027"),
                    (
                        BlockKind.PARAGRAPH,
                        "The Council is establishing a four-year multi-supplier framework for minor building "
                        "works, in three lots by value. Contracts will then be awarded to the framework suppliers.",
                    ),
                ]
            )
        )
    ).route
    assert "establishes_framework" in setup.flags and setup.attrs["flag_scores"]["establishes_framework"] >= 0.5
    assert any("establishing" in e.text for e in setup.evidence)
    meaning = catalogue().flags["establishes_framework"]["for_suppliers"]
    assert setup.attrs["flag_meanings"] == {"establishes_framework": meaning}
    call_off = model(
        Pipeline.from_names(["segment.v1"])(
            make_document(
                [
                    (
                        BlockKind.PARAGRAPH,
                        "Call-off contract awarded by further competition under Lot 2 of the framework.",
                    )
                ]
            )
        )
    ).route
    assert call_off.route == "framework_call_off" and "establishes_framework" not in call_off.flags


def test_a_long_tender_carries_only_the_flags_it_names(monkeypatch):
    model = RouteModel()
    clause = "The Authority will appoint the successful suppliers to the framework agreement for four years. "
    doc = Pipeline.from_names(["segment.v1"])(make_document([(BlockKind.PARAGRAPH, clause * 60)]))
    scores = {"establishes_framework": 0.9, "establishes_dps": 0.1, "light_touch": 0.9}
    guess = Prediction("pcr2015", "restricted", 0.9, {"restricted": 0.9}, scores)
    monkeypatch.setattr(model, "predict", lambda texts: [guess])
    assert len(doc.text) > LONG_DOCUMENT_CHARS
    assert model(doc).route.flags == ("establishes_framework",)


def test_light_touch_only_where_the_notice_names_it(monkeypatch):
    model = RouteModel()
    assert model.flags_need_telltale == {"light_touch"}
    scores = {"establishes_framework": 0.1, "establishes_dps": 0.1, "light_touch": 0.9}
    monkeypatch.setattr(model, "predict", lambda texts: [Prediction("pcr2015", "open", 0.9, {"open": 0.9}, scores)])

    def flags(text):
        return model(Pipeline.from_names(["segment.v1"])(make_document([(BlockKind.PARAGRAPH, text)]))).route.flags

    assert flags("Home care for adults across the county, open procedure.") == ()
    assert flags("Home care for adults, procured under the light touch regime.") == ("light_touch",)


def _ocds(tmp_path, details: str, **tender):
    release = {
        "ocid": "ocds-x",
        "id": "1",
        "date": "2026-01-01",
        "tender": {
            "title": "Courier services",
            "description": "Collection and delivery of pathology samples.",
            "procurementMethod": "limited",
            "procurementMethodDetails": details,
            **tender,
        },
    }
    path = tmp_path / "notice.json"
    path.write_text(json.dumps(release), "utf-8")
    return read(path)


def test_ocds_procedure_field_decides_unless_text_only(tmp_path):
    doc = Pipeline.from_names(["segment.v1"])(_ocds(tmp_path, "Single tender action (below threshold)"))
    decided = RouteModel()(doc).route
    assert decided.route == "direct_award" and decided.attrs["decided_by"] == "publisher procedure field"
    assert any("Single tender action" in e.text for e in decided.evidence)
    text_only = RouteModel(text_only=True)(doc).route
    assert text_only.attrs["decided_by"] != "publisher procedure field"
    assert all("Single tender action" not in e.text for e in text_only.evidence)
    assert set(text_only.scores) <= LABELS_ROUTES and abs(sum(text_only.scores.values()) - 1) < 0.01


def test_ocds_techniques_state_a_framework_unless_text_only_or_a_call_off(tmp_path):
    techniques = {"techniques": {"hasFrameworkAgreement": True}}
    doc = Pipeline.from_names(["segment.v1"])(_ocds(tmp_path, "Open procedure", **techniques))
    route = RouteModel()(doc).route
    assert route.route == "open" and route.flags == ("establishes_framework",)
    assert route.attrs["flags_published"] == ["establishes_framework"]
    assert any("hasFrameworkAgreement" in e.text for e in route.evidence)
    assert "establishes_framework" not in RouteModel(text_only=True)(doc).route.flags
    call_off = Pipeline.from_names(["segment.v1"])(_ocds(tmp_path, "Call-off from a framework agreement", **techniques))
    assert RouteModel()(call_off).route.flags == ()


def test_the_short_notice_head_is_the_route_prior_of_short_notices_against_all():
    long_open = "Open procedure for grounds maintenance across the district. " * 3
    notices = [(long_open, "open")] * 8 + [("Call-off: IT kit", "framework_call_off")] * 3 + [("Pest control", "open")]
    head = short_notice_head(notices, ["framework_call_off", "open", "sbri"], chars=120)
    # Laplace-smoothed shares over the two routes seen: short 4/6 and 2/6, all 4/14 and 10/14
    assert np.allclose(head.coef_[:, 0], [np.log((4 / 6) / (4 / 14)), np.log((2 / 6) / (10 / 14)), 0.0])
    assert head.coef_[2, 0] == 0.0  # sbri never occurs: nothing is known of it


def test_the_short_notice_prior_moves_only_short_notices():
    route = LinearHead()
    route.classes_, route.coef_, route.intercept_ = (
        np.array(["framework_call_off", "open"]),
        np.zeros((2, 1)),
        np.zeros(2),
    )
    short = LinearHead()
    short.classes_, short.coef_, short.intercept_ = route.classes_, np.array([[1.0], [-1.0]]), np.zeros(2)
    texts = ["Pest control visits", "x" * 200]
    proba = route_proba({"route": route, SHORT_HEAD: short}, np.zeros((2, 1)), texts, short_chars=120)
    assert proba[0, 0] > 0.85 and np.allclose(proba[1], [0.5, 0.5])
    assert np.allclose(route_proba({"route": route}, np.zeros((2, 1)), texts, short_chars=120), 0.5)


def test_the_shipped_route_model_has_the_short_notice_prior():
    model = RouteModel()
    assert model.short_chars == 120 and SHORT_HEAD in model.heads
    weights = dict(zip(model.heads[SHORT_HEAD].classes_, model.heads[SHORT_HEAD].coef_[:, 0], strict=True))
    assert weights["open"] < 0 < weights["framework_call_off"]


def test_ocds_facts_are_not_route_text(tmp_path, monkeypatch):
    doc = Pipeline.from_names(["segment.v1"])(
        _ocds(
            tmp_path,
            "Open procedure",
            value={"amount": 250000, "currency": "GBP"},
            tenderPeriod={"endDate": "2026-03-01"},
        )
    )
    assert "GBP 250,000" in doc.text and doc.meta["facts_span"]
    model = RouteModel(text_only=True)
    seen = []

    def predict(texts):
        seen.extend(texts)
        return [Prediction("pcr2015", "open", 0.9, {"open": 0.9}, {})]

    monkeypatch.setattr(model, "predict", predict)
    model(doc)
    assert "Courier services" in seen[0] and "pathology samples" in seen[0]
    assert "250,000" not in seen[0] and "2026-03-01" not in seen[0] and "Procedure" not in seen[0]


def test_route_has_meaning_and_evidence_with_pages():
    doc = make_document(
        [
            (BlockKind.HEADING, "Invitation to tender"),
            (
                BlockKind.PARAGRAPH,
                "This procurement is a call-off from the framework agreement by further competition.",
            ),
        ]
    )
    route = RouteModel()(Pipeline.from_names(["segment.v1"])(doc)).route
    assert route.route == "framework_call_off"
    assert route.attrs["meaning"] == catalogue().routes["framework_call_off"]["for_suppliers"]
    assert route.evidence[0].page == 1 and "call-off" in route.evidence[0].text


def test_a_route_the_text_hardly_supports_carries_a_caution_in_the_report(monkeypatch):
    model = RouteModel()
    thin = Pipeline.from_names(["segment.v1"])(
        make_document([(BlockKind.PARAGRAPH, "Pest control. Pest control visits to council depots.")])
    )
    guessed = model(thin)  # a short notice naming no route, whatever its score
    assert len(thin.text) < model.short_chars and guessed.route.attrs["caution"] == CAUTION
    assert "! A guess" in to_table(guessed)
    longer = Pipeline.from_names(["segment.v1"])(make_document([(BlockKind.PARAGRAPH, "Pest control. " * 10)]))
    monkeypatch.setattr(model, "predict", lambda texts: [Prediction("pcr2015", "open", 0.45, {"open": 0.45}, {})])
    assert model(longer).route.attrs["caution"] == CAUTION
    monkeypatch.setattr(model, "predict", lambda texts: [Prediction("pcr2015", "open", 0.55, {"open": 0.55}, {})])
    assert "caution" not in model(longer).route.attrs
    monkeypatch.undo()
    stated = model(
        Pipeline.from_names(["segment.v1"])(
            make_document(
                [(BlockKind.PARAGRAPH, "This contract will be let by the open procedure; any supplier may tender.")]
            )
        )
    )
    assert "caution" not in stated.route.attrs and "! A guess" not in to_table(stated)
