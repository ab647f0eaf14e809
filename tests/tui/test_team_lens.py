"""A team case in the workbench: who you are, the lens switch, rating as two analysts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from textual.widgets import DataTable

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.team import hidden_cells
from tests.tui.conftest import flat_text, notices, open_under_bayes, palette_lists, screen_text, until
from tests.tui.host import press_at_once, workers_done

if TYPE_CHECKING:
    from tui.screens.main import MainScreen


def make_team(db_path: Path, analyst: str = "ana") -> None:
    with Store.open(db_path, analyst=analyst) as store:
        store.make_team(DEFAULT_CASE_ID)


def top_line(app: object) -> str:
    return screen_text(app).splitlines()[0]


async def test_two_analysts_rate_in_turn_and_the_lens_shows_each(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    make_team(db_path)
    monkeypatch.setenv("WEIGH_ANALYST", "ana")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        assert "you: ana" in top_line(app) and "lens: team" in top_line(app)
        eid, hid = screen.matrix.current()
        await pilot.press("C")  # ana: CC
        await pilot.press("ctrl+q")
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert "you: ben" in top_line(app)
        assert screen.matrix.current() == (eid, hid)
        await pilot.press("I")  # ben: II; the team's consensus of CC and II is N
        team = flat_text(app)
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip().startswith("N")
        await pilot.press("l")  # ana's lens: her vote, whoever is rating
        assert "lens: ana" in top_line(app)
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == "CC"
        await pilot.press("c")  # the keys still write ben's vote
        await pilot.press("l")
        assert "lens: ben" in top_line(app)
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == "C"
        # the ranking follows the lens: ben's matrix has the one item he rated
        assert flat_text(app) != team
        assert "1/" in flat_text(app)
        await pilot.press("l")
        assert "lens: team" in top_line(app)
        await pilot.press("ctrl+q")
    with Store.open(db_path, readonly=True) as store:
        ev = store.evidence(DEFAULT_CASE_ID, eid)
    assert ev.ratings_by["ana"][hid] == "CC" and ev.ratings_by["ben"][hid] == "C"


def detail_text(screen: MainScreen) -> str:
    return str(screen.query_one("#detail-text").render())


async def test_votes_stay_hidden_until_you_rate_and_the_team_cell_shows_disagreement(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    make_team(db_path)
    with Store.open(db_path, analyst="ana") as store:
        store.set_rating(DEFAULT_CASE_ID, "E1", "H1", "CC")
        store.set_note(DEFAULT_CASE_ID, "E1", "H1", "the draft says so")
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        assert screen.matrix.current() == ("E1", "H1")
        # ben has rated nothing: ana's votes are hidden, in the matrix and the pane
        assert screen.matrix.get_cell("E1", "h:H1").plain.strip() == "?"
        assert "hidden until you rate it" in detail_text(screen)
        assert "the draft says so" not in detail_text(screen)
        # ...and left out of the team's scores, which say so: ana's votes cannot leak
        # through the ranking (anchoring)
        with Store.open(db_path, readonly=True) as store:
            case = store.case(DEFAULT_CASE_ID)
        hidden = hidden_cells(case, "ben")
        assert f"lens: team without {hidden} cells you have not rated (v)" in top_line(app)
        blind = flat_text(app)
        assert "0.00" in blind and "H1" in blind  # nothing scored yet: every score 0
        await pilot.press("v")  # asked: every vote shown and counted
        assert "lens: team (l)" in top_line(app)
        assert flat_text(app) != blind
        await pilot.press("v")
        assert flat_text(app) == blind
        await pilot.press("I")  # ben: II against ana's CC: consensus N, extreme
        assert screen.matrix.get_cell("E1", "h:H1").plain.strip() == "N‼*"  # notes were written
        pane = detail_text(screen)
        assert "team N" in pane and "extreme (2.00)" in pane
        assert "ana CC · ben II" in pane and "you II vs team N (team higher)" in pane
        assert "ana: the draft says so" in pane
        # the next cell is still hidden; v shows it, v hides it again
        assert screen.matrix.get_cell("E1", "h:H2").plain.strip() == "?"
        await pilot.press("v")
        assert screen.matrix.get_cell("E1", "h:H2").plain.strip() not in ("?", "·")
        await pilot.press("v")
        assert screen.matrix.get_cell("E1", "h:H2").plain.strip() == "?"
        await pilot.press("ctrl+q")


def test_cell_marks_and_my_vote_against_the_team() -> None:
    from tui.case_view import cell_mark
    from tui.widgets.team_votes import versus

    assert cell_mark(["C", "C"]) == ""
    assert cell_mark(["C", "CC"]) == "~"  # sd 0.5
    assert cell_mark(["C", "I"]) == "!"  # sd 1.0
    assert cell_mark(["CC", "I"]) == "‼"  # sd 1.5
    assert cell_mark(["C", "C", "NA"]) == "/"
    assert versus(None, "C") == "you have not rated it"
    assert versus("C", "C") == "you C, as the team"
    assert versus("I", "C") == "you I vs team C (team higher)"
    assert versus("CC", "N") == "you CC vs team N (team lower)"


def test_only_a_team_case_cycles_to_the_disagreement_sort() -> None:
    from hypotheses.sorts import DEFAULT_SORT, SORTS, next_sort

    names = []
    sort = DEFAULT_SORT
    for _ in range(len(SORTS)):
        sort = next_sort(sort)
        names.append(sort.name)
    assert "disagreement" not in names
    team = [DEFAULT_SORT]
    for _ in range(len(SORTS) - 1):
        team.append(next_sort(team[-1], team=True))
    assert team[-1].name == "disagreement" and next_sort(team[-1], team=True) == DEFAULT_SORT


async def test_sort_by_disagreement_puts_the_widest_items_first(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    make_team(db_path)  # ana's layer holds the bundled ratings
    with Store.open(db_path, analyst="ben") as store:
        case = store.case(DEFAULT_CASE_ID)
        ana = {ev.id: ev.ratings_by["ana"] for ev in case.evidence if "ana" in ev.ratings_by}
        agree = [eid for eid in ana if ana[eid].get("H1") not in (None, "NA")]
        # E?: ben agrees on every cell of each item but three
        for eid in agree:
            for hid, code in ana[eid].items():
                store.set_rating(DEFAULT_CASE_ID, eid, hid, code)
        wide, mild, split = agree[-1], agree[-2], agree[-3]
        opposite = {"CC": "II", "C": "II", "N": "II", "I": "CC", "II": "CC"}
        store.set_rating(DEFAULT_CASE_ID, wide, "H1", opposite[ana[wide]["H1"]])
        near = {"CC": "C", "C": "CC", "N": "C", "I": "N", "II": "I"}
        store.set_rating(DEFAULT_CASE_ID, mild, "H1", near[ana[mild]["H1"]])
        store.set_rating(DEFAULT_CASE_ID, split, "H1", "NA")
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        for _ in range(3):
            await pilot.press("s")
        assert "sort: disagreement" in top_line(app)
        order = list(screen.matrix.rows)
        assert order[:3] == [wide, mild, split]
        await pilot.press("s")
        assert "sort: date" in top_line(app)
        await pilot.press("ctrl+q")


async def test_make_team_from_the_palette_asks_and_undoes(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui.screens.confirm import ConfirmScreen

    monkeypatch.setenv("WEIGH_ANALYST", "ana")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        # a one-analyst case has no lens
        assert "lens:" not in top_line(app) and "you:" not in top_line(app)
        await pilot.press("l")
        await until(pilot, lambda: "one-analyst case" in notices(app), "why there is no lens")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await press_at_once(pilot, *"make team")
        await until(pilot, lambda: palette_lists(app, "Make this case a team case"), "the command")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: "lens: team" in top_line(app), f"the team case {notices(app)}")
        assert "you: ana" in top_line(app)
        with Store.open(db_path, readonly=True) as store:
            assert store.case(DEFAULT_CASE_ID).analysts == ["ana"]
        await pilot.press("L")
        # the bundled case's top is a band: the one analyst agrees with the team on a top
        # score that names no leader
        await until(pilot, lambda: "analysts agree on the top score" in flat_text(app), "the leaders")
        await pilot.press("escape")
        await pilot.press("u")
        await until(pilot, lambda: "lens:" not in top_line(app), "a one-analyst case again")
        assert screen.session.case is not None and screen.session.case.analysts == []
        await pilot.press("ctrl+q")
    with Store.open(db_path, readonly=True) as store:
        assert store.case(DEFAULT_CASE_ID).analysts == []


def test_leaders_text_names_each_analysts_leader() -> None:
    from evidence.seed import default_case
    from hypotheses.scoring import analyse
    from hypotheses.team import TEAM, lens_case
    from tui.screens.analysts_view import leaders_text

    case = default_case()
    items = []
    for i, ev in enumerate(case.evidence):
        ana = dict(ev.ratings)
        ben = {h.id: ("CC" if h.id == "H1" else "II") for h in case.hypotheses} if i < 3 else {}
        items.append(ev.model_copy(update={"ratings": {}, "notes": {}, "ratings_by": {
            k: v for k, v in (("ana", ana), ("ben", ben)) if v}}))
    team_case = case.model_copy(update={"analysts": ["ana", "ben"], "evidence": items})
    text = leaders_text(team_case, analyse(lens_case(team_case, TEAM)), "weighted").plain
    assert text.startswith("analysts disagree on the top score: ana ")
    assert "ben H1" in text and "≠ team" in text


async def test_the_note_key_edits_your_own_note_in_a_team_case(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    make_team(db_path)
    with Store.open(db_path, analyst="ana") as store:
        store.set_note(DEFAULT_CASE_ID, "E1", "H1", "ana's reason")
    monkeypatch.setenv("WEIGH_ANALYST", "ana")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await until(pilot, lambda: bool(app.screen.query("#note")), "the note dialog")
        field = app.screen.query_one("#note", Input)
        assert field.value == "ana's reason"
        field.value = "ana's second thought"
        await pilot.press("enter")
        await pilot.press("ctrl+q")
    with Store.open(db_path, readonly=True) as store:
        assert store.evidence(DEFAULT_CASE_ID, "E1").notes_by["ana"]["H1"] == "ana's second thought"


def test_the_disagreement_sort_leaves_out_the_cells_hidden_from_you() -> None:
    """Sorting by disagreement must not say where the others disagree on cells whose votes
    are hidden from you (anchoring) until you rate them or ask (v)."""
    from hypotheses.models import Case, Evidence, Hypothesis
    from hypotheses.sorts import sort_named
    from tui.case_view import CaseView

    case = Case(id="t", title="T", analysts=["ana", "ben", "chi"],
                hypotheses=[Hypothesis(id="H1", title="One")],
                evidence=[Evidence(id="E1", title="mild",
                                   ratings_by={"ana": {"H1": "C"}, "chi": {"H1": "N"}}),
                          Evidence(id="E2", title="wide, hidden",
                                   ratings_by={"ana": {"H1": "CC"}, "ben": {"H1": "II"}})])
    view = CaseView()
    view.me = "chi"
    view.show(case)
    view.state.sort = sort_named("disagreement")
    assert [ev.id for ev in view.rows()] == ["E1", "E2"]
    view.toggle_reveal()
    assert [ev.id for ev in view.rows()] == ["E2", "E1"]


async def test_rating_under_a_colleagues_lens_says_where_the_vote_went(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rating key pressed while the lens shows another analyst's votes writes yours, which
    that lens does not show: the screen says so (found by a tester: the cell stayed as it
    was, without a word, as if the key had done nothing)."""
    make_team(db_path)
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        screen: MainScreen = app.screen
        eid, hid = screen.matrix.current()
        await pilot.press("l")
        assert "lens: ana" in top_line(app)
        shown = screen.matrix.get_cell(eid, f"h:{hid}").plain.strip()
        await pilot.press("i")
        await pilot.pause()
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == shown  # ana's, as before
        assert (f"Your vote on {eid} × {hid}: I, which ana's lens does not show "
                "(l switches the lens)") in notices(app)
        await pilot.press("l", "c")  # your own lens shows your vote: no word needed
        await pilot.pause()
        assert "lens: ben" in top_line(app)
        assert screen.matrix.get_cell(eid, f"h:{hid}").plain.strip() == "C"
        assert notices(app).count("Your vote") == 1
        await pilot.press("l", "l", "backspace")  # the team's lens, then ana's again
        await pilot.pause()
        assert "lens: ana" in top_line(app)
        assert (f"Your vote on {eid} × {hid} cleared, which ana's lens does not show "
                "(l switches the lens)") in notices(app)
        await pilot.press("ctrl+q")


async def test_an_export_from_an_analysts_lens_reports_that_lens(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Under ana's lens the ranking is ana's verdict, but ctrl+e wrote the team's consensus
    and the dialog did not say whose: the report's verdict could contradict the screen's."""
    from textual.widgets import Input

    from tui.screens.export_dialog import ExportDialog

    make_team(db_path)
    monkeypatch.setenv("WEIGH_ANALYST", "ana")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        assert "lens: ana" in top_line(app)
        await pilot.press("ctrl+e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        assert "Summaries use model weighted, all dates, ana's votes." in flat_text(app)
        target = tmp_path / "ana.md"
        await pilot.press("tab", "end", "ctrl+u")
        app.screen.query_one("#path", Input).insert_text_at_cursor(str(target))
        await pilot.press("ctrl+s")
        await until(pilot, target.exists, "the report")
        assert "are ana's votes (lens ana)" in target.read_text()
        await pilot.press("ctrl+q")


async def test_the_items_history_hides_the_votes_hidden_from_you(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    make_team(db_path)
    with Store.open(db_path, analyst="ana") as store:
        store.set_rating(DEFAULT_CASE_ID, "E1", "H1", "II")
        store.set_rating(DEFAULT_CASE_ID, "E1", "H1", "CC")
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    app = make_app(db_path)
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause()
        screen: MainScreen = app.screen
        pane = detail_text(screen)
        assert "History" in pane
        # was: 'rating E1 × H1: II → CC (by ana)' under 'hidden until you rate it'
        assert "→ CC" not in pane and "→ II" not in pane
        assert pane.count("rating E1 × H1 (by ana): hidden until you rate it") == 2
        await pilot.press("v")  # asked: shown
        assert "rating E1 × H1: II → CC (by ana)" in detail_text(screen)
        await pilot.press("v")
        assert "→ CC" not in detail_text(screen)
        await pilot.press("n")  # rated: every vote on the cell is yours to see
        pane = detail_text(screen)
        assert "rating E1 × H1: II → CC (by ana)" in pane and "unrated → N (by ben)" in pane
        await pilot.press("ctrl+q")


async def test_how_the_ranking_moved_scores_the_lens_and_hides_what_it_hides(
        tmp_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.json"
    with Store.open(path, analyst="ana") as store:
        store.put_case(Case(id="c", title="Who", analysts=["ana"],
                            hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                            evidence=[Evidence(id="E1", title="a"), Evidence(id="E2", title="b")]))
        store.set_rating("c", "E1", "H2", "II")  # ana: H1 leads
    with Store.open(path, analyst="ben") as store:
        store.set_rating("c", "E2", "H1", "I")  # ben: with ana's vote hidden from him, H2 leads
    monkeypatch.setenv("WEIGH_ANALYST", "ben")
    app = make_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await workers_done(app)
        await pilot.pause()
        table = app.screen.query_one("#rh-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]
        # was: every state 'H1 = H2' (the shared ratings a team case does not use), and
        # ana's vote in words though the matrix hides it from ben
        assert [r[4] for r in rows] == ["H1 = H2", "H1 = H2", "H2 > H1"]
        assert rows[1][3].startswith("rating E1 × H2 (by ana): hidden until you rate it")
        assert rows[2][3] == "rating E2 × H1: unrated → I (by ben)"
        assert "II" not in flat_text(app)
        await pilot.press("escape", "v", "h")  # asked to see every vote: shown and scored
        await workers_done(app)
        await pilot.pause()
        table = app.screen.query_one("#rh-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(r)] for r in range(table.row_count)]
        assert [r[4] for r in rows] == ["H1 = H2", "H1 > H2", "H1 > H2"]
        assert rows[1][3] == "rating E1 × H2: unrated → II (by ana)"
        await pilot.press("escape", "ctrl+q")


async def test_how_the_ranking_moved_before_the_team_hides_its_makers_ratings(
        tmp_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.json"
    with Store.open(path, analyst="ana") as store:
        store.put_case(Case(id="c", title="Who",
                            hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                            evidence=[Evidence(id="E1", title="a")]))
        store.set_rating("c", "E1", "H2", "II")  # ana, alone: H1 leads
        store.make_team("c")  # her ratings are her votes now
    for who, seen in (("ben", ["H1 = H2"] * 3), ("ana", ["H1 = H2", "H1 > H2", "H1 > H2"])):
        monkeypatch.setenv("WEIGH_ANALYST", who)
        app = make_app(path)
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.pause()
            await pilot.press("h")
            await workers_done(app)
            await pilot.pause()
            table = app.screen.query_one("#rh-table", DataTable)
            # was, to ben: 'H1 > H2' after ana's rating, though her vote is hidden from him
            assert [str(table.get_row_at(r)[4]) for r in range(table.row_count)] == seen, who
            await pilot.press("escape", "ctrl+q")


def test_a_cell_with_one_vote_does_not_read_as_agreement() -> None:
    from tui.widgets.team_votes import describe_votes

    hyps = [Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")]
    ev = Evidence(id="E1", title="memo", ratings_by={"ben": {"H1": "C", "H2": "C"}, "ana": {"H2": "C"}})
    lines = describe_votes(ev, hyps, ["ana", "ben"], "ana", lambda cell: False, "H1").plain.splitlines()
    h1 = next(line for line in lines if "H1" in line)
    h2 = next(line for line in lines if "H2" in line)
    assert "agree" not in h1 and h1.endswith("team C   one vote so far")  # was 'agree (0.00)': ben alone
    assert h2.endswith("team C   agree (0.00)")  # two votes that agree


async def test_the_analysts_leaders_say_when_only_the_priors_make_a_lead(
        tmp_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under Bayes, priors 1000 : 1 keep H1 on top of ben's lens and the team's, though their
    evidence alone puts H2 first; ana's evidence puts H1 first too. L named 'H1' for all three,
    as if each lead were the evidence's."""
    from tests.test_verdict_places import team_on_priors

    db = tmp_path / "priors.json"
    with Store.open(db, analyst="ana") as store:
        store.put_case(team_on_priors())
    monkeypatch.setenv("WEIGH_ANALYST", "ana")
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:  # each on its own line, whole
        await open_under_bayes(pilot, "t")
        await pilot.press("L")
        await until(pilot, lambda: "Leaders under Bayes" in screen_text(app), "the analysts' leaders")
        # the dialog's rows, between its frame's sides, over the workbench
        lines = screen_text(app).split("Leaders under Bayes", 1)[1].splitlines()[1:4]
        said = {w[0]: " ".join(w[1:]) for w in (ln.split("│")[1].split() for ln in lines)}
        assert said == {"team": "H1 on its prior (the evidence alone puts H2 first)", "ana": "H1",
                        "ben": "H1 on its prior (the evidence alone puts H2 first)"}, said
        await pilot.press("escape", "ctrl+q")


def question(app: object) -> str:
    """The confirm dialog's question as drawn (the screen's text interleaves it with the
    workbench behind), its lines joined."""
    from textual.widgets import Static

    shown = app.screen.query_one("#confirm-message", Static)  # type: ignore[attr-defined]
    return " ".join(" ".join(ln.text for ln in shown.render_lines(shown.region.reset_offset)).split())


async def test_making_a_team_case_says_how_to_be_named_other_than_the_login_name(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """ctrl+t under a login name (no --analyst, no WEIGH_ANALYST) gave every rating to
    'root' with no word on how to be someone else; the question now says where the name
    comes from and how to choose another. Named with --analyst, it says only the name."""
    monkeypatch.delenv("WEIGH_ANALYST", raising=False)
    monkeypatch.setenv("LOGNAME", "kim")
    said = {"": "Its ratings and notes become kim's (your login name: start weigh --analyst ID to be "
                "named otherwise); each analyst",
            "ana": "Its ratings and notes become ana's; each analyst"}
    for chosen, words in said.items():
        if chosen:
            monkeypatch.setenv("WEIGH_ANALYST", chosen)
        app = make_app(db_path)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("ctrl+t")
            await until(pilot, lambda: "a team case?" in flat_text(app), "the question")  # noqa: B023
            assert words in question(app), question(app)
            assert ("login name" in question(app)) == (not chosen)
            await pilot.press("n", "ctrl+q")


def ben_with_a_case_of_his_own(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ana's team case, a case of one's own beside it (no hint for a new user), weigh as ben."""
    make_team(db_path)
    with Store.open(db_path) as store:  # a case of one's own: no hint for a new user
        store.put_case(Case(id="mine", title="Mine"))
    monkeypatch.setenv("WEIGH_ANALYST", "ben")


async def test_the_top_line_names_the_case_beside_a_long_lens_at_every_width(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ben opens ana's team case with 294 of her cells hidden from him: at 80 to 120 columns
    'lens: team without 294 cells you have not rated (v)' took the line, and no case was
    named. Now the lens says it in short, then without its keys, before the title gives way:
    the case's id and its title's first words always show."""
    ben_with_a_case_of_his_own(db_path, monkeypatch)
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert "lens: team without 294 cells you have not rated (v)" in top_line(app)
        for width, lens in ((120, " you: ben  lens: team without 294 cells you have not rated (v) (l)"),
                            (100, " ? keys  you: ben  lens: team, 294 hidden (v) (l)"),
                            (80, " weigh  you: ben  lens: team, 294 hidden (v)  ")):
            await pilot.resize_terminal(width, 30)
            await until(pilot, lambda: len(top_line(app).rstrip()) <= width,  # noqa: B023 (awaited here)
                        "the line redrawn")
            top = top_line(app)
            assert lens in top, (width, top)
            assert "Why the spring-" in top and "  (istanbul-2022)" in top, (width, top)
        await pilot.press("ctrl+q")


async def test_the_top_line_says_what_is_scored_under_a_filter_at_every_width(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ben filters ana's team case (#talks). At 80 to 120 columns the filter's words took
    the line and were cut without a mark mid-phrase ('0 of 49 shown ·', 'scoring the'), so
    the line no longer said whether the ranking scores the whole case or only the items
    shown, nor named the case. Now the filter is said in short before either is lost."""
    ben_with_a_case_of_his_own(db_path, monkeypatch)
    app = make_app(db_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("slash", *"#talks", "enter")
        for key, scored in (("", ("scoring the whole case", "scoring all")),
                            ("f", ("scoring only these 0", "scoring shown"))):
            if key:
                await pilot.press(key)
            for width in (160, 120, 100, 80):
                await pilot.resize_terminal(width, 30)
                await until(pilot, lambda: len(top_line(app).rstrip()) <= width,  # noqa: B023 (awaited here)
                            "the line redrawn")
                top = top_line(app).rstrip()
                assert "you: ben" in top and "filter" in top and any(s in top for s in scored), (width, top)
                assert "(istanbul-2022)" in top or top.endswith("…"), (width, top)  # no cut unmarked
            await pilot.resize_terminal(160, 40)
        await pilot.press("ctrl+q")


async def test_the_evidence_form_of_a_team_case_edits_the_item_and_leaves_votes_to_the_matrix(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tester: in a team case the form's rating rows showed 'unrated' for every vote, and a
    rating picked there made the save fail ('ratings: a team case keeps every rating in an
    analyst's layer (ratings_by)') after the form had closed, the new title lost with it."""
    from textual.widgets import Input, Static

    from tui.widgets.rating_picker import RatingPicker

    make_team(db_path)
    monkeypatch.setenv("WEIGH_ANALYST", "ben")  # not yet one of the analysts
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        eid = app.screen.matrix.current()[0]
        for key, title in (("e", "retitled by ben"), ("a", "added by ben")):
            await pilot.press(key)
            await until(pilot, lambda: bool(app.screen.query("#title")), "the evidence form")
            assert not app.screen.query(RatingPicker)
            said = " ".join(str(w.render()) for w in app.screen.query(".form-section").results(Static))
            assert "each analyst rates in the matrix" in said and "yours are ben's" in said
            field = app.screen.query_one("#title", Input)
            field.value = title
            await pilot.press("ctrl+s")
            await until(pilot, lambda: not app.screen.query("#title"), "the form closed")
        assert "layer" not in notices(app)
        await pilot.press("ctrl+q")
    with Store.open(db_path, readonly=True) as store:
        case = store.case(DEFAULT_CASE_ID)
    assert case.item(eid).title == "retitled by ben" and case.evidence[-1].title == "added by ben"
    assert case.item(eid).ratings_by["ana"] and case.analysts == ["ana"]


async def test_the_evidence_form_of_a_team_case_without_an_analyst_says_how_to_rate(
        db_path: Path, make_app, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reviewer: with no analyst id (no --analyst, WEIGH_ANALYST or login name) the form read
    'each analyst rates in the matrix …; yours are 's'."""
    from textual.widgets import Static

    make_team(db_path)
    monkeypatch.delenv("WEIGH_ANALYST", raising=False)
    monkeypatch.setattr("evidence.analyst.login_name", lambda: "")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await until(pilot, lambda: bool(app.screen.query("#title")), "the evidence form")
        said = " ".join(str(w.render()) for w in app.screen.query(".form-section").results(Static))
        assert "w writes a note; start weigh with --analyst ID to rate)" in said and "'s)" not in said
        await pilot.press("escape", "ctrl+q")
