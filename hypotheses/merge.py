"""Three-way merge of two versions of one case file against their common base.

Pure: plain case-file documents (``evidence.case_file.case_file_dict``) in, one
document and its conflicts out. Every case field, hypothesis, item, indicator
and analyst cell (a rating or a note) is merged on its own, by one rule:
changed on one side → that side; on both to the same value → it; to
different values → a conflict that keeps OURS; added on one side → added;
deleted on one side and unchanged on the other → deleted; deleted on one and
changed on the other → a conflict that keeps the changed. Cells are keyed by
analyst, so two analysts' votes never meet. Rating a hypothesis changes it: one
deleted on one side and rated on the other is kept, a conflict; a hypothesis kept
against its deletion keeps its column as the other side has it, and an analyst who
left on one side and rated on the other stays, in their place. Two elements added
under one id (each database numbers its own) that differ beyond their cells are two:
OURS's (not yet shared) gets the next free id, so no vote lands on the other's item. That
is a note (``Renumbered``), not a conflict: both were added, and there is nothing to choose.
A renumbering THEIRS already holds (git's driver moved this side's element, which a sync's
database still numbers as before) is followed (``_moved``), so no vote lands there either.

A side that made a one-analyst case a team case moved its shared cells into
its first analyst's layer; the one-analyst documents are read the same way
before the merge (``in_layers``), so the other side's change to a shared cell
lands in that layer, or is a listed conflict, never a shared cell in a team case.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Final, NamedTuple

from hypotheses.slug import ID_PREFIX, next_id
from hypotheses.vocabulary import CASE_LISTS, first_few

ABSENT: Final = object()  # a field, cell or element a version does not have
# An item's maps merged key by key (a cell each), one or two levels deep.
_CELL_MAPS = {"ratings": 1, "notes": 1, "ratings_by": 2, "notes_by": 2}


class Conflict(NamedTuple):
    """Where the two sides changed one thing differently, and both values (ABSENT: deleted)."""

    where: str
    ours: Any
    theirs: Any

    def text(self) -> str:
        kept = "theirs" if self.ours is ABSENT else "ours"
        return f"{self.where}: ours {shown(self.ours)}, theirs {shown(self.theirs)} ({kept} kept)"


class Renumbered(NamedTuple):
    """Both sides added an element under one id (each database numbers its own): both are
    kept, OURS's under ``new``. Said, but no conflict: nothing was changed two ways, so there
    is nothing to choose, and a merge with only these succeeds (git must not stop on it)."""

    key: str  # the list: "hypotheses", "evidence" or "indicators"
    old: str
    new: str
    ours: Any  # each side's title (shown as the user knows the element)
    theirs: Any

    def text(self) -> str:
        return renumbered_text(self.key, self.old, self.new, self.ours, self.theirs)


def renumbered_text(key: str, old: str, new: str, ours: Any, theirs: Any, undone: bool = False) -> str:
    """A renumbering in words, laid out as a conflict line is, each side's title cut as a
    conflict's values are: 'evidence E5 added on both sides as different items: ours is now
    E9 ("tanks"), theirs stays E5 ("memo")'. One wording for weigh merge, weigh sync, the
    case switcher and the change log. ``undone``: the change log's line for the sync's undo,
    which puts ours back under its id ('evidence E9 back to E5 ("tanks"), theirs E5
    ("memo") taken out'): the sync's words there said ours still was E9."""
    if undone:
        return (f"{_LABEL.get(key, key)} {new} back to {old}{_titled(ours)}, "
                f"theirs {old}{_titled(theirs)} taken out")
    return (f"{_LABEL.get(key, key)} {old} added on both sides as different {_MANY.get(key, 'ones')}: "
            f"ours is now {new}{_titled(ours)}, theirs stays {old}{_titled(theirs)}")


def _titled(title: Any) -> str:
    return f" ({shown(title)})" if isinstance(title, str) else ""


class Merged(NamedTuple):
    doc: dict[str, Any]
    conflicts: tuple[Conflict, ...]
    #: elements added under one id on both sides: both kept, OURS's renumbered (not conflicts)
    renumbered: tuple[Renumbered, ...] = ()


#: The longest value a conflict line shows whole: two 100,000-character notes made one line of
#: 200,000 characters on a terminal (a git pull's); the file and the change log keep them whole.
SHOWN_LONGEST = 200


def shown(value: Any) -> str:
    """One side's value of a conflict as a user reads it: JSON on one line (``"CC"``,
    ``null``, ``false``, ``["a", "b"]``), a whole hypothesis, item or indicator (changed on
    this side, deleted on the other) by its title, and ``deleted``; a long one cut, with its
    length."""
    if value is ABSENT:
        return "deleted"
    if isinstance(value, Mapping):
        title = value.get("title")
        return f"changed (title {shown(title)})" if isinstance(title, str) else "changed"
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= SHOWN_LONGEST:
        return text
    size = f"{len(value):,} characters" if isinstance(value, str) else f"{len(text):,} characters of JSON"
    return f"{text[:SHOWN_LONGEST]}… ({size})"


def merge_case_docs(base: Mapping[str, Any], ours: Mapping[str, Any],
                    theirs: Mapping[str, Any], me: str | None = None) -> Merged:
    """OURS and THEIRS merged against BASE (documents of one case; nothing is changed in place).

    ``me``: the analyst whose one-analyst OURS is (a sync's database). With no BASE to show
    whose they were, its cells are then that analyst's layer against a team case THEIRS.
    """
    conflicts: list[Conflict] = []
    renumbered: list[Renumbered] = []
    joins = me if not base and not _analysts(ours) and _analysts(theirs) else None
    if joins is not None:
        ours = _as_team(ours, joins)
    if base:  # no base (both sides added the file, a first sync): every difference a conflict
        moved = _moved(base, theirs)
        if moved:
            renumbered += _followed(moved, ours, theirs)
            base, ours = _renamed(base, moved), _renamed(ours, moved)
        ours = _apart(base, ours, theirs, renumbered)
    owner = _made_solo(base, ours, theirs)
    if owner is not None:
        sides = tuple(_analysts(d) or ABSENT for d in (ours, theirs))
        ours, theirs = (_as_team(d, owner) for d in (ours, theirs))
    base, ours, theirs = in_layers(base, ours, theirs)
    doc: dict[str, Any] = {"format": ours.get("format"),
                           "version": max(ours.get("version", 1), theirs.get("version", 1))}
    doc["case"] = _merge_case(base.get("case", {}), ours.get("case", {}), theirs.get("case", {}),
                              conflicts)
    for key in CASE_LISTS:
        doc[key] = _merge_list(key, _list(base, key), _list(ours, key), _list(theirs, key), conflicts)
    _keep_rated(doc, ours, theirs, conflicts)
    _keep_columns(doc, ours, theirs)
    _keep_voters(doc, base, ours, theirs, conflicts)
    if joins is not None:  # the team was there first: ``me`` joins it
        doc["case"]["analysts"] = [*(a for a in doc["case"]["analysts"] if a != joins), joins]
    if owner is not None:
        _solo_again(doc, owner, sides, conflicts)
    return Merged(doc, tuple(conflicts), tuple(renumbered))


def _made_solo(base: Mapping[str, Any], ours: Mapping[str, Any],
               theirs: Mapping[str, Any]) -> str | None:
    """The analyst of a one-analyst team case (BASE) one side made a one-analyst case again
    (``make_solo``, or make-team undone) while the other is still a team case; else None."""
    owners = _analysts(base)
    if len(owners) != 1 or bool(_analysts(ours)) == bool(_analysts(theirs)):
        return None
    return owners[0]


def _as_team(doc: Mapping[str, Any], owner: str) -> Mapping[str, Any]:
    """A one-analyst ``doc`` as the team case of ``owner`` it was (its cells their layer)."""
    if _analysts(doc):
        return doc
    case = doc.get("case")
    return {**_lifted(doc, [owner], None), "case": {**(case if isinstance(case, Mapping) else {}),
                                                    "analysts": [owner]}}


def _solo_again(doc: dict[str, Any], owner: str, sides: tuple[Any, ...],
                conflicts: list[Conflict]) -> None:
    """The merge of a side made a one-analyst case again: one again, its analyst's layer the
    shared cells, unless others rated meanwhile (then it stays a team case: a conflict;
    ``sides``: each side's analysts, ABSENT on the one made a one-analyst case)."""
    if doc["case"].get("analysts") != [owner]:
        conflicts.append(Conflict("case analysts (made a one-analyst case on one side while others "
                                  "rated on the other: it stays a team case)", *sides))
        return
    del doc["case"]["analysts"]
    items = []
    for item in doc["evidence"]:  # copies: an item may be a dict the reader shares
        out = {k: v for k, v in item.items() if k not in ("ratings_by", "notes_by")}
        for key in ("ratings", "notes"):
            layer = _map(item.get(f"{key}_by")).get(owner)
            if layer:
                out[key] = dict(layer)
        items.append(out)
    doc["evidence"] = items


_LABEL = {"hypotheses": "hypothesis", "evidence": "evidence", "indicators": "indicator"}
_MANY = {"hypotheses": "hypotheses", "evidence": "items", "indicators": "indicators"}


def _apart(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any],
           renumbered: list[Renumbered]) -> Mapping[str, Any]:
    """OURS with each element both sides added under one id as different elements (ids are
    numbered per database, so two analysts' new items meet) given a fresh id: merged as one,
    the votes on one would land on the other. OURS's, not yet shared (the database's in a
    sync, the local branch's in git), so the id others may have already keeps its element.
    Each is listed in ``renumbered``."""
    renamed: dict[str, dict[str, str]] = {}
    for key in CASE_LISTS:
        b, o, t = _by_id(_list(base, key)), _by_id(_list(ours, key)), _by_id(_list(theirs, key))
        fresh: Iterator[str] | None = None
        for ident, element in o.items():
            if ident in b or ident not in t or _content(t[ident]) == _content(element):
                continue
            if fresh is None:  # after the highest number in use: each one taken once
                fresh = _numbered(ID_PREFIX[key], next_id(ID_PREFIX[key], [*b, *o, *t]))
            new = next(fresh)
            renamed.setdefault(key, {})[ident] = new
            renumbered.append(Renumbered(key, ident, new, element.get("title"), t[ident].get("title")))
    return _renamed(ours, renamed) if renamed else ours


def _moved(base: Mapping[str, Any], theirs: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The elements THEIRS renumbered (list → old id → new): what git's merge driver did to
    OURS's (:func:`_apart`) when this side's element met another under its id. Under its old
    id THEIRS holds another element now, under a new one BASE's element as it was. A sync's
    database still has the old id: merged by id, its votes since would land on the other's.
    Each is said as a renumbering (:func:`_followed`): the database learns of it here.
    An indicator moved with the item it was observed as points at the item's new id there: it
    is compared with BASE's pointing there too (the lists come in CASE_LISTS's order, the
    evidence before the indicators)."""
    moved: dict[str, dict[str, str]] = {}
    for key in CASE_LISTS:
        followed = _renamed(base, {"evidence": moved["evidence"]}) if "evidence" in moved else base
        b, t = _by_id(_list(followed, key)), _by_id(_list(theirs, key))
        added = {i: _content(e) | {"id": None} for i, e in t.items() if i not in b}
        for ident, element in b.items():
            was = _content(element) | {"id": None}
            if ident not in t or _content(t[ident]) | {"id": None} == was:
                continue
            new = next((i for i, e in added.items() if e == was), None)
            if new is not None:
                moved.setdefault(key, {})[ident] = new
                del added[new]
    return moved


def _followed(moved: dict[str, dict[str, str]], ours: Mapping[str, Any],
              theirs: Mapping[str, Any]) -> list[Renumbered]:
    """Each of OURS's elements THEIRS renumbered (:func:`_moved`), said as :func:`_apart`'s
    are: OURS learns of it here (a sync's database), where it still had the old id."""
    out = []
    for key, ids in moved.items():
        o, t = _by_id(_list(ours, key)), _by_id(_list(theirs, key))
        out += [Renumbered(key, old, new, o[old].get("title"), t[old].get("title"))
                for old, new in ids.items() if old in o]
    return out


def _numbered(prefix: str, first: str) -> Iterator[str]:
    """``first`` (``<prefix><n>``), then each next number."""
    n = int(first.removeprefix(prefix))
    while True:
        yield f"{prefix}{n}"
        n += 1


def _content(element: Mapping[str, Any]) -> dict[str, Any]:
    """An element without its cells (whose votes may differ on one item)."""
    return {k: v for k, v in element.items() if k not in _CELL_MAPS}


def _renamed(doc: Mapping[str, Any], renamed: dict[str, dict[str, str]]) -> dict[str, Any]:
    """``doc`` with ids renamed (list → old id → new), and every reference to them."""
    hyp, ev, ind = (renamed.get(key, {}) for key in CASE_LISTS)

    def keyed(cells: Any, depth: int) -> Any:
        if not isinstance(cells, Mapping):
            return cells
        if depth > 1:
            return {a: keyed(layer, depth - 1) for a, layer in cells.items()}
        return {hyp.get(h, h): v for h, v in cells.items()}

    def element(key: str, e: Any, ids: dict[str, str]) -> Any:
        if not isinstance(e, Mapping):
            return e
        out = {k: keyed(v, _CELL_MAPS[k]) if k in _CELL_MAPS else v for k, v in e.items()}
        if e.get("id") in ids:
            out["id"] = ids[e["id"]]
        if key == "indicators" and out.get("evidence_id") in ev:
            out["evidence_id"] = ev[out["evidence_id"]]
        return out

    return {**doc, **{key: [element(key, e, ids) for e in _list(doc, key)]
                      for key, ids in zip(CASE_LISTS, (hyp, ev, ind), strict=True)}}


def _keep_rated(doc: dict[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any],
                conflicts: list[Conflict]) -> None:
    """A hypothesis one side deleted while the other rated it (a vote, a note, an indicator's
    rating) is kept, from the side that has it, as a conflict: a change beats a deletion."""
    have = {h["id"] for h in doc["hypotheses"]}
    rated: dict[str, dict[str, None]] = {}  # a missing hypothesis → where it is rated
    for key in ("evidence", "indicators"):
        for e in _list(doc, key):
            for field, depth in _CELL_MAPS.items():
                for hid in _cell_ids(e.get(field), depth) - have:
                    rated.setdefault(hid, {})[f"{_LABEL[key]} {e['id']}"] = None
    o, t = _by_id(_list(ours, "hypotheses")), _by_id(_list(theirs, "hypotheses"))
    for hid, places in rated.items():
        kept = o.get(hid, t.get(hid))
        if kept is None:
            continue
        side = _list(ours if hid in o else theirs, "hypotheses")
        before = [h.get("id") for h in side[:side.index(kept)]]
        at = max((i + 1 for i, h in enumerate(doc["hypotheses"]) if h["id"] in before), default=0)
        doc["hypotheses"].insert(at, kept)
        conflicts.append(Conflict(
            f"hypothesis {hid} (deleted on one side, rated on the other: {first_few(list(places), 3)})",
            o.get(hid, ABSENT), t.get(hid, ABSENT)))


def _keep_columns(doc: dict[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> None:
    """A hypothesis in the merge that one side does not have keeps its column as the other side
    has it: one deleted on a side took its cells with it, and kept (changed or rated on the
    other) it must not come back empty."""
    sides = [(side, {h["id"] for h in _list(other, "hypotheses") if isinstance(h, Mapping)})
             for side, other in ((theirs, ours), (ours, theirs))]
    for side, other_has in sides:
        hids = [h["id"] for h in doc["hypotheses"] if h["id"] not in other_has]
        if not hids:
            continue
        for key in ("evidence", "indicators"):
            keeping = _by_id(_list(side, key))
            items = _list(doc, key)
            for i, e in enumerate(items):
                k = keeping.get(e["id"])
                if k is not None:
                    items[i] = _with_cells(e, k, hids)


def _with_cells(item: Mapping[str, Any], source: Mapping[str, Any], hids: list[str]) -> dict[str, Any]:
    """A copy of ``item`` (never changed: it may be a dict the reader shares between the
    versions) given ``source``'s cells of the ``hids`` columns, in each map and layer."""
    out = dict(item)
    for field, depth in _CELL_MAPS.items():
        maps = list(_map(source.get(field)).items()) if depth > 1 else [(None, source.get(field))]
        for who, cells in maps:
            column = {h: v for h, v in _map(cells).items() if h in hids}
            if not column:
                continue
            if who is None:
                out[field] = {**_map(out.get(field)), **column}
            else:
                layers = dict(_map(out.get(field)))
                layers[who] = {**_map(layers.get(who)), **column}
                out[field] = layers
    return out


def _keep_voters(doc: dict[str, Any], base: Mapping[str, Any], ours: Mapping[str, Any],
                 theirs: Mapping[str, Any], conflicts: list[Conflict]) -> None:
    """An analyst one side dropped (their first vote undone) whose cells the other side changed
    stays, a conflict: a change beats a deletion. They keep their place (``joined_order``, as
    if they had not left), not the end of the list."""
    listed = doc["case"].get("analysts")
    if not isinstance(listed, list):
        return
    voters = {a for e in doc["evidence"] for key in ("ratings_by", "notes_by") for a in _map(e.get(key))}
    kept = set(listed)
    for analyst in dict.fromkeys([*_analysts(ours), *_analysts(theirs)]):
        if analyst in voters and analyst not in kept:
            kept.add(analyst)
            conflicts.append(Conflict(
                f"case analysts {analyst} (left on one side, rated on the other)",
                *(analyst if analyst in _analysts(side) else ABSENT for side in (ours, theirs))))
    if len(kept) > len(listed):
        doc["case"]["analysts"] = joined_order(*([a for a in _analysts(d) if a in kept]
                                                 for d in (base, ours, theirs)))


def _cell_ids(cells: Any, depth: int) -> set[str]:
    """The hypothesis ids a map of cells (or of analysts' maps) names."""
    if not isinstance(cells, Mapping):
        return set()
    if depth > 1:
        return set().union(*(_cell_ids(layer, depth - 1) for layer in cells.values()))
    return set(cells)


def in_layers(base: Mapping[str, Any], ours: Mapping[str, Any],
              theirs: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The three documents as the side(s) that made the case a team case see them.

    BASE a one-analyst case and a side a team case: that side's first analyst (the one
    who asked, ``make_team``) owns the shared cells. Each one-analyst document's cells
    become the layer of every such owner; a team side without another owner's layer is
    given BASE's cells there (what it never changed).
    """
    if _analysts(base) or not (_analysts(ours) or _analysts(theirs)):
        return base, ours, theirs
    owners = list(dict.fromkeys(a[0] for a in (_analysts(ours), _analysts(theirs)) if a))
    shared = {ident: _cells(e) for ident, e in _by_id(_list(base, "evidence")).items()}
    return tuple(_lifted(d, owners, shared if _analysts(d) else None) for d in (base, ours, theirs))


def _analysts(doc: Mapping[str, Any]) -> list[str]:
    case = doc.get("case")
    analysts = case.get("analysts") if isinstance(case, Mapping) else None
    return [a for a in analysts if isinstance(a, str)] if isinstance(analysts, list) else []


def _cells(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item's shared cells by map: ``{"ratings": …, "notes": …}`` (the non-empty ones)."""
    return {key: cells for key in ("ratings", "notes")
            if isinstance(cells := item.get(key), Mapping) and cells}


def _lifted(doc: Mapping[str, Any], owners: list[str],
            base_cells: dict[str, dict[str, Any]] | None) -> Mapping[str, Any]:
    """A one-analyst ``doc`` (``base_cells`` None) with its shared cells as each owner's layer;
    a team ``doc`` with BASE's cells as the layer of each owner it does not list (those of
    the hypotheses it still has: one it deleted took its cells with it)."""
    missing = [a for a in owners if a not in _analysts(doc)]
    if base_cells is not None and not missing:
        return doc
    hids = {h.get("id") for h in _list(doc, "hypotheses") if isinstance(h, Mapping)}
    items = []
    for item in _list(doc, "evidence"):
        if isinstance(item, Mapping):
            ident = item.get("id")
            if base_cells is None:
                item = _with_layers({k: v for k, v in item.items() if k not in ("ratings", "notes")},
                                    _cells(item), owners)
            elif isinstance(ident, str) and ident in base_cells:
                kept = {key: column for key, cells in base_cells[ident].items()
                        if (column := {h: v for h, v in cells.items() if h in hids})}
                item = _with_layers(dict(item), kept, missing)
        items.append(item)
    return {**doc, "evidence": items}


def _with_layers(item: dict[str, Any], cells: dict[str, Any], analysts: list[str]) -> dict[str, Any]:
    """``item`` given ``cells`` (shared maps) as the layer of each of ``analysts`` it lacks."""
    for key, layer in cells.items():
        layers = dict(_map(item.get(f"{key}_by")))
        layers.update((a, layer) for a in analysts if a not in layers)
        item[f"{key}_by"] = layers
    return item


def merge_value(base: Any, ours: Any, theirs: Any, where: str,
                conflicts: list[Conflict]) -> Any:
    """One field or cell by the rule (ABSENT for a missing one)."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    conflicts.append(Conflict(where, ours, theirs))
    return theirs if ours is ABSENT else ours  # deleted against changed keeps the changed


def _merge_case(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any],
                conflicts: list[Conflict]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _keys(ours, theirs, base):
        b, o, t = base.get(key, ABSENT), ours.get(key, ABSENT), theirs.get(key, ABSENT)
        if key == "analysts":
            value: Any = _merge_ids(b if b is not ABSENT else [], o if o is not ABSENT else [],
                                    t if t is not ABSENT else [])
        elif key in ("created", "updated") and o is not ABSENT and t is not ABSENT and o != t:
            # the first creation, the later edit: a timestamp is not the analysts' content
            value = min(o, t) if key == "created" else max(o, t)
        else:
            value = merge_value(b, o, t, f"case {key}", conflicts)
        if value is not ABSENT:
            out[key] = value
    return out


def _merge_ids(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    """Analysts who joined on either side stay; one who left on a side the other did not
    touch is gone. In the order they joined as far as the files tell (``joined_order``), so
    whichever side merges the other's file, the lenses come in one order."""
    gone = {a for a in base if a not in ours or a not in theirs}
    return joined_order(*([a for a in ids if a not in gone] for ids in (base, ours, theirs)))


def joined_order(*lists: list[str]) -> list[str]:
    """Every id of ``lists`` once, each list's order kept: BASE's analysts, then those who
    joined since. A case file records no time of joining, only each side's list, so nothing
    orders analysts who joined on different sides since BASE: they come by name (each side's
    still in its own order), never by which side is OURS, which would list them differently
    as ana merged ben's file or ben ana's. Where the lists order two ids both ways (never in
    weigh's own files), by name too."""
    at = [{a: i for i, a in enumerate(ids)} for ids in lists]
    nexts = [0] * len(lists)
    out: list[str] = []
    placed: set[str] = set()
    while True:
        heads = []
        for k, ids in enumerate(lists):
            while nexts[k] < len(ids) and ids[nexts[k]] in placed:
                nexts[k] += 1
            if nexts[k] < len(ids):
                heads.append(ids[nexts[k]])
        if not heads:
            return out
        free = [a for a in heads if all(at[k].get(a, nexts[k]) == nexts[k] for k in range(len(lists)))]
        pick = min(free or heads)  # free: no list has it behind another id still to come
        out.append(pick)
        placed.add(pick)


def _merge_list(key: str, base: list[Any], ours: list[Any], theirs: list[Any],
                conflicts: list[Conflict]) -> list[Any]:
    """Elements by id: OURS's order, then what THEIRS added in its order."""
    b, o, t = _by_id(base), _by_id(ours), _by_id(theirs)
    label = _LABEL[key]
    out: list[Any] = []
    for ident in list(o) + [i for i in t if i not in o]:
        where = f"{label} {ident}"
        bo, oo, to = b.get(ident, ABSENT), o.get(ident, ABSENT), t.get(ident, ABSENT)
        if oo is not ABSENT and to is not ABSENT:
            kept = _unmerged(bo, oo, to)
            if kept is not None:
                out.append(kept)
                continue
            out.append(_merge_element(bo if bo is not ABSENT else {}, oo, to, where, conflicts))
            continue
        kept = merge_value(bo, oo, to, where, conflicts)
        if kept is not ABSENT:
            out.append(kept)
    return out


def _unmerged(base: Any, ours: Any, theirs: Any) -> Any:
    """The element by the rule when a side left it as it was in BASE (or both made it the same),
    as it is: what merging its fields would give, but no empty layer map (never written)."""
    if ours == theirs or theirs == base:
        kept = ours
    elif ours == base:
        kept = theirs
    else:
        return None
    return None if any(key in kept and not kept[key] for key in ("ratings_by", "notes_by")) else kept


def _merge_element(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any],
                   where: str, conflicts: list[Conflict]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _keys(ours, theirs, base):
        b, o, t = base.get(key, ABSENT), ours.get(key, ABSENT), theirs.get(key, ABSENT)
        depth = _CELL_MAPS.get(key)
        if depth is not None:
            value: Any = _merge_map(_map(b), _map(o), _map(t), depth, f"{where} {key}", conflicts)
            if not value:  # an empty map is the default: left out, so a side made a team case
                continue   # (its shared cells now layers) leaves no shared key behind
        else:
            value = merge_value(b, o, t, f"{where} {key}", conflicts)
        if value is not ABSENT:
            out[key] = value
    return out


def _merge_map(base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any],
               depth: int, where: str, conflicts: list[Conflict]) -> dict[str, Any]:
    """A map of cells (or of analysts' maps of cells) merged key by key."""
    out: dict[str, Any] = {}
    for key in _keys(ours, theirs, base):
        b, o, t = base.get(key, ABSENT), ours.get(key, ABSENT), theirs.get(key, ABSENT)
        if depth > 1:
            value: Any = _merge_map(_map(b), _map(o), _map(t), depth - 1, f"{where} {key}", conflicts)
            if not value:
                continue
        else:
            value = merge_value(b, o, t, f"{where} {key}", conflicts)
        if value is not ABSENT:
            out[key] = value
    return out


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(doc: Mapping[str, Any], key: str) -> list[Any]:
    value = doc.get(key)
    return value if isinstance(value, list) else []


def _keys(*maps: Mapping[str, Any]) -> list[str]:
    """Every key of the maps, in the order first seen."""
    return list(dict.fromkeys(key for m in maps for key in m))


def _by_id(elements: list[Any]) -> dict[str, Any]:
    return {e["id"]: e for e in elements if isinstance(e, Mapping) and "id" in e}
