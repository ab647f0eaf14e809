"""The shipped Istanbul case: valid, verbatim, fully rated by one rule, and saying what it concludes.

The article it rests on is copied to tests/data so that every quoted passage
can be checked against it.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from evidence.seed import DEFAULT_CASE_ID, default_case
from hypotheses.models import Case
from hypotheses.scoring import MODELS, analyse, leader_ids

ARTICLE = Path(__file__).parent / "data" / "istanbul-talks-article.txt"
OPEN, CLOSE, ELLIPSIS = "“", "”", "…"
STRONG = ("CC", "C", "I", "II")
# Days the article itself gives (3 March is "Three days later" than 28 February).
ARTICLE_DAYS = {
    "2022-02-28", "2022-03-03", "2022-03-07", "2022-03-10", "2022-03-15",
    "2022-03-21", "2022-03-22", "2022-03-29", "2022-04-03", "2022-04-15",
}


@pytest.fixture(scope="module")
def case() -> Case:
    return default_case()


def _flat(text: str) -> str:
    """Whitespace (the article has a no-break space) compared as single spaces."""
    return " ".join(text.split())


def quotations(text: str) -> list[str]:
    """Outermost “…” passages; nested “…” inside one stay part of it, as in the article."""
    found: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == OPEN:
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == CLOSE:
            if depth == 0:
                raise AssertionError(f"closing quote without an opening one: {text[max(0, i - 40):i + 1]!r}")
            depth -= 1
            if depth == 0:
                found.append(text[start:i])
    if depth:
        raise AssertionError(f"unclosed quotation in {text[:80]!r}")
    return found


def _texts(case: Case) -> list[tuple[str, str]]:
    """Every piece of prose in the case, labelled for the failure message."""
    out = [("case description", case.description), ("conclusion", case.conclusion)]
    for h in case.hypotheses:
        out += [(f"{h.id} title", h.title), (f"{h.id} description", h.description)]
    for ev in case.evidence:
        out += [(f"{ev.id} title", ev.title), (f"{ev.id} details", ev.details)]
        out += [(f"{ev.id} source", ev.source)]
        out += [(f"{ev.id} note {hid}", note) for hid, note in ev.notes.items()]
    for ind in case.indicators:
        out += [(f"{ind.id} title", ind.title), (f"{ind.id} details", ind.details)]
    return out


def test_quotation_parser_follows_the_articles_nesting() -> None:
    assert quotations("a “b “c” d” e “f”") == ["b “c” d", "f"]
    with pytest.raises(AssertionError):
        quotations("a “b")
    with pytest.raises(AssertionError):
        quotations("a” b")


def test_the_bundled_file_is_version_2() -> None:
    doc = json.loads(resources.files("evidence").joinpath("default_case.json").read_text("utf-8"))
    assert doc["format"] == "weigh-case" and doc["version"] == 2
    assert {"conclusion"} <= set(doc["case"]) and doc["indicators"]
    assert all("group" in ev for ev in doc["evidence"])


def test_loads_and_validates(case: Case) -> None:
    assert case.id == DEFAULT_CASE_ID
    assert "peace talks" in case.question and "collapse" in case.question
    assert len(case.hypotheses) == 6
    assert len(case.evidence) >= 40


def test_the_rule_is_stated_first(case: Case) -> None:
    first = case.description.split("\n")[0]
    assert "if this hypothesis were true, how likely would we be to see this evidence?" in first
    assert "Topic is not consistency" in first and "premise is not support" in first


def test_hypotheses_cover_the_mission(case: Case) -> None:
    titles = " ".join(h.title.lower() for h in case.hypotheses)
    for needle in ("west", "battlefield", "sham", "budapest", "cart before the horse", "crimea"):
        assert needle in titles


def test_the_case_says_where_the_article_combines_explanations(case: Case) -> None:
    text = case.description
    assert "not exclusive" in text and "Bayes" in text
    for pair in ("H1 and H2", "H6 and H2", "H3 contains H6"):
        assert pair in text, pair


def test_every_quoted_passage_is_verbatim_from_the_article(case: Case) -> None:
    article = _flat(ARTICLE.read_text(encoding="utf-8"))
    checked = 0
    for where, text in _texts(case):
        for passage in quotations(text):
            pos = 0
            for part in (p.strip() for p in passage.split(ELLIPSIS)):
                if not part:
                    continue
                found = article.find(_flat(part), pos)
                assert found >= 0, f"{where}: not in the article: {part!r}"
                pos = found + len(part)
                checked += 1
    assert checked > 100  # the case quotes, it does not paraphrase


def test_every_sourced_item_quotes_the_article(case: Case) -> None:
    for ev in case.evidence:
        if ev.kind in ("absence", "assumption"):
            assert ev.source.startswith("Analyst"), ev.id
            assert ev.admiralty is None, ev.id
        else:
            assert ev.details.startswith("Article"), ev.id
            assert quotations(ev.details), f"{ev.id}: no quoted passage"


def test_every_cell_rated_and_every_strong_rating_explained(case: Case) -> None:
    hids = [h.id for h in case.hypotheses]
    for ev in case.evidence:
        assert ev.source.strip() and ev.tags, ev.id
        assert sorted(ev.ratings) == sorted(hids), f"{ev.id}: unrated cells"
        assert "NA" not in ev.ratings.values(), ev.id
        for hid, code in ev.ratings.items():
            note = ev.notes.get(hid, "")
            if code in STRONG:
                assert note.strip(), f"{ev.id}/{hid} {code} without a note"
            if note:  # a note opens with the rating it explains, so a re-rating cannot leave it stale
                assert note.startswith(f"{code}: "), f"{ev.id}/{hid}: note does not match {code}"


def test_grades_follow_the_kind_of_source(case: Case) -> None:
    for ev in case.evidence:
        src = ev.source
        if src.startswith(("Unnamed “", "Unattributed")):
            assert (ev.admiralty, ev.credibility) == ("F3", "medium"), ev.id
        elif src.startswith("The article (narrative of events)"):
            assert (ev.admiralty, ev.credibility) == ("B2", "high"), ev.id
        elif src.startswith("The article's author"):
            assert (ev.admiralty, ev.credibility) == ("C3", "medium"), ev.id
        elif ev.kind in ("absence", "assumption"):
            assert (ev.credibility, ev.relevance) == ("medium", "low"), ev.id
    mediators = [ev for ev in case.evidence if "mediator" in ev.source or "chair of the meeting" in ev.source]
    assert len(mediators) == 2 and {(ev.admiralty, ev.credibility) for ev in mediators} == {("C3", "medium")}


def test_dates_are_the_articles_or_say_they_are_inferred(case: Case) -> None:
    dated = {ev.event_date.isoformat() for ev in case.evidence if ev.event_date}
    assert dated >= ARTICLE_DAYS
    for ev in case.evidence:
        assert ev.reported_date is None, ev.id  # the article gives no reporting dates
        if ev.event_date and ev.event_date.isoformat() not in ARTICLE_DAYS:
            assert "by inference" in ev.details, f"{ev.id}: {ev.event_date} not said to be inferred"


def test_same_fact_groups(case: Case) -> None:
    groups: dict[str, list[str]] = {}
    for ev in case.evidence:
        if ev.group:
            groups.setdefault(ev.group, []).append(ev.id)
    assert len(groups) >= 3
    for name, members in groups.items():
        assert len(members) >= 2, name
        assert name in case.description, f"group {name} is not explained in the description"
    assert set(groups["substantive-drafting"]) >= {"E26", "E28"}
    assert set(groups["retreat-from-kyiv"]) == {"E19", "E20", "E24"}


def test_absence_items_for_every_hypothesis(case: Case) -> None:
    for h in case.hypotheses:
        against = [ev.id for ev in case.evidence if ev.kind == "absence" and ev.ratings[h.id] in ("I", "II")]
        assert against, f"no absence item bears on {h.id}"


def test_indicators_bear_on_every_hypothesis(case: Case) -> None:
    hids = {h.id for h in case.hypotheses}
    borne: set[str] = set()
    for ind in case.indicators:
        assert set(ind.ratings) == hids, ind.id
        assert ind.status == "watching" and ind.evidence_id is None, ind.id
        assert ind.details.strip(), ind.id
        borne |= {hid for hid, code in ind.ratings.items() if code in STRONG}
    assert borne == hids
    for hid in hids:  # something that would strengthen it and something that would weaken it
        codes = {ind.ratings[hid] for ind in case.indicators}
        assert codes & {"C", "CC"} and codes & {"I", "II"}, hid


def test_the_conclusion_matches_what_the_tool_shows(case: Case) -> None:
    text = case.conclusion
    assert text.startswith("What this article supports.") and "cannot tell" in text
    analysis = analyse(case)
    ids = analysis.hypothesis_ids
    for model in MODELS:
        for hid in leader_ids(analysis, model):
            assert f"({hid})" in text, f"{model} leader {hid} not discussed in the conclusion"
        scores = analysis.scores_of(model)
        assert min(scores, key=scores.__getitem__) == "H3", model  # "H3 is last under all three models"
    assert leader_ids(analysis, "bayes") == ["H2"] and leader_ids(analysis, "weighted") == ["H1"]
    # each coverage count the conclusion quotes ("k for, n against") is the nearest hypothesis's
    counts = list(re.finditer(r"\((\d+) (?:items )?for(?: it)?, (\d+) against\)", text))
    assert len(counts) >= 5
    for m in counts:
        hid = re.findall(r"H\d", text[: m.start()])[-1]
        assert hid in ids
        col = [ev.ratings[hid] for ev in case.evidence if not ev.excluded]
        pro = sum(code in ("C", "CC") for code in col)
        con = sum(code in ("I", "II") for code in col)
        assert (int(m[1]), int(m[2])) == (pro, con), f"{hid}: conclusion says {m[0]}"


def test_scores(case: Case) -> None:
    a = analyse(case)
    assert len(a.used) == len(a.case.evidence)
    assert abs(sum(a.posterior) - 1) < 1e-12
