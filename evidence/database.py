"""The database file: a TinyDB database with weigh's tables, read and written by WeighStorage.

``WeighStorage`` is a TinyDB ``Storage`` (TinyDB's own extension point) that
adds what TinyDB's ``JSONStorage`` lacks: it validates the whole file in one
pydantic pass on read (fast opens, a clear diagnosis of a bad file, upgrades
of older schemas in memory), and on write it replaces the file atomically
(``evidence.fsio.atomic_write``: temp file, fsync, rename, directory fsync,
mode 0600). Tables:

- ``_meta``: one document ``{"format": "weigh", "schema": N, "seq": S}``;
  ``seq`` is the last journal record folded into the file.
- ``cases``: one document per case (hypotheses and evidence inside it).
- ``history``: the audit trail, one document per change record.

The file stays an ordinary TinyDB JSON database: ``TinyDB(path)`` reads it.
The trail only grows (100,000 edits make it three times the size of a
10,000-item case), so it is written last, before ``_meta``, and ``_meta``
records its length and checksum: an open then validates the cases and keeps
the trail's bytes unparsed (:class:`History`) until someone reads it, and a
compaction appends the new records to those bytes instead of rewriting them.
A file whose trail does not match its checksum (edited by hand, or by another
program) is read and validated whole instead.
How the cases sit in the file (a case's evidence a thousand items to a line,
read a line at a time) is ``evidence.case_lines``; the history table's bytes
are ``evidence.trail.History``.
evidence/README.md shows how the store uses it with its journal.
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from tinydb import TinyDB
from tinydb.storages import Storage

from evidence.case_lines import SyncedDoc, case_pieces, read_cases, share_equal_values
from evidence.db_files import FileIdentity, identity, open_regular
from evidence.errors import CorruptDatabase, NotWeighs, StoreError
from evidence.fsio import atomic_write, fsync_dir, write_all
from evidence.parse_errors import TOO_MANY_DIGITS, not_json
from evidence.record_schema import RECORD_SCHEMA, upgrade_record
from evidence.trail import History, Trail
from hypotheses.models import Case

SCHEMA = RECORD_SCHEMA
MAX_DB_BYTES = 2 * 1024**3
META, CASES, HISTORY, SYNCED = "_meta", "cases", "history", "synced"

# Upgrades of the raw file: MIGRATIONS[n] turns a schema-n document into schema
# n+1 (it may mutate and return its argument). They run before validation, in
# memory; the store then keeps a copy of the old file and saves the result only
# by an atomic compaction.
Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _history_records(doc: dict[str, Any]) -> dict[str, Any]:
    """Every trail record in today's shape (``upgrade_record``). Schema 2: an edit record
    keeps only the changed fields (not the item twice); schema 3: a sync's record may say what
    it renumbered, a schema 2 record is one as it is (its number aside)."""
    history = doc.get(HISTORY)
    if isinstance(history, dict):
        doc[HISTORY] = {
            k: upgrade_record(r) if isinstance(r, dict) else r for k, r in history.items()
        }
    return doc


MIGRATIONS: dict[int, Migration] = {1: _history_records, 2: _history_records}


class Meta(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    format: Literal["weigh"]
    schema_: int = Field(alias="schema", ge=0)
    seq: int = Field(ge=0)
    # where the trail is and what it holds: written by weigh, checked on open
    history_bytes: int | None = Field(default=None, ge=0)
    history_crc: int | None = Field(default=None, ge=0)
    history_count: int | None = Field(default=None, ge=0)


_TRAIL_FIELDS = ("history_bytes", "history_crc", "history_count")


class DbFile(BaseModel):
    """The whole database file, validated in one pass (parsed in Rust: fast opens). Built
    when first used: weigh's own layout opens without it (``read_cases``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)
    meta: dict[str, Meta] = Field(alias="_meta")
    cases: dict[str, Case] = Field(default_factory=dict)
    synced: dict[str, SyncedDoc] = Field(default_factory=dict)
    history: dict[str, dict[str, Any]] = Field(default_factory=dict)


_TABLES: TypeAdapter[dict[str, dict[str, Any]]] = TypeAdapter(dict[str, dict[str, Any]])
_STR: TypeAdapter[str] = TypeAdapter(str)
_METAS: TypeAdapter[dict[str, Meta]] = TypeAdapter(dict[str, Meta])
_HISTORY_KEY, _META_KEY = b',"history":', b',"_meta":'


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _problem(exc: ValidationError, doc: Any) -> str:
    """Why a file does not validate, in words (the wording is loaded only for a bad file)."""
    from hypotheses.validation import describe

    return describe(exc, doc)


class WeighStorage(Storage):
    """TinyDB storage for a weigh database: validated reads, atomic whole-file writes.

    A read parses the file once and keeps the tables (TinyDB's tables ask the
    storage again for every call); writes inside :meth:`transaction` are
    gathered and replace the file once, so a compaction's several table
    writes land together or not at all.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # table name → documents by id (a Mapping: the history table is a History)
        self._tables: dict[str, Any] | None = None
        self._depth = 0
        self._dirty = False
        self.identity: FileIdentity | None = None  # of the file last read or written
        self.migrated_from: int | None = None  # the file's schema, when it was upgraded
        self.original: bytes | None = None  # the file's bytes before an upgrade

    # ------------------------------------------------------------------ read

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._tables is None:
            opened = self._open_file()
            if opened is None:
                return None
            fd, size = opened
            try:
                read_at = partial(_pread, fd)
                tables = self._fast_tables(read_at, size)
                if tables is None:
                    # One read of the whole file, then small ones to find the end: a
                    # second read as large as the file would allocate its size again.
                    chunks, offset, want = [], 0, size + 1
                    while chunk := os.pread(fd, want, offset):
                        chunks.append(chunk)
                        offset, want = offset + len(chunk), 1 << 16
                    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot read: {_reason(exc)}") from None
            finally:
                os.close(fd)
            if tables is None:
                tables = self._tables_of(self._checked(self._validate(data)))
            self._tables = tables
        return self._tables

    def _fast_tables(self, read_at: ReadAt, size: int) -> dict[str, Any] | None:
        """The tables of a file weigh wrote (trail checksum matches), trail unparsed; else None.

        The file is read in pieces (its end, the trail, then the cases a block
        at a time), never whole, so a large file never sits in memory twice.
        """
        tail_at = max(0, size - _TAIL_BYTES)
        tail = read_at(size - tail_at, tail_at)
        found = tail.rfind(_META_KEY)
        if found < 0 or not tail.endswith(b"}"):
            return None
        try:
            metas = _METAS.validate_json(tail[found + len(_META_KEY):-1])
        except ValidationError:
            return None
        if len(metas) != 1:
            return None
        (key, meta), = metas.items()
        at = tail_at + found
        length, crc, count = meta.history_bytes, meta.history_crc, meta.history_count
        start = at - length if length is not None else -1
        if (
            length is None
            or crc is None
            or count is None
            or meta.schema_ != SCHEMA
            or start < len(_HISTORY_KEY)
            or read_at(len(_HISTORY_KEY), start - len(_HISTORY_KEY)) != _HISTORY_KEY
        ):
            return None
        trail = read_at(length, start)
        view = memoryview(trail)
        open_crc = zlib.crc32(view[:-1])  # all but the closing brace: extended from here
        if len(trail) != length or zlib.crc32(view[-1:], open_crc) != crc or not _count_fits(trail, count):
            return None
        del view
        head = read_cases(lines(read_at, start - len(_HISTORY_KEY)))
        if head is None:
            return None
        cases, synced = head
        return {
            META: {key: meta.model_dump(by_alias=True, exclude=set(_TRAIL_FIELDS))},
            CASES: {k: dict(c) for k, c in cases.items()},  # items shared as read
            SYNCED: {k: s.model_dump() for k, s in synced.items()},
            HISTORY: History(trail, count, open_crc=open_crc),
        }

    def _open_file(self) -> tuple[int, int] | None:
        """A descriptor of the file and its size (None if there is none); its identity is recorded."""
        try:
            fd, st = open_regular(self.path, os.O_RDONLY, "database file")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot read: {_reason(exc)}") from None
        try:
            if st.st_size > MAX_DB_BYTES:
                raise CorruptDatabase(f"{self.path}: {st.st_size} bytes is larger than weigh opens")
        except OSError as exc:
            os.close(fd)
            raise StoreError(f"{self.path}: cannot read: {_reason(exc)}") from None
        except BaseException:
            os.close(fd)
            raise
        self.identity = FileIdentity.of(st)
        return fd, st.st_size

    def _validate(self, data: bytes) -> DbFile:
        try:
            db: DbFile | None = DbFile.model_validate_json(data)
            error: ValidationError | None = None
        except ValidationError as exc:
            db, error = None, exc
        if db is not None:
            schema = self._schema_of(db)
            if schema == SCHEMA:
                return db
            if schema > SCHEMA:
                raise NotWeighs(f"{self.path}: {newer(schema)}; file left untouched")
        return self._migrate(data, error)

    def _schema_of(self, db: DbFile) -> int:
        if len(db.meta) != 1:
            raise CorruptDatabase(
                f"{self.path}: damaged: _meta holds {len(db.meta)} records, not 1; file left untouched"
            )
        return next(iter(db.meta.values())).schema_

    def _migrate(self, data: bytes, error: ValidationError | None) -> DbFile:
        """Upgrade an older schema in memory, or explain why the file cannot be read."""
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            doc = None
        schema = raw_schema(doc)
        if schema is None or schema >= SCHEMA:
            assert error is not None
            kind = NotWeighs if not_ours(doc) else CorruptDatabase
            raise kind(f"{self.path}: {diagnose(data, error)}; file left untouched")
        missing = [n for n in range(schema, SCHEMA) if n not in MIGRATIONS]
        if missing:
            raise CorruptDatabase(
                f"{self.path}: written by an older weigh (schema {schema}) that this version "
                "cannot upgrade; file left untouched"
            )
        assert isinstance(doc, dict)
        try:
            for n in range(schema, SCHEMA):
                doc = MIGRATIONS[n](doc)
                next(iter(doc[META].values()))["schema"] = n + 1
            db = DbFile.model_validate_json(json.dumps(doc))
        except ValidationError as exc:
            raise CorruptDatabase(
                f"{self.path}: cannot upgrade from schema {schema}: {_problem(exc, doc)}; file left untouched"
            ) from None
        except (KeyError, TypeError, ValueError, AttributeError, StopIteration) as exc:
            raise CorruptDatabase(
                f"{self.path}: cannot upgrade from schema {schema}: {exc}; file left untouched"
            ) from None
        self._schema_of(db)
        self.migrated_from = schema
        self.original = data
        return db

    def _checked(self, db: DbFile) -> DbFile:
        """A file read the slow way (edited elsewhere, or older) has every history record
        read at once: a record that does not fit is reported now, at the open, not later."""
        Trail(History.of(db.history)).records(str(self.path))
        return db

    @staticmethod
    def _tables_of(db: DbFile) -> dict[str, Any]:
        """The validated file as TinyDB tables: a case document keeps its item models."""
        return {
            META: {k: m.model_dump(by_alias=True) for k, m in db.meta.items()},
            CASES: {k: _case_document(c) for k, c in db.cases.items()},
            SYNCED: {k: s.model_dump() for k, s in db.synced.items()},
            HISTORY: History.of(db.history),
        }

    # ----------------------------------------------------------------- write

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._tables = data
        if self._depth:
            self._dirty = True
        else:
            self._flush()

    @contextlib.contextmanager
    def transaction(self, *, fresh: bool = True) -> Iterator[None]:
        """Gather the writes made inside into one atomic replacement of the file.

        ``fresh`` starts from an empty database without reading the file (a
        compaction writes every table anew); on an exception nothing is written.
        """
        if fresh and self._depth == 0:
            self._tables = {}
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            self._dirty = False
            self._tables = None
            raise
        self._depth -= 1
        if self._depth == 0 and self._dirty:
            self._dirty = False
            self._flush()

    def _flush(self) -> None:
        assert self._tables is not None
        data = self._serialise(self._tables)
        try:
            atomic_write(self.path, data)
            self.identity = identity(self.path)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write the database: {_reason(exc)}") from None

    @staticmethod
    def _serialise(tables: dict[str, Any]) -> Iterator[bytes]:
        """The cases and other tables, then the trail, then ``_meta`` with the trail's checksum.

        Made piece by piece (see :func:`case_pieces`), so the whole file never
        exists in memory at once.
        """
        trail = tables.get(HISTORY)
        metas = tables.get(META)
        if not isinstance(metas, Mapping) or len(metas) != 1 or set(tables) - {META, CASES, HISTORY, SYNCED}:
            yield _TABLES.dump_json(tables)  # not weigh's shape: plain TinyDB JSON
            return
        history = trail if isinstance(trail, History) else History.of(dict(trail or {}))
        ((key, meta),) = metas.items()
        meta = {
            **meta,
            "history_bytes": history.size,
            "history_crc": history.crc,
            "history_count": len(history),
        }
        cases: Mapping[str, Any] = tables.get(CASES) or {}
        opening = b'{"cases":{'
        for n, (doc_id, doc) in enumerate(cases.items()):
            pieces = case_pieces(doc)
            yield b"".join((opening, b"," if n else b"", _STR.dump_json(str(doc_id)), b":", next(pieces)))
            yield from pieces
            opening = b""
        synced = tables.get(SYNCED)  # left out when empty: the file is as before weigh sync
        yield b"".join((opening, b"}", b',"synced":' + _TABLES.dump_json(synced) if synced else b"",
                        _HISTORY_KEY))
        yield from history.pieces()
        yield b"".join((_META_KEY, _TABLES.dump_json({key: meta}), b"}"))

    def put_table(self, name: str, table: Mapping[str, Any]) -> None:
        """Replace one table as it is (a :class:`History` stays unparsed), then write."""
        tables: dict[str, Any] = dict(self.read() or {})
        tables[name] = table
        self.write(tables)

    def history(self) -> History:
        """The history table as read (unparsed if the file's checksum matched)."""
        table = (self.read() or {}).get(HISTORY)
        return table if isinstance(table, History) else History.of(dict(table or {}))

    def close(self) -> None:
        self._tables = None


def _case_document(case: Case) -> dict[str, Any]:
    """A validated case as its TinyDB document, its items sharing equal values."""
    share_equal_values(case.evidence, {})
    return dict(case)


ReadAt = Callable[[int, int], bytes]  # (length, offset) → the file's bytes there
_TAIL_BYTES = 1 << 16  # read from the end to find _meta (weigh's is ~150 bytes)
_BLOCK = 1 << 20  # the cases are read this much at a time


def _pread(fd: int, length: int, offset: int) -> bytes:
    """``length`` bytes of the file at ``offset`` (fewer only at its end)."""
    parts = []
    while length > 0 and (chunk := os.pread(fd, length, offset)):
        parts.append(chunk)
        length, offset = length - len(chunk), offset + len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _count_fits(trail: bytes, count: int) -> bool:
    """Whether _meta's record count (outside the trail's checksum) fits the trail's bytes:
    records are keyed "1" … "count" in order, so none at all is ``{}``, the first key opens
    the trail and each later one follows the record before it (``},"N":``), which a key
    inside a record with a text value (an item's id in a deletion's ratings, say) never
    does. A count that does not fit (damage) sends the open the slow way, which counts them;
    trusted, 0 hid the trail and the next write appended to it without a comma."""
    if count == 0 or count > len(trail):
        return count == 0 and trail == b"{}"
    if count == 1:
        return trail.startswith(b'{"1":') and trail.find(b'},"2":') < 0
    last = trail.rfind(b'},"%d":' % count)
    return last >= 0 and trail.find(b'},"%d":' % (count + 1), last) < 0


def lines(read_at: ReadAt, end: int) -> Iterator[tuple[bytes, bool]]:
    """The file's first ``end`` bytes split at newlines, read a block at a time: each
    piece and whether it is the last (an early end of the file ends it without one)."""
    pending: list[bytes] = []
    pos = 0
    while pos < end:
        block = read_at(min(_BLOCK, end - pos), pos)
        if not block:
            return
        pos += len(block)
        start = 0
        while (nl := block.find(b"\n", start)) >= 0:
            pending.append(block[start:nl])
            yield b"".join(pending), False
            pending, start = [], nl + 1
        pending.append(block[start:])
    yield b"".join(pending), True


def open_db(path: Path) -> TinyDB:
    """The database at ``path`` through TinyDB with weigh's storage."""
    return TinyDB(path, storage=WeighStorage)


def weigh_storage(db: TinyDB) -> WeighStorage:
    storage = db.storage
    assert isinstance(storage, WeighStorage)
    return storage


def meta_document(seq: int) -> dict[str, Any]:
    return {"format": "weigh", "schema": SCHEMA, "seq": seq}


# ------------------------------------------------------------ diagnosis


def diagnose(data: bytes, exc: ValidationError) -> str:
    """Why a file failed to load, in a user's words (the slow path, errors only)."""
    if not data.strip():
        return "file is empty (not a weigh database)"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not UTF-8 text (bad byte at offset {err.start}); not a weigh database"
    try:
        doc = json.loads(text)
    except RecursionError:
        return "JSON nested too deeply; not a weigh database"
    except json.JSONDecodeError as err:
        return not_json(err)
    except ValueError:  # json's guard against integers of more than 4,300 digits
        return f"damaged: {TOO_MANY_DIGITS} (not a weigh database)"
    if isinstance(doc, list):
        return "not a weigh database (a JSON list, not an object with a _meta table)"
    if not isinstance(doc, dict) or META not in doc:
        return "not a weigh database (no _meta table: a foreign JSON or TinyDB file)"
    meta = doc[META]
    first = next(iter(meta.values()), None) if isinstance(meta, dict) else None
    if not isinstance(first, dict) or first.get("format") != "weigh":
        return "not a weigh database (_meta does not name the weigh format)"
    schema = first.get("schema")
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA:
        return newer(schema)
    return f"damaged: {_problem(exc, doc)}"


def not_ours(doc: Any) -> bool:
    """A parsed file (None: it did not parse) that is whole but not this weigh's: another
    program's JSON, or a newer weigh's database (:func:`diagnose` says which)."""
    if doc is None:
        return False
    if not isinstance(doc, dict) or META not in doc:
        return True
    meta = doc[META]
    first = next(iter(meta.values()), None) if isinstance(meta, dict) else None
    if not isinstance(first, dict) or first.get("format") != "weigh":
        return True
    schema = first.get("schema")
    return isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA


def newer(schema: int) -> str:
    return f"written by a newer weigh (schema {schema}; this version reads {SCHEMA})"


def raw_schema(doc: Any) -> int | None:
    """The schema number a parsed file claims, if it looks like a weigh database."""
    if not isinstance(doc, dict) or not isinstance(doc.get(META), dict):
        return None
    metas = list(doc[META].values())
    if len(metas) != 1 or not isinstance(metas[0], dict) or metas[0].get("format") != "weigh":
        return None
    schema = metas[0].get("schema")
    return schema if isinstance(schema, int) and not isinstance(schema, bool) else None


def keep_backup(path: Path, original: bytes, schema: int) -> Path:
    """Copy a pre-upgrade file aside (never over anything) before it is replaced."""
    base = f"{path.name}.schema-{schema}.bak"
    for n in range(1000):
        target = path.with_name(base if n == 0 else f"{base}-{n}")
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise StoreError(f"{target}: cannot keep a backup before upgrading: {_reason(exc)}") from None
        try:
            try:
                write_all(fd, original)
                os.fsync(fd)
            finally:
                os.close(fd)
            fsync_dir(path.parent)
        except OSError as exc:
            raise StoreError(f"{target}: cannot keep a backup before upgrading: {_reason(exc)}") from None
        return target
    raise StoreError(f"{path}: too many backup copies already; move some away")
