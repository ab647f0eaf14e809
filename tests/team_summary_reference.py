"""A plain, independent re-implementation of a team case's JSON summary.

Written from the written rules (Teams) alone, without the product's team code:
the consensus is the mean of the numeric votes as a Fraction, rounded half away
from zero (``NA`` when ``NA`` votes outnumber the others); a lens's matrix is
put into an ordinary one-analyst case and scored by ``tests/summary_reference``;
disagreement is ``statistics.pstdev`` of the non-``NA`` numeric votes.
"""

from __future__ import annotations

import math
import statistics
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from tests.summary_reference import NUMERIC, close, leaders, reference_summary, scores, takes_part

if TYPE_CHECKING:
    from hypotheses.models import Case

CODE_OF = {2: "CC", 1: "C", 0: "N", -1: "I", -2: "II"}


def consensus(codes: list[str]) -> str | None:
    if not codes:
        return None
    numeric = [NUMERIC[c] for c in codes if c != "NA"]
    if codes.count("NA") > len(numeric):
        return "NA"
    mean = Fraction(sum(numeric), len(numeric))
    size = math.floor(abs(mean) + Fraction(1, 2))
    return CODE_OF[size if mean >= 0 else -size]


def matrix(case: Case, lens: str) -> Case:
    """The lens's matrix as an ordinary case."""
    items = []
    for ev in case.evidence:
        if lens == "team":
            ratings = {}
            for h in case.hypotheses:
                code = consensus([layer[h.id] for layer in ev.ratings_by.values() if h.id in layer])
                if code is not None:
                    ratings[h.id] = code
        else:
            ratings = dict(ev.ratings_by.get(lens, {}))
        plain = {"ratings": ratings, "ratings_by": {}, "notes_by": {}, "notes": {}}
        items.append(ev.model_copy(update=plain))
    return case.model_copy(update={"analysts": [], "evidence": items})


def leader_list(case: Case, model: str, as_of: date | None) -> list[str]:
    """Leader ids in case order under ``model``."""
    top = leaders(scores(case, [ev for ev in case.evidence if takes_part(ev, as_of)])[model])
    return [h.id for h in case.hypotheses if h.id in top]


def spread(codes: list[str]) -> tuple[float, bool]:
    numeric = [NUMERIC[c] for c in codes if c != "NA"]
    value = statistics.pstdev(numeric) if len(numeric) >= 2 else 0.0
    return value, bool(numeric) and "NA" in codes


def team_reference(case: Case, model: str = "weighted", as_of: date | None = None,
                   lens: str = "team") -> dict[str, Any]:
    """The JSON summary of a team case under ``lens``, field for field."""
    doc = reference_summary(matrix(case, lens), model, as_of)
    by = {a: leader_list(matrix(case, a), model, as_of) for a in case.analysts}
    team = leader_list(matrix(case, "team"), model, as_of)
    doc.update(lens=lens, analysts=list(case.analysts), leaders_by_analyst=by,
               analysts_agree=all(set(ids) == set(team) for ids in by.values()))
    for row, ev in zip(doc["evidence"], case.evidence, strict=True):
        cells = [spread([layer[h.id] for layer in ev.ratings_by.values() if h.id in layer])
                 for h in case.hypotheses]
        row["disagreement"] = max((v for v, _ in cells), default=0.0)
        row["split_na"] = any(s for _, s in cells)
    return doc


def team_differences(product: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """How the product's team fields differ from the reference's (the rest: ``differences``)."""
    out = [f"{key}: product {product.get(key, '<missing>')!r} != reference {expected[key]!r}"
           for key in ("lens", "analysts", "leaders_by_analyst", "analysts_agree")
           if product.get(key, "<missing>") != expected[key]]
    for got, want in zip(product.get("evidence", []), expected["evidence"], strict=False):
        if not close(got.get("disagreement"), want["disagreement"]):
            out.append(f"evidence {want['id']}.disagreement: {got.get('disagreement')!r} "
                       f"!= {want['disagreement']!r}")
        if got.get("split_na") is not want["split_na"]:
            out.append(f"evidence {want['id']}.split_na: {got.get('split_na')!r} != {want['split_na']!r}")
    return out
