"""Bring a file into the database: any format the registry can read (weigh-case JSON,
a CSV matrix, PARC's .achz).

A file is parsed and checked against every limit before the store is touched
(:func:`parse_import`), so a bad file writes nothing, and the command line does
it before it even takes the writer lock. :func:`store_import` then writes the
parsed case: an existing case is replaced only when asked (a CSV matrix too),
and the case it replaces stays whole in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from evidence.errors import Conflict
from evidence.formats import FileFormat, Incoming, detect_format
from evidence.limits import ImportFile
from evidence.location import home_expanded
from evidence.operations import CasePut
from hypotheses.models import Case
from hypotheses.team import renamed_lenses

if TYPE_CHECKING:
    from evidence.store import Store

Existing = Callable[[str], Case | None]  # the database's case with an id, if any


class ImportResult(BaseModel):
    case_id: str
    hypotheses: int
    evidence: int
    replaced: bool
    report: list[str]
    unchanged: bool = False  # the database already held this very case
    record: CasePut | None = None  # the edit that wrote it (a replacement's undoes it)


@dataclass(frozen=True)
class ParsedImport:
    """A file read, validated and within every limit: what would be written."""

    case: Case
    report: list[str]
    fmt: FileFormat
    asked: str | None  # the case id whose existing case the reader built on (CSV), if any
    consulted: Case | None  # that case as it was then (None: there was none)

    def still_fits(self, store: Store) -> bool:
        """Whether the database still holds the case this was parsed against."""
        if self.asked is None:
            return True
        now = store.case(self.asked) if store.has_case(self.asked) else None
        if now is None or self.consulted is None:
            return now is None and self.consulted is None
        return same_case(now, self.consulted)


def parse_import(path: Path, data: bytes | ImportFile, case_id: str | None,
                 existing: Existing) -> ParsedImport:
    """Parse a file into a validated case, a report of what was mapped, and its format.

    ``existing`` is asked only by a format that updates a case in place (CSV).
    """
    if isinstance(data, bytes):
        data = ImportFile.of_bytes(data, str(path))
    fmt = detect_format(path, data.head())
    assert fmt.read is not None
    consulted: list[tuple[str, Case | None]] = []

    def remembered(cid: str) -> Case | None:
        consulted.append((cid, existing(cid)))
        return consulted[-1][1]

    case, report = fmt.read(Incoming(file=data, path=path, case_id=case_id, existing=remembered))
    report = [*report, *renamed_lenses(case)]
    asked, was = consulted[-1] if consulted else (None, None)
    return ParsedImport(case, report, fmt, asked, was)


def store_existing(store: Store) -> Existing:
    return lambda cid: store.case(cid) if store.has_case(cid) else None


def same_case(a: Case, b: Case) -> bool:
    """Whether two cases hold the same content (the time of the last change aside)."""
    return (a.info.model_copy(update={"updated": None}) == b.info.model_copy(update={"updated": None})
            and a.hypotheses == b.hypotheses and a.evidence == b.evidence and a.indicators == b.indicators)


def store_import(store: Store, parsed: ParsedImport, *, replace: bool = False) -> ImportResult:
    """Write a parsed case; an existing one only with ``replace`` (unless it is the same)."""
    case = parsed.case
    before = store.case(case.id) if store.has_case(case.id) else None
    result = ImportResult(case_id=case.id, hypotheses=len(case.hypotheses), evidence=len(case.evidence),
                          replaced=before is not None, report=parsed.report)
    if before is not None and same_case(before, case):
        return result.model_copy(update={"unchanged": True, "replaced": False})
    if before is not None and not replace:
        raise CaseExists(case.id, _changes(before, case))
    record = store.put_case(case, replace=before is not None)
    return result.model_copy(update={"record": record})


class CaseExists(Conflict):
    """An import onto a case the database holds, not asked to replace it. Its message
    names the command line's options; :meth:`told` names another interface's own."""

    def __init__(self, case_id: str, changes: str) -> None:
        self.case_id = case_id
        self.changes = changes  # what replacing the case would change, in words
        super().__init__(self.told(replace="add --replace", new_id="--case ID"))

    def told(self, *, replace: str, new_id: str) -> str:
        """The refusal, with ``replace`` and ``new_id`` the ways to replace the case or to
        import it under another id where the user is."""
        return (f"case {self.case_id!r} already exists (this file would change it: {self.changes}); "
                f"{replace} to replace it (the old case is kept in the audit trail), "
                f"or {new_id} to import it as a new case")


def _changes(before: Case, case: Case) -> str:
    """What replacing ``before`` with ``case`` changes, counted in words."""
    parts = []
    for what, old_items, new_items in (
        ("hypotheses", before.hypotheses, case.hypotheses),
        ("evidence items", before.evidence, case.evidence),
        ("indicators", before.indicators, case.indicators),
    ):
        old = {x.id: x for x in old_items}
        new = {x.id: x for x in new_items}
        counts = (("added", sum(1 for k in new if k not in old)),
                  ("removed", sum(1 for k in old if k not in new)),
                  ("changed", sum(1 for k, x in new.items() if k in old and old[k] != x)))
        said = ", ".join(f"{n} {how}" for how, n in counts if n)
        if said:
            parts.append(f"{what} {said}")
    if before.info.model_copy(update={"updated": None}) != case.info.model_copy(update={"updated": None}):
        parts.append("case details changed")
    return "; ".join(parts) or "nothing but its order"


def import_file(
    store: Store, path: Path, *, case_id: str | None = None, replace: bool = False, data: bytes | None = None
) -> ImportResult:
    """Import ``path`` into an open store (the workbench's import dialog), read in pieces."""
    path = home_expanded(path)
    with ImportFile.open(path) if data is None else ImportFile.of_bytes(data, str(path)) as source:
        parsed = parse_import(path, source, case_id, store_existing(store))
    return store_import(store, parsed, replace=replace)
