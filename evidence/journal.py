"""An append-only, checksummed journal: one fsynced line per acknowledged edit.

Each line is ``<crc32 hex> <json>\\n``. Only the last line can be torn (each
append is fsynced before the next starts), so a bad last line is dropped as
never acknowledged; a bad line anywhere else means real damage.
"""

from __future__ import annotations

import json
import os
import stat
import zlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from evidence.db_files import open_regular, replaced_problem
from evidence.errors import CorruptDatabase, StoreError
from evidence.fsio import fsync_dir, write_all

if TYPE_CHECKING:
    from evidence.record_pieces import Pieces

# The journal is folded into the database once it passes the store's compaction
# threshold, so it holds at most that plus one record; one record is at most a
# case as large as an import may be, twice (a replacement keeps the old case).
# A larger file is not weigh's journal: refused before it is read.
MAX_JOURNAL_BYTES = 512 * 1024 * 1024


class RecordTooLarge(StoreError):
    """An edit whose record would take the journal past its cap; nothing was written."""


def encode(body: bytes) -> bytes:
    """One journal line for a record's JSON (which holds no raw newline)."""
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def _decode(line: bytes) -> dict[str, Any] | None:
    """The record of one complete line, or None if its checksum or JSON is bad."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    body = line[9:]
    try:
        if int(line[:8], 16) != zlib.crc32(body):
            return None
        record = json.loads(body)
    except ValueError:
        return None
    return record if isinstance(record, dict) and isinstance(record.get("seq"), int) else None


class JournalContents(NamedTuple):
    """What a journal holds: its whole records, and where the valid part ends."""

    records: list[dict[str, Any]]
    good_bytes: int  # length of the valid prefix
    torn_bytes: int  # bytes after it: a torn last record, dropped


def read_journal(path: Path) -> JournalContents:
    """Every whole record; a torn or unchecksummed last line is set aside."""
    try:
        fd, st = open_regular(path, os.O_RDONLY, "journal")
    except FileNotFoundError:
        return JournalContents([], 0, 0)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the journal: {exc.strerror or exc}") from None
    try:
        if st.st_size > MAX_JOURNAL_BYTES:
            raise CorruptDatabase(
                f"{path}: the journal is {st.st_size:,} bytes, more than the {MAX_JOURNAL_BYTES:,} "
                "weigh ever writes; it is not weigh's journal, or damaged; both files were left untouched"
            )
        chunks = []
        while chunk := os.read(fd, max(st.st_size, 1 << 16)):
            chunks.append(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the journal: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    records: list[dict[str, Any]] = []
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        if end < 0:  # no newline: the last write never finished
            break
        record = _decode(data[pos:end])
        if record is None:
            if _any_record_after(data, end + 1):
                raise CorruptDatabase(
                    f"{path}: journal damaged at byte {pos} (record {len(records) + 1}) "
                    "with acknowledged records after it; both files were left untouched"
                )
            break
        records.append(record)
        pos = end + 1
    return JournalContents(records, pos, len(data) - pos)


def _any_record_after(data: bytes, pos: int) -> bool:
    """Whether a valid record follows: garbage past the last good record is a torn
    tail (a crash can leave a grown file with junk), a good record after it is not."""
    return any(_decode(line) is not None for line in data[pos:].split(b"\n")[:-1])


class JournalWriter:
    """Appends records durably; a failed append is cut off again so no half record stays."""

    def __init__(self, path: Path, good_bytes: int, records: int = 0) -> None:
        self.path = path
        flags = os.O_WRONLY | os.O_APPEND
        try:
            self._fd, st = open_regular(path, flags | os.O_CREAT | os.O_EXCL, "journal")
            created = True
        except FileExistsError:
            self._fd, st = open_regular(path, flags, "journal")
            created = False
        try:
            if stat.S_IMODE(st.st_mode) != 0o600:
                os.fchmod(self._fd, 0o600)  # an older journal may be world-readable
            self._ident = (st.st_dev, st.st_ino)
            if created:
                # A new file's name must be durable too, or a power cut after
                # the first fsynced append could leave no journal at all.
                fsync_dir(path.parent)
            elif os.fstat(self._fd).st_size != good_bytes:
                os.ftruncate(self._fd, good_bytes)  # drop a torn, unacknowledged tail
                os.fsync(self._fd)
        except BaseException:
            os.close(self._fd)
            raise
        self.size = good_bytes
        self.records = records  # records in the file (replayed ones included)

    def verify(self) -> str | None:
        """None while the name points at our file at the size we left it, else why not."""
        problem, st = replaced_problem(self.path, self._ident, "its journal")
        if st is None:
            return problem
        if st.st_size != self.size:
            return f"its journal {self.path.name} was written by another program"
        return None

    def append(self, body: bytes | Pieces) -> None:
        """One whole line, then fsync: durable when this returns.

        A record in pieces (a whole case) is written as its checksum, its pieces
        and the newline, never joined: a crash between leaves a torn last line.
        """
        size = len(body) + 10
        if self.size + size > MAX_JOURNAL_BYTES:
            raise RecordTooLarge(
                f"{self.path}: this edit ({size:,} bytes) would take the journal past "
                f"{MAX_JOURNAL_BYTES // 2**20} MiB, the most weigh reads back; nothing was saved"
            )
        start = self.size
        try:
            if isinstance(body, bytes):
                write_all(self._fd, encode(body))
            else:
                write_all(self._fd, b"%08x " % body.crc)
                for piece in body:
                    write_all(self._fd, piece)
                write_all(self._fd, b"\n")
            os.fsync(self._fd)
        except OSError:
            try:
                os.ftruncate(self._fd, start)
            except OSError:
                pass  # the reader drops a torn tail anyway
            raise
        self.size += size
        self.records += 1

    def truncate(self, size: int) -> None:
        """Take back the records after ``size`` bytes (an append the state rejected)."""
        os.ftruncate(self._fd, size)
        os.fsync(self._fd)
        if size < self.size:
            self.records = max(0, self.records - 1)
        self.size = size

    def reset(self) -> None:
        """Empty the journal once its records are safely in the database file."""
        os.ftruncate(self._fd, 0)
        os.fsync(self._fd)
        self.size = 0
        self.records = 0

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
