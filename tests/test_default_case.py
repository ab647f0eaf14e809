"""The shipped Istanbul case: valid, sourced, fully rated, every strong rating explained."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import DEFAULT_CASE_ID, default_case
from hypotheses.scoring import analyse

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "case-sources" / "istanbul-talks-article.txt"


def test_loads_and_validates() -> None:
    case = default_case()
    assert case.id == DEFAULT_CASE_ID
    assert "peace talks" in case.question and "collapse" in case.question
    assert len(case.hypotheses) == 6
    assert len(case.evidence) >= 25


def test_hypotheses_cover_the_mission() -> None:
    titles = " ".join(h.title.lower() for h in default_case().hypotheses)
    for needle in ("western", "battlefield", "sham", "budapest", "cart before the horse", "crimea"):
        assert needle in titles


def test_every_item_is_sourced_and_fully_rated() -> None:
    case = default_case()
    hids = {h.id for h in case.hypotheses}
    for ev in case.evidence:
        assert ev.source.strip(), ev.id
        assert set(ev.ratings) == hids, ev.id
        assert ev.tags, ev.id
        for hid, code in ev.ratings.items():
            if code in ("I", "II", "CC"):
                assert ev.notes.get(hid, "").strip(), f"{ev.id}/{hid} {code} without a note"


def test_timeline_dates_are_the_articles() -> None:
    dates = {ev.event_date.isoformat() for ev in default_case().evidence if ev.event_date}
    for day in ("2022-02-28", "2022-03-03", "2022-03-07", "2022-03-10", "2022-03-15",
                "2022-03-21", "2022-03-22", "2022-03-29", "2022-04-15"):
        assert day in dates


def test_quoted_phrases_come_from_the_source() -> None:
    if not SOURCE.exists():  # shared/ sits beside the clone in CI and sessions
        return
    text = SOURCE.read_text(encoding="utf-8").replace("’", "'")
    for phrase in ("not bad result", "cart of the post-war order", "NATO Article 5 Lite", "real progress"):
        assert phrase in text
    details = " ".join(ev.details for ev in default_case().evidence).replace("’", "'")
    for phrase in ("not bad result", "cart of the post-war order", "real progress"):
        assert phrase in details


def test_scores() -> None:
    a = analyse(default_case())
    assert len(a.used) == len(a.case.evidence)
    assert abs(sum(a.posterior) - 1) < 1e-12
