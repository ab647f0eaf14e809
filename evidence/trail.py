"""The audit trail as the store holds it in memory: cheap to open, typed when read.

The database's ``history`` table arrives unparsed (:class:`History`: a long
trail must not slow opening); the records journalled since are kept as JSON
documents. Typed records (``evidence.operations``) are made from both only
when someone reads the trail, and the per-item index only when the detail
pane first asks for one item's changes.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from evidence.database import History
from evidence.errors import CorruptDatabase
from evidence.operations import Operation, parse_record, record_problem


class Trail:
    """Every change, oldest first: folded into the file, then journalled since."""

    def __init__(self, folded: History | None = None) -> None:
        self.folded = folded if folded is not None else History()
        self.since: list[dict[str, Any]] = []  # records journalled after the file was written
        self._typed: list[Operation] = []
        # (case id, evidence id) → its records: the detail pane asks on every cursor move.
        self._by_item: dict[tuple[str, str], list[Operation]] | None = None

    def __len__(self) -> int:
        return len(self.folded) + len(self.since)

    def __bool__(self) -> bool:
        return bool(self.folded) or bool(self.since)

    def add(self, rec: Operation) -> None:
        """Record an applied edit (typed at once only if the typed list is complete)."""
        self.since.append(rec.model_dump(mode="json"))
        if len(self._typed) == len(self) - 1:
            self._typed.append(rec)
            if self._by_item is not None:
                self._index(rec)

    def records(self, where: str) -> list[Operation]:
        """All records typed; ``where`` (the database path) names the file in an error."""
        if len(self._typed) < len(self):
            docs = [*self.folded.values(), *self.since] if self.folded else self.since
            for raw in docs[len(self._typed):]:
                try:
                    self._typed.append(parse_record(raw))
                except (ValidationError, ValueError) as exc:
                    raise CorruptDatabase(
                        f"{where}: history record {raw.get('seq')!r} cannot be read "
                        f"({record_problem(exc)}); file left untouched"
                    ) from None
        return self._typed

    def of_item(self, case_id: str, eid: str, where: str) -> list[Operation]:
        """The records that touched one evidence item (indexed once, then kept up to date)."""
        if self._by_item is None:
            self._by_item = {}
            for rec in self.records(where):
                self._index(rec)
        return list(self._by_item.get((case_id, eid), ()))

    def _index(self, rec: Operation) -> None:
        assert self._by_item is not None
        for eid in rec.touched():
            self._by_item.setdefault((rec.case, eid), []).append(rec)

    def folded_all(self) -> Trail:
        """The trail once a compaction has written every record into the file."""
        trail = Trail(self.folded.extended(self.since))
        trail._typed, trail._by_item = self._typed, self._by_item
        return trail
