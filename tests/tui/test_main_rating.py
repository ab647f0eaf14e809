"""Weighing from the keyboard: rating keys, clear, exclude, undo; each edit is
in the store at once and still there after reopening."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.scoring import analyse
from hypotheses.vocabulary import RATINGS
from tests.tui.conftest import DEFAULT_ITEMS, flat_text, matrix_lines, notices, shown_ids, until
from tests.tui.host import press_at_once

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


def stored(db_path, eid):
    with Store.open(db_path, readonly=True) as store:
        return store.evidence(DEFAULT_CASE_ID, eid)


async def test_rating_keys_set_each_code_durably(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        eid, hid = screen.matrix.current()
        for key, code in (("c", "C"), ("C", "CC"), ("n", "N"), ("i", "I"), ("I", "II"),
                          ("x", "NA"), ("c", "C"), ("N", "N"), ("X", "NA")):  # N, X: as they read
            await pilot.press(key)
            # on disk before the next key: a read-only reader sees it now
            assert stored(db_path, eid).ratings[hid] == code
            assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == code
        await pilot.press("backspace")
        assert hid not in stored(db_path, eid).ratings
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == "·"
        await pilot.press("right", "i")
        # outside a hypothesis column a rating key warns and changes nothing
        before = stored(db_path, eid)
        await pilot.press("t", "c")
        await until(pilot, lambda: "Move to a hypothesis column" in notices(app), "the warning")
        assert screen.matrix.current() == (eid, None)
        assert stored(db_path, eid) == before
        await pilot.press("ctrl+q")
    assert stored(db_path, eid).ratings["H2"] == "I"
    assert "H1" not in stored(db_path, eid).ratings


async def test_rating_updates_ranking_and_diagnosticity_at_once_and_u_undoes_in_order(
        db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        eid, _ = screen.matrix.current()
        original = stored(db_path, eid)
        before_diag = screen.matrix.get_cell(eid, "diag").plain
        rows_before = matrix_lines(app)
        # H3 column: make it very inconsistent
        await pilot.press("right", "right", "I")
        assert screen.matrix.current()[1] == "H3"
        case = screen.store.case(DEFAULT_CASE_ID)
        expected = analyse(case)
        assert screen.session.view.analysis.models["weighted"].scores == expected.models["weighted"].scores
        i = [e.id for e in case.evidence].index(eid)
        assert screen.matrix.get_cell(eid, "diag").plain == f"{expected.diagnosticity[i]:.2f}"
        assert screen.matrix.get_cell(eid, "diag").plain != before_diag
        # the ranking panel shows the new H3 score
        h3 = expected.models["weighted"].scores[2]
        assert f"{h3:6.2f}".strip() in flat_text(app)
        # on screen only that row, and rows whose linchpin mark moved, look different
        changed = [k for k, line in matrix_lines(app).items() if rows_before.get(k) != line]
        assert eid in changed and len(changed) <= 1 + sum(1 for x in expected.linchpins if x)
        # then exclude it; u undoes the exclusion, then the rating, then has nothing left
        await pilot.press("space")
        assert stored(db_path, eid).excluded
        await pilot.press("u")
        assert not stored(db_path, eid).excluded
        assert stored(db_path, eid).ratings["H3"] == "II"
        await pilot.press("u")
        assert stored(db_path, eid) == original
        await pilot.press("u")
        await until(pilot, lambda: "Nothing to undo" in notices(app), "the word that nothing is left")
        await pilot.press("ctrl+q")


async def test_space_excludes_item_greys_it_and_rescores(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        # find the most diagnostic item: sort by diagnosticity puts it first
        await pilot.press("s", "ctrl+home")
        assert "sort: diagnosticity" in flat_text(app)
        eid, _ = screen.matrix.current()
        top = shown_ids(screen)[0]
        assert eid == top
        await pilot.press("space")
        assert stored(db_path, eid).excluded is True
        assert f"{DEFAULT_ITEMS - 1} of {DEFAULT_ITEMS} items used" in flat_text(app)
        cell = screen.matrix.get_cell(eid, "h:H1")
        assert "strike" in str(cell.style) or "dim" in str(cell.style)
        assert "✕" in screen.matrix.get_cell(eid, "mark").plain
        assert "EXCLUDED from scoring" in flat_text(app)
        case = screen.store.case(DEFAULT_CASE_ID)
        assert screen.session.view.analysis.models["bayes"].scores == analyse(case).models["bayes"].scores
        await pilot.press("ctrl+q")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert f"{DEFAULT_ITEMS - 1} of {DEFAULT_ITEMS} items used" in flat_text(app)
        await pilot.press("ctrl+q")


async def test_two_thousand_items_open_and_rate(tmp_path, make_app):
    hyps = [Hypothesis(id=f"H{i}", title=f"Hypothesis {i}") for i in range(1, 7)]
    codes = RATINGS
    evidence = [
        Evidence(
            id=f"E{n}", title=f"Item {n}", tags=[f"t{n % 7}"],
            event_date=f"2022-{1 + n % 12:02d}-{1 + n % 28:02d}",
            ratings={h.id: codes[(n + k) % 6] for k, h in enumerate(hyps)},
        )
        for n in range(1, 2001)
    ]
    path = tmp_path / "big.json"
    with Store.open(path) as store:
        store.put_case(Case(id="big", title="Big case", hypotheses=hyps, evidence=evidence))
    app = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        assert screen.case_id == "big"
        assert screen.matrix.row_count == 2000
        assert "2000 of 2000 items used" in flat_text(app)
        eid, hid = screen.matrix.current()
        await pilot.pause()
        rows_before = matrix_lines(app)
        await pilot.press("backspace")
        await pilot.pause()
        assert screen.matrix.current() == (eid, hid)  # the cursor stays, the view does not move
        rows_after = matrix_lines(app)
        both = [k for k in rows_after if k in rows_before]  # a panel above may grow a line
        assert eid in both and len(both) >= 10
        assert [k for k in both if rows_after[k] != rows_before[k]] == [eid]  # only its row redrawn
        await pilot.press("down", "c")
        second = screen.matrix.current()[0]
        await pilot.press("ctrl+q")
    with Store.open(path, readonly=True) as store:
        assert hid not in store.evidence("big", eid).ratings
        assert store.evidence("big", second).ratings[hid] == "C"


async def test_rating_in_a_filtered_view_rescores_that_view_when_asked(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        tag = screen.store.case(DEFAULT_CASE_ID).evidence[0].tags[0]
        await pilot.press("slash", *f"#{tag}", "enter", "f")
        eid, hid = screen.matrix.current()
        code = "II" if stored(db_path, eid).ratings.get(hid) != "II" else "CC"
        await pilot.press("I" if code == "II" else "C")
        assert stored(db_path, eid).ratings[hid] == code
        case = screen.store.case(DEFAULT_CASE_ID)
        view = [e for e in case.evidence if tag in e.tags]
        assert shown_ids(screen) == [e.id for e in view]  # date order: the case's, here
        sub = Case.model_construct(**{**dict(case), "evidence": view})
        for model in ("inconsistency", "weighted", "bayes"):
            assert screen.session.view.analysis.models[model].scores == analyse(sub).models[model].scores
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == code
        text = flat_text(app)
        shown = f"{len(view)} of {DEFAULT_ITEMS} shown"
        assert f"filter #{tag} · {shown} · scoring only these {len(view)}" in text
        assert f"filtered view: #{tag}, only the {len(view)} shown" in text
        await pilot.press("ctrl+q")


async def test_w_writes_and_edits_the_focused_cells_note(db_path, make_app):
    from textual.widgets import Input

    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        await pilot.press("right")
        eid, hid = screen.matrix.current()
        await pilot.press("w")
        await press_at_once(pilot, *"Not [bold]H2[/]", "enter")
        await pilot.pause()
        assert stored(db_path, eid).notes[hid] == "Not [bold]H2[/]"
        assert "Not [bold]H2[/]" in flat_text(app)  # the detail pane, literally
        await pilot.press("w")
        await pilot.pause()
        assert app.screen.query_one("#note", Input).value == "Not [bold]H2[/]"
        await pilot.press("ctrl+u", *"New", "enter")
        await pilot.pause()
        assert stored(db_path, eid).notes[hid] == "New"
        await pilot.press("w", "escape")  # escape keeps it
        await pilot.pause()
        assert stored(db_path, eid).notes[hid] == "New"
        await pilot.press("u")
        assert stored(db_path, eid).notes[hid] == "Not [bold]H2[/]"
        # backspace clears the rating and its note; u brings both back
        code = stored(db_path, eid).ratings[hid]
        await pilot.press("backspace")
        assert hid not in stored(db_path, eid).notes and hid not in stored(db_path, eid).ratings
        await pilot.press("u")
        assert stored(db_path, eid).ratings[hid] == code
        assert stored(db_path, eid).notes[hid] == "Not [bold]H2[/]"
        await pilot.press("ctrl+q")


async def test_a_rating_survives_a_sort_and_an_as_of_step(db_path, make_app):
    """The rated item, not the one before the rating, is what a rebuilt table draws."""
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        eid, hid = screen.matrix.current()
        code = "II" if stored(db_path, eid).ratings.get(hid) != "II" else "CC"
        await pilot.press({"II": "I", "CC": "C"}[code])
        for key in ("s", "s", "s", "left_square_bracket", "right_square_bracket"):
            await pilot.press(key)
            assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == code, key
        await pilot.press("ctrl+q")
