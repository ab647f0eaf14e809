"""What one import may hold, and what a file from elsewhere must be, in one place.

A few megabytes of hostile input (a million one-cell rows, a million columns,
a gzip bomb, a FIFO, ``/dev/zero``) must not cost gigabytes or hang while the
database's writer lock is held. Every limit sits well above the 100,000-item
cases weigh is benchmarked on, and every refusal names the limit.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from evidence.db_files import kind_of
from evidence.errors import ImportFailed
from hypotheses.vocabulary import CASE_LISTS

MAX_IMPORT_BYTES = 128 * 1024 * 1024  # a file as read (a 100,000-item case file is ~72 MB)
MAX_ACHZ_BYTES = 16 * 1024 * 1024  # a .achz as read (gzip: 100,000 items are ~5 MB)
MAX_XML_BYTES = 256 * 1024 * 1024  # a .achz after decompression (100,000 items: ~84 MB of UTF-16)
MAX_EVIDENCE = 200_000
MAX_HYPOTHESES = 500
MAX_INDICATORS = 10_000
MAX_RATINGS = 2_000_000  # ratings and notes over the whole case (100,000 × 6 is 600,000)
MAX_ANALYSTS = 1_000  # a team case's analysts
MAX_JSON_CONTAINERS = 1_000_000  # `{` and `[` outside strings in a JSON file: an item needs about four
MAX_JSON_KEYS = 5_000_000  # `:` outside strings in a JSON file (one per key): an item needs about 22
MAX_XML_ELEMENTS = 2_200_000  # a PARC evidence item is ten elements

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def over(name: str, what: str, limit: int) -> ImportFailed:
    """The one wording of a refusal: what was too much and the limit it passed."""
    return ImportFailed(f"{name}: more than {limit:,} {what}, the limit for one import; nothing was imported")


def over_ratings(hypotheses: int, items: int) -> str:
    """Why a matrix of this shape is refused: its cells, the ratings it could hold, are too many."""
    return (f"{hypotheses:,} hypotheses × {items:,} evidence items is more than {MAX_RATINGS:,} "
            "ratings, the limit for one import; nothing was imported")


def too_big(name: str, limit: int) -> ImportFailed:
    return ImportFailed(
        f"{name}: larger than {limit // 2**20} MB, the limit for one import; nothing was imported"
    )


PIECE = 1 << 20  # an import read in pieces is read this much at a time
IMPORTS_ONLY = "weigh imports only regular files"  # the refusal of a FIFO, device or folder


class ImportFile:
    """A file to import: sniffed by its first bytes, then read whole or in pieces.

    Every read goes through the one descriptor checked to be a regular file
    (opened non-blocking, so a FIFO or device never blocks or streams forever)
    and stops past MAX_IMPORT_BYTES, however the file grows meanwhile.
    """

    def __init__(self, name: str, fd: int = -1, data: bytes | None = None) -> None:
        self.name, self._fd, self._data = name, fd, data

    @classmethod
    def of_bytes(cls, data: bytes, name: str) -> ImportFile:
        return cls(name, data=data)

    @classmethod
    def open(cls, path: Path, name: str | None = None, only: str = IMPORTS_ONLY) -> ImportFile:
        """The regular file at ``path`` of at most MAX_IMPORT_BYTES; anything else is refused,
        naming it ``name`` (default: the path; a merge says which argument) with ``only``."""
        name = str(path) if name is None else name
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                raise ImportFailed(f"{name}: is {kind_of(st.st_mode)}; {only}")
            if st.st_size > MAX_IMPORT_BYTES:
                raise too_big(name, MAX_IMPORT_BYTES)
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise ImportFailed(f"{name}: no such file") from None
        except OSError as exc:
            raise _unreadable(name, exc, only) from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise ImportFailed(f"{name}: changed while it was being opened; {only}")
        return cls(name, fd)

    def __enter__(self) -> ImportFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def head(self) -> bytes:
        """The first bytes, to tell the format by."""
        return next(self.pieces(64 * 1024), b"")

    def read(self) -> bytes:
        """The whole file."""
        return b"".join(self.pieces())

    def pieces(self, size: int | None = None) -> Iterator[bytes]:
        """The file from its start, ``size`` (PIECE) bytes at a time; too_big past MAX_IMPORT_BYTES."""
        size = size or PIECE
        if self._data is not None:
            if len(self._data) > MAX_IMPORT_BYTES:  # as a file's size is checked when it opens
                raise too_big(self.name, MAX_IMPORT_BYTES)
            yield from (self._data[at:at + size] for at in range(0, len(self._data), size))
            return
        offset = 0
        while piece := self._pread(min(size, MAX_IMPORT_BYTES + 1 - offset), offset):
            offset += len(piece)
            if offset > MAX_IMPORT_BYTES:  # it grew after the check
                raise too_big(self.name, MAX_IMPORT_BYTES)
            yield piece

    def _pread(self, size: int, offset: int) -> bytes:
        try:
            return os.pread(self._fd, size, offset)
        except OSError as exc:
            raise _unreadable(self.name, exc) from None


def _unreadable(name: str, exc: OSError, only: str = IMPORTS_ONLY) -> ImportFailed:
    if exc.errno == errno.EISDIR:
        return ImportFailed(f"{name}: is a directory; {only}")
    return ImportFailed(f"{name}: cannot read: {exc.strerror or exc}")


def read_import_file(path: Path, name: str | None = None, only: str = IMPORTS_ONLY) -> bytes:
    """The bytes of a regular file of at most MAX_IMPORT_BYTES; anything else is refused
    (``name`` and ``only`` as :meth:`ImportFile.open` words it)."""
    with ImportFile.open(path, name, only) as file:
        return file.read()


# Every byte but the four that matter to JsonCounts once escaped quotes are gone.
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"{[:')
_SLICE = 1 << 16  # JsonCounts splits this much text at a time at most (the parts of 1 MiB: ~5 MB)


class JsonCounts:
    """The objects and lists (``{``, ``[``) and keys (``:``) of JSON text given in pieces,
    counted outside strings before it is parsed: a ``[1]`` or a URL's colon in a string costs
    nothing to parse, and counting it refused files weigh wrote itself.

    A string may begin in one piece and end in another, and an escape (``\\"``, ``\\\\``)
    may be cut between two: what the last piece left open is carried to the next. Bytes work
    here as characters do (UTF-8 never uses these bytes inside a character). Where the text
    is not JSON (a backslash outside a string) the counts after it may be off; a parser stops
    there, so the counts bound what any parse of the file builds.
    """

    def __init__(self) -> None:
        self.containers = 0
        self.keys = 0
        self._in_string = False  # the last piece ended inside a string
        self._escaped = False  # ... and with a backslash that escapes the next byte

    def add(self, text: bytes) -> None:
        """Count one more piece of the text (a slice at a time, so what is split stays small)."""
        for at in range(0, len(text), _SLICE):
            self._add(text[at:at + _SLICE])

    def _add(self, piece: bytes) -> None:
        if self._escaped and piece:
            piece, self._escaped = piece[1:], False
        if b"\\" in piece:  # (rare: only strings hold a backslash)
            piece = piece.replace(b"\\\\", b"")  # escaped backslashes, in pairs from a run's start
            if piece.endswith(b"\\"):  # a run cut by the piece's end: it escapes the next byte
                piece, self._escaped = piece[:-1], True
            piece = piece.replace(b'\\"', b"")  # escaped quotes: every quote left opens or closes
        between = piece.translate(None, _NOT_STRUCTURE).split(b'"')
        outside = b"".join(between[self._in_string::2])
        self._in_string ^= len(between) % 2 == 0
        self.containers += outside.count(b"{") + outside.count(b"[")
        self.keys += outside.count(b":")

    def over(self) -> bool:
        return self.containers > MAX_JSON_CONTAINERS or self.keys > MAX_JSON_KEYS

    def check(self, name: str) -> None:
        """Refuse, naming the limit, text past either bound."""
        if self.containers > MAX_JSON_CONTAINERS:
            raise over(name, "JSON objects and lists", MAX_JSON_CONTAINERS)
        if self.keys > MAX_JSON_KEYS:  # a key costs memory as the file is parsed
            raise over(name, "JSON keys (colons)", MAX_JSON_KEYS)


def check_json_size(data: bytes, name: str) -> JsonCounts:
    """Refuse, before parsing, a JSON file whose objects and lists alone would cost too much
    memory; its counts otherwise."""
    if len(data) > MAX_IMPORT_BYTES:
        raise too_big(name, MAX_IMPORT_BYTES)
    counts = JsonCounts()
    counts.add(data)
    counts.check(name)
    return counts


def keys_in(value: Any) -> int:
    """The keys of every object in a parsed JSON value: as many as the text's structural
    colons (:class:`JsonCounts`) unless an object names a key twice (``json`` keeps the last)."""
    count = 0
    stack = [value]
    while stack:
        node = stack.pop()
        if node.__class__ is dict:
            count += len(node)
            node = node.values()
        elif node.__class__ is not list:
            continue
        stack += [child for child in node if child.__class__ is dict or child.__class__ is list]
    return count


_CELLS = ("ratings", "notes")
_LAYERS = ("ratings_by", "notes_by")


def item_keys(items: list[Any]) -> int:
    """:func:`keys_in` of parsed evidence items, counting only where a valid item has objects
    (itself, its cells, its layers): four times faster, and never more than keys_in."""
    count = 0
    for item in items:
        if item.__class__ is not dict:
            continue
        count += len(item)
        for key in _CELLS:
            cells = item.get(key)
            if cells.__class__ is dict:
                count += len(cells)
        for key in _LAYERS:
            layers = item.get(key)
            if layers.__class__ is dict:
                count += len(layers) + sum(len(cells) for cells in layers.values() if cells.__class__ is dict)
    return count


def case_keys(doc: dict[str, Any]) -> int:
    """:func:`keys_in` of a parsed case file, its items counted by :func:`item_keys`: exact for
    a file the models accept, never more otherwise."""
    items = doc.get("evidence")
    if items.__class__ is not list:
        return keys_in(doc)
    head = sum(keys_in(value) for key, value in doc.items() if key != "evidence")
    return len(doc) + head + item_keys(items)


def date_problem(value: Any) -> str | None:
    """Why ``value`` is not a date as a file may write one (``YYYY-MM-DD`` text), or None.

    Numbers are refused (is 1648512000 seconds, milliseconds or a typo?), and
    so are date-times and digit strings a lenient parser would take as a
    timestamp.
    """
    if value is None or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return None
    if isinstance(value, bool):
        return f"expected a date written YYYY-MM-DD, got {str(value).lower()}"
    if isinstance(value, int | float):
        return "expected a date written YYYY-MM-DD, got a number"
    if isinstance(value, str):
        return f"expected a date written YYYY-MM-DD, got {value[:40]!r}"
    return "expected a date written YYYY-MM-DD"


def _cells(item: dict[str, Any], layered: bool) -> int:
    """An item's shared cells (``ratings``, ``notes``), and with ``layered`` its analysts' layers
    (``ratings_by``, ``notes_by``: analyst → hypothesis → value)."""
    count = 0
    for key in ("ratings", "notes"):
        if isinstance(cells := item.get(key), dict):
            count += len(cells)
    for key in ("ratings_by", "notes_by") if layered else ():
        if isinstance(layers := item.get(key), dict):
            count += sum(len(cells) for cells in layers.values() if isinstance(cells, dict))
    return count


def rating_cells(evidence: list[Any], indicators: list[Any]) -> int:
    """The ratings and notes (every analyst's layer too) that parsed items hold."""
    return (sum(_cells(item, True) for item in evidence if isinstance(item, dict))
            + sum(_cells(item, False) for item in indicators if isinstance(item, dict)))


def case_file_problem(doc: dict[str, Any]) -> str | None:
    """The first place a parsed weigh-case document breaks strict JSON types or the limits, or None.

    Checked before the models, which would take ``true`` as 1 and a number as a date.
    """
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        shown = str(version).lower() if isinstance(version, bool) else repr(version)[:40]
        return f"version: expected the number 1, 2 or 3, got {shown}"
    lists = {key: doc.get(key) for key in CASE_LISTS}
    counts = {key: len(v) if isinstance(v, list) else 0 for key, v in lists.items()}
    evidence = lists["evidence"] if isinstance(lists["evidence"], list) else []
    indicators = lists["indicators"] if isinstance(lists["indicators"], list) else []
    ratings = rating_cells(evidence, indicators)
    if counts["hypotheses"] > MAX_HYPOTHESES:
        return f"hypotheses: more than {MAX_HYPOTHESES:,}, the limit for one import"
    if counts["evidence"] > MAX_EVIDENCE:
        return f"evidence: more than {MAX_EVIDENCE:,} items, the limit for one import"
    if counts["indicators"] > MAX_INDICATORS:
        return f"indicators: more than {MAX_INDICATORS:,}, the limit for one import"
    if ratings > MAX_RATINGS:
        return f"more than {MAX_RATINGS:,} ratings and notes, the limit for one import"
    header = doc.get("case")
    analysts = header.get("analysts") if isinstance(header, dict) else None
    if isinstance(analysts, list) and len(analysts) > MAX_ANALYSTS:
        return f"case: analysts: more than {MAX_ANALYSTS:,}, the limit for one import"
    for field in ("created", "updated"):
        value = header.get(field) if isinstance(header, dict) else None
        if value is not None and not isinstance(value, str):
            return f"case: {field}: expected a date and time written as text (ISO 8601)"
    for kind, items, fields in (
        ("evidence", evidence, ("event_date", "reported_date")),
        ("indicator", indicators, ("expected_by",)),
    ):
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            for field in fields:
                value = item.get(field)
                if value is None or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
                    continue  # the common case, without a call
                why = date_problem(value)
                if why:
                    label = item["id"][:40] if isinstance(item.get("id"), str) else f"#{i + 1}"
                    return f"{kind} {label}: {field}: {why}"
    return None
