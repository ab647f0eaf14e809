"""The audit trail: the store's history records in words, and the case as it stood after each.

The trail is ``Store.history(case_id)``: every journal record, folded into the
database's ``history`` table, each with its time (``ts``), operation (``op``)
and the old and new values it changed. Nothing else is recorded, so nothing
here can disagree with what the store did.

Past states are rebuilt **backwards**: start from the case as it stands and
undo the records newest first, using the old value each record carries. The
history keeps a ``case.put`` (create, import, CSV update, replace) only as a
summary, not the whole case it wrote, so replaying *forwards* has nothing to
start from; backwards replay needs no copy. It stops at the latest
``case.put``: what came before it was replaced wholesale and is not recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from evidence.store import touched_items
from hypotheses.models import Case, CaseInfo, Evidence, Hypothesis
from hypotheses.scoring import MODELS, analyse

Record = dict[str, Any]

# Fields short enough to show as "old → new" in a change line.
_SHORT = (
    "title", "source", "url", "event_date", "reported_date", "tags", "credibility",
    "relevance", "admiralty", "kind", "excluded", "prior", "question",
)
_CLIP = 40


def when(rec: Record) -> str:
    """'2026-11-26 06:21:37 UTC' from the record's ISO timestamp."""
    return str(rec.get("ts", "")).replace("T", " ").removesuffix("+00:00") + " UTC"


def _words(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    text = " ".join(value) if isinstance(value, list) else str(value)
    return " ".join(text.split())


def _clip_pair(old: Any, new: Any) -> tuple[str, str]:
    """Old and new value, short enough for one line; when both are long, the part
    that changed with a little context, so two long titles never read the same."""
    a, b = _words(old), _words(new)
    if len(a) <= _CLIP and len(b) <= _CLIP:
        return a, b
    p = 0
    while p < min(len(a), len(b)) and a[p] == b[p]:
        p += 1
    s = 0
    while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
        s += 1
    start = max(0, p - 8)

    def part(text: str) -> str:
        end = min(len(text), len(text) - s + 8)
        body = text[start:end]
        if len(body) > _CLIP - 2:
            body = body[: _CLIP - 3] + "…"
        return ("…" if start else "") + body + ("…" if end < len(text) and not body.endswith("…") else "")

    return part(a), part(b)


def _cells(old: dict[str, str], new: dict[str, str]) -> list[str]:
    return [
        f"{hid} {old.get(hid) or 'unrated'} → {new.get(hid) or 'unrated'}"
        for hid in sorted(set(old) | set(new))
        if old.get(hid) != new.get(hid)
    ]


def fields_changed(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What an edit changed, with old → new values for the short fields."""
    parts: list[str] = []
    for key in new:
        if old.get(key) == new.get(key):
            continue
        if key in _SHORT:
            before, after = _clip_pair(old.get(key), new.get(key))
            parts.append(f"{key} {before} → {after}")
        elif key == "ratings":
            parts.append("ratings " + ", ".join(_cells(old.get(key) or {}, new.get(key) or {})))
        elif key == "notes":
            changed = sorted(h for h in set(old.get(key) or {}) | set(new.get(key) or {})
                             if (old.get(key) or {}).get(h) != (new.get(key) or {}).get(h))
            parts.append(f"notes on {', '.join(changed)}")
        else:
            parts.append(key)
    return "; ".join(parts) or "nothing"


def describe_change(rec: Record) -> str:
    """E.g. '2026-11-26 06:21:37 UTC  rating E4 × H2: C → II'."""
    return f"{when(rec)}  {change_text(rec)}"


def change_text(rec: Record) -> str:
    """What one record changed, in words, without its time."""
    op = rec.get("op")
    what: str
    if op == "rate":
        what = f"rating {rec['id']} × {rec['hyp']}: {rec.get('old') or 'unrated'} → {rec.get('new') or 'unrated'}"
    elif op == "exclude":
        what = f"{rec['id']} {'excluded from' if rec.get('new') else 'restored to'} scoring"
    elif op == "ev.add":
        what = f"added evidence {rec['id']}: {rec['doc'].get('title', '')}"
    elif op == "ev.update":
        what = f"edited evidence {rec['id']}: {fields_changed(rec.get('old') or {}, rec['doc'])}"
    elif op == "ev.delete":
        what = f"deleted evidence {rec['id']}: {(rec.get('old') or {}).get('title', '')}"
    elif op == "hyp.add":
        what = f"added hypothesis {rec['id']}: {rec['doc'].get('title', '')}"
    elif op == "hyp.update":
        what = f"edited hypothesis {rec['id']}: {fields_changed(rec.get('old') or {}, rec['doc'])}"
    elif op == "hyp.delete":
        what = f"deleted hypothesis {rec['id']} with {len(rec.get('ratings', {}))} ratings"
    elif op == "hyp.restore":
        what = f"restored hypothesis {rec['id']} with {len(rec.get('ratings', {}))} ratings"
    elif op == "case.put":
        what = f"case {rec['case']} written whole (created, imported or replaced)"
        if "evidence" in rec:
            what += f": {rec.get('hypotheses', 0)} hypotheses, {rec['evidence']} evidence"
    elif op == "case.info":
        what = f"edited case details: {fields_changed(rec.get('old') or {}, rec.get('new') or {})}"
    elif op == "case.delete":
        what = f"deleted case {rec['case']}"
    else:
        what = str(op)
    return what


def touches_item(rec: Record, eid: str) -> bool:
    """Whether a record changed evidence item ``eid`` (its fields, ratings or notes)."""
    return eid in touched_items(rec)


def evidence_history(records: list[Record], eid: str) -> list[Record]:
    """The changes that touched one evidence item, oldest first."""
    return [r for r in records if touches_item(r, eid)]


# ------------------------------------------------------------ past states


@dataclass
class _State:
    """A case being rewound: plain lists of frozen models, cheap to snapshot."""

    info: dict[str, Any]
    hypotheses: list[Hypothesis]
    evidence: list[Evidence]

    def snapshot(self) -> Case:
        return Case.model_construct(**self.info, hypotheses=list(self.hypotheses), evidence=list(self.evidence))

    def ev(self, eid: str) -> int:
        for i, ev in enumerate(self.evidence):
            if ev.id == eid:
                return i
        raise KeyError(f"no evidence {eid!r}")

    def hyp(self, hid: str) -> int:
        for i, h in enumerate(self.hypotheses):
            if h.id == hid:
                return i
        raise KeyError(f"no hypothesis {hid!r}")

    def drop_column(self, hid: str) -> None:
        del self.hypotheses[self.hyp(hid)]
        for i, ev in enumerate(self.evidence):
            if hid in ev.ratings or hid in ev.notes:
                self.evidence[i] = ev.model_copy(update={
                    "ratings": {k: v for k, v in ev.ratings.items() if k != hid},
                    "notes": {k: v for k, v in ev.notes.items() if k != hid},
                })


def _undo(st: _State, rec: Record) -> None:
    """Put ``st`` back to how it was before ``rec`` (raises KeyError if it does not fit)."""
    op = rec["op"]
    if op == "rate":
        i = st.ev(rec["id"])
        ev = st.evidence[i]
        st.hyp(rec["hyp"])
        ratings = dict(ev.ratings)
        if rec.get("old") is None:
            ratings.pop(rec["hyp"], None)
        else:
            ratings[rec["hyp"]] = rec["old"]
        st.evidence[i] = ev.model_copy(update={"ratings": ratings})
    elif op == "exclude":
        i = st.ev(rec["id"])
        st.evidence[i] = st.evidence[i].model_copy(update={"excluded": bool(rec["old"])})
    elif op == "ev.add":
        del st.evidence[st.ev(rec["id"])]
    elif op == "ev.update":
        st.evidence[st.ev(rec["id"])] = Evidence.model_validate(rec["old"])
    elif op == "ev.delete":
        if any(ev.id == rec["id"] for ev in st.evidence):
            raise KeyError(f"evidence {rec['id']!r} exists")
        st.evidence.insert(rec["pos"], Evidence.model_validate(rec["old"]))
    elif op == "hyp.add":
        st.drop_column(rec["id"])
    elif op == "hyp.update":
        st.hypotheses[st.hyp(rec["id"])] = Hypothesis.model_validate(rec["old"])
    elif op == "hyp.delete":
        hid = rec["id"]
        if any(h.id == hid for h in st.hypotheses):
            raise KeyError(f"hypothesis {hid!r} exists")
        st.hypotheses.insert(rec["pos"], Hypothesis.model_validate(rec["doc"]))
        for key in ("ratings", "notes"):
            for eid, value in (rec.get(key) or {}).items():
                i = st.ev(eid)
                ev = st.evidence[i]
                st.evidence[i] = ev.model_copy(update={key: {**getattr(ev, key), hid: value}})
    elif op == "hyp.restore":
        st.drop_column(rec["id"])
    elif op == "case.info":
        st.info = CaseInfo.model_validate({**st.info, **(rec.get("old") or {})}, strict=False).model_dump()
    else:
        raise KeyError(f"cannot step back over {op!r}")


@dataclass(frozen=True)
class CaseState:
    """The case just after ``record`` (None: the earliest state the trail reaches)."""

    record: Record | None
    case: Case


@dataclass(frozen=True)
class Replay:
    """The case after each recorded change, oldest first."""

    states: list[CaseState]
    complete: bool  # reaches back to the case.put that created or last replaced it
    note: str = ""  # why it stops where it does


def replay(case: Case, records: Sequence[Record]) -> Replay:
    """Rebuild the case after each change by undoing records newest first (see module doc)."""
    mine = [r for r in records if r.get("case") == case.id]
    start = max((i for i, r in enumerate(mine) if r.get("op") in ("case.put", "case.delete")), default=-1)
    origin = mine[start] if start >= 0 and mine[start].get("op") == "case.put" else None
    steps = mine[start + 1:]
    st = _State(case.info.model_dump(), list(case.hypotheses), list(case.evidence))
    rewound: list[CaseState] = []
    complete, note = origin is not None, ""
    for k in range(len(steps) - 1, -1, -1):
        rewound.append(CaseState(steps[k], st.snapshot()))
        try:
            _undo(st, steps[k])
        except (KeyError, IndexError, TypeError, ValueError, ValidationError) as exc:
            complete = False
            note = f"the trail does not fit the case before {when(steps[k])} ({exc}); earlier changes not shown"
            rewound.reverse()
            return Replay(rewound, complete, note)
    rewound.append(CaseState(origin, st.snapshot()))
    rewound.reverse()
    if origin is None:
        note = "the trail starts after the case was created; the first row is the oldest state known"
    return Replay(rewound, complete, note)


# ------------------------------------------------------- how the ranking moved


@dataclass(frozen=True)
class RankingStep:
    """The verdict after one change."""

    record: Record | None
    when: str
    change: str
    ranking: str  # e.g. 'H2 > H1 = H3 > H4' for the chosen model
    leaders: dict[str, tuple[str, ...]] = field(default_factory=dict)  # model → rank-1 ids
    agree: bool = True
    leader_changed: bool = False  # for the chosen model, against the step before


def ranking_line(case: Case, order: Sequence[int], ranks: Sequence[int]) -> str:
    """Hypothesis ids best first: '>' between ranks, '=' within a tie."""
    out = ""
    prev: int | None = None
    for i in order:
        if prev is not None:
            out += " = " if ranks[i] == prev else " > "
        out += case.hypotheses[i].id
        prev = ranks[i]
    return out or "no hypotheses"


def ranking_history(case: Case, records: Sequence[Record], model: str = "weighted") -> tuple[list[RankingStep], Replay]:
    """The ranking after each recorded change, oldest first, for the post-mortem."""
    if model not in MODELS:
        raise ValueError(f"model: {model!r} is not one of {', '.join(MODELS)}")
    rep = replay(case, records)
    steps: list[RankingStep] = []
    before: tuple[str, ...] | None = None
    for state in rep.states:
        a = analyse(state.case)
        hids = a.hypothesis_ids
        leaders = {m: tuple(hids[i] for i in sorted(a.models[m].top)) for m in MODELS}
        chosen = a.models[model]
        rec = state.record
        steps.append(RankingStep(
            record=rec,
            when=when(rec) if rec else "",
            change=change_text(rec) if rec else "oldest state known",
            ranking=ranking_line(state.case, chosen.order, chosen.ranks),
            leaders=leaders,
            agree=a.agree,
            leader_changed=before is not None and leaders[model] != before,
        ))
        before = leaders[model]
    return steps, rep
