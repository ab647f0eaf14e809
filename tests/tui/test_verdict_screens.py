"""The verdict on screen: the band, barely tested leaders, what would separate them, the
separation table, the bottom line and the whole conclusion — read as a user sees them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from tests.tui.conftest import box_rows, flat_text, open_under_bayes, palette_lists, screen_text, until
from tests.tui.host import press_at_once
from tui.screens.conclusion_view import ConclusionView
from tui.screens.hypothesis_view import HypothesisView
from tui.screens.separation_view import SeparationView

BOTTOM = "H1 and H2 are not separated; H3 is out."


def band_case() -> Case:
    """Weighted: H1 0, H2 −½, H3 −2½. H1 and H2 form the band; H1 is tested by E1 alone.
    M1 would tell them apart. H2 / H3 share every code but E1's and E2's: E3 tells nothing."""
    return Case(
        id="band",
        title="Band",
        conclusion=f"{BOTTOM}\n\nWhy: [bold]E1[/] is one claim.",
        hypotheses=[Hypothesis(id=h, title=f"title {h}") for h in ("H1", "H2", "H3")],
        evidence=[
            Evidence(id="E1", title="first", ratings={"H1": "C", "H2": "N", "H3": "II"}),
            Evidence(id="E2", title="second", group="g", ratings={"H1": "N", "H2": "I", "H3": "I"}),
            Evidence(id="E3", title="third", group="g", ratings={"H1": "N", "H2": "N", "H3": "N"}),
        ],
        indicators=[Indicator(id="M1", title="tells", ratings={"H1": "C", "H2": "I"})],
    )


@pytest.fixture
def band_db(tmp_path: Path) -> Path:
    path = tmp_path / "band.json"
    with Store.open(path) as store:
        store.put_case(band_case())
    return path


def assert_the_ranking_reads_the_verdict(app: object) -> None:
    lines = screen_text(app).splitlines()
    assert any(ln.startswith("  1≈H1 ") for ln in lines) and any(ln.startswith("  2≈H2 ") for ln in lines)
    assert any(ln.startswith("  3 H3 ") for ln in lines)
    text = screen_text(app)
    assert " Not separated: H1, H2 within one medium item" in text
    assert " ⚠ H1 is barely tested: 1 of 3 items bears on it, +1 −0" in text
    assert " → to tell H1 from H2, watch M1" in text
    assert f" Bottom line: {BOTTOM} · B: whole conclusion" in text


async def test_the_ranking_reads_the_verdict(band_db: Path, make_app) -> None:
    """At 160x48; at 80x24 in test_whole_conclusion_and_the_hypothesis_view."""
    app = make_app(band_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert_the_ranking_reads_the_verdict(app)
        await pilot.press("ctrl+q")


async def test_separation_table_from_the_key_and_the_palette(band_db: Path, make_app) -> None:
    app = make_app(band_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, SeparationView)
        text = flat_text(app)
        assert "H1 / H2 0.5 items 2 2 0 M1" in text  # E1 C/N and E2 N/I favour H1
        assert "H2 / H3 2.0 items 1 1 0 none watched" in text  # E1 N/II only
        assert "2 items tell H1 from H2 (2 favour H1, 0 H2)" in text  # the first pair's items
        await pilot.press("down", "down")
        await pilot.pause()
        assert "1 item tells H2 from H3 (1 favour H2, 0 H3)" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SeparationView)
        await pilot.press("ctrl+p")
        await press_at_once(pilot, *"tell apart")
        await until(pilot, lambda: palette_lists(app, "the evidence tells apart"), "the hit")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SeparationView), "the table")
        await pilot.press("escape", "ctrl+q")


async def test_a_pair_no_item_tells_apart_is_highlighted(tmp_path: Path, make_app) -> None:
    case = band_case().model_copy(update={"evidence": [
        Evidence(id="E1", title="same", ratings={"H1": "I", "H2": "I", "H3": "II"}),
        Evidence(id="E2", title="na", ratings={"H1": "C", "H2": "NA", "H3": "C"}),
    ]})
    path = tmp_path / "untold.json"
    with Store.open(path) as store:
        store.put_case(case)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        text = flat_text(app)
        assert "1 of 3 pairs: no item tells them apart" in text
        assert "H1 / H2 0.0 items none 0 0" in text
        assert "No item taking part tells H1 from H2" in text
        await pilot.press("escape", "ctrl+q")


async def test_whole_conclusion_and_the_hypothesis_view(band_db: Path, make_app) -> None:
    app = make_app(band_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert_the_ranking_reads_the_verdict(app)
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(app.screen, ConclusionView)
        text = flat_text(app)
        assert BOTTOM in text and "Why: [bold]E1[/] is one claim." in text  # markup shown, not obeyed
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("tab", "enter")  # the ranking's first row: H1
        await pilot.pause()
        assert isinstance(app.screen, HypothesisView)
        text = flat_text(app)
        assert "Coverage: 3/3 rated, 1 for, 0 against · tested 1" in text, text
        assert "Closest rivals under weighted" in text
        assert "(score 0.00) · top score, not" in text  # not "leads": the band holds two
        assert "H2 0.5 medium items behind · 2 items tell them apart" in text
        await pilot.press("escape", "ctrl+q")


async def test_a_ranking_longer_than_its_panel_says_what_it_leaves_out_and_follows_the_cursor(
        tmp_path: Path, make_app) -> None:
    """Fourteen hypotheses: the panel (at most 13 lines inside) showed nine and cut the rest,
    and the cursor moved out of sight; now it says how many are left out, and ↓ brings each
    into view."""
    path = tmp_path / "many.json"
    hyps = [Hypothesis(id=f"H{i}", title=f"hypothesis {i}") for i in range(1, 15)]
    with Store.open(path) as store:
        store.put_case(Case(id="many", title="Many", hypotheses=hyps,
                            evidence=[Evidence(id="E1", title="item", ratings={"H14": "I"})]))
    app = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        panel = screen_text(app).split("As of")[0]  # the ranking: above the as-of line
        row = re.compile(r"^ +\d+[≈ ](H\d+) ", re.MULTILINE)  # ' 1≈H1  ███…', '14 H14 ███…'
        assert "… 5 more hypotheses (↑/↓ here)" in panel and "H14" not in row.findall(panel)
        await pilot.press("tab", *["down"] * 13)  # tab: to the ranking
        await pilot.pause()
        panel = screen_text(app).split("As of")[0]
        shown = row.findall(panel)
        assert "H14" in shown and "H1" not in shown and "more hypotheses" in panel
        await pilot.press("home")  # a tester reached for Home and End: they go to the ends
        await pilot.pause()
        assert app.screen.ranking.cursor == 0 and "H1" in row.findall(screen_text(app).split("As of")[0])
        await pilot.press("end")
        await pilot.pause()
        assert app.screen.ranking.cursor == 13 and "H14" in row.findall(screen_text(app).split("As of")[0])
        await pilot.press("ctrl+q")


async def test_one_item_and_one_pair_are_counted_in_the_singular(tmp_path: Path, make_app) -> None:
    """'1 item taking part', '1 of 1 pair' (found by a tester: '1 items', '1 of 1 pairs')."""
    case = band_case().model_copy(update={
        "hypotheses": band_case().hypotheses[:2],
        "evidence": [Evidence(id="E1", title="one", ratings={"H1": "C"})]})
    path = tmp_path / "one.json"
    with Store.open(path) as store:
        store.put_case(case)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("T")
        await pilot.pause()
        text = flat_text(app)
        assert "· 1 item taking part" in text and "1 of 1 pair: no item tells them apart" in text
        await pilot.press("escape", "ctrl+q")


async def test_the_hypothesis_and_separation_views_say_when_only_the_filtered_items_are_scored(
        db_path, make_app):
    """With a filter scoring only the shown items (f), the ranking says 'filtered view'; the
    hypothesis view and the separation table gave the same verdict as if it were the case's."""
    from evidence.seed import DEFAULT_CASE_ID
    from tui.screens.hypothesis_view import HypothesisView
    from tui.screens.separation_view import SeparationView

    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        case = screen.store.case(DEFAULT_CASE_ID)
        tag = case.evidence[0].tags[0]
        shown = sum(1 for e in case.evidence if tag in e.tags)
        note = f"filtered view: #{tag}, only the {shown} shown (f: all)"
        await pilot.press("slash", *f"#{tag}", "enter", "f")
        await pilot.pause()
        assert note in flat_text(app)  # the ranking's words
        screen.ranking.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HypothesisView)
        assert note in app.screen.head.plain
        await pilot.press("escape", "T")
        await pilot.pause()
        assert isinstance(app.screen, SeparationView)
        assert note in app.screen.head.plain
        await pilot.press("escape", "ctrl+e")  # an export is of every item: the dialog says so
        await pilot.pause()
        said = "Summaries use model weighted, all dates, every item (not only the filter's)."
        assert said in flat_text(app)
        await pilot.press("escape", "f")  # the whole case again: nothing said
        await pilot.pause()
        screen.ranking.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HypothesisView) and "filtered view" not in app.screen.head.plain
        await pilot.press("escape", "ctrl+q")


async def test_verdict_lines_left_out_are_said_below_those_shown(tmp_path: Path, make_app) -> None:
    """Six tied hypotheses, five barely tested and incomplete: every row fits, the verdict's
    lines do not. The note saying how many are left out stood between the rows and the
    verdict lines, above what it told of; it now comes last."""
    path = tmp_path / "tied.json"
    hyps = [Hypothesis(id=f"H{i}", title=f"hypothesis {i}") for i in range(1, 7)]
    with Store.open(path) as store:
        store.put_case(Case(id="tied", title="Tied", hypotheses=hyps, evidence=[
            Evidence(id="E1", title="one", ratings={h.id: "N" for h in hyps}),
            Evidence(id="E2", title="two", ratings={"H1": "N"})]))
    app = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        panel = [line.split("│")[0].strip() for line in screen_text(app).split("As of")[0].splitlines()]
        panel = [line for line in panel if line.strip("─╭╮╰╯ ")]
        assert panel[-1].startswith("… ")
        assert "more lines of the verdict (enter: the hypothesis view)" in panel[-1]
        assert "6≈H6" not in panel and any(line.startswith("1≈H6") for line in panel)
        await pilot.press("ctrl+q")


def fifteen_level(path: Path) -> None:
    """Fifteen hypotheses every item rates C: one band of fifteen, a dozen dates and an
    undated item (the as-of line then has a sparkline and an undated note to give way)."""
    from datetime import date, timedelta

    hyps = [Hypothesis(id=f"H{k}", title=f"Hypothesis {k}") for k in range(1, 16)]
    evidence = [Evidence(id=f"E{k}", title=f"item {k}", ratings={h.id: "C" for h in hyps},
                         event_date=date(2023, 10, 1) + timedelta(days=k) if k else None) for k in range(12)]
    with Store.open(path) as store:
        store.put_case(Case(id="fifteen", title="Fifteen level", hypotheses=hyps, evidence=evidence))


async def test_a_band_of_fifteen_at_80_columns_is_shortened_never_cut(tmp_path: Path, make_app) -> None:
    """At 80 columns the verdict line, the watch line and the as-of line were cut inside the
    band ('… H13, H14, H…', 'watch… H12, H1…', '≈ H1, …, H12,'), as if it ended there, and
    'within one medium item' and the score were gone: the band now names its first few and
    how many more, the words that say it is not separated kept whole. At 160 columns the
    as-of line has room for all fifteen."""
    db = tmp_path / "fifteen.json"
    fifteen_level(db)
    few = "H1, H2, H3, H4, H5 and 10 more"
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.open_case("fifteen")
        await pilot.pause()
        for size in ((80, 24), (160, 48)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            rows = [row.split("│")[0].rstrip() for row in screen_text(app).splitlines()]
            assert f" Not separated: {few} within one medium item" in rows, rows
            assert f" → nothing watched tells {few} apart: add an indicator" in rows, rows
            as_of = next(row for row in rows if "As of" in row)
            whole = ", ".join(f"H{k}" for k in range(1, 16))
            assert as_of.endswith(f"≈ {few if size[0] == 80 else whole}: top 0.00"), as_of
        await pilot.press("ctrl+q")


def prior_six() -> Case:
    """H1 prior 6, H2–H4 prior 1. E1 rates H1 CC and H2 C, E2 the other way round: on the
    evidence alone H1 and H2 are level, and under Bayes the prior alone puts H1 ahead by
    ln 6 = 1.79 (2.6 medium items)."""
    hyps = [Hypothesis(id="H1", title="Insider leaked the plan", prior=6.0),
            *(Hypothesis(id=h, title=f"title {h}") for h in ("H2", "H3", "H4"))]
    return Case(id="p", title="Priors", hypotheses=hyps, evidence=[
        Evidence(id="E1", title="email", ratings={"H1": "CC", "H2": "C", "H3": "I", "H4": "I"}),
        Evidence(id="E2", title="logs", ratings={"H1": "C", "H2": "CC", "H3": "I", "H4": "N"}),
        Evidence(id="E3", title="witness", ratings={"H1": "N", "H2": "N", "H3": "I", "H4": "I"})])


async def test_a_lead_the_priors_make_is_said_in_fewer_words_at_80_columns(tmp_path: Path, make_app) -> None:
    """Under Bayes with H1's prior 6 the verdict line was cut at 80 columns after 'the
    evidence alone leaves H1, H2 …', its point (that they are not separated) gone. It now
    takes the longest wording that fits: each says what leads and how firmly, whole."""
    from tests.tui.conftest import open_under_bayes

    db = tmp_path / "priors.json"
    with Store.open(db) as store:
        store.put_case(prior_six())
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_under_bayes(pilot, "p")
        wanted = {  # at 160 columns the detail pane shows, and the ranking has 110 of them
            160: "H1 leads by 1.79 in log score on its prior; the evidence alone leaves H1, H2 not separated",
            80: "H1 leads on its prior; evidence alone: H1, H2 not separated",
            50: "H1 leads on its prior, not on the evidence",
        }
        for width, line in wanted.items():
            await pilot.resize_terminal(width, 24)
            await pilot.pause()
            rows = [row.split("│")[0].rstrip() for row in screen_text(app).splitlines()]
            assert f" {line}" in rows, (width, rows)
        await pilot.press("ctrl+q")


async def test_at_80_columns_the_separation_table_wraps_what_would_tell_a_pair_apart(db_path: Path,
                                                                                     make_app) -> None:
    """At 80×24 the table ran past the dialog: its last heading read 'Would tell them ap' and
    its lists of indicators were cut ('M1, M3, M5, M7, M1'). The last column now takes what
    the others leave, under a heading that fits, each list wrapped whole within it."""
    from hypotheses.separation import all_separations, watching_between

    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, SeparationView)
        table = app.screen.query_one("#separation-table")
        await until(pilot, lambda: app.screen.watch_width is not None, "the table fitted to its width")
        await pilot.pause()
        rows = box_rows(app, "#separation-table")
        assert rows[0].split() == ["Pair", "Apart", "by", "Items", "Favour", "A", "Favour", "B", "Would",
                                   "tell", "apart"], rows[0]
        assert table.max_scroll_x == 0  # nothing beyond the table's right edge
        case = app.screen.analysis.case
        first = all_separations(app.screen.analysis)[:3]
        shown = " ".join(row.strip() for row in rows[1:])
        for s in first:  # each list whole, as many lines as it takes
            ids = ", ".join(ind.id for ind in watching_between(case.indicators, s.a, s.b))
            assert ids and f"{s.a} / {s.b}" in shown
            assert re.search(r"\s+".join(re.escape(part) for part in ids.split()), shown), (ids, rows)
        assert any(row.startswith(" " * 40) for row in rows[1:]), rows  # a list went on below its row
        await pilot.press("escape", "ctrl+q")


def test_the_models_disagreement_names_each_top_as_firmly_as_the_verdict() -> None:
    """'≠ models disagree … Bayes H1' named a top that only the priors made, or that no rated
    item bears on, as plainly as one the evidence separates."""
    from hypotheses.scoring import analyse
    from tests.test_verdict_places import priors_overturn_later
    from tui.widgets.ranking import disagreement_line, model_top

    prior_made = analyse(priors_overturn_later())  # H1 1000 : 1; the evidence alone puts H2 first
    assert not prior_made.agree
    assert (model_top(prior_made, "bayes"), model_top(prior_made, "weighted")) == ("H1 on its prior", "H2")
    line = disagreement_line(prior_made, 200).plain
    assert line.endswith(": inconsistency, weighted H2 · Bayes H1 on its prior"), line

    hyps = [Hypothesis(id=f"H{i}", title=f"h{i}") for i in (1, 2, 3)]
    partly = analyse(Case(id="p", title="Partly rated", hypotheses=hyps,
                          evidence=[Evidence(id="E1", title="e", ratings={"H1": "N", "H2": "I"})]))
    assert model_top(partly, "weighted") == "H1,H3 (1 unrated)"  # both score 0; H3 never rated
    nothing = analyse(Case(id="n", title="Nothing rated", hypotheses=hyps, evidence=[]))
    assert model_top(nothing, "weighted") == "H1,H2,H3 unrated"


async def test_no_disagreement_is_shown_before_anything_is_rated(tmp_path: Path, make_app) -> None:
    """A new case, H1's prior 6, no evidence: Bayes tops H1 on its prior alone and the other
    models tie; the ranking said the models disagree, naming 'Bayes H1'. With nothing rated
    there is no top to differ on: the verdict's 'No verdict' says it."""
    db = tmp_path / "new.json"
    with Store.open(db) as store:
        store.put_case(Case(id="p", title="Priors only", hypotheses=[
            Hypothesis(id="H1", title="one", prior=6.0), Hypothesis(id="H2", title="two")]))
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        from tests.tui.conftest import open_under_bayes

        await open_under_bayes(pilot, "p")
        text = screen_text(app)
        assert "No verdict" in text
        assert "≠" not in text and "models disagree" not in text
        await pilot.press("ctrl+q")


async def test_the_items_that_tell_a_pair_apart_say_which_rating_is_whose_and_wrap_under_their_title(
        db_path: Path, make_app) -> None:
    """T's item list gave two ratings a line with no word of which hypothesis each is for,
    and a long title went on at the box's left edge, under the ratings, as if a line of its
    own. A heading names the columns; a title's rest goes on under its start."""
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("T")
        await until(pilot, lambda: "items tell H1 from H2" in screen_text(app), "the first pair's items")
        rows = screen_text(app).splitlines()
        heading = next(n for n, row in enumerate(rows) if "items tell H1 from H2" in row)
        assert re.search(r"│  H1   H2   item\s+│", rows[heading + 1]), rows[heading + 1]
        first = next(n for n, row in enumerate(rows) if "E27   As Russian forces" in row)
        title_at = rows[first].index("As Russian")
        rest = rows[first + 1]
        border = rows[first].index("│")  # the dialog's left edge
        assert rest[border] == "│" and not rest[border + 1:title_at].strip() and rest[title_at] != " ", rows
        await pilot.press("escape", "ctrl+q")


def test_long_hypothesis_ids_head_the_item_ratings_as_a_and_b() -> None:
    from tui.screens.separation_view import _columns

    assert _columns("H1", "H10") == " H1   H10  item"
    assert _columns("russia-wins", "H2") == " A    B    item   (A: russia-wins, B: H2)"


def disagreement_row(app: object) -> str:
    """The ranking's '≠' line as the screen shows it."""
    rows = [ln.split("│")[0].strip() for ln in screen_text(app).splitlines() if "≠" in ln]  # not the pane
    assert rows, screen_text(app)
    return rows[0]


async def test_the_models_disagreement_names_a_band_as_the_verdict_does(tmp_path: Path, make_app) -> None:
    """H2's prior 1.5, every item rating H1 and H2 alike: Bayes puts H2 a third of an item
    ahead, and its verdict says the evidence does not separate H1, H2. The '≠' line read
    '… · Bayes H2', naming H2 Bayes' top as plainly as a lead the evidence makes."""
    db = tmp_path / "band.json"
    with Store.open(db) as store:
        store.put_case(Case(id="b", title="Prior inside the band", hypotheses=[
            Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two", prior=1.5),
            Hypothesis(id="H3", title="three")],
            evidence=[Evidence(id="E1", title="e", ratings={"H1": "N", "H2": "N", "H3": "II"})]))
    app = make_app(db)
    for size in ((160, 48), (80, 24)):
        async with app.run_test(size=size) as pilot:
            await open_under_bayes(pilot, "b")
            assert "Not separated: H1, H2 within one medium item" in flat_text(app)
            row = disagreement_row(app)
            bayes = row[row.index("Bayes"):]
            assert bayes in ("Bayes H2, not separated from H1", "Bayes H2 (≈H1)"), (size, row)
            await pilot.press("ctrl+q")
        app = make_app(db)


async def test_the_models_disagreement_keeps_every_model_in_view_with_15_hypotheses(
        tmp_path: Path, make_app) -> None:
    """Fifteen hypotheses the evidence leaves tied, H3's prior 3: the short line named all
    fifteen for the inconsistency models and was cut at 80 columns before Bayes' top."""
    db = tmp_path / "many.json"
    hyps = [Hypothesis(id=f"H{i}", title=f"h{i}", prior=3.0 if i == 3 else 1.0) for i in range(1, 16)]
    with Store.open(db) as store:
        store.put_case(Case(id="m", title="Many", hypotheses=hyps, evidence=[
            Evidence(id="E1", title="e", ratings={h.id: "N" for h in hyps})]))
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_under_bayes(pilot, "m")
        row = disagreement_row(app)
        assert "…" not in row and "Bayes H3 unweighed" in row, row
        await pilot.press("ctrl+q")
