"""The 'how the ranking moved' screen and an item's history, driven with real keys."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import DataTable

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import flat_text, open_under_bayes, screen_text, until
from tests.tui.host import workers_done
from tui.screens.ranking_history import RankingHistoryScreen
from tui.widgets.item_history import history_block, item_history_text


def small_db(tmp_path: Path) -> Path:
    """A case whose leader changes twice through edits made the way the TUI makes them."""
    path = tmp_path / "w.json"
    with Store.open(path) as store:
        store.put_case(Case(
            id="c", title="Who did it",
            hypotheses=[Hypothesis(id="H1", title="The butler"), Hypothesis(id="H2", title="The gardener")],
            evidence=[Evidence(id="E1", title="Muddy boots [bold]x[/]", ratings={"H1": "I"}),
                      Evidence(id="E2", title="Alibi")],
        ))
        store.set_rating("c", "E2", "H2", "II")  # H1 -1, H2 -2: H1 leads
        store.update_evidence("c", store.evidence("c", "E2").model_copy(update={"source": "Cook"}))
        store.set_rating("c", "E1", "H1", None)  # H1 0: still H1
        store.set_excluded("c", "E2", True)  # H2 0: tie
        store.set_rating("c", "E1", "H1", "II")  # H2 leads
    return path


async def open_history(app, pilot) -> RankingHistoryScreen:
    await pilot.pause()
    screen = RankingHistoryScreen(app.store, app.screen.case_id)
    await app.push_screen(screen)
    await workers_done(app)
    await pilot.pause()
    return screen


async def press_history(app, pilot, case_id: str) -> None:
    """Case ``case_id`` opened on the main screen, then its ranking history by its key (h)."""
    await pilot.pause()
    app.screen.open_case(case_id)
    await pilot.pause()
    await pilot.press("h")
    await workers_done(app)
    await pilot.pause()


async def test_ranking_history_lists_each_change_and_marks_leader_changes(tmp_path, make_app):
    app = make_app(small_db(tmp_path))
    async with app.run_test(size=(150, 40)) as pilot:
        screen = await open_history(app, pilot)
        assert app.screen is screen
        text = flat_text(app)
        assert "How the ranking moved: Who did it" in text
        assert "after each of 5 recorded changes" in text and "(4 in all)" in text
        rows = [[str(c) for c in screen.query_one("#rh-table").get_row_at(r)]
                for r in range(screen.query_one("#rh-table").row_count)]
        assert [r[4] for r in rows] == ["H2 > H1", "H1 > H2", "H1 > H2", "H1 > H2", "H1 = H2", "H2 > H1"]
        # a change of why the top is no leader is one the verdict makes too
        assert [r[0] for r in rows] == [" ", "◆", " ", "◆", "◆", "◆"]
        # a top no item rates is no leader, as the verdict says (it read 'H2', 'H1', 'H1, H2')
        # nor a lead no item rated for both makes: E1 rates only H1, E2 only H2
        assert [r[5] for r in rows] == ["H2 (on no rated item)", "H1 (no item tells it from H2)",
                                        "H1 (no item tells it from H2)", "H1 (on no rated item)",
                                        "H1, H2 (on no rated item)", "H2 (on no rated item)"]
        assert rows[1][3] == "rating E2 × H2: unrated → II (by tester)"
        assert rows[2][3] == "edited evidence E2: source — → Cook (by tester)"
        assert rows[0][3].startswith("case c written whole") and len(rows[0][3]) <= 56
        # the cursor starts on the latest change; its full ranking is shown below
        assert ("After change 5: rating E1 × H1: unrated → II (by tester) ranking by weighted inconsistency "
                "(PARC)") in text
        assert "1. H2 0.00 The gardener" in text and "2. H1 -2.00 The butler" in text
        # walk back to the start
        await pilot.press(*["up"] * 5)
        await pilot.pause()
        assert "Start: ranking by weighted" in flat_text(app)
        # only the changes of leader
        await pilot.press("l")
        await pilot.pause()
        assert screen.query_one("#rh-table").row_count == 5  # the start and the 4 changes
        assert "Showing only changes of leader" in flat_text(app)
        # another model
        await pilot.press("m")
        await workers_done(app)
        await pilot.pause()
        assert "Ranking by Bayes (log-linear) after each" in flat_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_ranking_history_of_the_seeded_case_edited_from_the_keyboard(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        eid, hid = app.screen.matrix.current()
        await pilot.press("I", "right", "c")  # two ratings, as an analyst types them
        screen = await open_history(app, pilot)
        table = screen.query_one("#rh-table", DataTable)
        assert table.row_count == 3
        last = [str(c) for c in table.get_row_at(2)]
        assert last[3] == f"rating {eid} × H2: N → C (by tester)"
        first_change = [str(c) for c in table.get_row_at(1)]
        assert first_change[3] == f"rating {eid} × {hid}: N → II (by tester)"
        assert "Note:" not in flat_text(app)  # the whole trail back to the seeding


async def test_ranking_history_at_80x24_keeps_ranking_and_leaders_in_view(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("I", "right", "c")
        await open_history(app, pilot)
        lines = screen_text(app).splitlines()
        row = next(ln for ln in lines if ln.lstrip().startswith("2 ")).rstrip()
        a = app.screen.steps[2]
        assert a.ranking in row  # the ranking column, whole
        mark = "" if a.agree else " ≠"  # the models disagree (follows the bundled case's ratings)
        assert row.endswith(", ".join(a.leaders["weighted"]) + mark)  # leaders, whole
        assert "≠: the models disagree on the top score." in flat_text(app)
        assert "After change 2: rating" in flat_text(app)  # the clipped change, in full below


def test_item_history_text_newest_first_and_inert() -> None:
    from evidence.operations import parse_record

    path_records = [
        parse_record(r)
        for r in [
            {
                "ts": "2026-01-02T10:00:00+00:00",
                "op": "ev.add",
                "case": "c",
                "id": "E1",
                "pos": 0,
                "doc": {"id": "E1", "title": "[bold]boots[/]"},
            },
            {
                "ts": "2026-01-02T10:01:00+00:00",
                "op": "rate",
                "case": "c",
                "id": "E1",
                "hyp": "H1",
                "old": None,
                "new": "C",
            },
            {
                "ts": "2026-01-02T10:02:00+00:00",
                "op": "rate",
                "case": "c",
                "id": "E2",
                "hyp": "H1",
                "old": None,
                "new": "I",
            },
            {
                "ts": "2026-01-02T10:03:00+00:00",
                "op": "exclude",
                "case": "c",
                "id": "E1",
                "old": False,
                "new": True,
            },
        ]
    ]
    text = item_history_text(path_records, "E1")
    lines = text.plain.splitlines()
    assert lines[0] == "History  3 changes"
    assert lines[1:] == [
        "2026-01-02 10:03  E1 excluded from scoring",
        "2026-01-02 10:01  rating E1 × H1: unrated → C",
        "2026-01-02 10:00  added evidence E1: [bold]boots[/]",  # literal, not markup
    ]
    short = item_history_text(path_records, "E1", limit=1).plain
    assert "… and 2 older changes" in short
    assert "No recorded change" in item_history_text(path_records, "E9").plain


async def test_the_detail_pane_shows_the_focused_items_trail_under_its_facts(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        eid, hid = app.screen.matrix.current()
        await pilot.press("c", "space")
        await pilot.pause()
        plain = str(app.screen.query_one("#detail-text").render())
        assert "\n\nHistory  2 changes\n" in plain  # a blank line after the facts
        assert plain.index(f"{eid} excluded from scoring") < plain.index(f"rating {eid} × {hid}: N → C")


def test_history_block_says_why_a_trail_cannot_be_read_and_nothing_without_an_item():
    damaged = history_block("the history table is damaged", "E1")
    assert damaged.plain == "History\nthe history table is damaged"
    assert history_block([], None).plain == ""
    assert history_block([], "E1").plain == item_history_text([], "E1").plain


async def test_a_long_trail_shows_its_newest_changes_and_counts_the_rest(tmp_path, make_app, monkeypatch):
    """A case edited for years: the view replays the newest changes only and says how many
    earlier ones it leaves out, and where they are all listed."""
    monkeypatch.setattr("tui.screens.ranking_history.RANKING_STEPS", 3)
    app = make_app(small_db(tmp_path))
    async with app.run_test(size=(170, 40)) as pilot:
        await open_history(app, pilot)
        text = flat_text(app)
        assert "after each of 3 recorded changes" in text
        assert "Note: the 2 earlier changes are not replayed here (weigh export --format md --history " \
               "lists them all)." in text
        rows = app.screen.query_one(DataTable)
        assert rows.row_count == 4 and "oldest state known" in screen_text(app)
        assert "rating E1 × H1: unrated → II" in text  # the newest change, last
        assert "After change 5: rating E1 × H1: unrated → II" in text  # numbered in the whole trail
        assert [str(rows.get_row_at(r)[1]) for r in range(rows.row_count)] == ["2", "3", "4", "5"]


def priors_db(tmp_path: Path) -> Path:
    """Priors H1 1000 : H2 1 (tests/test_verdict_places.py's priors_overturn_later), E2 and E3
    rated a cell at a time: on the evidence alone H1 first, then H1 ahead by one medium item
    (outside the band), then H1 and H2 level, then H2 first twice; the prior keeps H1 on top."""
    from tests.test_verdict_places import priors_overturn_later

    case = priors_overturn_later()
    later = {"E2", "E3"}
    path = tmp_path / "priors.json"
    with Store.open(path) as store:
        store.put_case(case.model_copy(update={"evidence": [
            e.model_copy(update={"ratings": {}}) if e.id in later else e for e in case.evidence]}))
        for eid in sorted(later):
            for hid in ("H1", "H2"):
                store.set_rating("t", eid, hid, case.item(eid).ratings[hid])
    return path


def history_rows(app) -> list[str]:
    """The table's rows as the screen shows them, oldest first ('◆  2  2026-… H1 > H2  H1')."""
    return [ln.strip() for ln in screen_text(app).splitlines() if re.match(r"\s*◆?\s+\d+\s", ln)]


async def bayes_history(app, pilot) -> list[str]:
    """The case in Bayes, then h: the history's rows as the screen shows them."""
    await open_under_bayes(pilot, "t")
    await pilot.press("h")
    await workers_done(app)
    await pilot.pause()
    assert "Ranking by Bayes (log-linear) after each of 4 recorded changes" in flat_text(app)
    return history_rows(app)


async def test_the_ranking_history_says_when_only_the_priors_make_the_lead(tmp_path, make_app):
    """Under Bayes the verdict says 'H1 leads … on its prior; the evidence alone puts H2 first',
    but the history named 'H1' at every step and marked no change: the caveat came and went
    unseen. Now the leader column says so (in short where the screen is narrow, the pane
    below in full), and a change of it is a change of what the verdict names (◆)."""
    db = priors_db(tmp_path)
    app = make_app(db)
    async with app.run_test(size=(160, 48)) as pilot:
        rows = await bayes_history(app, pilot)
        assert len(rows) == 5, screen_text(app)
        leaders = [r.split("H1 > H2", 1)[1].split("  (models")[0].strip() for r in rows]
        assert leaders == ["H1", "H1", "H1 on its prior (the evidence alone leaves H1, H2 not separated)",
                           "H1 on its prior (the evidence alone puts H2 first)",
                           "H1 on its prior (the evidence alone puts H2 first)"], rows
        assert [r.startswith("◆") for r in rows] == [False, False, True, True, False], rows
        assert "(2 in all)" in flat_text(app)
        await pilot.press("escape", "ctrl+q")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = await bayes_history(app, pilot)
        assert rows[-1].endswith("H1 > H2  H1 on its prior ≠"), rows[-1]
        assert "leader H1 on its prior (the evidence alone puts H2 first)" in flat_text(app)  # the pane
        await pilot.press("escape", "ctrl+q")


async def test_another_model_in_the_ranking_history_keeps_its_leader_column_whole(tmp_path, make_app):
    """A table column kept the widest cell it ever held: after m, the change column stayed as
    wide as the last model's short leader words had let it be, and Bayes's 'H1 on its prior'
    went off the screen's edge ('H1 on its pri')."""
    app = make_app(priors_db(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await press_history(app, pilot, "t")
        while "Ranking by Bayes" not in flat_text(app):
            await pilot.press("m")
            await workers_done(app)
            await pilot.pause()
        assert history_rows(app)[-1].endswith("H1 > H2  H1 on its prior ≠"), history_rows(app)
        await pilot.press("escape", "ctrl+q")


async def test_the_ranking_history_lays_out_again_when_the_terminal_is_resized(tmp_path, make_app):
    """Its short or long words were chosen once: widened from 100 to 160 columns the leader
    column still said 'H1 on its prior ≠', narrowed back the long words ran off the edge.
    The cursor stays on the change it was on."""
    app = make_app(priors_db(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await bayes_history(app, pilot)
        assert rows[-1].endswith("H1 > H2  H1 on its prior ≠"), rows[-1]
        await pilot.press("up")
        wide = "H1 on its prior (the evidence alone puts H2 first)  (models disagree)"
        await pilot.resize_terminal(160, 48)  # laid out again once the resize is done
        await until(pilot, lambda: history_rows(app)[-1].endswith(wide), "the long words at 160 columns")
        assert app.screen.query_one("#rh-table").cursor_row == len(history_rows(app)) - 2
        await pilot.resize_terminal(100, 30)
        await until(pilot, lambda: history_rows(app)[-1].endswith("H1 > H2  H1 on its prior ≠"),
                    "the short words at 100 columns")
        await pilot.press("escape", "ctrl+q")


def many_changes_db(tmp_path: Path, changes: int = 120) -> Path:
    """Four hypotheses, eight items and ``changes`` ratings set one by one (a fixed random
    order): a history longer than any screen, whose leader words vary in width."""
    import random

    rnd = random.Random(1)
    path = tmp_path / "many.json"
    with Store.open(path) as store:
        store.put_case(Case(id="m", title="Many changes",
                            hypotheses=[Hypothesis(id=f"H{i}", title=f"Hypothesis {i}, a longer title")
                                        for i in range(1, 5)],
                            evidence=[Evidence(id=f"E{k}", title=f"item {k}") for k in range(1, 9)]))
        for _ in range(changes):
            store.set_rating("m", f"E{rnd.randint(1, 8)}", f"H{rnd.randint(1, 4)}",
                             rnd.choice(["C", "CC", "I", "II", "N"]))
    return path


async def test_the_newest_change_opens_in_view_however_tall_the_terminal(tmp_path, make_app):
    """h scrolled the table to the newest change as soon as its rows were in, and the layout
    then changed under it: the heading and the pane below took their heights, and at 80
    columns the leaders' width brought a horizontal scrollbar that took the bottom row. At
    some heights from 24 to 30 the newest change opened just out of view (or further). The
    table is now kept at its bottom, anchored there until the cursor moves up."""
    app = make_app(many_changes_db(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.open_case("m")
        await pilot.pause()
        for width, height in [(80, 24), (80, 25), (80, 27), (80, 30), (100, 24), (100, 26)]:
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            await pilot.press("h")
            await workers_done(app)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, RankingHistoryScreen)
            newest = f"{screen.shown[-1]:,}"
            assert any(re.match(rf"◆?\s*{newest}\s", row) for row in history_rows(app)), (
                width, height, screen_text(app))
            await pilot.press("up", "up")  # a move up still scrolls as it did
            await pilot.pause()
            assert screen.query_one("#rh-table", DataTable).cursor_row == len(screen.shown) - 3
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("ctrl+q")


async def test_ranking_history_of_a_case_no_change_was_made_to_says_so(tmp_path, make_app):
    """Analyst: a case just put in read 'after each of 0 recorded changes' over its row #0."""
    path = tmp_path / "w.json"
    with Store.open(path) as store:
        store.put_case(Case(id="c", title="Who did it", hypotheses=[Hypothesis(id="H1", title="The butler")]))
    app = make_app(path)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_history(app, pilot)
        text = flat_text(app)
        assert "as the case came in (no change recorded since)" in text and "each of 0" not in text
    with Store.open(path) as store:
        store.update_hypothesis("c", Hypothesis(id="H1", title="The cook"))
    app = make_app(path)
    async with app.run_test(size=(150, 40)) as pilot:
        await open_history(app, pilot)
        assert "as the case came in and after its one recorded change;" in flat_text(app)


async def test_at_80x16_the_ranking_history_keeps_three_changes_in_view(tmp_path, make_app):
    """At 80×16 the heading and the ranking after the chosen change took every line and the
    list of changes showed none (only its scrollbar): nothing said what the keys moved over."""
    app = make_app(many_changes_db(tmp_path, changes=6))
    async with app.run_test(size=(80, 16)) as pilot:
        await press_history(app, pilot, "m")
        rows = [row for row in history_rows(app) if re.match(r"◆?\s*\d+\s", row)]
        assert len(rows) == 3 and re.match(r"◆?\s*6\s", rows[-1]), screen_text(app)
        await pilot.press("escape", "ctrl+q")


async def test_a_ranking_longer_than_its_pane_scrolls_to_its_last_hypothesis(tmp_path, make_app):
    """Small screens: with 14 hypotheses at 80×24 the ranking after a change stopped at H10,
    the rest cut without a word; it scrolls now (tab to it)."""
    path = tmp_path / "w.json"
    with Store.open(path) as store:
        store.put_case(Case(id="c", title="Many", evidence=[Evidence(id="E1", title="x")],
                            hypotheses=[Hypothesis(id=f"H{i}", title=f"Idea {i}") for i in range(1, 15)]))
        store.set_rating("c", "E1", "H14", "I")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_history(app, pilot)
        assert "Idea 14" not in flat_text(app)  # last, under the fold
        await pilot.press("tab", "end")
        await pilot.pause()
        assert "Idea 14" in flat_text(app)
