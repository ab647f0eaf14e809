"""The case switcher: open a case, create an empty one, import a file — and the store holds it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList

from evidence.case_file import dump_case_file
from evidence.importing import ImportResult
from evidence.seed import open_store
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis
from tests.tui.conftest import flat_text, notices, screen_text, until
from tests.tui.host import Host, paste, press_at_once, shown, workers_done
from tui.export_place import ExportPlace, restrict_exports
from tui.screens.case_switcher import CaseSwitcher
from tui.screens.import_dialog import ImportDialog
from tui.screens.new_case_form import NewCaseForm

ODD_TITLE = "Nord Stream [bold]sabotage[/] [@click=app.quit]who?[/] 💥"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "weigh.json"
    store = open_store(path)  # seeded with the Istanbul case
    store.put_case(Case(id="nord-stream", title=ODD_TITLE, question="Who did it?"))
    store.close()
    return path


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    opened = Store.open(db)
    yield opened
    opened.close()


def reopened(db: Path) -> Store:
    return Store.open(db, readonly=True)


async def sync_in_the_case_list(pilot: Pilot) -> None:
    """Sync the highlighted case from the case list (ctrl+o, s, ctrl+s) and wait for it."""
    await pilot.press("ctrl+o", "s", "ctrl+s")
    await workers_done(pilot.app)
    await pilot.pause()


async def test_lists_cases_and_opens_the_highlighted_one(store: Store) -> None:
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(80, 24)) as pilot:
        options = app.screen.query_one("#case-list", OptionList)
        assert app.focused is options
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert lines[0].startswith("  istanbul-2022  ")
        assert lines[1] == f"  nord-stream  {ODD_TITLE}  (0 hypotheses, 0 evidence)"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.is_running  # the [@click=app.quit] in a title did nothing
    assert app.results == ["nord-stream"]


async def test_starts_on_and_marks_the_open_case(store: Store) -> None:
    app = Host(lambda: CaseSwitcher(store, "nord-stream"))
    async with app.run_test(size=(80, 24)) as pilot:
        options = app.screen.query_one("#case-list", OptionList)
        assert options.highlighted == 1
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert lines[1].startswith("▶ nord-stream") and lines[0].startswith("  istanbul")
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["nord-stream"]


async def test_delete_asks_then_u_brings_the_case_back(store: Store, db: Path) -> None:
    app = Host(lambda: CaseSwitcher(store, "istanbul-2022"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("down", "delete")
        await pilot.pause()
        assert "Delete case nord-stream" in str(app.screen.query_one("#confirm-message").render())
        await pilot.press("n")  # no: nothing happens
        await pilot.pause()
        assert store.has_case("nord-stream")
        await pilot.press("delete", "y")
        await pilot.pause()
        assert not store.has_case("nord-stream")
        options = app.screen.query_one("#case-list", OptionList)
        assert options.option_count == 1
        await pilot.press("u")
        await pilot.pause()
        assert store.has_case("nord-stream")
        assert store.case("nord-stream").question == "Who did it?"
        assert options.option_count == 2
        assert options.get_option_at_index(options.highlighted).id == "nord-stream"
        await pilot.press("escape")
        await pilot.pause()
    store.close()
    with reopened(db) as after:
        assert after.case_ids() == ["istanbul-2022", "nord-stream"]


async def test_escape_cancels(store: Store) -> None:
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_new_case_created_in_the_store_and_opened(store: Store, db: Path) -> None:
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert isinstance(app.screen, NewCaseForm)
        assert app.focused is app.screen.query_one("#case-title", Input)
        await press_at_once(pilot, *"Why Minsk II failed")
        await pilot.press("tab")
        await press_at_once(pilot, *"minsk-ii")
        await pilot.press("tab")
        await press_at_once(pilot, *"Why?")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == ["minsk-ii"]
    store.close()
    with reopened(db) as after:
        case = after.case("minsk-ii")
        assert (case.title, case.question) == ("Why Minsk II failed", "Why?")
        assert (case.hypotheses, case.evidence) == ([], [])


async def test_a_new_cases_id_is_made_from_its_title_unless_typed(store: Store, db: Path) -> None:
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await press_at_once(pilot, *"Café crème: Minsk II")
        assert app.screen.query_one("#case-id", Input).placeholder == (
            "cafe-creme-minsk-ii (from the title)"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == ["cafe-creme-minsk-ii"]
    assert store.case("cafe-creme-minsk-ii").title == "Café crème: Minsk II"


NON_LATIN = ("an id uses Latin letters a–z and digits, and this title has none to make one from: "
             "type an id, e.g. peace-talks-2024")


async def test_a_title_with_nothing_to_make_an_id_from_asks_for_one(store: Store) -> None:
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", *"🚀 !?", "ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-case-id") == (
            "type an id, or a title with letters or digits to make one from"
        )
        await pilot.press("shift+tab", "end", "ctrl+u", *"Київ", "ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-case-id") == NON_LATIN
        assert app.focused is app.screen.query_one("#case-id", Input)  # the field to fix
        await pilot.press(*"kyiv", "ctrl+s")
        await pilot.pause()
    assert app.results == ["kyiv"]
    assert store.case("kyiv").title == "Київ"


async def test_a_title_in_letters_an_id_cannot_hold_says_ids_are_latin(store: Store) -> None:
    """Red team: 'שלום 🚀' has letters, so 'a title with letters or digits' was the wrong reason."""
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", *"שלום 🚀", "ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-case-id") == NON_LATIN
        assert "an id uses Latin letters a–z and digits" in flat_text(app)
        assert app.focused is app.screen.query_one("#case-id", Input)
        await pilot.press(*"shalom", "ctrl+s")
        await pilot.pause()
    assert app.results == ["shalom"]
    assert store.case("shalom").title == "שלום 🚀"


async def test_new_case_bad_values_named_and_nothing_written(store: Store, db: Path) -> None:
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "tab", *"Bad Id", "ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-case-id") == (
            "use lower-case letters, digits and '-' (at most 64, starting with a letter or digit)"
        )
        assert shown(app, "#error-case-title") == "required: must not be empty"
        assert shown(app, "#form-status") == "Not saved: fix 2 fields (title, id)"
        assert app.focused is app.screen.query_one("#case-title", Input)  # the first to fix
        await press_at_once(pilot, *"Again")
        await pilot.press("tab", "end", "ctrl+u")
        await press_at_once(pilot, *"istanbul-2022", "ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-case-id") == (
            "a case 'istanbul-2022' already exists: choose another id"
        )
        assert shown(app, "#error-case-title") == ""
        assert isinstance(app.screen, NewCaseForm)
        await pilot.press("escape", "y")  # discard what was typed: back to the list, still open
        await pilot.pause()
        assert isinstance(app.screen, CaseSwitcher)
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]
    assert sorted(store.case_ids()) == ["istanbul-2022", "nord-stream"]


def case_file(tmp_path: Path, case_id: str) -> Path:
    """A small weigh-case file, as another analyst would send it."""
    case = Case(
        id=case_id,
        title="Kerch bridge [red]strike[/]",
        hypotheses=[Hypothesis(id="H1", title="Ukraine"), Hypothesis(id="H2", title="Accident")],
        evidence=[Evidence(id="E1", title="Truck bomb footage", ratings={"H1": "C", "H2": "I"})],
    )
    path = tmp_path / f"{case_id}.weigh.json"
    path.write_text(dump_case_file(case), encoding="utf-8")
    return path


async def test_import_a_case_file_and_open_it(store: Store, db: Path, tmp_path: Path) -> None:
    path = case_file(tmp_path, "kerch-2022")
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")
        assert isinstance(app.screen, ImportDialog)
        await paste(pilot, str(path))
        await pilot.press("enter")
        await workers_done(app)
        await pilot.pause()
    assert app.results == ["kerch-2022"]
    store.close()
    with reopened(db) as after:
        case = after.case("kerch-2022")
        assert case.title == "Kerch bridge [red]strike[/]"
        assert case.item("E1").ratings == {"H1": "C", "H2": "I"}


async def test_import_errors_shown_inline_then_fixed(
    store: Store, db: Path, tmp_path: Path
) -> None:
    taken = case_file(tmp_path, "nord-stream")  # same id as a case in the database
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "weigh-case", "version": 1, "case": {"id": "x"', encoding="utf-8")
    app = Host(lambda: CaseSwitcher(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("i")

        async def attempt(path: Path) -> str:
            await pilot.press("end", "ctrl+u")
            await paste(pilot, str(path))
            await pilot.press("ctrl+s")
            await workers_done(app)
            await pilot.pause()
            assert isinstance(app.screen, ImportDialog)
            assert app.focused is app.screen.query_one("#import-path", Input)
            return shown(app, "#error-import-path")

        missing = tmp_path / "missing.json"
        assert await attempt(missing) == f"{missing}: no such file"
        assert (await attempt(broken)).startswith(
            f"{broken}: not valid JSON: it ends before the JSON is complete (line 1")
        assert (await attempt(taken)).startswith(
            "case 'nord-stream' already exists (this file would change it: "
        )
        # Import it under another id instead.
        await pilot.press("tab", *"nord-stream-copy", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
    assert app.results == ["nord-stream-copy"]
    store.close()
    with reopened(db) as after:
        assert after.case("nord-stream").title == ODD_TITLE  # untouched
        assert after.case("nord-stream-copy").title == "Kerch bridge [red]strike[/]"


async def test_import_with_replace(store: Store, db: Path, tmp_path: Path) -> None:
    taken = case_file(tmp_path, "nord-stream")
    app = Host(lambda: ImportDialog(store))
    async with app.run_test(size=(80, 24)) as pilot:
        await paste(pilot, str(taken))
        await pilot.press("tab", "tab", "space")
        assert app.screen.query_one("#import-replace", Checkbox).value is True
        await pilot.press("ctrl+s")
        await workers_done(app)
        await pilot.pause()
    assert [r.case_id for r in app.results if isinstance(r, ImportResult)] == ["nord-stream"]
    assert store.case("nord-stream").title == "Kerch bridge [red]strike[/]"


async def test_a_bad_id_to_import_under_is_the_fields_fault_not_the_files(
    store: Store, tmp_path: Path
) -> None:
    """Tester: 'Kerch Copy' typed in 'As case id' was reported as the file's fault
    ('…/nord-stream.json: case.id: use lower-case …'), though the file's id was fine."""
    taken = case_file(tmp_path, "nord-stream")
    app = Host(lambda: ImportDialog(store))
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, str(taken))
        await pilot.press("tab", *"Kerch Copy", "ctrl+s")
        await workers_done(app)
        await pilot.pause()
        assert shown(app, "#error-import-path") == (
            "As case id: 'Kerch Copy' is not a case id: use lower-case letters, digits and '-' "
            "(at most 64, starting with a letter or digit)")
        assert isinstance(app.screen, ImportDialog)
    assert app.results == []


async def test_an_import_onto_a_case_that_exists_points_to_the_dialogs_own_controls(
    store: Store, tmp_path: Path
) -> None:
    """Red team: the dialog said 'add --replace …, or --case ID', the command line's options."""
    taken = case_file(tmp_path, "nord-stream")
    app = Host(lambda: ImportDialog(store))
    async with app.run_test(size=(100, 30)) as pilot:
        await paste(pilot, str(taken))
        await pilot.press("ctrl+s")
        await workers_done(app)
        await pilot.pause()
        said = shown(app, "#error-import-path")
        assert said.startswith("case 'nord-stream' already exists (this file would change it: ")
        assert said.endswith(
            "; tick 'Replace a case with the same id' to replace it (the old case is kept in the "
            "audit trail), or type a new id in 'As case id' to import it as a new case"
        )
        assert "--" not in said
        text = flat_text(app)
        assert "As case id" in text and "Replace a case with the same id" in text  # as named
        await pilot.press("tab", "tab", "space", "ctrl+s")  # what it says: tick the option
        await workers_done(app)
        await pilot.pause()
    assert [r.case_id for r in app.results if isinstance(r, ImportResult)] == ["nord-stream"]
    assert store.case("nord-stream").title == "Kerch bridge [red]strike[/]"


async def test_empty_database_says_so(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.json") as empty:
        app = Host(lambda: CaseSwitcher(empty))
        async with app.run_test(size=(80, 24)) as pilot:
            assert shown(app, "#no-cases") == "No cases yet."
            await pilot.press("escape")
            await pilot.pause()
    assert app.results == [None]


async def test_deleting_the_open_case_shows_another_one(db: Path, make_app) -> None:
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = app.screen
        assert main.case_id == "istanbul-2022"
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("delete", "y")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main and main.case_id == "nord-stream"
        assert ("Case istanbul-2022 was deleted: showing nord-stream (u in the case list brings it back)"
                in notices(app))  # a tester: another case opened with no word why
        await pilot.press("ctrl+q")


async def test_sync_from_the_switcher_shows_conflicts_and_u_undoes_it(
        db: Path, tmp_path: Path, make_app) -> None:
    from evidence.sync import read_sync_file, sync_case

    shared = tmp_path / "shared.json"
    with Store.open(db) as store:
        sync_case(store, read_sync_file(shared, store.files), "istanbul-2022")  # the base
        info = store.case("istanbul-2022").info
        store.update_case_info(info.model_copy(update={"question": "Why?", "description": "ours"}))
        before = store.case("istanbul-2022")
    theirs = before.model_copy(update={"title": "Istanbul", "description": "theirs"})
    shared.write_text(dump_case_file(theirs), encoding="utf-8")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = app.screen
        await pilot.press("ctrl+o", "s")  # the open case; the path of its last sync is offered
        await pilot.pause()
        assert app.screen.query_one("#sync-path", Input).value == str(shared)
        await pilot.press("ctrl+s")
        await workers_done(app)
        await pilot.pause()
        said = shown(app, "#sync-result")
        assert "Synced case istanbul-2022: database: case details changed" in said
        assert 'conflict: case description: ours "ours", theirs "theirs" (ours kept)' in said
        case = main.store.case("istanbul-2022")
        assert (case.title, case.question, case.description) == ("Istanbul", "Why?", "ours")
        await pilot.press("u")  # in the list: the sync undone
        await pilot.pause()
        assert main.store.case("istanbul-2022") == before and shown(app, "#sync-result") == ""
        await pilot.press("s", "ctrl+s")  # again, then back to the workbench, which shows it
        await workers_done(app)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main and main.session.case is not None
        assert main.session.case.title == "Istanbul"
        await pilot.press("u")  # the workbench undoes the sync too: one change
        await pilot.pause()
        assert main.store.case("istanbul-2022") == before
        await pilot.press("ctrl+q")


async def test_u_in_the_workbench_after_a_sync_says_what_the_undo_does_not_the_conflicts(
        db: Path, tmp_path: Path, make_app) -> None:
    """A sync from the case switcher with a conflict, then u in the workbench: its message was
    the sync's own line ('Undid synced case …: 1 conflict, the file's values kept in this
    record: …'), and the change log's line for the undo listed the conflicts again. Both say
    what the undo did: the sync taken back, the file keeping it."""
    from evidence.sync import read_sync_file, sync_case

    shared = tmp_path / "shared.json"
    with Store.open(db) as store:
        sync_case(store, read_sync_file(shared, store.files), "istanbul-2022")  # the base
        info = store.case("istanbul-2022").info
        store.update_case_info(info.model_copy(update={"description": "ours"}))
        before = store.case("istanbul-2022")
    shared.write_text(dump_case_file(before.model_copy(update={"title": "Istanbul",
                                                                "description": "theirs"})), encoding="utf-8")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = app.screen
        await sync_in_the_case_list(pilot)
        assert "1 conflict, listed below with the value kept in both" in shown(app, "#sync-result")
        assert "Synced with 1 conflict: listed here" in notices(app)  # not "1 conflict(s)"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main
        await pilot.press("u")
        await until(pilot, lambda: "Undid" in notices(app), "the undo's message")
        said = notices(app).split(" | ")[-1]
        assert said == (f"Undid the sync of case istanbul-2022 with {shared}: case details changed; "
                        "the file keeps it: the next sync brings it back"), said
        assert main.store.case("istanbul-2022") == before
        logged = main.store.history("istanbul-2022")[-1].describe()
        assert logged == (f"undid the sync of case istanbul-2022 with {shared}: case details changed; "
                          "the file keeps it: the next sync brings it back"), logged
        await pilot.press("U")  # redo: the sync again, its conflict with it
        await until(pilot, lambda: "Redid" in notices(app), "the redo's message")
        assert "1 conflict, both values of it kept in this record" in notices(app).split(" | ")[-1]
        await pilot.press("ctrl+q")


async def test_a_sync_that_renumbers_an_item_says_so_in_the_cli_words_and_no_conflict(
        db: Path, tmp_path: Path, make_app) -> None:
    """Both sides added an item under one id: the switcher's result says how the database's
    was renumbered, in weigh sync's words, and calls it no conflict (no warning either)."""
    from evidence.sync import read_sync_file, sync_case

    shared = tmp_path / "shared.json"
    with Store.open(db) as store:
        sync_case(store, read_sync_file(shared, store.files), "istanbul-2022")  # the base
        ours = store.case("istanbul-2022")
        new_id = f"E{len(ours.evidence) + 1}"
        store.add_evidence("istanbul-2022", Evidence(id=new_id, title="tanks"))
    theirs = ours.model_copy(update={"evidence": [*ours.evidence, Evidence(id=new_id, title="memo")]})
    shared.write_text(dump_case_file(theirs), encoding="utf-8")
    app = make_app(db)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await sync_in_the_case_list(pilot)
        said = shown(app, "#sync-result")
        renumbered = f"E{len(ours.evidence) + 2}"
        assert (f'note: evidence {new_id} added on both sides as different items: ours is now '
                f'{renumbered} ("tanks"), theirs stays {new_id} ("memo")') in said, said
        assert "conflict" not in said and "conflict" not in notices(app)
        await pilot.press("escape", "ctrl+q")


async def test_a_long_sync_result_scrolls_by_keys(db: Path, tmp_path: Path, make_app) -> None:
    """More conflicts than the result's seven lines: tab reaches the result, and the keys
    scroll to the last conflict."""
    from evidence.sync import read_sync_file, sync_case

    shared = tmp_path / "shared.json"
    with Store.open(db) as store:
        sync_case(store, read_sync_file(shared, store.files), "istanbul-2022")  # the base
        ours = store.case("istanbul-2022")
        for ev in ours.evidence[:10]:
            store.update_evidence("istanbul-2022", ev.model_copy(update={"title": f"ours {ev.id}"}))
    theirs = ours.model_copy(update={"evidence": [
        ev.model_copy(update={"title": f"theirs {ev.id}"}) if n < 10 else ev
        for n, ev in enumerate(ours.evidence)]})
    shared.write_text(dump_case_file(theirs), encoding="utf-8")
    last = ours.evidence[9].id
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await sync_in_the_case_list(pilot)
        assert "10 conflicts, each listed below with the value" in shown(app, "#sync-result")
        await until(pilot, lambda: "more: tab here, ↑↓ scroll" in screen_text(app),
                    "the result's frame saying it scrolls, once it is laid out")
        assert f'theirs "theirs {last}"' not in screen_text(app)  # below the seven lines shown
        box = app.screen.query_one("#sync-result-box")
        while app.focused is not box:
            await pilot.press("tab")
        await pilot.press("end")
        await pilot.pause()
        assert f'theirs "theirs {last}"' in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")


async def test_each_case_keeps_its_undo_across_a_switch(db: Path, make_app) -> None:
    """Delete an item, open another case and come back: u still brings the item back (and
    U deletes it again); the other case's own undo is its own."""
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = app.screen
        first = main.matrix.current()[0]
        await pilot.press("delete", "y")
        await pilot.pause()
        assert first not in {ev.id for ev in main.session.case.evidence}
        await pilot.press("ctrl+o", "down", "enter")  # the switcher starts on the open case
        await pilot.pause()
        assert main.case_id == "nord-stream"
        await pilot.press("u")
        await pilot.pause()
        await until(pilot, lambda: "Nothing to undo" in notices(app), "nord-stream's own undo: empty")
        await pilot.press("ctrl+o", "up", "enter")
        await pilot.pause()
        assert main.case_id == "istanbul-2022"
        await pilot.press("u")
        await pilot.pause()
        await until(pilot, lambda: first in {ev.id for ev in main.session.case.evidence}, "the item back")
        assert f"Undid deleted evidence {first}" in notices(app)
        await pilot.press("ctrl+q")


async def test_deleting_the_last_case_clears_every_panel(db_path: Path, make_app) -> None:
    """The open case, the only one, deleted in the switcher: no panel goes on showing its
    hypotheses, its verdict, its as-of line or its first steps (found by a tester: the
    ranking still listed a deleted case's H1 and the guide offered A, which did nothing)."""
    with Store.open(db_path) as store:
        store.put_case(Case(id="solo", title="Solo", hypotheses=[Hypothesis(id="H1", title="Lonely idea")]))
        store.delete_case("istanbul-2022")
    app = make_app(db_path)
    async with app.run_test(size=(160, 48)) as pilot:
        assert "Lonely idea" in flat_text(app)
        await pilot.press("ctrl+o", "delete", "y")
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: "no case open" in flat_text(app), "the top line says no case")
        text = flat_text(app)
        assert "No case open" in text and "No evidence selected" in text
        for stale in ("Lonely idea", "H1", "No verdict", "Step 1 of 3", "As of all dates",
                      "No evidence yet"):
            assert stale not in text, stale
        await pilot.press("u")  # the main screen's u: nothing of its own to undo, says so
        await pilot.press("ctrl+q")


async def test_a_case_deleted_in_the_list_comes_back_with_u_after_the_list_closed(
        db: Path, make_app) -> None:
    """Escape after a delete (a reflex) does not make it final: u in the list, opened again,
    still brings the case back (found by a tester: the list forgot it, and the case was
    gone for good although the notice had said u brings it back)."""
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+o", "down", "delete", "y")
        await pilot.pause()
        assert "Deleted case nord-stream" in notices(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "nord-stream" not in flat_text(app)
        await pilot.press("u")
        await until(pilot, lambda: "nord-stream" in flat_text(app), "the case listed again")
        assert "Restored case nord-stream" in notices(app)
        await pilot.press("u")  # nothing more to undo: says so
        await pilot.pause()
        assert "Nothing to undo here" in notices(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
    with reopened(db) as after:
        assert after.case("nord-stream").question == "Who did it?"


@pytest.mark.parametrize("exports", [False, True])
async def test_a_served_workbench_syncs_only_with_a_file_in_its_exports_folder(
        db: Path, tmp_path: Path, make_app, exports: bool) -> None:
    """`weigh serve` starts workbenches with --no-exports or --exports DIR: the files are the
    server's, and a sync writes its file as an export does."""
    folder = tmp_path / "exports"
    folder.mkdir()
    restrict_exports(ExportPlace(folder=folder) if exports else ExportPlace(off=True))
    outside = tmp_path / "anywhere.json"
    try:
        app = make_app(db)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("ctrl+o", "s")
            await pilot.pause()
            await paste(pilot, str(outside))
            await pilot.press("ctrl+s")
            await workers_done(app)
            await pilot.pause()
            # was: 'the file did not exist: written from the database's case'
            said = shown(app, "#error-sync-path")
            assert said == (f"this workbench writes exports only into {folder}: give a name there"
                            if exports else "this served workbench writes no files on the server; "
                            "start 'weigh serve --exports DIR' to allow exports into DIR")
            if exports:
                await pilot.press("end", "ctrl+u")
                await paste(pilot, str(folder / "case.json"))
                await pilot.press("ctrl+s")
                await workers_done(app)
                await pilot.pause()
                assert "Synced case" in shown(app, "#sync-result")
            await pilot.press("escape", "escape", "ctrl+q")
    finally:
        restrict_exports(ExportPlace())
    assert not outside.exists() and (folder / "case.json").exists() == exports


async def test_u_in_the_workbench_undoes_an_import_that_replaced_the_open_case(
        db: Path, tmp_path: Path, make_app) -> None:
    """Tester: ticking Replace in the import dialog threw the open case away with no way back
    but the audit trail. u now steps back to it, and shift+u imports it again."""
    with Store.open(db) as store:
        before = store.case("nord-stream")
    taken = case_file(tmp_path, "nord-stream")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.screen
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(app.screen, CaseSwitcher), "the case list")
        await pilot.press("i")
        await pilot.pause()
        await paste(pilot, str(taken))
        await pilot.press("tab", "tab", "space", "ctrl+s")  # Replace ticked
        await workers_done(app)
        await until(pilot, lambda: app.screen is main and main.case_id == "nord-stream", "the import shown")
        assert main.session.case is not None and main.session.case.title == "Kerch bridge [red]strike[/]"
        assert ("Replaced case nord-stream from nord-stream.weigh.json: 2 hypotheses, 1 evidence; u in the "
                "workbench brings the old one back.") in notices(app)
        await pilot.press("u")
        await pilot.pause()
        back = main.store.case("nord-stream")
        assert (back.title, back.question, back.hypotheses, back.evidence) == (
            before.title, before.question, before.hypotheses, before.evidence)
        assert ("Undid case nord-stream replaced whole: 2 hypotheses, 1 evidence, in place of 0 hypotheses, "
                "0 evidence (kept in this record)") in notices(app)
        assert ODD_TITLE.split("[")[0].strip() in flat_text(app)
        await pilot.press("U")  # redo: the imported case again
        await pilot.pause()
        assert main.store.case("nord-stream").title == "Kerch bridge [red]strike[/]"
        assert "Redid case nord-stream replaced whole: 2 hypotheses, 1 evidence" in notices(app)
        await pilot.press("ctrl+q")
    with reopened(db) as after:
        case = after.case("nord-stream")
        assert (case.title, [h.id for h in case.hypotheses]) == ("Kerch bridge [red]strike[/]", ["H1", "H2"])
        assert before.title == ODD_TITLE


async def test_deleting_the_open_case_after_syncing_it_shows_another_one(
        db: Path, tmp_path: Path, make_app) -> None:
    """A sync of the open case makes the list reopen it on escape; deleted after the sync,
    it was asked for anyway: 'No case' in red, and the workbench kept showing the case gone."""
    from evidence.sync import read_sync_file, sync_case

    shared = tmp_path / "shared.json"
    with Store.open(db) as store:
        sync_case(store, read_sync_file(shared, store.files), "istanbul-2022")  # the base
        theirs = store.case("istanbul-2022").model_copy(update={"title": "Istanbul"})
    shared.write_text(dump_case_file(theirs), encoding="utf-8")
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = app.screen
        await sync_in_the_case_list(pilot)  # the open case synced: reopened on escape
        await pilot.press("delete", "y")  # then deleted
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main and main.case_id == "nord-stream"
        assert "No case 'istanbul-2022'" not in notices(app)
        assert ("Case istanbul-2022 was deleted: showing nord-stream (u in the case list brings it back)"
                in notices(app))
        await pilot.press("ctrl+q")
