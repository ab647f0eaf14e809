"""Bring a file into the database: weigh-case JSON, a CSV matrix or PARC's .achz.

Everything is parsed and validated before the store is touched, so a bad
file writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from evidence.limits import read_import_file
from evidence.store import Store
from hypotheses.models import Case
from hypotheses.slug import slug


class ImportResult(BaseModel):
    case_id: str
    hypotheses: int
    evidence: int
    replaced: bool
    report: list[str]


def detect_format(path: Path, data: bytes) -> str:
    """'achz', 'csv' or 'case': by content first (gzip magic), then by name."""
    if data[:2] == b"\x1f\x8b" or path.suffix.lower() == ".achz":
        return "achz"
    if path.suffix.lower() in (".csv", ".tsv", ".txt"):
        return "csv"
    return "case"


def read_file(path: Path) -> bytes:
    """A regular file's bytes, within the import limit (FIFOs and devices are refused, never read)."""
    return read_import_file(path)


def read_case(
    store: Store, path: Path, case_id: str | None = None, data: bytes | None = None
) -> tuple[Case, list[str]]:
    """Parse a file (or its bytes, already read) into a validated case and a report of what was mapped."""
    data = read_file(path) if data is None else data
    fmt = detect_format(path, data)
    if fmt == "achz":
        from evidence.achz import read_achz

        result = read_achz(data, str(path), case_id)
        return result.case, list(result.report)
    if fmt == "csv":
        from evidence.csv_matrix import read_csv_matrix, update_report

        cid = case_id or slug(path.stem) or "case"
        existing = store.case(cid) if store.has_case(cid) else None
        case = read_csv_matrix(data, str(path), cid, existing)
        lines = [f"Read {len(case.evidence)} rows × {len(case.hypotheses)} hypotheses from the CSV matrix."]
        return case, [*lines, *update_report(existing, case)]
    from evidence.case_file import parse_case_file

    return parse_case_file(data, str(path), case_id), []


def import_file(
    store: Store, path: Path, *, case_id: str | None = None, replace: bool = False, data: bytes | None = None
) -> ImportResult:
    """Import ``path``; pass ``data`` when the file was read before the store was opened."""
    path = Path(path).expanduser()
    case, report = read_case(store, path, case_id, data)
    exists = store.has_case(case.id)
    # A CSV matrix updates its case in place: that is what a spreadsheet round-trip means.
    updating = exists and detect_format(path, b"") == "csv"
    store.put_case(case, replace=replace or updating)
    return ImportResult(
        case_id=case.id,
        hypotheses=len(case.hypotheses),
        evidence=len(case.evidence),
        replaced=exists,
        report=report,
    )
