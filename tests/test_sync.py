"""`weigh sync` below the command line: the base, the three-way merge into the database as
one recorded change, undo, the first syncs, crash safety, and refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evidence.case_file import dump_case_file, parse_case_file
from evidence.db_files import DbFiles
from evidence.errors import ImportFailed
from evidence.history import replay
from evidence.operations import CaseRestore, CaseSync
from evidence.store import Store
from evidence.sync import (
    FIRST_BOTH,
    FIRST_CASE,
    FIRST_FILE,
    FIRST_SAME,
    SyncResult,
    read_sync_file,
    sync_case,
)
from hypotheses.models import Case, Evidence, Hypothesis


def team_case() -> Case:
    return Case(id="team", title="Team case", analysts=["ana"],
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id=f"E{i}", title=f"item {i}", ratings_by={"ana": {"H1": "C"}})
                          for i in range(1, 4)])


def sync(store: Store, path: Path, case_id: str | None = None) -> SyncResult:
    return sync_case(store, read_sync_file(path, store.files), case_id)


def content(case: Case) -> dict[str, object]:
    return case.model_dump(exclude={"updated"})


def edit_file(path: Path, joins: tuple[str, ...] = (), **changes: dict[str, object] | None) -> None:
    """Another analyst's weigh wrote the file: item fields changed (None: deleted)."""
    case = parse_case_file(path.read_bytes())
    items = [ev.model_copy(update=changes[ev.id]) if ev.id in changes else ev
             for ev in case.evidence if changes.get(ev.id, {}) is not None]
    new = case.model_copy(update={"evidence": items, "analysts": [*case.analysts, *joins]})
    path.write_text(dump_case_file(new), encoding="utf-8")


@pytest.fixture
def synced(tmp_path: Path) -> tuple[Store, Path]:
    """A store whose team case was synced once with a new file (the base)."""
    store = Store.open(tmp_path / "w.json", analyst="ana")
    store.put_case(team_case())
    result = sync(store, tmp_path / "case.json", "team")
    assert result.first == FIRST_FILE and result.wrote_file
    assert (tmp_path / "case.json").read_text() == dump_case_file(store.case("team"))
    return store, tmp_path / "case.json"


def test_both_sides_edits_merge_in_one_recorded_change_that_undo_takes_back(
        synced: tuple[Store, Path]) -> None:
    store, path = synced
    before = store.case("team")
    store.set_rating("team", "E1", "H2", "II")  # ours: a new vote
    store.set_rating("team", "E2", "H1", "I")  # ours: ana's own cell
    ben = {"ana": {"H1": "C"}, "ben": {"H1": "N"}}
    edit_file(path, ("ben",), E1={"details": "from ben"}, E2={"ratings_by": {"ana": {"H1": "CC"}}},
              E3={"ratings_by": ben})
    mid = store.case("team")
    result = sync(store, path)
    assert result.first is None
    assert [c.text() for c in result.conflicts] == [
        'evidence E2 ratings_by ana H1: ours "I", theirs "CC" (ours kept)']
    now = store.case("team")
    assert now.item("E1").details == "from ben" and now.item("E1").ratings_by["ana"]["H2"] == "II"
    assert now.item("E2").ratings_by == {"ana": {"H1": "I"}}
    assert now.item("E3").ratings_by == ben
    assert path.read_text() == dump_case_file(now)  # the file is the database's case
    record = store.history("team")[-1]
    assert isinstance(record, CaseSync) and record.conflicts[0].theirs == "CC"
    assert "both values of it kept in this record" in record.describe()
    assert set(record.touched()) == {"E1", "E3"}
    store.revert(result.record)  # undo: one change, the database as before (the file stays)
    assert content(store.case("team")) == content(mid)
    assert sync(store, path).conflicts == ()  # the next sync brings it back from the file
    assert content(store.case("team")) == content(now)
    steps = replay(store.case("team"), store.history("team"))
    assert content(steps.states[0].case) == content(before)  # the trail rewinds over syncs
    store.close()


def test_a_delete_against_a_change_keeps_the_change_and_a_delete_alone_deletes(
        synced: tuple[Store, Path]) -> None:
    store, path = synced
    store.update_evidence("team", store.evidence("team", "E1").model_copy(update={"title": "ours"}))
    edit_file(path, E1=None, E3=None)
    result = sync(store, path)
    [conflict] = result.conflicts
    assert conflict.text().startswith('evidence E1: ours changed (title "ours"), theirs deleted')
    assert conflict.text().endswith("theirs deleted (ours kept)")
    assert [e.id for e in store.case("team").evidence] == ["E1", "E2"]
    assert result.record is not None and result.record.counts() == "evidence 1 removed"
    assert result.record.conflicts[0].deleted == "theirs"
    store.close()


def test_the_base_survives_a_kill_and_a_reopen(synced: tuple[Store, Path]) -> None:
    store, path = synced
    base = store.sync_base("team")
    assert base is not None and base.text == path.read_text() and base.file == str(path)
    store._release()  # as if killed: the sync is in the journal only
    with Store.open(store.path, analyst="ana") as again:
        assert again.sync_base("team") == base
    with Store.open(store.path, analyst="ana") as again:  # folded into the file's synced table
        assert again.sync_base("team") == base
        edit_file(path, E2={"title": "theirs"})
        other_name = path.parent / "sub" / ".." / path.name
        (path.parent / "sub").mkdir()
        assert sync(again, other_name).conflicts == ()  # the same base: a three-way merge
        assert again.case("team").item("E2").title == "theirs"


def test_first_syncs_bring_the_case_in_or_merge_two_ways(tmp_path: Path) -> None:
    path, theirs = tmp_path / "case.json", team_case()
    path.write_text(dump_case_file(theirs), encoding="utf-8")
    with Store.open(tmp_path / "b.json", analyst="ben") as store:
        result = sync(store, path)
        assert result.first == FIRST_CASE and not result.wrote_file
        assert content(store.case("team")) == content(theirs)
        assert result.record is not None and result.record.creates
        store.set_rating("team", "E1", "H2", "I")
        steps = replay(store.case("team"), store.history("team"))  # the history starts there
        assert steps.complete and [s.record.op for s in steps.states if s.record] == ["case.sync", "rate"]
        out = store.revert(result.record)  # undo takes the case out again
        assert not store.has_case("team")
        store.revert(out)  # and redo brings it back as the file had it
        assert content(store.case("team")) == content(theirs)
    other = theirs.model_copy(update={"title": "Other title"})
    with Store.open(tmp_path / "c.json", analyst="cem") as store:
        store.put_case(other)
        result = sync(store, path)
        assert result.first == FIRST_BOTH
        assert [c.where for c in result.conflicts] == ["case title"]
        assert store.case("team").title == "Other title"


def test_bad_inputs_are_refused_with_database_and_file_untouched(synced: tuple[Store, Path]) -> None:
    store, path = synced
    folder = path.parent
    good = path.read_bytes()
    (folder / "damaged.json").write_bytes(good[:-30])
    (folder / "other.json").write_text(dump_case_file(team_case().model_copy(update={"id": "other"})))
    os.mkfifo(folder / "fifo")
    os.symlink(path, folder / "link.json")
    trail = len(store.history())
    for name, words in (("damaged.json", "FILE"), ("fifo", "FIFO"), ("link.json", "symbolic link"),
                        ("w.json", "the database"), ("nowhere/x.json", "no folder")):
        with pytest.raises(ImportFailed, match=words):
            sync(store, folder / name)
    with pytest.raises(ImportFailed, match="holds case 'other', not 'team'"):
        sync(store, folder / "other.json", "team")
    assert (folder / "damaged.json").read_bytes() == good[:-30] and path.read_bytes() == good
    assert len(store.history()) == trail
    assert read_sync_file(folder / "new.json", DbFiles.at(store.path)).doc is None
    store.close()


def test_a_deleted_case_put_back_keeps_its_sync_base(synced: tuple[Store, Path]) -> None:
    """Delete a synced case, undo it (the case switcher's u), and sync: a three-way merge
    against the base it had, not a first sync whose stale values would count as conflicts;
    the base survives a reopen (the restore is journalled with it), and the trail keeps the
    restore without the base's text."""
    store, path = synced
    base = store.sync_base("team")
    assert base is not None
    store.restore_case(store.delete_case("team"))
    assert store.sync_base("team") == base
    store.close()
    with Store.open(store.path, analyst="ana") as again:
        assert again.sync_base("team") == base
        edit_file(path, E2={"title": "theirs"})
        result = sync(again, path)
        assert result.first is None and result.conflicts == ()
        assert again.case("team").item("E2").title == "theirs"
        [restored] = [r for r in again.history("team") if r.op == "case.restore"]
        assert isinstance(restored, CaseRestore) and restored.synced is not None
        assert restored.synced.file == base.file and restored.synced.text is None


@pytest.mark.parametrize("text", ["5", "[]", "[" * 100_000 + "]" * 100_000, '{"case": 5}',
                                  '{"format": "weigh-case", "case": {"id": "team"}, "evidence": [1]}'])
def test_a_damaged_sync_base_is_no_base_never_a_traceback(synced: tuple[Store, Path], text: str) -> None:
    """Tester: a database whose sync base text was deeply nested JSON ended 'weigh sync' in a
    RecursionError traceback; JSON that is no case document would have failed further on.
    Like a base that is not JSON at all, it is taken as none: a two-way merge loses nothing."""
    import json

    store, path = synced
    db = store.path
    store.close()
    doc = json.loads(db.read_bytes())
    (key,) = doc["synced"]
    doc["synced"][key]["text"] = text
    db.write_text(json.dumps(doc))
    with Store.open(db, analyst="ana") as again:
        result = sync(again, path, "team")
    assert result.first == FIRST_SAME and result.conflicts == ()  # one case: none needed


def test_a_first_sync_of_ones_own_one_analyst_case_with_a_team_file_keeps_the_ratings_ones_own(
        tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(dump_case_file(team_case()), encoding="utf-8")  # ana's team file
    mine = team_case().model_copy(update={"analysts": [], "evidence": [
        Evidence(id="E1", title="item 1", ratings={"H1": "II", "H2": "C"}),
        Evidence(id="E2", title="item 2"), Evidence(id="E3", title="item 3")]})
    with Store.open(tmp_path / "b.json", analyst="ben") as store:
        store.put_case(mine)  # ben imported the case before it was a team's, and rated it
        result = sync(store, path)
        case = store.case("team")
    # was: ben's ratings became ana's votes, his II over her C (a conflict) and he no analyst
    assert result.first == FIRST_BOTH and result.conflicts == ()
    assert case.analysts == ["ana", "ben"]  # ben joins ana's team
    assert [e.ratings_by for e in case.evidence] == [
        {"ben": {"H1": "II", "H2": "C"}, "ana": {"H1": "C"}}, {"ana": {"H1": "C"}}, {"ana": {"H1": "C"}}]
    assert parse_case_file(path.read_bytes()).evidence == case.evidence


def test_the_undo_of_a_sync_that_renumbered_does_not_say_ours_is_now_renumbered(
        synced: tuple[Store, Path]) -> None:
    """Its undo puts ana's item back under its own id: its change log line said, as the sync's,
    'ours is now E5' (false once undone); it says the renumbering is undone. Its redo says
    again what the sync said."""
    store, path = synced
    store.add_evidence("team", Evidence(id="E4", title="tanks"))
    case = parse_case_file(path.read_bytes())
    path.write_text(dump_case_file(case.model_copy(
        update={"evidence": [*case.evidence, Evidence(id="E4", title="memo")]})), encoding="utf-8")
    result = sync(store, path)
    said = ('evidence E4 added on both sides as different items: ours is now E5 ("tanks"), '
            'theirs stays E4 ("memo")')
    assert result.record is not None and said in result.record.describe()
    undo = store.revert(result.record)
    assert [e.id for e in store.case("team").evidence] == ["E1", "E2", "E3", "E4"]
    assert "ours is now" not in undo.describe()
    assert 'evidence E5 back to E4 ("tanks"), theirs E4 ("memo") taken out' in undo.describe()
    assert said in store.revert(undo).describe()


def test_a_vote_on_an_item_the_file_renumbered_stays_on_that_item(synced: tuple[Store, Path]) -> None:
    """Ana synced her new E4 ("tanks") into the file; ben had added his own E4 ("memo"), and
    git's merge driver, pulling his, moved hers to E5 in the file. Her database still calls
    hers E4: a vote she gave it before her next sync landed on ben's memo (his E4, her E4 in
    the base), silently. The sync follows the file's renumbering: her vote stays on tanks."""
    store, path = synced
    store.add_evidence("team", Evidence(id="E4", title="tanks"))
    sync(store, path)
    pushed = parse_case_file(path.read_bytes())
    hers = pushed.item("E4")
    pulled = pushed.model_copy(update={"analysts": ["ana", "ben"], "evidence": [
        *pushed.evidence[:3], Evidence(id="E4", title="memo", ratings_by={"ben": {"H1": "CC"}}),
        hers.model_copy(update={"id": "E5"})]})  # what the driver wrote, ben's E4 kept
    path.write_text(dump_case_file(pulled), encoding="utf-8")
    store.set_rating("team", "E4", "H2", "II")  # on tanks, as her database numbers it
    result = sync(store, path)
    assert result.conflicts == ()
    case = store.case("team")
    assert [(e.id, e.title, e.ratings_by) for e in case.evidence[3:]] == [
        ("E4", "memo", {"ben": {"H1": "CC"}}), ("E5", "tanks", {"ana": {"H2": "II"}})]
    assert path.read_text() == dump_case_file(case)
