"""`weigh sync FILE`: the database's case and a shared case file brought together both ways.

The base is the case as last synced with that file (kept in the database, the
``synced`` table, as the file's text then). The database's case (OURS) and the
file (THEIRS) are merged against it by ``weigh merge``'s rules
(``evidence.case_merge.merge_docs``); the file is replaced atomically with the
result in the canonical layout, then the database gets it as one recorded change
(``case.sync``) that also keeps the file's values of every conflict. The file is
written first: if the database's change then fails, the next sync merges again
from the old base and loses nothing (the other order could take the file's
stale copy for a change).

A first sync (no base for this file): no file → the file is written from the
case; no such case → the file's case is brought in; both holding the same case
(an import of the file, then its first sync) → nothing to merge, the file's case
kept as it is; the bundled case (a first workbench seeds it, under the id a team's
case made from it shares) → merged three ways against the case as weigh ships it, so
the seeded values are nobody's change: untouched, the file's case is taken as it is,
and what the database's analyst changed since is theirs (merged two ways, the seeded
values were conflicts kept over the team's changes, and the seeded ratings the
joining analyst's votes); both, different → merged two ways, against an empty base, so
every difference is a conflict (the database's value kept) and nothing is
deleted. Without a base weigh cannot tell a colleague's change from a stale copy,
so only the same case on both sides is taken as one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from evidence.analyst import NoAnalyst
from evidence.case_file import case_file_dict, dump_case_file
from evidence.case_merge import doc_of, merge_docs
from evidence.case_state import SyncBase
from evidence.db_files import SYNC_FILE, DbFiles, export_target_problem
from evidence.errors import ImportFailed
from evidence.export import write_file
from evidence.limits import read_import_file
from evidence.location import home_expanded, typed_folder_problem
from evidence.lock import FolderLock
from evidence.operations import CaseSync, SyncConflict, SyncRenumbered, SyncSide
from hypotheses.merge import ABSENT, Conflict, Merged, Renumbered
from hypotheses.vocabulary import CASE_LISTS

if TYPE_CHECKING:
    from evidence.store import Store
    from hypotheses.models import Case

FIRST_FILE = "the file did not exist: written from the database's case"
FIRST_CASE = "first sync: the case was not in the database; brought in from the file"
FIRST_BOTH = ("first sync of this case with this file (no base): merged two ways, so every "
              "difference is a conflict (the database's value kept) and nothing is deleted")
FIRST_SAME = ("first sync of this case with this file: both hold the same case, which the next "
              "sync merges against")
FIRST_BUNDLED = ("first sync of this case with this file: merged against the case as weigh ships it "
                 "(the database's was seeded from it), so only what each side changed since counts")


@dataclass(frozen=True)
class SyncResult:
    case_id: str
    file: Path
    conflicts: tuple[Conflict, ...]
    record: CaseSync | None  # None: the database already held the merged case and base
    wrote_file: bool
    first: str | None  # how a first sync went (None: merged against the last synced base)
    #: the database's elements moved to a new id, the file having added others under theirs
    renumbered: tuple[Renumbered, ...] = ()

    def summary(self) -> str:
        """One line for the user: what changed where."""
        db = self.record.counts() if self.record is not None else "nothing"
        if self.record is not None and db == "nothing in the database":
            db = "nothing (the sync base only)"
        made = "written" if self.first == FIRST_FILE else "rewritten"  # a first file was made, not redone
        file = f"{self.file} {made}" if self.wrote_file else f"{self.file} unchanged"
        return f"Synced case {self.case_id}: database: {db}; {file}."


def sync_path(path: Path) -> Path:
    """The file's path with its folder's resolved (``..``, links), so one file is one base
    however it is named; the file itself is not resolved (a link there is refused)."""
    path = home_expanded(path)
    return Path(os.path.realpath(path.parent)) / path.name


@dataclass(frozen=True)
class SyncFile:
    """The shared file as read: its path, validated document and bytes (None: no file yet)."""

    path: Path
    doc: dict[str, Any] | None
    data: bytes | None = None


def read_sync_file(typed: str | os.PathLike[str], db: DbFiles, known: SyncFile | None = None) -> SyncFile:
    """Read and validate the file; anything but a regular file (or one of the database's own
    files) is refused before it is read. Done before the writer lock is taken, and again by
    :func:`sync_case` under the folder's lock (``known``: the file as read first, whose
    document is reused when the bytes are the same). ``typed``: as the user typed it (a final
    '/' names a folder)."""
    folder = typed_folder_problem(os.fspath(typed))
    if folder is not None:
        raise ImportFailed(folder)
    path = sync_path(Path(typed))
    problem = export_target_problem(path, db, SYNC_FILE)
    if problem is not None:
        raise ImportFailed(problem)
    if not os.path.lexists(path):
        if not path.parent.is_dir():
            raise ImportFailed(f"{path}: no such file, and no folder {path.parent} to write it in")
        return SyncFile(path, None)
    data = read_import_file(path, f"FILE {path}", SYNC_FILE.only_regular)
    if known is not None and known.path == path and known.data == data:
        return known
    return SyncFile(path, doc_of(data, path, "FILE"), data)


def sync_case(store: Store, file: SyncFile, case_id: str | None = None,
              waiting: Callable[[], None] | None = None) -> SyncResult:
    """Sync the database's case ``case_id`` (default: the file's) with the file.

    The file's folder is locked (:class:`FolderLock`) from reading the file to replacing
    it and recording the sync, so another weigh's sync of it cannot come between and be
    overwritten; the file is read again under the lock. While another holds it: SyncBusy,
    or with ``waiting`` that is called and the sync waits its turn.
    Every input is checked before anything is written; a bad one raises ImportFailed.
    """
    with FolderLock.acquire(file.path.parent, waiting):
        return _sync_locked(store, read_sync_file(file.path, store.files, file), case_id)


def _sync_locked(store: Store, file: SyncFile, case_id: str | None) -> SyncResult:
    path, doc = file.path, file.doc
    file_id = doc["case"]["id"] if doc else None
    if case_id is None:
        case_id = file_id
    if case_id is None:
        raise ImportFailed(f"{path}: no such file; name the case to write there with --case ID")
    if file_id is not None and file_id != case_id:
        raise ImportFailed(f"{path}: holds case {file_id!r}, not {case_id!r}; a sync keeps one "
                           "case and its file together")
    ours = store.case(case_id) if store.has_case(case_id) else None
    if ours is None and doc is None:
        raise ImportFailed(f"no case {case_id!r} in {store.path} and no file {path}")
    base = store.sync_base(case_id)
    merged, merge, first = _merge(ours, doc, base, str(path), _me(store))
    conflicts, renumbered = (merge.conflicts, merge.renumbered) if merge is not None else ((), ())
    text = dump_case_file(merged)
    wrote = _write(path, text, store)  # the file first (see the module's doc)
    record = store.record_sync(case_id, ours, _sides(ours, merged, str(path), text, base),
                               str(path), [_conflict(c) for c in conflicts],
                               [SyncRenumbered(**r._asdict()) for r in renumbered])
    return SyncResult(case_id, path, conflicts, record, wrote, first, renumbered)


def _me(store: Store) -> str | None:
    """Whose the database's one-analyst ratings are (None: no login name says)."""
    try:
        return store.analyst
    except NoAnalyst:
        return None


def _merge(ours: Case | None, theirs: dict[str, Any] | None, base: SyncBase | None,
           file: str, me: str | None) -> tuple[Case, Merged | None, str | None]:
    """The merged case, the merge whole (its renumberings are said and recorded as well as its
    conflicts; None for a new file, where nothing was merged) and how a first sync went."""
    if theirs is None:
        assert ours is not None
        return ours, None, FIRST_FILE
    if ours is None:
        case, merged = merge_docs({}, theirs, theirs)
        return case, merged, FIRST_CASE
    base_doc, ours_doc = _base_doc(base, file), case_file_dict(ours)
    if not base_doc and _same_case(ours_doc, theirs):
        case, merged = merge_docs({}, theirs, theirs)  # the file's, its time of change too: untouched
        return case, merged, FIRST_SAME
    shipped = {} if base_doc else _shipped(ours_doc)
    if shipped:
        ours_doc = _joining(ours_doc, shipped, theirs, me)
    case, merged = merge_docs(base_doc or shipped, ours_doc, theirs, me)
    first = None if base_doc else FIRST_BUNDLED if shipped else FIRST_BOTH
    return _file_order(case, theirs), merged, first


def _same_case(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Whether the database's case and the file are one case, the time of the last change aside
    (an import stamps its own): what a first sync can take as its base without guessing. Equal
    as the merge compares them, so any difference at all is merged two ways, as before."""
    def bare(doc: dict[str, Any]) -> dict[str, Any]:
        return {**doc, "case": {k: v for k, v in doc["case"].items() if k != "updated"}}
    return bare(ours) == bare(theirs)


def _shipped(ours: dict[str, Any]) -> dict[str, Any]:
    """The bundled case as weigh ships it, when the database's case is that case (its id): the
    base of a first sync with a team's file made from it ({} for any other case). What a first
    workbench seeded is then nobody's change, and what its analyst did since is theirs."""
    from evidence.seed import DEFAULT_CASE_ID, default_case  # the bundled file: read only here

    if ours["case"]["id"] != DEFAULT_CASE_ID:
        return {}
    shipped = case_file_dict(default_case())
    # stamped when it was read: the database's own times are no change of its analyst's
    shipped["case"] = {**shipped["case"], **{k: ours["case"][k] for k in ("created", "updated")}}
    return shipped


def _joining(ours: dict[str, Any], shipped: dict[str, Any], theirs: dict[str, Any],
             me: str | None) -> dict[str, Any]:
    """A one-analyst case seeded from the bundled one, joining a team's file made from it: the
    seeded cells stay the layer of the analyst who made the team (as the file has them), and
    the cells ``me`` set since are ``me``'s votes (a seeded cell ``me`` cleared stays theirs).
    Read as it was, every change of ``me``'s would land in that analyst's layer. A copy its
    analyst alone made a team case holds the seeded cells in their layer: read the same way,
    else each seeded rating would be their vote."""
    owners, mine = theirs.get("case", {}).get("analysts") or [], ours["case"].get("analysts") or []
    me = mine[0] if len(mine) == 1 else me
    if len(mine) > 1 or not owners or me is None or me == owners[0]:
        return ours  # a team case of others too, a one-analyst file, or the team's maker
    owner, seeded = owners[0], {e["id"]: e for e in shipped["evidence"]}
    hids = {h["id"] for h in ours["hypotheses"]}
    items, voted = [], False
    for item in ours["evidence"]:
        base = seeded.get(item["id"], {})
        joined = {k: v for k, v in item.items() if k not in ("ratings", "notes", "ratings_by", "notes_by")}
        for key in ("ratings", "notes"):
            first = {h: v for h, v in (base.get(key) or {}).items() if h in hids}
            layers = {owner: first} if first else {}
            cells = item.get(key) or (item.get(f"{key}_by") or {}).get(me) or {}
            if changed := {h: v for h, v in cells.items() if first.get(h) != v}:
                layers[me], voted = changed, True
            if layers:
                joined[f"{key}_by"] = layers
        items.append(joined)
    return {**ours, "version": max(ours.get("version", 1), 3),
            "case": {**ours["case"], "analysts": [owner, me] if voted else [owner]}, "evidence": items}


def _file_order(case: Case, theirs: dict[str, Any]) -> Case:
    """The merged case in the shared file's order (what only the database has after it), so
    analysts who sync one file converge on one order instead of rewriting it each time."""
    def ordered(items: list[Any], ids: list[str], key: Any) -> list[Any]:
        """``items`` in the order of ``ids``; one not there goes after the one before it."""
        present = {key(x): x for x in items}
        out = [i for i in ids if i in present]
        placed, before = set(out), None
        for k in present:
            if k not in placed:
                out.insert(out.index(before) + 1 if before is not None else 0, k)
                placed.add(k)
            before = k
        return [present[k] for k in out]

    update: dict[str, Any] = {"analysts": ordered(case.analysts, theirs["case"].get("analysts", []),
                                                  lambda a: a)}
    for name in CASE_LISTS:
        update[name] = ordered(getattr(case, name), [e["id"] for e in theirs.get(name, [])],
                               lambda e: e.id)
    return case.model_copy(update=update)


def _base_doc(base: SyncBase | None, file: str) -> dict[str, Any]:
    """The base document, if this case was last synced with this file ({} otherwise)."""
    if base is None or base.file != file or base.text is None:
        return {}
    try:
        doc = json.loads(base.text)
    except (ValueError, RecursionError):
        return {}  # cannot happen to text weigh wrote; a two-way merge loses nothing
    return doc if _a_case_document(doc) else {}  # damaged the same way: no base


def _a_case_document(doc: Any) -> bool:
    """Whether a base has the shape a merge walks: a case object and lists of elements with ids."""
    if not isinstance(doc, dict) or not isinstance(doc.get("case"), dict):
        return False
    lists = [doc.get(name, []) for name in CASE_LISTS]
    return all(isinstance(items, list) and all(isinstance(e, dict) and isinstance(e.get("id"), str)
                                               for e in items) for items in lists)


def _write(path: Path, text: str, store: Store) -> bool:
    """Replace the file with ``text`` unless it holds exactly that already."""
    data = text.encode("utf-8")
    if os.path.lexists(path) and read_import_file(path) == data:  # never blocks on a FIFO
        return False
    write_file(path, data, store.files, SYNC_FILE)
    return True


def _sides(ours: Case | None, merged: Case, file: str, text: str,
           base: SyncBase | None) -> tuple[SyncSide, SyncSide]:
    """What the database's change holds: (old, new), each only what differs."""
    synced = SyncBase(file=file, text=text)
    if ours is None:
        new = SyncSide(info=merged.info, synced=synced, hypotheses=list(merged.hypotheses),
                       evidence=list(merged.evidence), indicators=list(merged.indicators),
                       order={n: [e.id for e in getattr(merged, n)] for n in CASE_LISTS})
        return SyncSide(absent=True), new
    old: dict[str, Any] = {"synced": base}
    new_: dict[str, Any] = {"synced": synced}
    if ours.info != merged.info:
        old["info"], new_["info"] = ours.info, merged.info
    for name in CASE_LISTS:
        before, after = getattr(ours, name), getattr(merged, name)
        was = {e.id: e for e in before}
        now = {e.id: e for e in after}
        old[name] = [e for e in before if now.get(e.id) != e]
        new_[name] = [e for e in after if was.get(e.id) != e]
        if [e.id for e in before] != [e.id for e in after]:
            old["order"] = {**old.get("order", {}), name: [e.id for e in before]}
            new_["order"] = {**new_.get("order", {}), name: [e.id for e in after]}
    return SyncSide(**old), SyncSide(**new_)


def _conflict(c: Conflict) -> SyncConflict:
    deleted: Literal["ours", "theirs"] | None = (
        "ours" if c.ours is ABSENT else "theirs" if c.theirs is ABSENT else None)
    return SyncConflict(where=c.where, deleted=deleted,
                        ours=None if c.ours is ABSENT else c.ours,
                        theirs=None if c.theirs is ABSENT else c.theirs)
