"""Moving around a big matrix: rows are drawn as they come into view, the header
and the ID column stay put, a click picks a cell, and an edit far down the
list shows at once."""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING

from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.vocabulary import RATINGS
from tests.tui.conftest import flat_text, screen_text, shown_ids

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

N = 3000


def big_db(tmp_path, hypotheses: int = 6):
    hyps = [Hypothesis(id=f"H{i}", title=f"Hypothesis {i}") for i in range(1, hypotheses + 1)]
    evidence = [
        Evidence(id=f"E{n}", title=f"Item number {n}",
                 event_date=f"2022-{1 + n % 12:02d}-{1 + n % 28:02d}",
                 ratings={h.id: RATINGS[(n + k) % 6] for k, h in enumerate(hyps)})
        for n in range(1, N + 1)
    ]
    path = tmp_path / "big.json"
    with Store.open(path) as store:
        store.put_case(Case(id="big", title="Big case", hypotheses=hyps, evidence=evidence))
    return path


def row_line(app, eid: str) -> str:
    """The screen line that shows item ``eid`` (its ID cell opens the line)."""
    lines = [ln for ln in screen_text(app).splitlines() if ln.startswith(f" {eid} ")]
    assert len(lines) == 1, lines
    return lines[0]


async def test_paging_to_the_end_and_back_keeps_header_and_cursor_in_view(tmp_path, make_app):
    app = make_app(big_db(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        assert screen.matrix.row_count == N
        last = shown_ids(screen)[-1]
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert screen.matrix.current()[0] == last
        assert screen.store.evidence(screen.case_id, last).title in flat_text(app)  # drawn, in view
        assert "Evidence" in flat_text(app) and " Diag" in screen_text(app)  # header stays
        await pilot.press("pageup")
        await pilot.pause()
        eid = screen.matrix.current()[0]
        assert screen.matrix.get_row_index(eid) < N - 1
        row_line(app, eid)  # the cursor's row is on screen
        await pilot.press("c")
        assert "C" in row_line(app, eid).split()  # rated far down: shown at once
        await pilot.press("ctrl+home")
        await pilot.pause()
        assert screen.matrix.current()[0] == shown_ids(screen)[0]
        await pilot.press("ctrl+q")
    with Store.open(tmp_path / "big.json", readonly=True) as store:
        assert store.evidence("big", eid).ratings["H1"] == "C"


async def test_id_and_title_stay_when_scrolled_right_at_80x24(tmp_path, make_app):
    app = make_app(big_db(tmp_path, hypotheses=12))  # wider than 80 columns
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        eid = screen.matrix.current()[0]
        await pilot.press("end")  # the last rating cell
        await pilot.pause()
        assert screen.matrix.current() == (eid, "H12")
        assert screen.matrix.scroll_offset.x > 0  # the table is wider than the screen
        assert " H12" in screen_text(app)
        # the ID column still names the row, and the title reads from its start: scrolled in
        # part it read as other words ('nce', 'ber 17…' for 'Evidence', 'Item number 17')
        assert f" {eid} " in row_line(app, eid)
        assert f"Item number {eid[1:]}" in row_line(app, eid)
        assert " ID          Evidence " in screen_text(app)
        # the columns the cursor never visits come into view with the last rating: no key
        # scrolled to Diag
        diag = f"{screen.session.view.facts(screen.session.view.rows()[0]).diagnosticity:.2f}"
        assert re.search(r" H12 +Diag$", header(app)) and row_line(app, eid).rstrip().endswith(diag)
        await pilot.resize_terminal(160, 48)  # the detail pane shows: the matrix 104 wide
        await pilot.pause()
        # the cursor's column stays in view (it was scrolled back to H1, H12 out of sight),
        # and the column the scroll cuts at the left is blank, not '1' under a cut 'H1'
        assert re.search(r"Evidence {6,}H2 .* H12 +Diag$", header(app)), header(app)
        assert screen.matrix.current() == (eid, "H12")
        await pilot.press("home")
        await pilot.pause()
        assert screen.matrix.current() == (eid, "H1")
        assert screen.matrix.scroll_offset.x == 0
        await pilot.press("ctrl+q")


def header(app) -> str:
    """The matrix's header line (left of the detail pane)."""
    return next(ln for ln in screen_text(app).splitlines() if ln.startswith(" ID ")).split("│")[0].rstrip()


async def test_a_matrix_too_narrow_for_the_title_to_stay_still_shows_the_ratings(db_path, make_app):
    """Reviewer: at 60 columns, 'd' (the detail pane) left the matrix 30 wide, and the title,
    kept in place, filled it: no rating column showed and the cursor moved out of sight."""
    app = make_app(db_path)
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen

        def header() -> str:
            return next(ln for ln in screen_text(app).splitlines() if ln.startswith(" ID "))

        assert "Evidence" in header() and " H1 " in header()
        await pilot.press("d", "end")  # the pane beside the matrix, then the last rating cell
        await pilot.pause()
        assert screen.matrix.current()[1] == "H6"
        assert " H6 " in header().split("│")[0], header()  # the matrix's part of the line
        await pilot.press("d", "home")  # the pane hidden: room for the title again
        await pilot.pause()
        assert "Evidence" in header() and " H1 " in header(), header()
        await pilot.press("ctrl+q")


async def test_click_puts_the_cursor_on_the_cell_and_left_right_move_between_rating_cells(db_path, make_app):
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        matrix = screen.matrix
        third = screen.store.evidence(screen.case_id, shown_ids(screen)[2])
        h2 = sum(c.render_width for c in matrix.grid_columns[: matrix.get_column_index("h:H2")])
        await pilot.click(matrix, offset=(h2 + 1, 3))  # header, then rows 1, 2, 3
        await pilot.pause()
        assert matrix.current() == (third.id, "H2")
        detail = screen.query_one("#detail-text").render()
        assert str(detail).startswith(f"{third.id} {third.title}")  # the detail pane follows
        # left and right move between rating cells only
        eid = third.id
        await pilot.press("left", "left")  # no ID, mark or title stop on the way
        assert matrix.current() == (eid, "H1")
        await pilot.press(*["right"] * 9)  # never onto Diag
        assert matrix.current() == (eid, "H6")
        # a first 3x3 case rated in nine keys: c, right, c, right, c, down, ...
        await pilot.press("t")  # the title has its own key
        assert matrix.current() == (eid, None)
        assert matrix.cursor_keys()[1] == "title"
        await pilot.press("right")
        assert matrix.current() == (eid, "H1")
        await pilot.press("ctrl+q")


async def test_at_80x16_the_ranking_gives_up_lines_and_the_matrix_keeps_rows(db_path, make_app):
    """At 80×16 (a laptop's split screen) the ranking's 12 lines filled the body and the
    matrix, which has the focus, had no line on screen. Now a short terminal keeps the
    ranking to the rows around its cursor (saying what it left out) and the matrix shows
    its header and rows; at 24 rows the ranking has every hypothesis again."""
    app = make_app(db_path)
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        first = shown_ids(screen)[0]
        text = screen_text(app)
        assert "4 more hypotheses (↑/↓ here)" in text and " ID " in text, text
        assert row_line(app, first) and app.focused is screen.matrix
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        text = screen_text(app)
        assert "more hypotheses" not in text and all(f"H{i} " in text for i in range(1, 7)), text
        await pilot.press("ctrl+q")


async def test_on_a_short_terminal_the_matrix_out_of_sight_leaves_the_app_idle(db_path, make_app):
    """At 10 rows the ranking fills the screen and the matrix has no row in sight,
    so it is never drawn; its wait for a drawn frame to scroll the cursor into view ran
    again every frame, and the workbench kept a core busy for as long as the terminal
    stayed that short (each pilot pause took its full second). Now it waits for its next
    draw: the app idles, and once the terminal grows the cursor's row is in view."""
    app = make_app(db_path)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        await pilot.press("ctrl+end")  # the matrix has the focus, out of sight
        await pilot.pause()
        last = shown_ids(screen)[-1]
        assert screen.matrix.current()[0] == last and f" {last} " not in screen_text(app)
        start = time.process_time()
        await asyncio.sleep(1)  # the app runs in this event loop: its work is this process's
        assert time.process_time() - start < 0.3, "the workbench stayed busy at 80×10"
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        row_line(app, last)  # the cursor's row, scrolled into view
        await pilot.press("ctrl+q")
