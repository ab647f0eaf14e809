"""The ACH data model: one place that says what a valid case is.

Every boundary (import files, the store's file, forms in the TUI) validates
through these models, so a bad value is always reported with the field's name.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from hypotheses.slug import ANALYST_PATTERN, ANALYST_WORDS, CASE_ID_PATTERN, is_analyst_id
from hypotheses.vocabulary import IndicatorStatus, Kind, Level, Rating

# Limits keep one hostile file from exhausting memory or the screen.
MAX_TITLE = 500
MAX_TEXT = 100_000
MAX_TAGS = 50

ItemId = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
]
CaseId = Annotated[str, StringConstraints(pattern=CASE_ID_PATTERN)]
OneLine = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=MAX_TITLE, pattern=r"^[^\r\n]*$"
    ),
]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
ShortText = Annotated[str, StringConstraints(max_length=2_000, pattern=r"^[^\r\n]*$")]
Tag = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9\-]{0,39}$")]
AnalystId = Annotated[str, StringConstraints(pattern=ANALYST_PATTERN)]
Admiralty = Annotated[str, StringConstraints(pattern=r"^[A-F][1-6]$")]
# Dates arrive as ISO strings from JSON files and forms; accept those only.
IsoDate = Annotated[date, Field(strict=False)]
IsoDateTime = Annotated[datetime, Field(strict=False)]


def utcnow() -> datetime:
    """Timestamps are stored in UTC, to the second, so files diff cleanly."""
    return datetime.now(UTC).replace(microsecond=0)


def _empty(value: object) -> bool:
    return not value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Hypothesis(_Model):
    id: ItemId
    title: OneLine
    description: Text = ""
    prior: float = 1.0

    @field_validator("prior")
    @classmethod
    def _prior_positive(cls, value: float) -> float:
        if not math.isfinite(value) or value <= 0:
            raise ValueError("must be a finite number greater than 0")
        return value


class Evidence(_Model):
    id: ItemId
    title: OneLine
    details: Text = ""
    source: ShortText = ""
    url: ShortText | None = None
    event_date: IsoDate | None = None
    reported_date: IsoDate | None = None
    tags: Annotated[list[Tag], Field(max_length=MAX_TAGS)] = Field(default_factory=list)
    # Same-fact group: items resting on one fact share it, so the fact counts once.
    group: Tag | None = None
    credibility: Level = "medium"
    relevance: Level = "medium"
    admiralty: Admiralty | None = None
    kind: Kind = "report"
    excluded: bool = False
    ratings: dict[str, Rating] = Field(default_factory=dict)
    notes: dict[str, Text] = Field(default_factory=dict)
    # A team case's cells (instead of ratings and notes): analyst → hypothesis id → code / text.
    # Left out of every dump while empty, so a one-analyst case is written as before.
    ratings_by: dict[str, dict[str, Rating]] = Field(default_factory=dict, exclude_if=_empty)
    notes_by: dict[str, dict[str, Text]] = Field(default_factory=dict, exclude_if=_empty)

    @field_validator("ratings_by", "notes_by")
    @classmethod
    def _analyst_keys(cls, layers: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for analyst in layers:
            if not is_analyst_id(analyst):
                raise ValueError(f"analyst id {analyst[:40]!r}: {ANALYST_WORDS}")
        return layers

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, tags: list[str]) -> list[str]:
        if len(set(tags)) != len(tags):
            raise ValueError("tags must not repeat")
        return tags


class Indicator(_Model):
    """A milestone registered before it is seen: what it would mean for each hypothesis.

    It takes no part in scoring; once observed it becomes an evidence item
    (``evidence_id``) carrying these ratings, so hindsight cannot re-rate it.
    """

    id: ItemId
    title: OneLine
    details: Text = ""
    expected_by: IsoDate | None = None
    ratings: dict[str, Rating] = Field(default_factory=dict)
    status: IndicatorStatus = "watching"
    evidence_id: ItemId | None = None

    def overdue(self, today: date) -> bool:
        """A watching indicator past its expected date."""
        return self.status == "watching" and self.expected_by is not None and self.expected_by < today


class CaseInfo(_Model):
    """A case without its hypotheses and evidence: what a case list shows."""

    id: CaseId
    title: OneLine
    question: Text = ""
    description: Text = ""
    # The analyst's own written judgement, shown first in every report.
    conclusion: Text = ""
    # A team case's analysts, in the order they joined; none: a one-analyst case.
    analysts: list[AnalystId] = Field(default_factory=list, exclude_if=_empty)
    created: IsoDateTime = Field(default_factory=utcnow)
    updated: IsoDateTime = Field(default_factory=utcnow)


class Case(CaseInfo):
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        problems = case_problems(self.hypotheses, self.evidence, self.indicators, self.analysts)
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def info(self) -> CaseInfo:
        return CaseInfo.model_validate(
            self.model_dump(include=set(CaseInfo.model_fields)), strict=False
        )

    def hypothesis(self, hid: str) -> Hypothesis:
        for hyp in self.hypotheses:
            if hyp.id == hid:
                return hyp
        raise KeyError(hid)

    def item(self, eid: str) -> Evidence:
        for ev in self.evidence:
            if ev.id == eid:
                return ev
        raise KeyError(eid)

    def overdue_indicators(self, today: date) -> list[Indicator]:
        """Watching indicators past their expected date, case order."""
        return [ind for ind in self.indicators if ind.overdue(today)]

    def indicator(self, mid: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == mid:
                return ind
        raise KeyError(mid)


def case_problems(
    hypotheses: list[Hypothesis],
    evidence: list[Evidence],
    indicators: list[Indicator] | None = None,
    analysts: list[str] | None = None,
) -> list[str]:
    """Cross-item rules a single item cannot check: unique ids, known columns, links, and
    (a team case) cells only in listed analysts' layers."""
    problems: list[str] = []
    hids: set[str] = set()
    for hyp in hypotheses:
        if hyp.id in hids:
            problems.append(f"hypothesis {hyp.id}: duplicate id")
        hids.add(hyp.id)
    # The common case (no problem) is checked with set operations: opening a
    # 100k-item case runs this once per case.
    eids = {ev.id for ev in evidence}
    if indicators:
        problems += indicator_problems(indicators, hids, eids)
    if analysts or any(map(has_layers, evidence)):
        problems += team_problems(evidence, hids, analysts or [])
    known = hids.issuperset
    if len(eids) == len(evidence) and all(known(ev.ratings) and known(ev.notes) for ev in evidence):
        return problems
    seen: set[str] = set()
    for ev in evidence:
        if ev.id in seen:
            problems.append(f"evidence {ev.id}: duplicate id")
        seen.add(ev.id)
        for field in ("ratings", "notes"):
            for hid in getattr(ev, field):
                if hid not in hids:
                    problems.append(
                        f"evidence {ev.id}: {field}: unknown hypothesis id {hid!r}"
                    )
    return problems


_SHOWN = 3  # team problems listed before "and more"


def has_layers(ev: Evidence) -> bool:
    return bool(ev.ratings_by or ev.notes_by)


def team_problems(evidence: list[Evidence], hypothesis_ids: set[str], analysts: list[str]) -> list[str]:
    """A team case's cells: in the layers of listed analysts only, for known hypotheses,
    never shared (``ratings`` / ``notes``); a one-analyst case (no analysts) has no layers."""
    listed = set(analysts)
    if len(listed) == len(analysts) and _team_fine(evidence, hypothesis_ids, listed):
        return []  # the common case, in set operations: opening a large team case runs this
    problems: list[str] = []
    if len(listed) != len(analysts):
        problems.append("case: analysts: an analyst is listed twice")
    who = ", ".join(analysts) if analysts else "it lists none"
    for ev in evidence:
        if len(problems) > _SHOWN:  # a few name the fault; a whole case of them helps no one
            problems[_SHOWN:] = ["and more items like these"]
            break
        if analysts:
            for field in ("ratings", "notes"):
                if getattr(ev, field):
                    problems.append(f"evidence {ev.id}: {field}: a team case keeps every {field[:-1]} "
                                    f"in an analyst's layer ({field}_by), not shared")
        for field in ("ratings_by", "notes_by"):
            for analyst, cells in getattr(ev, field).items():
                if analyst not in listed:
                    problems.append(f"evidence {ev.id}: {field}: analyst {analyst!r} is not one of "
                                    f"the case's analysts ({who})")
                for hid in cells:
                    if hid not in hypothesis_ids:
                        problems.append(f"evidence {ev.id}: {field}.{analyst}: unknown hypothesis id {hid!r}")
    return problems


def _team_fine(evidence: list[Evidence], hypothesis_ids: set[str], listed: set[str]) -> bool:
    """No problem :func:`team_problems` would list (layers of listed analysts, known columns,
    no shared cell in a team case)."""
    known = hypothesis_ids.issuperset
    for ev in evidence:
        if listed and (ev.ratings or ev.notes):
            return False
        for layers in (ev.ratings_by, ev.notes_by):
            if layers and not (listed.issuperset(layers) and all(map(known, layers.values()))):
                return False
    return True


def indicator_problems(
    indicators: list[Indicator], hypothesis_ids: set[str], evidence_ids: set[str]
) -> list[str]:
    """Indicator ids unique, ratings for known hypotheses, a link to an existing item."""
    problems: list[str] = []
    seen: set[str] = set()
    for ind in indicators:
        if ind.id in seen:
            problems.append(f"indicator {ind.id}: duplicate id")
        seen.add(ind.id)
        for hid in ind.ratings:
            if hid not in hypothesis_ids:
                problems.append(f"indicator {ind.id}: ratings: unknown hypothesis id {hid!r}")
        if ind.evidence_id is not None and ind.evidence_id not in evidence_ids:
            problems.append(f"indicator {ind.id}: evidence_id: no evidence item {ind.evidence_id!r}")
    return problems


def suggested_credibility(admiralty: str) -> Level:
    """NATO/Admiralty code → a suggested credibility: a reliable source (A, B) confirming
    (1, 2) is high; an unreliable one (D, E) or a doubtful claim (4, 5) is low; else medium."""
    reliability, info = admiralty[0].upper(), admiralty[1]
    if reliability in "AB" and info in "12":
        return "high"
    if reliability in "DE" or info in "45":
        return "low"
    return "medium"
