"""`weigh sync` in real git: three analysts, each with a database and a clone, rate and edit
at once and meet through sync, commit, pull (the merge driver) and push."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from evidence.case_file import dump_case_file, parse_case_file
from evidence.store import Store
from hypotheses.models import Evidence, Indicator
from tests.conftest import WeighRun, weigh_text
from tests.test_merge_git import FILE, add_item, commit_push, edit, env, git, start_case, three_clones

__all__ = ["env"]  # the fixture, shared with the driver's tests


def sync(env: dict[str, str] | WeighRun, where: Path, who: str, code: int = 0) -> str:
    """``who`` syncs the clone ``where`` with its owner's database: as a process given the
    environment, else through ``weigh_here`` (the first sync and the conflict are processes;
    what the other syncs print and do is the same main's)."""
    args = ("--db", str(where.parent / f"{where.name}.db"), "--analyst", who, "sync", str(where / FILE))
    done = weigh_text(env, *args) if isinstance(env, dict) else env(*args)
    assert done.returncode == code, done.stdout + done.stderr
    return str(done.stdout) + str(done.stderr)


def open_db(where: Path, who: str) -> Store:
    return Store.open(where.parent / f"{where.name}.db", analyst=who)


def test_three_analysts_sync_through_git(env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    a, b, c = three_clones(env, tmp_path)
    for where, who, run in ((a, "ana", env), (b, "ben", weigh_here), (c, "cem", weigh_here)):
        assert "brought in from the file" in sync(run, where, who)
    # at once: all three vote on E1; ana retitles E2, ben rates E4, cem deletes E4
    with open_db(a, "ana") as db:
        db.set_rating("team", "E1", "H2", "I")
        db.update_evidence("team", db.evidence("team", "E2").model_copy(update={"title": "ana's"}))
    with open_db(b, "ben") as db:
        db.set_rating("team", "E1", "H1", "II")
        db.set_rating("team", "E4", "H2", "N")
    with open_db(c, "cem") as db:
        db.set_rating("team", "E1", "H1", "NA")
        db.delete_evidence("team", "E4")
    for where, who in ((a, "ana"), (b, "ben"), (c, "cem")):
        sync(weigh_here, where, who)
        git(env, where, "commit", "-qam", f"{who} rates")
    git(env, a, "push", "-q")
    git(env, b, "pull", "-q")  # the driver merges ana's file into ben's: no conflict
    git(env, b, "push", "-q")
    pulled = git(env, c, "pull", "-q", ok=False)  # cem deleted E4, ben rated it
    assert "evidence E4: ours deleted, theirs" in pulled.stderr
    said = sync(weigh_here, c, "cem")  # the driver kept ben's E4 in the file: the database gets it back
    assert "evidence 1 added, 2 changed" in said
    git(env, c, "commit", "-qam", "merged: E4 kept, ben rated it")
    git(env, c, "push", "-q")
    for where, who in ((a, "ana"), (b, "ben")):
        git(env, where, "pull", "-q")
        sync(weigh_here, where, who)
        assert git(env, where, "status", "--porcelain").stdout == ""  # one order: nothing to commit
    votes = {"ana": {"H2": "I"}, "ben": {"H1": "II"}, "cem": {"H1": "NA"}}
    for where, who in ((a, "ana"), (b, "ben"), (c, "cem")):
        with open_db(where, who) as db:
            case = db.case("team")
        assert case.item("E1").ratings_by == votes, who
        assert case.item("E2").title == "ana's" and case.item("E4").ratings_by == {"ben": {"H2": "N"}}
        assert (where / FILE).read_text() == dump_case_file(case)
    # ana on her laptop (ben's clone, her own vote and E2's title) and at her desk, at once
    with open_db(a, "ana") as db:
        db.set_rating("team", "E1", "H1", "N")
        db.update_evidence("team", db.evidence("team", "E2").model_copy(update={"title": "desk"}))
    sync(weigh_here, a, "ana")
    git(env, a, "commit", "-qam", "ana at her desk")
    git(env, a, "push", "-q")
    with open_db(b, "ana") as db:
        db.set_rating("team", "E1", "H1", "CC")
        db.update_evidence("team", db.evidence("team", "E2").model_copy(update={"title": "laptop"}))
    git(env, b, "pull", "-q")
    said = sync(env, b, "ana", 1)
    assert 'weigh: conflict: evidence E1 ratings_by ana H1: ours "CC", theirs "N" (ours kept)' in said
    assert 'weigh: conflict: evidence E2 title: ours "laptop", theirs "desk" (ours kept)' in said
    assert "weigh: 2 conflicts" in said
    with open_db(b, "ben") as db:
        assert db.case("team").item("E1").ratings_by["ana"] == {"H1": "CC", "H2": "I"}
        kept = db.history("team")[-1].describe()
    assert '"N"' in kept and '"desk"' in kept  # the file's values, in the change log


def test_refusals_are_one_line_exit_2_and_touch_nothing(env: dict[str, str], tmp_path: Path) -> None:
    db, shared, text = tmp_path / "w.db", tmp_path / FILE, dump_case_file(start_case())
    shared.write_text(text[:-20], encoding="utf-8")  # damaged
    done = weigh_text(env, "--db", str(db), "sync", str(shared))
    assert (done.returncode, done.stderr.count("\n"), done.stdout) == (2, 1, "")
    assert "FILE" in done.stderr and not db.exists()  # read before the database is opened
    shared.write_text(text, encoding="utf-8")
    with Store.open(db, analyst="ana"):  # the workbench has the database open
        done = weigh_text(env, "--db", str(db), "sync", str(shared))
        assert done.returncode == 2 and "close it first, or add --wait to 'weigh sync'" in done.stderr
    assert shared.read_text() == text


def test_a_sync_file_typed_as_a_folder_or_as_dash_is_refused(
    weigh_here: WeighRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tester: 'weigh sync x.json/' wrote x.json (the final '/' names a folder: an export is
    refused so), and 'weigh sync -' wrote a file named '-' where '-' means standard output."""
    monkeypatch.chdir(tmp_path)
    for typed, words in ((f"{tmp_path}/x.json/", "ends in '/', so it names a folder, not a file"),
                         (f"{tmp_path}/.", "names a folder, not a file"),
                         ("-", "FILE: '-' names no file here")):
        done = weigh_here("sync", typed)
        assert done.returncode == 2 and str(done.stderr).count("\n") == 1, done.stderr
        assert words in str(done.stderr), done.stderr
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "-").exists()


def test_a_file_git_merged_without_the_driver_says_how_to_merge_it_again(
        env: dict[str, str], tmp_path: Path) -> None:
    a, b, _ = three_clones(env, tmp_path)
    git(env, b, "config", "--unset", "merge.weigh.driver")  # a hurried clone: not set up
    edit(a, {}, {"E1": {"H1": "C"}}, "ana")
    commit_push(env, a, "ana rates")
    edit(b, {}, {"E1": {"H1": "II"}}, "ben")
    git(env, b, "commit", "-qam", "ben rates")
    assert git(env, b, "pull", "-q", ok=False).returncode != 0  # git's own line merge: markers
    assert "<<<<<<< " in (b / FILE).read_text()
    done = weigh_text(env, "--db", str(tmp_path / "b.db"), "--analyst", "ben", "sync", str(b / FILE))
    # was: 'not valid JSON: unexpected character at line 10, column 1 (expected a value)'
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.endswith(
        "not valid JSON: line 8 is a git conflict marker ('<<<<<<<'): git merged the file line by "
        "line, without weigh's merge driver; set it up in this clone (git config merge.weigh.driver "
        "\"weigh merge %O %A %B\") and run 'git checkout -m' on the file to merge it again\n"), done.stderr
    git(env, b, "config", "merge.weigh.driver", f"{shlex.quote(sys.executable)} -m tui.cli merge %O %A %B")
    git(env, b, "checkout", "-m", FILE)  # as it says: the driver merges both votes
    merged = parse_case_file((b / FILE).read_bytes())
    assert merged.item("E1").ratings_by == {"ana": {"H1": "C"}, "ben": {"H1": "II"}}


def test_a_hypothesis_deleted_in_the_database_and_rated_in_the_file_comes_back_with_its_votes(
        weigh_here: WeighRun, tmp_path: Path) -> None:
    where = tmp_path / "ana"
    where.mkdir()
    (where / FILE).write_text(dump_case_file(start_case()), encoding="utf-8")
    sync(weigh_here, where, "ana")
    with open_db(where, "ana") as db:
        db.set_rating("team", "E1", "H2", "I")
    sync(weigh_here, where, "ana")
    edit(where, {}, {"E2": {"H2": "CC"}}, "ben")  # ben's file, pulled
    with open_db(where, "ana") as db:
        db.delete_hypothesis("team", "H2")
    said = sync(weigh_here, where, "ana", 1)  # was: exit 2, 'unknown hypothesis id', nothing synced
    assert ("weigh: conflict: hypothesis H2 (deleted on one side, rated on the other: evidence E2): "
            'ours deleted, theirs changed (title "Two") (theirs kept)') in said
    assert ("weigh: 1 conflict, listed above with the value kept in both the database and the file "
            "(the other is in the change log); change what you disagree with and sync again") in said
    with open_db(where, "ana") as db:
        case = db.case("team")
    assert [h.id for h in case.hypotheses] == ["H1", "H2"]
    assert [e.ratings_by for e in case.evidence[:2]] == [{"ana": {"H2": "I"}}, {"ben": {"H2": "CC"}}]


def both_added_e5(env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> tuple[Path, str]:
    """Ana's database adds E5 "tanks" after a first sync; ben's file, pulled, adds E5 "memo";
    ana syncs: her folder and what the sync said."""
    where = tmp_path / "ana"
    where.mkdir()
    (where / FILE).write_text(dump_case_file(start_case()), encoding="utf-8")
    sync(weigh_here, where, "ana")
    with open_db(where, "ana") as db:
        db.add_evidence("team", Evidence(id="E5", title="tanks"))
    add_item(where, "E5", "memo", "ben")  # ben's file, pulled
    said = sync(env, where, "ana")
    return where, said


def test_an_item_added_under_one_id_in_the_database_and_the_file_is_a_note_in_words_and_log(
        env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    """Ana added an item in her database and ben one in the file, both E5: both are kept (the
    database's under a new id) and there is nothing to resolve, so the sync says so and exits 0
    (it exited 1 listing it as a conflict), and the change log says how it was renumbered."""
    where, said = both_added_e5(env, weigh_here, tmp_path)
    assert ('weigh: note: evidence E5 added on both sides as different items: ours is now E6 '
            '("tanks"), theirs stays E5 ("memo")') in said
    assert "conflict" not in said
    with open_db(where, "ana") as db:
        case = db.case("team")
        logged = db.history("team")[-1].describe()
    assert [(e.id, e.title) for e in case.evidence[4:]] == [("E6", "tanks"), ("E5", "memo")]
    assert (where / FILE).read_text() == dump_case_file(case)
    assert ('evidence E5 added on both sides as different items: ours is now E6 ("tanks"), '
            'theirs stays E5 ("memo")') in logged and "conflict" not in logged


def test_a_colleague_who_imports_the_shared_file_and_syncs_it_is_not_told_there_is_no_base(
        env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    """Ben joins with 'weigh import FILE', then 'weigh sync FILE' (what people do first). The
    database and the file hold the same case, so nothing can conflict: no 'no base' warning (it
    was given), the file is left as it was (it was rewritten with the import's time), and from
    then on syncs merge three ways. Had ben changed the case before the first sync, weigh could
    not know which side changed what: that first sync still says it merges two ways."""
    a, b, _ = three_clones(env, tmp_path)
    db, shared = str(tmp_path / "ben.db"), str(b / FILE)
    before = (b / FILE).read_bytes()
    done = weigh_text(env, "--db", db, "--analyst", "ben", "import", shared)
    assert done.returncode == 0, done.stderr
    said = sync(env, b, "ben")
    assert "no base" not in said and "two ways" not in said
    assert ("weigh: first sync of this case with this file: both hold the same case, which the "
            "next sync merges against") in said
    assert (b / FILE).read_bytes() == before and git(env, b, "status", "--porcelain").stdout == ""
    edit(a, {"E2": {"title": "ana's"}}, {}, "ana")  # ana's change, pushed and pulled
    commit_push(env, a, "ana retitles E2")
    git(env, b, "pull", "-q")
    with open_db(b, "ben") as store:
        store.set_rating("team", "E1", "H1", "II")
    said = sync(weigh_here, b, "ben")  # three ways: ana's title comes in, no conflict
    assert "first sync" not in said and "conflict" not in said
    with open_db(b, "ben") as store:
        assert store.case("team").item("E2").title == "ana's"
    # the same, but ben rates before his first sync: two ways, as it says
    c = tmp_path / "cem"
    done = weigh_text(env, "--db", str(tmp_path / "cem.db"), "--analyst", "cem", "import", str(c / FILE))
    with open_db(c, "cem") as store:
        store.set_rating("team", "E1", "H1", "N")
    assert "first sync of this case with this file (no base): merged two ways" in sync(weigh_here, c, "cem")


def test_an_indicator_git_renumbered_with_the_item_it_was_observed_as_takes_ones_edit(
        env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    """Ana and ben each registered an indicator M1 and observed it (each database's E5). Ana's
    pull merged ben's first, so git's driver moved hers to M2, observed as E6. Her database still
    calls them M1 and E5: the sync follows the item's move (E5 → E6), and must follow the
    indicator's too, though what it points at moved with it. It did not: her edit to her M1
    landed on ben's M1, silently, and her M2 kept the old details."""
    a, b, _ = three_clones(env, tmp_path)
    for where, who in ((a, "ana"), (b, "ben")):
        sync(weigh_here, where, who)
        with open_db(where, who) as db:
            db.add_indicator("team", Indicator(id="M1", title=f"{who}'s watch", ratings={"H1": "C"}))
            db.observe_indicator("team", "M1")
        sync(weigh_here, where, who)
        git(env, where, "commit", "-qam", f"{who} observes M1")
    git(env, b, "push", "-q")
    pulled = git(env, a, "pull", "-q", "--no-edit", ok=False)
    assert pulled.returncode == 0, pulled.stderr
    assert 'indicator M1 added on both sides as different indicators: ours is now M2' in pulled.stderr
    with open_db(a, "ana") as db:
        mine = db.case("team").indicators[0]
        assert (mine.id, mine.title, mine.evidence_id) == ("M1", "ana's watch", "E5")
        db.update_indicator("team", mine.model_copy(update={"details": "seen on the news"}))
    said = sync(env, a, "ana")
    assert "conflict" not in said, said
    with open_db(a, "ana") as db:
        case = db.case("team")
    assert sorted((m.id, m.title, m.details, m.evidence_id) for m in case.indicators) == [
        ("M1", "ben's watch", "", "E5"), ("M2", "ana's watch", "seen on the news", "E6")]
    assert sorted((e.id, e.title) for e in case.evidence[4:]) == [
        ("E5", "ben's watch"), ("E6", "ana's watch")]
    assert (a / FILE).read_text() == dump_case_file(case)


def test_a_renumbered_item_is_counted_as_added_not_as_changed(
        env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    """Ana's E5 ("tanks") and the file's E5 ("memo"): the database gains one item (memo) and
    ana's moves to E6. The summary said 'evidence 1 added, 1 changed', though no item of hers
    changed; the note beside it says how. It counts the renumbering as one, and its undo (the
    change log) counts the memo taken out and tanks back under E5 the same way."""
    where, said = both_added_e5(env, weigh_here, tmp_path)
    assert 'weigh: note: evidence E5 added on both sides as different items: ours is now E6' in said
    assert "database: evidence 1 added, 1 renumbered; case details changed; " in said, said
    assert "1 changed" not in said  # the details: ben joined the case
    with open_db(where, "ana") as db:
        logged = db.history("team")[-1]
        assert ("evidence 1 added, 1 renumbered; case details changed; evidence E5 added on both "
                "sides") in logged.describe()
        undone = db.revert(logged).describe()
    assert "evidence 1 removed, 1 renumbered; case details changed; evidence E6 back to E5" in undone
    assert "1 changed" not in undone


def test_an_item_git_renumbered_is_said_and_counted_as_renumbered_by_the_sync(
        env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    """Ana and ben each added E5 and synced; ana's pull merged ben's first, so git's driver moved
    hers to E6. Her sync follows the move (her E5 becomes E6, ben's takes E5), and said
    'evidence 1 added, 1 changed' with no word of the move: her item read as edited into ben's.
    It says and counts the renumbering as a sync that renumbers does, in the log and its undo."""
    a, b, _ = three_clones(env, tmp_path)
    for where, who in ((a, "ana"), (b, "ben")):
        sync(weigh_here, where, who)
        with open_db(where, who) as db:
            db.add_evidence("team", Evidence(id="E5", title=f"{who}'s item"))
        sync(weigh_here, where, who)
        git(env, where, "commit", "-qam", f"{who} adds E5")
    git(env, b, "push", "-q")
    pulled = git(env, a, "pull", "-q", "--no-edit", ok=False)
    assert pulled.returncode == 0 and "ours is now E6" in pulled.stderr, pulled.stderr
    said = sync(weigh_here, a, "ana")
    assert ('weigh: note: evidence E5 added on both sides as different items: ours is now E6 '
            '("ana\'s item"), theirs stays E5 ("ben\'s item")') in said, said
    assert "database: evidence 1 added, 1 renumbered; " in said, said
    with open_db(a, "ana") as db:
        assert sorted((e.id, e.title) for e in db.case("team").evidence[4:]) == [
            ("E5", "ben's item"), ("E6", "ana's item")]
        logged = db.history("team")[-1]
        assert "evidence 1 added, 1 renumbered" in logged.describe()
        assert "ours is now E6" in logged.describe()
        undone = db.revert(logged).describe()
        assert [(e.id, e.title) for e in db.case("team").evidence[4:]] == [("E5", "ana's item")]
    assert "evidence 1 removed, 1 renumbered" in undone and "evidence E6 back to E5" in undone, undone


def test_a_first_sync_says_it_wrote_the_file_it_made(env: dict[str, str], tmp_path: Path) -> None:
    """No shared file yet: the sync writes it from the database's case. It said 'the file
    did not exist: written …' and then '… rewritten', as if a file had been there."""
    where = tmp_path / "ana"
    where.mkdir()
    with open_db(where, "ana") as db:
        db.put_case(start_case())
    said = sync(env, where, "ana")
    assert "the file did not exist: written from the database's case" in said
    assert f"{where / FILE} written." in said and "rewritten" not in said, said
    assert f"{where / FILE} unchanged." in sync(env, where, "ana")  # the second: nothing to do


def test_the_change_log_of_a_join_by_sync_says_the_case_came_in(weigh_here: WeighRun, tmp_path: Path) -> None:
    """Tester: ben joined by 'weigh sync case.json' (told 'hypotheses 2 added; evidence 4
    added'), and his change log said 'synced case team with …case.json (brought in from the
    file): nothing in the database' (the log keeps no copy of the case it brought in)."""
    clone = tmp_path / "ben"
    clone.mkdir()
    shared = clone / FILE
    shared.write_text(dump_case_file(start_case()), encoding="utf-8")
    assert "database: hypotheses 2 added; evidence 4 added" in sync(weigh_here, clone, "ben")
    logged = weigh_here("--db", str(tmp_path / "ben.db"), "export", "--case", "team", "--history")
    line = next(x for x in str(logged.stdout).splitlines() if "synced case team" in x).replace("\\", "")
    assert line.endswith(f"synced case team with {shared} (brought in from the file) (by ben)"), line


def the_teams_bundled_case(tmp_path: Path) -> str:
    """Ana's team case made from the bundled one: E2 retitled, M1 observed; the file's text."""
    from evidence.seed import DEFAULT_CASE_ID, default_case

    with Store.open(tmp_path / "ana.db", analyst="ana") as ana:
        ana.put_case(default_case())
        ana.make_team(DEFAULT_CASE_ID)
        ana.update_evidence(DEFAULT_CASE_ID, ana.evidence(DEFAULT_CASE_ID, "E2").model_copy(
            update={"title": "ana's words"}))
        ana.observe_indicator(DEFAULT_CASE_ID, "M1")
        return dump_case_file(ana.case(DEFAULT_CASE_ID))


def test_joining_after_a_first_workbench_takes_the_teams_bundled_case(
        weigh_here: WeighRun, tmp_path: Path) -> None:
    """Tester: eve opened weigh once (it seeded the bundled case), then joined a team working
    on that case with 'weigh sync case.json': a merge without a base, so the file's changes
    were 'conflicts' with the seeded values kept (E2's title put back, an observation undone)
    and every seeded rating became eve's vote, though she had rated nothing."""
    from evidence.seed import DEFAULT_CASE_ID, open_store
    from evidence.sync import FIRST_BUNDLED

    clone = tmp_path / "eve"
    clone.mkdir()
    text = the_teams_bundled_case(tmp_path)
    (clone / FILE).write_text(text, encoding="utf-8")
    open_store(tmp_path / "eve.db").close()  # eve's first workbench
    said = sync(weigh_here, clone, "eve")  # exit 0: no conflict
    assert FIRST_BUNDLED in said and "conflict" not in said
    assert (clone / FILE).read_text(encoding="utf-8") == text
    with open_db(clone, "eve") as db:
        assert dump_case_file(db.case(DEFAULT_CASE_ID)) == text  # the team's case, eve in no layer


@pytest.mark.parametrize("own_team", [False, True])
def test_joining_after_working_the_bundled_case_keeps_both_sides_changes(
        weigh_here: WeighRun, tmp_path: Path, own_team: bool) -> None:
    """Reviewer: eve had excluded an item and rated a cell of the seeded case before joining,
    so the first sync merged two ways: ana's title and observation were conflicts with the
    seeded values kept, and every seeded rating became eve's vote. Merged against the case as
    shipped, each side's change is kept, eve's cell is her vote and ana's votes stay hers.
    Reviewer 2: eve had made her copy a team case first (the seeded ratings her layer), and
    every seeded rating of the 47 items still became her vote."""
    from evidence.seed import DEFAULT_CASE_ID, open_store

    clone = tmp_path / "eve"
    clone.mkdir()
    (clone / FILE).write_text(the_teams_bundled_case(tmp_path), encoding="utf-8")
    open_store(tmp_path / "eve.db").close()  # eve's first workbench, then her own work
    with open_db(clone, "eve") as eve:
        if own_team:
            eve.make_team(DEFAULT_CASE_ID)
        eve.set_excluded(DEFAULT_CASE_ID, "E5", True)
        eve.set_rating(DEFAULT_CASE_ID, "E1", "H1", "CC")
    said = sync(weigh_here, clone, "eve")  # exit 0: no conflict
    assert "merged against the case as weigh ships it" in said and "conflict" not in said
    shared = parse_case_file((clone / FILE).read_bytes())
    assert shared.analysts == ["ana", "eve"]
    assert shared.item("E2").title == "ana's words" and shared.indicator("M1").status == "observed"
    assert shared.item("E5").excluded
    assert shared.item("E1").ratings_by == {"ana": {h: "N" for h in ("H1", "H2", "H3", "H4", "H5", "H6")},
                                            "eve": {"H1": "CC"}}
    assert "eve" not in shared.item("E3").ratings_by  # no seeded rating became hers
