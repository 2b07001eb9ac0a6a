"""The contracting route: regime, route and flags, with scores, evidence and what it means.

Tell-tale phrases of the route catalogue (`data/routes.json`) are counted per regime, route and flag
and join the MiniLM embedding of the document's opening text as features of three linear heads
(regime, route, and flags, each flag a yes/no of its own; a long tender must also name a flag).
When the best route scores under the configured threshold, the route is `unknown`;
under `caution_below`, or in a short notice (`short_notice_chars`, whose route prior shifts its
scores) that names no route, it carries a caution that the text hardly says how the contract is let.
For OCDS notices the publisher's procedure field, when present, decides (unless text-only), and is
shown as evidence.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .document import Document, Evidence, Route
from .encode import EncoderRef
from .models import LinearHead, softmax
from .phrases import PhraseIndex, read_catalogue

OPENING_CHARS = 1500  # the title and opening of a notice or tender carry its procedure
LONG_DOCUMENT_CHARS = 5000
SHORT_HEAD = "short"  # the prior shift for short notices, a head of its own in the model folder
CAUTION = (
    "A guess: the text says little about how this contract is let. Check the procedure in the notice or "
    "tender documents, or ask the buyer."
)


CALL_OFF_OF = {("establishes_framework", "framework_call_off"), ("establishes_dps", "dps_call_off")}


class Prediction(NamedTuple):
    regime: str
    route: str
    score: float
    scores: dict[str, float]  # every route
    flags: dict[str, float]  # every flag


@dataclass(frozen=True)
class RouteCatalogue:
    regimes: dict[str, dict[str, Any]]
    routes: dict[str, dict[str, Any]]
    flags: dict[str, dict[str, Any]]
    publisher_labels: dict[str, str]

    @property
    def keys(self) -> list[str]:
        """Feature order of `telltale_counts`: regimes, then routes, then flags."""
        return (
            [f"regime:{r}" for r in self.regimes]
            + [f"route:{r}" for r in self.routes]
            + [f"flag:{f}" for f in self.flags]
        )


@lru_cache(maxsize=2)
def catalogue(path: str | None = None) -> RouteCatalogue:
    data = read_catalogue("routes.json", path)
    return RouteCatalogue(
        {r["id"]: r for r in data["regimes"]},
        {r["id"]: r for r in data["routes"]},
        {f["id"]: f for f in data["flags"]},
        dict(data.get("publisher_labels", {}).get("map", {})),
    )


@lru_cache(maxsize=2)
def _index(path: str | None = None) -> PhraseIndex:
    cat = catalogue(path)
    groups = [("regime", cat.regimes), ("route", cat.routes), ("flag", cat.flags)]
    items = [(f"{kind}:{item_id}", item) for kind, group in groups for item_id, item in group.items()]
    return PhraseIndex(
        ((phrase, key) for key, item in items for phrase in item.get("tell_tales", [])),
        patterns=((pattern, key) for key, item in items for pattern in item.get("patterns", [])),
    )


def telltales(text: str) -> list[tuple[int, int, str]]:
    """(start, end, 'route:open' | 'regime:psr' | 'flag:...') for every tell-tale in ``text``."""
    return _index().find(text)


def telltale_counts(text: str, lead_in: str | None = None) -> list[float]:
    """log(1 + count) of each regime's, route's and flag's tell-tales: features beside embeddings."""
    counts = dict.fromkeys(catalogue().keys, 0)
    for _, _, key in telltales(text):
        counts[key] += 1
    return [math.log1p(c) for c in counts.values()]


def _route_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, _, key in telltales(text):
        if key.startswith("route:") and key != "route:unknown":
            counts[key[6:]] = counts.get(key[6:], 0) + 1
    return counts


def rule_route(text: str) -> str | None:
    """The baseline: the route with the most tell-tales, or None when the text has none."""
    counts = _route_counts(text)
    return max(counts, key=lambda k: counts[k]) if counts else None


def stated_route(text: str, min_count: int = 2) -> str | None:
    """A route the text states plainly: named at least ``min_count`` times, more than any other."""
    ranked = sorted(_route_counts(text).items(), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= min_count and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def short_notice_head(
    notices: Sequence[tuple[str, str]], classes: Sequence[str], chars: int, alpha: float = 1.0
) -> LinearHead:
    """A prior shift for notices under ``chars`` characters, fitted on real (text, route) notices.

    A one-line award record seldom names its procedure, and in real feeds such records are mostly
    call-offs and direct awards, seldom open procedures, while the authored corpus has short notices
    of every route. The head's one feature is 1 for a short notice, and its weight for each route,
    log(share among short notices / share among all), Laplace-smoothed by ``alpha``, is added to the
    route head's scores: Bayes' rule with the prior of short notices. Routes the notices never have
    keep a weight of 0, since nothing is known of them.
    """
    every = Counter(route for _, route in notices)
    short = Counter(route for text, route in notices if len(text) < chars)
    seen = [c for c in classes if every[c]]

    def share(routes: Counter[str], route: str) -> float:
        return (routes[route] + alpha) / (sum(routes.values()) + alpha * len(seen))

    head = LinearHead()
    head.classes_ = np.array(classes)
    head.coef_ = np.array([[math.log(share(short, c) / share(every, c)) if every[c] else 0.0] for c in classes])
    head.intercept_ = np.zeros(len(classes))
    return head


def route_proba(
    heads: Mapping[str, LinearHead], X: NDArray[np.float64], texts: Sequence[str], short_chars: int
) -> NDArray[np.float64]:
    """The route head's probabilities, shifted for short notices where the heads include `SHORT_HEAD`."""
    scores = heads["route"].decision_function(X)
    if SHORT_HEAD in heads:
        short = np.array([[float(len(text) < short_chars)] for text in texts]).reshape(len(texts), 1)
        scores = scores + heads[SHORT_HEAD].decision_function(short)
    return softmax(scores)


def publisher_route(procedure: dict[str, Any]) -> str | None:
    details = str(procedure.get("procurementMethodDetails") or "").strip().lower()
    return catalogue().publisher_labels.get(details)


# OCDS tender.techniques fields that state a framework or DPS in the contracting process
TECHNIQUE_FLAGS = (
    ("establishes_framework", "hasFrameworkAgreement"),
    ("establishes_dps", "hasDynamicPurchasingSystem"),
)


def publisher_flags(procedure: dict[str, Any]) -> list[str]:
    """The flags an OCDS release's `techniques` states (it says "establishment or use", so a call-off
    may state one too; the route then drops it)."""
    techniques = procedure.get("techniques")
    if not isinstance(techniques, dict):
        return []
    return [flag for flag, field in TECHNIQUE_FLAGS if techniques.get(field) is True]


def flag_line(flag: str, attrs: Mapping[str, Any]) -> str:
    """A flag for a report: who says so (the publisher, or the flags head's score) and what it means."""
    if flag in attrs.get("flags_published", ()):
        why = "stated by the publisher"
    else:
        why = f"score {attrs.get('flag_scores', {}).get(flag, 0.0):.2f}"
    return f"{flag} ({why}): {attrs.get('flag_meanings', {}).get(flag, '')}"


class RouteModel:
    """Regime and route heads over MiniLM embeddings and tell-tale counts."""

    def __init__(self, folder: str | Path | None = None, encoder: Any = None, *, text_only: bool = False) -> None:
        from .models import latest, load_folder

        folder = folder or latest("routes")
        if folder is None:
            from .errors import Errors, ModelError

            raise ModelError(Errors.E201, path="models/", name="a routes-* model folder")
        self.heads, self.config, meta = load_folder(folder)
        self.name = f"routes.minilm-head.{meta['version']}"
        self.threshold = float(self.config.get("threshold", 0.0))
        self.caution_below = float(self.config.get("caution_below", 0.0))
        self.flags_need_telltale = set(self.config.get("flags_need_telltale", []))
        self.short_chars = int(self.config.get("short_notice_chars", 0))
        self.text_only = text_only
        self.encoder = EncoderRef(folder, encoder)

    def features(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """One row per document text: embedding of its opening plus tell-tale counts of all of it."""
        from .models import with_lexical, with_ngrams

        embeddings = self.encoder.encode([t[:OPENING_CHARS] for t in texts])
        scale = float(self.config.get("lexical_scale", 1.0))
        features = with_lexical(embeddings, texts, [None] * len(texts), telltale_counts, scale)
        if self.config.get("hashed_ngrams"):
            features = with_ngrams(features, texts, int(self.config["hashed_ngrams"]))
        return features

    def predict_proba(self, texts: Sequence[str], head: str = "route") -> NDArray[np.float64]:
        X = self.features(texts)
        return (
            route_proba(self.heads, X, texts, self.short_chars)
            if head == "route"
            else self.heads[head].predict_proba(X)
        )

    @property
    def classes_(self) -> NDArray[Any]:
        return self.heads["route"].classes_

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Regime, route, score, scores of every route and of every flag, per text.

        The route is 'unknown' under the threshold. A model folder without a flags head (older
        ones) scores a flag 1.0 where its tell-tales occur, else 0.0.
        """
        X = self.features(texts)
        regime_proba = self.heads["regime"].predict_proba(X)
        routes_proba = route_proba(self.heads, X, texts, self.short_chars)
        regimes, routes = self.heads["regime"].classes_, self.heads["route"].classes_
        if "flags" in self.heads:
            flag_proba, flag_names = self.heads["flags"].predict_proba(X), self.heads["flags"].classes_
        else:
            flag_names = np.array(list(catalogue().flags))
            found = [{key[5:] for _, _, key in telltales(text)} for text in texts]
            flag_proba = np.array([[float(f in keys) for f in flag_names] for keys in found]).reshape(len(texts), -1)
        out = []
        for r_row, p_row, f_row in zip(regime_proba, routes_proba, flag_proba, strict=True):
            best = int(p_row.argmax())
            route = str(routes[best]) if p_row[best] >= self.threshold else "unknown"
            scores = {str(c): round(float(p), 4) for c, p in zip(routes, p_row, strict=True)}
            flags = {str(c): round(float(p), 4) for c, p in zip(flag_names, f_row, strict=True)}
            out.append(Prediction(str(regimes[int(r_row.argmax())]), route, float(p_row[best]), scores, flags))
        return out

    def __call__(self, doc: Document) -> Document:
        units = [u for u in doc.units if not _in_fields(doc, u)]
        texts = [doc.text[s:e] for s, e in units]
        whole = "\n".join(texts)
        if not whole.strip():
            return doc
        # the features embed the opening and count tell-tales in all of it; the short-notice prior and
        # the caution below measure the same text
        regime, route, score, scores, flag_scores = self.predict([whole])[0]
        evidence: list[Evidence] = []
        attrs: dict[str, Any] = {"decided_by": "model"}
        # in a long document (a tender, not a notice) the procedure it names over and over wins
        stated = stated_route(whole) if len(whole) > LONG_DOCUMENT_CHARS else None
        if stated and stated != route:
            route, score = stated, max(score, scores.get(stated, 0.0))
            attrs["decided_by"] = "tell-tales stated in the text"
        procedure = doc.meta.get("procedure") or {}
        published = None if self.text_only else publisher_route(procedure)
        published_flags = [] if self.text_only else publisher_flags(procedure)
        if published:
            route, score = published, 0.99
            attrs["decided_by"] = "publisher procedure field"
        if published_flags:
            attrs["flags_published"] = published_flags
        span = doc.meta.get("procedure_span")
        if span and (published or published_flags):
            evidence.append(doc.evidence(span[0], span[1]))
        named = [{key for _, _, key in telltales(text)} for text in texts]
        # a tender states its flags (the head learnt from notices), and so must a notice for the flags
        # the config names, whose head guesses too often from the kind of service alone
        must_name = set(catalogue().flags) if len(whole) > LONG_DOCUMENT_CHARS else self.flags_need_telltale
        flags = [
            f
            for f, p in flag_scores.items()
            if p >= 0.5 and (f not in must_name or any(f"flag:{f}" in keys for keys in named))
        ]
        # a call-off names its framework or DPS; only a notice that sets one up carries the flag
        flags = sorted({f for f in [*flags, *published_flags] if (f, route) not in CALL_OFF_OF})
        wanted = {f"route:{route}", f"regime:{regime}", *(f"flag:{f}" for f in flags)}
        for (start, end), keys in zip(units, named, strict=True):
            if len(evidence) < 3 and wanted & keys:
                evidence.append(doc.evidence(start, end))
        if not evidence and units:
            evidence.append(doc.evidence(*units[0]))
        cat = catalogue()
        attrs["meaning"] = cat.routes.get(route, {}).get("for_suppliers", "")
        # a one-line notice that names no route is a guess however its prior shifts the score
        unnamed_short = len(whole) < self.short_chars and not any(
            k.startswith("route:") for keys in named for k in keys
        )
        if attrs["decided_by"] == "model" and (score < self.caution_below or unnamed_short):
            attrs["caution"] = CAUTION
        attrs["flag_meanings"] = {f: cat.flags[f].get("for_suppliers", "") for f in flags if f in cat.flags}
        attrs["flag_scores"] = flag_scores
        result = Route(regime, route, score, self.name, tuple(flags), scores, tuple(evidence), attrs)
        return replace(doc, route=result)


def _in_fields(doc: Document, unit: tuple[int, int]) -> bool:
    """In an OCDS notice's procedure or facts (buyer, value, dates): the route reads what the notice
    says, title, description and lots, as the real notices it learnt from."""
    spans = (doc.meta.get("procedure_span"), doc.meta.get("facts_span"))
    return any(span is not None and span[0] <= unit[0] < span[1] for span in spans)
