"""Bring a file into the database: any format the registry can read (weigh-case JSON,
a CSV matrix, PARC's .achz).

Everything is parsed and validated before the store is touched, so a bad
file writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from evidence.formats import FileFormat, Incoming, detect_format
from evidence.limits import read_import_file
from evidence.store import Store
from hypotheses.models import Case


class ImportResult(BaseModel):
    case_id: str
    hypotheses: int
    evidence: int
    replaced: bool
    report: list[str]


def read_file(path: Path) -> bytes:
    """A regular file's bytes, within the import limit (FIFOs and devices are refused, never read)."""
    return read_import_file(path)


def read_case(
    store: Store, path: Path, case_id: str | None = None, data: bytes | None = None
) -> tuple[Case, list[str], FileFormat]:
    """Parse a file (or its bytes, already read) into a validated case, a report of what
    was mapped, and the format it was read as."""
    data = read_file(path) if data is None else data
    fmt = detect_format(path, data)
    assert fmt.read is not None
    existing = lambda cid: store.case(cid) if store.has_case(cid) else None  # noqa: E731
    case, report = fmt.read(Incoming(data=data, path=path, case_id=case_id, existing=existing))
    return case, report, fmt


def import_file(
    store: Store, path: Path, *, case_id: str | None = None, replace: bool = False, data: bytes | None = None
) -> ImportResult:
    """Import ``path``; pass ``data`` when the file was read before the store was opened."""
    path = Path(path).expanduser()
    case, report, fmt = read_case(store, path, case_id, data)
    exists = store.has_case(case.id)
    # A CSV matrix updates its case in place: that is what a spreadsheet round-trip means.
    updating = exists and fmt.updates_in_place
    store.put_case(case, replace=replace or updating)
    return ImportResult(
        case_id=case.id,
        hypotheses=len(case.hypotheses),
        evidence=len(case.evidence),
        replaced=exists,
        report=report,
    )
