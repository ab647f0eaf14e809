"""The shipped Istanbul case: valid, verbatim, fully rated by one rule, and saying what it concludes.

The article it rests on is copied to tests/data so that every quoted passage
can be checked against it.
"""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from evidence.seed import DEFAULT_CASE_ID, default_case
from hypotheses.scoring import MODELS, Analysis, analyse
from hypotheses.separation import BARELY_TESTED, band

if TYPE_CHECKING:
    from hypotheses.models import Case

ARTICLE = Path(__file__).parent / "data" / "istanbul-talks-article.txt"
OPEN, CLOSE, ELLIPSIS = "“", "”", "…"
STRONG = ("CC", "C", "I", "II")
# Days the article itself gives (3 March is "Three days later" than 28 February).
ARTICLE_DAYS = {
    "2022-02-28", "2022-03-03", "2022-03-07", "2022-03-10", "2022-03-15",
    "2022-03-21", "2022-03-22", "2022-03-29", "2022-04-03", "2022-04-15",
}
# How the article writes the days an item's own quotation can date it.
ARTICLE_WORDS = {
    "2022-02-28": "Feb. 28", "2022-03-07": "March 7", "2022-03-10": "March 10", "2022-03-15": "March 15",
    "2022-03-21": "March 21", "2022-03-22": "March 22", "2022-03-29": "March 29", "2022-04-03": "April 3",
    "2022-04-15": "April 15",
}
# "after more than two years" of a war that began less than a week before 28 February 2022.
ARTICLE_WRITTEN = date(2024, 2, 28)


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
    for pair in ("H1 and H2", "H6 and H2", "H3 overlaps H6"):
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
    undated = [ev.id for ev in case.evidence if ev.event_date is None and ev.reported_date is None]
    assert len(undated) <= 10, undated
    for ev in case.evidence:
        if ev.event_date is None and ev.reported_date is None:
            assert ev.kind in ("absence", "assumption"), f"{ev.id}: undated, though the article dates it"
            continue
        inferred = "Date inferred" in ev.details
        if ev.event_date and not inferred:  # a date the item's own quotation gives, in the article's words
            said = ARTICLE_WORDS.get(ev.event_date.isoformat())
            quoted = said and any(said in q for q in quotations(ev.details))
            assert quoted, f"{ev.id}: {ev.event_date} is not the quotation's, nor marked inferred"
        if ev.event_date:  # plausible: the talks and the year they belong to
            assert date(2022, 2, 21) <= ev.event_date <= date(2022, 12, 31), ev.id
        if ev.reported_date:  # only the article's own time of writing, which it gives only by context
            assert ev.reported_date == ARTICLE_WRITTEN and inferred, ev.id
            assert "more than two years" in ev.details, ev.id
            assert ev.event_date is None or ev.event_date <= ev.reported_date, ev.id


def test_the_articles_date_rests_on_its_own_words() -> None:
    # ARTICLE_WRITTEN: the talks began on "Feb. 28", "Less than a week after the start" of the war,
    # and the article looks back "after more than two years".
    article = _flat(ARTICLE.read_text(encoding="utf-8"))
    for words in ("on Feb. 28", "Less than a week after the start", "after more than two years"):
        assert words in article, words


def _groups(case: Case) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for ev in case.evidence:
        if ev.group:
            groups.setdefault(ev.group, []).append(ev.id)
    return groups


def test_same_fact_groups(case: Case) -> None:
    groups = _groups(case)
    assert len(groups) >= 3
    for name, members in groups.items():
        assert len(members) >= 2, name
        assert name in case.description, f"group {name} is not explained in the description"
    assert groups["substantive-drafting"] == ["E3", "E27", "E28"]  # not the mood after 29 March (E26)
    assert groups["retreat-from-kyiv"] == ["E19", "E20", "E24"]
    by_id = {ev.id: ev for ev in case.evidence}
    battlefield = {by_id[eid].group for eid in ("E29", "E34", "E43")}  # the battlefield claim, counted once
    assert len(battlefield) == 1 and None not in battlefield


def test_a_group_is_not_thinned_by_an_item_that_rates_nothing(case: Case) -> None:
    # A group divides each member's weight by its size: an all-N member would weaken the fact it restates.
    by_id = {ev.id: ev for ev in case.evidence}
    for name, members in _groups(case).items():
        neutral = [eid for eid in members if set(by_id[eid].ratings.values()) == {"N"}]
        assert not neutral or len(neutral) == len(members), f"{neutral} N throughout, but sit in {name}"


def test_notes_that_count_a_fact_once_name_its_group(case: Case) -> None:
    by_id = {ev.id: ev for ev in case.evidence}
    checked = 0
    for ev in case.evidence:
        for hid, text in ev.notes.items():
            for m in re.finditer(r"one (?:fact|judgement|account) with ([^;.]*)", text, flags=re.IGNORECASE):
                for other in re.findall(r"E\d+", m[1]):
                    same = ev.group is not None and by_id[other].group == ev.group
                    assert same, f"{ev.id}/{hid} counts once with {other}, outside its group"
                    checked += 1
    assert checked >= 10


def test_absence_items_are_weak_and_rated_by_the_same_rule(case: Case) -> None:
    absences = [ev for ev in case.evidence if ev.kind == "absence"]
    assert len(absences) >= 5
    for ev in absences:
        assert ev.relevance == "low" and "weak evidence" in ev.details, ev.id
        assert set(ev.ratings.values()) <= {"N", "I"}, f"{ev.id}: an absence is never strong evidence"


CODE_FOR = re.compile(r"(?<![A-Za-z])(CC|II|C|I|N) for (H\d+(?:(?:, | and )H\d+)*)")


def test_indicators_say_what_they_register(case: Case) -> None:
    hids = {h.id for h in case.hypotheses}
    for ind in case.indicators:
        assert set(ind.ratings) == hids, f"{ind.id}: ratings name {sorted(set(ind.ratings) ^ hids)}"
        assert ind.status == "watching" and ind.evidence_id is None, ind.id
        assert ind.expected_by and ind.expected_by > ARTICLE_WRITTEN, f"{ind.id}: no date to watch by"
        said: dict[str, str] = {}
        for m in CODE_FOR.finditer(ind.details):
            for hid in re.findall(r"H\d+", m[2]):
                assert said.setdefault(hid, m[1]) == m[1], f"{ind.id}: {hid} said two ways"
        for hid, code in ind.ratings.items():
            if code != "N":
                assert said.get(hid) == code, f"{ind.id}: {code} for {hid}, words say {said.get(hid)}"
            elif hid in said:
                assert said[hid] == "N", f"{ind.id}: registers N for {hid}, its words say {said[hid]}"


def test_indicators_could_strengthen_and_weaken_every_hypothesis(case: Case) -> None:
    for h in case.hypotheses:
        codes = {ind.ratings[h.id] for ind in case.indicators}
        assert codes & {"C", "CC"}, f"nothing to watch would strengthen {h.id}"
        assert codes & {"I", "II"}, f"nothing to watch would weaken {h.id}"


def _band(analysis: Analysis, model: str) -> list[str]:
    return [analysis.hypothesis_ids[i] for i in band(analysis, model)]


def test_the_conclusion_opens_with_the_bottom_line_the_evidence_supports(case: Case) -> None:
    analysis = analyse(case)
    first = case.conclusion.partition("\n")[0]
    not_told_apart = set(re.findall(r"H\d", first.partition("apart")[0]))
    assert "cannot tell" in first and not_told_apart == set(_band(analysis, "weighted"))
    # one line on the main screen at 160 columns, after "Conclusion: "
    assert len(first) <= 146, f"the bottom line takes {len(first)} characters"
    for model in MODELS:  # what it tells against: the last two under every model
        scores = analysis.scores_of(model)
        assert sorted(scores, key=scores.__getitem__)[:2] == ["H3", "H4"], model
    assert "(H3)" in first and "(H4)" in first
    shows = case.conclusion.split("\n\n")[1]  # the next paragraph: what the band shows, per model
    assert shows.startswith("What the verdict shows.")
    for model in MODELS:
        for hid in _band(analysis, model):
            assert hid in shows, f"{model} band member {hid} not in {shows[:60]!r}"
    barely = {hid for hid, cov in zip(analysis.hypothesis_ids, analysis.coverage, strict=True)
              if cov.for_ + cov.against < BARELY_TESTED}
    said_barely = next(s for s in shows.split(". ") if "barely tested" in s)
    assert set(re.findall(r"H\d", said_barely)) == barely


def test_the_conclusions_counts_are_the_tools(case: Case) -> None:
    text = case.conclusion
    ids = [h.id for h in case.hypotheses]
    # each coverage count the conclusion quotes ("k for, n against") is the nearest hypothesis's
    counts = list(re.finditer(r"\((\d+) (?:items )?for(?: it)?, (\d+) against\)", text))
    assert len(counts) >= 6
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
