"""Keeping the audit trail: the history table as the file's bytes plus the records since, typed when read.

:class:`History` is the database's ``history`` table as TinyDB sees it, kept
as the file's bytes (a long trail must not slow opening); :class:`Trail` adds
the records journalled since, as JSON documents. Typed records
(``evidence.operations``) are made from both only when someone reads the
trail, and the per-item index only when the detail pane first asks for one
item's changes.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import TypeAdapter, ValidationError

from evidence.errors import CorruptDatabase
from evidence.parse_errors import TOO_MANY_DIGITS, not_json

if TYPE_CHECKING:  # the records' classes load when the trail is first typed (Pending.typed)
    from evidence.operations import Operation

_TABLES: TypeAdapter[dict[str, dict[str, Any]]] = TypeAdapter(dict[str, dict[str, Any]])
_DOC: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


class History(Mapping[str, dict[str, Any]]):
    """The history table: documents ``"1"…"n"``, kept as the file's JSON bytes until read.

    TinyDB sees an ordinary read-only table (a Mapping); iterating or looking
    a document up parses the bytes once. :meth:`extended` appends documents
    as new byte pieces with a running checksum, so a compaction neither
    parses, copies nor re-checksums the old records: the trail of a database
    used for years costs its write, nothing more.
    """

    def __init__(self, raw: bytes = b"{}", count: int = 0,
                 docs: dict[str, dict[str, Any]] | None = None,
                 open_crc: int | None = None) -> None:
        if docs is not None:
            raw, count = self._dump(docs), len(docs)
        # The table's bytes without the closing brace, in pieces, and their crc32.
        self._open: list[bytes] = [raw[:-1]]
        self._open_crc = open_crc
        self._count = count
        self._docs = docs

    @classmethod
    def of(cls, docs: dict[str, dict[str, Any]]) -> History:
        """A parsed table (read the slow way); renumbered 1…n when written."""
        return cls(docs=docs)

    @staticmethod
    def _dump(docs: dict[str, dict[str, Any]]) -> bytes:
        raw = _TABLES.dump_json({"t": {str(i): d for i, d in enumerate(docs.values(), 1)}})
        return raw[len(b'{"t":'):-1]

    def pieces(self) -> list[bytes]:
        """The table's JSON as byte pieces, to be written one after another."""
        return [*self._open, b"}"]

    @property
    def raw(self) -> bytes:
        return b"".join(self.pieces())

    @property
    def size(self) -> int:
        return sum(map(len, self._open)) + 1

    @property
    def crc(self) -> int:
        return zlib.crc32(b"}", self._prefix_crc())

    def _prefix_crc(self) -> int:
        """crc32 of the pieces before the closing brace (known from the file, else computed once)."""
        if self._open_crc is None:
            crc = 0
            for piece in self._open:
                crc = zlib.crc32(piece, crc)
            self._open_crc = crc
        return self._open_crc

    def _parsed(self) -> dict[str, dict[str, Any]]:
        if self._docs is None:
            try:
                docs = json.loads(self.raw)
            except RecursionError:
                raise CorruptDatabase("the history table is damaged: JSON nested too deeply") from None
            except json.JSONDecodeError as exc:
                raise CorruptDatabase(f"the history table is damaged: {not_json(exc)}") from None
            except ValueError:  # json's guard against integers of more than 4,300 digits
                raise CorruptDatabase(f"the history table is damaged: {TOO_MANY_DIGITS}") from None
            if not isinstance(docs, dict) or len(docs) != self._count:
                raise CorruptDatabase("the history table does not match its own length")
            self._docs = docs
        return self._docs

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return iter(self._parsed())

    def __getitem__(self, key: str) -> dict[str, Any]:
        return self._parsed()[key]

    def extended(self, docs: list[dict[str, Any]]) -> History:
        """This table with ``docs`` appended (numbered on); the old pieces are shared."""
        if not docs:
            return self
        parts = [b'"%d":%s' % (self._count + i, _DOC.dump_json(d)) for i, d in enumerate(docs, 1)]
        piece = (b"," if self._count else b"") + b",".join(parts)
        grown = History(count=self._count + len(docs), open_crc=zlib.crc32(piece, self._prefix_crc()))
        grown._open = [*self._open, piece]
        return grown


# What a hand-made record can raise on the way to its typed form.
_UNREADABLE = (ValidationError, ValueError, TypeError, KeyError, AttributeError, RecursionError)
_STOP_EVERY = 1_000  # records typed between two asks whether the reader is still wanted


class Pending(NamedTuple):
    """The records a trail had still to type when asked: typed later, anywhere, since the
    file's bytes and the journalled documents never change once recorded."""

    start: int  # how many records were typed already
    folded: History
    since: tuple[dict[str, Any], ...]

    def typed(self, where: str, stop: Callable[[], bool] | None = None) -> list[Operation] | None:
        """The records from ``start`` on, typed; None if ``stop()`` said to give up first.
        A record that does not fit raises :class:`CorruptDatabase` naming ``where``."""
        from evidence.operations import parse_record, record_problem

        try:
            docs = [*self.folded.values(), *self.since] if self.folded else list(self.since)
        except CorruptDatabase as exc:
            raise CorruptDatabase(f"{where}: {exc}; file left untouched") from None
        out: list[Operation] = []
        for n, raw in enumerate(docs[self.start:]):
            if stop is not None and n % _STOP_EVERY == 0 and stop():
                return None
            try:
                out.append(parse_record(raw))
            except _UNREADABLE as exc:
                seq = raw.get("seq") if isinstance(raw, dict) else None
                raise CorruptDatabase(
                    f"{where}: history record {seq!r} cannot be read "
                    f"({record_problem(exc)}); file left untouched"
                ) from None
        return out


class Trail:
    """Every change, oldest first: folded into the file, then journalled since."""

    def __init__(self, folded: History | None = None) -> None:
        self.folded = folded if folded is not None else History()
        self.since: list[dict[str, Any]] = []  # records journalled after the file was written
        self._typed: list[Operation] = []
        # (case id, evidence id) → its records: the detail pane asks on every cursor move.
        self._by_item: dict[tuple[str, str], list[Operation]] | None = None
        # case id → every hypothesis, item and indicator id its records ever named
        self._ids: dict[str, set[str]] | None = None

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
            if self._ids is not None:
                self._name_ids(rec)

    def records(self, where: str) -> list[Operation]:
        """All records typed; ``where`` (the database path) names the file in an error."""
        if len(self._typed) < len(self):
            pending = self.pending()
            typed = pending.typed(where)
            assert typed is not None  # nothing asked it to stop
            self.adopt(pending, typed)
        return self._typed

    def untyped(self) -> int:
        """How many records the next read of the whole trail would type."""
        return len(self) - len(self._typed)

    def pending(self) -> Pending:
        """What is left to type, as it stands now (nothing parsed: cheap under a lock)."""
        return Pending(len(self._typed), self.folded, tuple(self.since))

    def adopt(self, pending: Pending, typed: list[Operation]) -> None:
        """Records typed from ``pending``, perhaps in another thread: kept unless this trail
        typed its own meanwhile (a read on the spot wins; nothing is typed twice)."""
        if len(self._typed) != pending.start:
            return
        self._typed.extend(typed)
        for rec in typed:
            if self._by_item is not None:
                self._index(rec)
            if self._ids is not None:
                self._name_ids(rec)

    def of_item(self, case_id: str, eid: str, where: str) -> list[Operation]:
        """The records that touched one evidence item (indexed once, then kept up to date)."""
        if self._by_item is None:
            records = self.records(where)  # a damaged trail raises again at every ask
            self._by_item = {}
            for rec in records:
                self._index(rec)
        return list(self._by_item.get((case_id, eid), ()))

    def ids_of(self, case_id: str, where: str) -> frozenset[str]:
        """Every id a record of the case ever named, deleted or undone ones too, so none
        is issued twice (a note naming it, or its history, would follow the new item)."""
        if self._ids is None:
            records = self.records(where)
            self._ids = {}
            for rec in records:
                self._name_ids(rec)
        return frozenset(self._ids.get(case_id, ()))

    def _name_ids(self, rec: Operation) -> None:
        assert self._ids is not None
        own = getattr(rec, "id", None)
        named = [*rec.touched(), *([own] if isinstance(own, str) else [])]
        if named:
            self._ids.setdefault(rec.case, set()).update(named)

    def _index(self, rec: Operation) -> None:
        assert self._by_item is not None
        for eid in rec.touched():
            self._by_item.setdefault((rec.case, eid), []).append(rec)

    def folded_all(self) -> Trail:
        """The trail once a compaction has written every record into the file."""
        trail = Trail(self.folded.extended(self.since))
        trail._typed, trail._by_item, trail._ids = self._typed, self._by_item, self._ids
        return trail
