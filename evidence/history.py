"""The audit trail in words: one line per recorded change."""

from __future__ import annotations

from typing import Any


def _when(rec: dict[str, Any]) -> str:
    return str(rec.get("ts", "")).replace("T", " ").removesuffix("+00:00") + " UTC"


def _fields_changed(old: dict[str, Any], new: dict[str, Any]) -> str:
    changed = [k for k in new if old.get(k) != new.get(k)]
    return ", ".join(changed) or "nothing"


def describe_change(rec: dict[str, Any]) -> str:
    """E.g. '2026-11-26 06:21:37 UTC  rating E4 × H2: C → II'."""
    op = rec.get("op")
    what: str
    if op == "rate":
        what = f"rating {rec['id']} × {rec['hyp']}: {rec.get('old') or 'unrated'} → {rec.get('new') or 'unrated'}"
    elif op == "exclude":
        what = f"{rec['id']} {'excluded from' if rec.get('new') else 'restored to'} scoring"
    elif op == "ev.add":
        what = f"added evidence {rec['id']}: {rec['doc'].get('title', '')}"
    elif op == "ev.update":
        what = f"edited evidence {rec['id']} ({_fields_changed(rec.get('old') or {}, rec['doc'])})"
    elif op == "ev.delete":
        what = f"deleted evidence {rec['id']}: {(rec.get('old') or {}).get('title', '')}"
    elif op == "hyp.add":
        what = f"added hypothesis {rec['id']}: {rec['doc'].get('title', '')}"
    elif op == "hyp.update":
        what = f"edited hypothesis {rec['id']} ({_fields_changed(rec.get('old') or {}, rec['doc'])})"
    elif op == "hyp.delete":
        what = f"deleted hypothesis {rec['id']} with {len(rec.get('ratings', {}))} ratings"
    elif op == "hyp.restore":
        what = f"restored hypothesis {rec['id']}"
    elif op == "case.put":
        what = f"created case {rec['case']}"
        if "evidence" in rec:
            what += f" ({rec.get('hypotheses', 0)} hypotheses, {rec['evidence']} evidence)"
    elif op == "case.info":
        what = f"edited case details ({_fields_changed(rec.get('old') or {}, rec.get('new') or {})})"
    elif op == "case.delete":
        what = f"deleted case {rec['case']}"
    else:
        what = str(op)
    return f"{_when(rec)}  {what}"


def evidence_history(records: list[dict[str, Any]], eid: str) -> list[dict[str, Any]]:
    """The changes that touched one evidence item."""
    return [r for r in records if str(r.get("op", "")).startswith(("rate", "exclude", "ev.")) and r.get("id") == eid]
