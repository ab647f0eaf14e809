"""A plain, independent re-implementation of the JSON summary, for checking the product.

Written from the project's written definitions alone, without reading the
product's scoring code, so that the two can disagree. It favours obviousness over
speed: every model is recomputed from scratch, and a linchpin is found by scoring
the case again without the item. Readings of points the definitions leave open:

- *known date*: the later of ``event_date`` and ``reported_date`` among those set;
  an item with neither is undated and takes part at every as-of date.
- *group size* ``n``: counted among the items taking part only (excluded items and
  items known after the as-of date are not members); an item with no group has n = 1.
- *ties*: a hypothesis's rank is 1 + the number of hypotheses whose score is better
  than its own by more than 1e-9 (standard competition ranking with a tolerance);
  ties are listed in case order.
- *leaders' score*: the best score in the rank-1 set; margin = that minus the best
  score outside it; null when every hypothesis is a leader (also with none).
- *linchpin*: the item is removed and the case scored again from scratch, so the other
  members of its group then count with n - 1.
- *diagnosticity*: a property of the item's ratings alone (the item need not take part).
- *band*: compared with the best score of the model (the log score for Bayes), one
  medium item being 1, or ln 2 in log score; *separation* is listed for each leader of
  the chosen model; an indicator separates the contenders when two of them get
  different codes from it other than NA.
- prior normalisation is done in logs (``ln p - ln Σp`` with a shifted sum) so that
  priors near the float maximum give the mathematically right value.
"""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence

MODELS = ("inconsistency", "weighted", "bayes")
WEIGHT = {"low": 1 / math.sqrt(2), "medium": 1.0, "high": math.sqrt(2)}
TERM = {"I": -1, "II": -2}  # every other code, and unrated: 0
FACTOR = {"CC": 4.0, "C": 2.0, "N": 1.0, "I": 0.5, "II": 0.25}  # NA and unrated: 1
NUMERIC = {"CC": 2, "C": 1, "N": 0, "I": -1, "II": -2}
TIE = 1e-9


def known_date(ev: Evidence) -> date | None:
    dates = [d for d in (ev.event_date, ev.reported_date) if d is not None]
    return max(dates) if dates else None


def takes_part(ev: Evidence, as_of: date | None) -> bool:
    if ev.excluded:
        return False
    if as_of is None:
        return True
    known = known_date(ev)
    return known is None or known <= as_of


def group_sizes(items: list[Evidence]) -> dict[str, int]:
    """Evidence id → n, the number of items in the list sharing its group (1 without one)."""
    count: dict[str, int] = {}
    for ev in items:
        if ev.group is not None:
            count[ev.group] = count.get(ev.group, 0) + 1
    return {ev.id: (count[ev.group] if ev.group is not None else 1) for ev in items}


def scores(case: Case, items: list[Evidence]) -> dict[str, dict[str, float]]:
    """Model → hypothesis id → score, over exactly these taking-part items."""
    n = group_sizes(items)
    priors = [h.prior for h in case.hypotheses]
    top = max(priors) if priors else 1.0
    log_total = math.log(top) + math.log(sum(p / top for p in priors)) if priors else 0.0
    out: dict[str, dict[str, float]] = {m: {} for m in MODELS}
    for h in case.hypotheses:
        inc = 0.0
        wtd = 0.0
        log_score = math.log(h.prior) - log_total
        for ev in items:
            code = ev.ratings.get(h.id)
            w = WEIGHT[ev.credibility] * WEIGHT[ev.relevance]
            s = TERM.get(code, 0) if code is not None else 0
            inc += s / n[ev.id]
            wtd += (w / n[ev.id]) * s
            factor = FACTOR.get(code, 1.0) if code is not None else 1.0
            log_score += (w / n[ev.id]) * math.log(factor)
        out["inconsistency"][h.id] = inc
        out["weighted"][h.id] = wtd
        out["bayes"][h.id] = log_score
    return out


def posteriors(log_scores: dict[str, float]) -> dict[str, float]:
    if not log_scores:
        return {}
    top = max(log_scores.values())
    exps = {hid: math.exp(v - top) for hid, v in log_scores.items()}
    total = sum(exps.values())
    return {hid: e / total for hid, e in exps.items()}


def ranks(score: dict[str, float]) -> dict[str, int]:
    return {hid: 1 + sum(1 for other in score.values() if other - mine > TIE) for hid, mine in score.items()}


def leaders(score: dict[str, float]) -> set[str]:
    return {hid for hid, r in ranks(score).items() if r == 1}


def margin(score: dict[str, float]) -> float | None:
    lead = leaders(score)
    rest = [v for hid, v in score.items() if hid not in lead]
    if not rest:
        return None
    return max(score[hid] for hid in lead) - max(rest)


def diagnosticity(ev: Evidence) -> float:
    values = [NUMERIC[c] for c in ev.ratings.values() if c in NUMERIC]
    if len(values) < 2:
        return 0.0
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def in_band(score: dict[str, float], medium_item: float) -> list[str]:
    """Ids (case order, as the dict is) less than one medium item (less 1e-9) behind the best."""
    if not score:
        return []
    best = max(score.values())
    return [hid for hid, v in score.items() if best - v < medium_item - TIE]


def pair(items: list[Evidence], a: str, b: str) -> dict[str, Any]:
    """Items rated for both a and b (neither unrated nor NA) with different codes, and which way."""
    told = [
        (NUMERIC[ev.ratings[a]], NUMERIC[ev.ratings[b]])
        for ev in items
        if ev.ratings.get(a) in NUMERIC and ev.ratings.get(b) in NUMERIC and ev.ratings[a] != ev.ratings[b]
    ]
    fa = sum(1 for va, vb in told if va > vb)
    return {"a": a, "b": b, "items": len(told), "favour_a": fa, "favour_b": len(told) - fa}


def contender_ids(score: dict[str, float], medium_item: float) -> list[str]:
    """The band when it holds two or more, else the leaders and the best rank below them."""
    inside = in_band(score, medium_item)
    if len(inside) >= 2:
        return inside
    r = ranks(score)
    below = sorted({v for v in r.values() if v > 1})
    keep = {1, below[0]} if below else {1}
    return [hid for hid in score if r[hid] in keep]


def separating(case: Case, ids: list[str]) -> list[str]:
    """Watching indicators rating two of ``ids`` differently (both rated, neither NA)."""
    out = []
    for ind in case.indicators:
        if ind.status != "watching":
            continue
        codes = [ind.ratings.get(h) for h in ids]
        rated = {c for c in codes if c in NUMERIC}
        if len(rated) >= 2:
            out.append(ind.id)
    return out


def reference_summary(case: Case, model: str = "weighted", as_of: date | None = None) -> dict[str, Any]:
    """The JSON summary document, field for field."""
    items = [ev for ev in case.evidence if takes_part(ev, as_of)]
    sc = scores(case, items)
    post = posteriors(sc["bayes"])
    chosen = ranks(sc[model])
    order = sorted(range(len(case.hypotheses)), key=lambda i: (chosen[case.hypotheses[i].id], i))
    ranking = []
    for i in order:
        h = case.hypotheses[i]
        codes = [ev.ratings.get(h.id) for ev in items]
        ranking.append(
            {
                "id": h.id,
                "title": h.title,
                "rank": chosen[h.id],
                "inconsistency": sc["inconsistency"][h.id],
                "weighted": sc["weighted"][h.id],
                "posterior": post[h.id],
                "log_score": sc["bayes"][h.id],
                "rated": sum(1 for c in codes if c is not None and c != "NA"),
                "for": sum(1 for c in codes if c in ("C", "CC")),
                "against": sum(1 for c in codes if c in ("I", "II")),
                "tested": sum(1 for c in codes if c in ("C", "CC", "I", "II")),
            }
        )
    tops = {m: leaders(sc[m]) for m in MODELS}
    taking_part = {ev.id for ev in items}
    evidence = []
    for ev in case.evidence:
        linchpin: list[str] = []
        if ev.id in taking_part:
            without = scores(case, [other for other in items if other.id != ev.id])
            linchpin = [m for m in MODELS if leaders(without[m]) != tops[m]]
        evidence.append(
            {"id": ev.id, "diagnosticity": diagnosticity(ev), "linchpin": linchpin, "excluded": ev.excluded}
        )
    one_item = {"inconsistency": 1.0, "weighted": 1.0, "bayes": math.log(2)}
    hids = [h.id for h in case.hypotheses]
    return {
        "case": case.id,
        "conclusion": case.conclusion,
        "band": {m: in_band(sc[m], one_item[m]) for m in MODELS},
        "separation": [
            pair(items, a, b) for a in hids if a in tops[model] for b in hids if b != a
        ],
        "separating_indicators": separating(case, contender_ids(sc[model], one_item[model])),
        "as_of": as_of.isoformat() if as_of is not None else None,
        "evidence_used": len(items),
        "undated_used": sum(1 for ev in items if known_date(ev) is None),
        "models_agree": tops["inconsistency"] == tops["weighted"] == tops["bayes"],
        "margin": {m: margin(sc[m]) for m in MODELS},
        "ranking": ranking,
        "evidence": evidence,
    }


def close(a: float | None, b: float | None) -> bool:
    """Equal up to summation order: relative 1e-12, or absolute 1e-12 near zero."""
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


FLOATS = ("inconsistency", "weighted", "posterior", "log_score")
EXACT = ("id", "title", "rank", "rated", "for", "against", "tested")
WHOLE = ("conclusion", "band", "separation", "separating_indicators")


def differences(product: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every way the product's summary differs from the reference's (empty: they agree)."""
    return [*_whole_differences(product, expected), *_margin_differences(product, expected),
            *_ranking_differences(product, expected), *_evidence_differences(product, expected)]


def engine_differences(product: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """What a scoring engine computes that differs; the verdict's fields (conclusion, band, …)
    come from the summary, not the engines, and are checked there."""
    return [d for d in differences(product, expected) if not d.startswith(WHOLE)]


def _whole_differences(product: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    return [f"{key}: product {product.get(key, '<missing>')!r} != reference {expected[key]!r}"
            for key in ("case", "as_of", "evidence_used", "undated_used", "models_agree", *WHOLE)
            if product.get(key, "<missing>") != expected[key]]


def _margin_differences(product: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    got_margin = product.get("margin")
    if not isinstance(got_margin, dict) or set(got_margin) != set(MODELS):
        return [f"margin: product {got_margin!r} has not exactly the three models"]
    return [f"margin.{m}: product {got_margin[m]!r} != reference {expected['margin'][m]!r}"
            for m in MODELS if not close(got_margin[m], expected["margin"][m])]


def _ranking_differences(product: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    got_rank = product.get("ranking", [])
    if [r.get("id") for r in got_rank] != [r["id"] for r in expected["ranking"]]:
        return [f"ranking order: product {[r.get('id') for r in got_rank]} != "
                f"reference {[r['id'] for r in expected['ranking']]}"]
    out: list[str] = []
    for got, want in zip(got_rank, expected["ranking"], strict=True):
        wrong = [key for key in EXACT if got.get(key, "<missing>") != want[key]]
        wrong += [key for key in FLOATS if key not in got
                  or not isinstance(got[key], int | float) or not close(got[key], want[key])]
        out += [f"ranking {want['id']}.{key}: product {got.get(key, '<missing>')!r} != {want[key]!r}"
                for key in wrong]
    return out


def _evidence_differences(product: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    got_ev = product.get("evidence", [])
    if [e.get("id") for e in got_ev] != [e["id"] for e in expected["evidence"]]:
        return ["evidence list: not every item in case order"]
    out: list[str] = []
    for got, want in zip(got_ev, expected["evidence"], strict=True):
        if not close(got.get("diagnosticity"), want["diagnosticity"]):
            out.append(
                f"evidence {want['id']}.diagnosticity: "
                f"{got.get('diagnosticity')!r} != {want['diagnosticity']!r}"
            )
        if got.get("excluded") is not want["excluded"]:
            out.append(f"evidence {want['id']}.excluded: product {got.get('excluded')!r}")
        if got.get("linchpin") != want["linchpin"]:
            out.append(
                f"evidence {want['id']}.linchpin: product {got.get('linchpin')!r} != {want['linchpin']!r}"
            )
    return out
