"""The records' schema: its number (the database file's too), and older records in today's shape.

The database's migrations and the journal's replay upgrade records through
:func:`upgrade_record` before they are typed (``evidence.operations``); an edit
record keeps only the fields that changed (:func:`diff`).
"""

from __future__ import annotations

from typing import Any

from hypotheses.visible import visible

# 3: a sync's record may hold ``renumbered`` and, undoing a sync, ``undoes``, which a weigh
# of schema 2 cannot read: the number tells it a newer weigh wrote them.
RECORD_SCHEMA = 3
QUOTED = 40  # how much of a value that is no schema number an error quotes


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that differ between two JSON dumps: (changes, before)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: new[k] for k in keys}, {k: old.get(k) for k in keys}


def upgrade_record(raw: dict[str, Any]) -> dict[str, Any]:
    """A record as an older weigh wrote it, in today's shape (pure: returns a new dict).

    Schema 1 (no ``v``) kept an edited item or hypothesis whole, twice
    (``doc`` and ``old``); schema 2 keeps only the fields that changed. Schema 3
    only adds optional fields to ``case.sync``: a schema 2 record reads as it is.
    """
    version = raw.get("v", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"record schema {visible(repr(version)[:QUOTED])} is not one weigh wrote")
    if version > RECORD_SCHEMA:
        raise ValueError(f"record schema {version} is newer than this weigh reads ({RECORD_SCHEMA})")
    if version >= RECORD_SCHEMA:
        return raw
    rec = dict(raw)
    if version == 1:  # a schema 2 record has its edit's fields in their shape already
        _upgrade_edit(rec)
    rec["v"] = RECORD_SCHEMA
    return rec


def _upgrade_edit(rec: dict[str, Any]) -> None:
    """A schema 1 edit record's whole item (or details) before and after as the changed fields.
    A field that is no object is left as it is, for the record's check to refuse in words."""
    if rec.get("op") in ("ev.update", "hyp.update") and "doc" in rec:
        new, old = rec.get("doc"), rec.get("old") or {}
        if isinstance(new, dict) and isinstance(old, dict):
            del rec["doc"]
            rec["new"], rec["old"] = diff(old, new)
    elif rec.get("op") == "case.info":
        new, old = rec.get("new") or {}, rec.get("old") or {}
        if isinstance(new, dict) and isinstance(old, dict):
            rec["new"], rec["old"] = diff(old, new)
