"""The merge of two analysts' random edits of one case (a team's, or made one or undone):
always a valid case (never the 'unknown hypothesis id' or 'not one of the case's analysts'
of a dangling cell), and every
vote one side changed and the other left is in it (under a new id if its item or
hypothesis was renumbered, which a note says)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from evidence.case_merge import merge_cases
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from hypotheses.vocabulary import RATINGS, Rating

if TYPE_CHECKING:
    from hypotheses.merge import Merged

SEEDS = 400
Edit = Callable[[Case, str, random.Random], Case]


def start(rng: random.Random) -> Case:
    hyps = [Hypothesis(id=f"H{i}", title=f"h{i}") for i in range(1, 4)]
    items = []
    for i in range(1, 5):
        layers = {a: {h.id: rng.choice(RATINGS) for h in hyps if rng.random() < 0.5} for a in ("ana", "ben")}
        items.append(Evidence(id=f"E{i}", title=f"e{i}", ratings_by={a: v for a, v in layers.items() if v}))
    return Case(id="c", title="T", analysts=["ana", "ben"], hypotheses=hyps, evidence=items,
                indicators=[Indicator(id="M1", title="m", ratings={"H1": "C", "H2": "I"})])


def _item(case: Case, rng: random.Random, **update: object) -> Case:
    items = list(case.evidence)
    k = rng.randrange(len(items))
    items[k] = items[k].model_copy(update={key: f(items[k]) if callable(f) else f
                                           for key, f in update.items()})
    return case.model_copy(update={"evidence": items})


def vote(case: Case, who: str, rng: random.Random) -> Case:
    hid, code = rng.choice([h.id for h in case.hypotheses]), rng.choice(RATINGS)
    joined = case.analysts + [who] * (who not in case.analysts)
    def layers(e: Evidence) -> dict[str, dict[str, Rating]]:
        return {**e.ratings_by, who: {**e.ratings_by.get(who, {}), hid: code}}
    voted = _item(case, rng, ratings_by=layers)
    return voted.model_copy(update={"analysts": joined})


def note(case: Case, who: str, rng: random.Random) -> Case:
    def notes(e: Evidence) -> dict[str, dict[str, str]]:
        mine = e.ratings_by.get(who)
        return {**e.notes_by, who: {next(iter(mine)): f"n{rng.random()}"}} if mine else e.notes_by
    return _item(case, rng, notes_by=notes)


def delete_hypothesis(case: Case, who: str, rng: random.Random) -> Case:
    if len(case.hypotheses) < 2:
        return case
    hid = rng.choice(case.hypotheses).id

    def without(layers: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        return {a: cells for a, cells in ((a, {h: v for h, v in c.items() if h != hid})
                                          for a, c in layers.items()) if cells}
    items = [e.model_copy(update={"ratings_by": without(e.ratings_by), "notes_by": without(e.notes_by)})
             for e in case.evidence]
    marks = [m.model_copy(update={"ratings": {h: v for h, v in m.ratings.items() if h != hid}})
             for m in case.indicators]
    return case.model_copy(update={"hypotheses": [h for h in case.hypotheses if h.id != hid],
                                   "evidence": items, "indicators": marks})


def delete_item(case: Case, who: str, rng: random.Random) -> Case:
    gone = rng.choice(case.evidence).id
    return case.model_copy(update={"evidence": [e for e in case.evidence if e.id != gone]})


def add_hypothesis(case: Case, who: str, rng: random.Random) -> Case:
    n = max(int(h.id[1:]) for h in case.hypotheses) + 1
    new = Hypothesis(id=f"H{n}", title=f"{who}'s")
    return case.model_copy(update={"hypotheses": [*case.hypotheses, new]})


def add_item(case: Case, who: str, rng: random.Random) -> Case:
    n = max(int(e.id[1:]) for e in case.evidence) + 1
    first = case.hypotheses[0].id
    new = Evidence(id=f"E{n}", title=f"{who}'s", ratings_by={who: {first: rng.choice(RATINGS)}})
    return case.model_copy(update={"evidence": [*case.evidence, new],
                                   "analysts": case.analysts + [who] * (who not in case.analysts)})


def leave(case: Case, who: str, rng: random.Random) -> Case:
    """Every vote of ``who`` undone: they leave the case."""
    items = [e.model_copy(update={"ratings_by": {a: v for a, v in e.ratings_by.items() if a != who},
                                  "notes_by": {a: v for a, v in e.notes_by.items() if a != who}})
             for e in case.evidence]
    rest = [a for a in case.analysts if a != who]
    return case.model_copy(update={"evidence": items, "analysts": rest}) if rest else case


EDITS: tuple[Edit, ...] = (vote, vote, vote, note, delete_hypothesis, delete_item, add_hypothesis,
                           add_item, leave)


def edited(case: Case, who: str, rng: random.Random) -> Case:
    for _ in range(rng.randint(1, 5)):
        if case.evidence:
            case = rng.choice(EDITS)(case, who, rng)
    return Case.model_validate(case.model_dump())


def votes(case: Case) -> dict[tuple[str, str, str], str]:
    return {(e.id, a, h): code for e in case.evidence for a, cells in e.ratings_by.items()
            for h, code in cells.items()}


def renumbered(merge: Merged, eid: str, hid: str) -> bool:
    return any((r.key, r.old) in (("evidence", eid), ("hypotheses", hid)) for r in merge.renumbered)


@pytest.mark.parametrize("block", range(4))
def test_random_edits_merge_to_a_valid_case_keeping_every_one_sided_vote(block: int) -> None:
    for seed in range(block * SEEDS // 4, (block + 1) * SEEDS // 4):
        rng = random.Random(seed)
        base = start(rng)
        ana, other = edited(base, "ana", rng), edited(base, rng.choice(["ben", "cem", "ana"]), rng)
        for ours, theirs in ((ana, other), (other, ana)):
            merged, merge = merge_cases(base, ours, theirs)  # raises on a dangling cell
            was, now = votes(base), votes(merged)
            for side, rest in ((votes(ours), votes(theirs)), (votes(theirs), votes(ours))):
                for (eid, who, hid), code in side.items():
                    one_sided = was.get((eid, who, hid)) != code and rest.get((eid, who, hid)) == was.get(
                        (eid, who, hid))
                    if one_sided and not renumbered(merge, eid, hid):
                        assert now.get((eid, who, hid)) == code, (seed, eid, who, hid)


def solo_start(rng: random.Random) -> Case:
    hyps = [Hypothesis(id=f"H{i}", title=f"h{i}") for i in range(1, 4)]
    items = [Evidence(id=f"E{i}", title=f"e{i}", ratings={h.id: rng.choice(RATINGS) for h in hyps
                                                          if rng.random() < 0.5}) for i in range(1, 5)]
    return Case(id="c", title="T", hypotheses=hyps, evidence=items,
                indicators=[Indicator(id="M1", title="m", ratings={"H1": "C"})])


def made_team(case: Case, who: str) -> Case:
    """``weigh make-team`` as ``who``: the shared cells become their layer."""
    items = [e.model_copy(update={"ratings": {}, "notes": {},
                                  "ratings_by": {who: e.ratings} if e.ratings else {},
                                  "notes_by": {who: e.notes} if e.notes else {}}) for e in case.evidence]
    return case.model_copy(update={"analysts": [who], "evidence": items})


def made_solo(case: Case) -> Case:
    """A team case of one analyst made one analyst's again (make-team undone)."""
    (who,) = case.analysts
    items = [e.model_copy(update={"ratings": e.ratings_by.get(who, {}), "notes": e.notes_by.get(who, {}),
                                  "ratings_by": {}, "notes_by": {}}) for e in case.evidence]
    return case.model_copy(update={"analysts": [], "evidence": items})


def solo_edited(case: Case, rng: random.Random) -> Case:
    """A one-analyst case's edits: a shared rating, maybe its last hypothesis deleted."""
    hid = rng.choice(case.hypotheses).id
    case = _item(case, rng, ratings=lambda e: {**e.ratings, hid: rng.choice(RATINGS)})
    if rng.random() < 0.3:
        gone = case.hypotheses[-1].id
        items = [e.model_copy(update={"ratings": {h: v for h, v in e.ratings.items() if h != gone},
                                      "notes": {h: v for h, v in e.notes.items() if h != gone}})
                 for e in case.evidence]
        marks = [m.model_copy(update={"ratings": {h: v for h, v in m.ratings.items() if h != gone}})
                 for m in case.indicators]
        case = case.model_copy(update={"hypotheses": case.hypotheses[:-1], "evidence": items,
                                       "indicators": marks})
    return Case.model_validate(case.model_dump())


@pytest.mark.parametrize("kind", ["one made it a team's", "both made it a team's", "one made it solo"])
def test_random_edits_across_team_and_solo_merge_to_a_valid_case(kind: str) -> None:
    for seed in range(SEEDS // 2):
        rng = random.Random(seed)
        base = solo_start(rng)
        if kind == "one made it a team's":
            ours = edited(made_team(base, "ana"), rng.choice(["ana", "ben"]), rng)
            theirs = solo_edited(base, rng)
        elif kind == "both made it a team's":
            ours = edited(made_team(base, "ana"), "ana", rng)
            theirs = edited(made_team(base, "ben"), "ben", rng)
        else:
            base = made_team(base, "ana")
            ours, theirs = edited(base, rng.choice(["ana", "ben"]), rng), solo_edited(made_solo(base), rng)
        for one, other in ((ours, theirs), (theirs, ours)):
            merge_cases(base, one, other)  # raises on a dangling cell or analyst
