"""Reading a case file the way weigh writes it, a batch of items at a time.

``json.loads`` of a 100,000-item case file builds a tree of dicts several times
the file's size before a single model exists. A file laid out as weigh writes
it (``format``, ``version``, ``case`` and ``hypotheses`` before ``evidence``)
is read here instead, from its text given in pieces: the top-level object key
by key, and its evidence a thousand items at a time, each batch checked and
validated by the very code the whole-file reader uses (given by
``evidence.case_file``) and then dropped, so only the models stay, beside
the piece of text being read (never the whole file).

Anything else (another order, a key named twice, any problem at all) raises
:class:`NotStreamed`, and the caller reads the file whole, which words the
error exactly as it always has (a key named twice is refused there, naming it);
the pre-parse bounds (:func:`evidence.limits.check_json_size`) cap what that costs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from evidence.case_lines import share_equal_values
from evidence.errors import ImportFailed
from evidence.limits import MAX_EVIDENCE, MAX_RATINGS, item_keys, keys_in, rating_cells
from hypotheses.models import Case, Evidence

BATCH = 1000
MARGIN = 64 * 1024  # text held past a value before it is decoded (doubled while one is longer)
_BEFORE_ITEMS = ("format", "version", "case", "hypotheses")
_WHITESPACE = " \t\n\r"


class NotStreamed(Exception):
    """Not read item by item: read the file whole instead."""


ItemsOf = Callable[[dict[str, Any]], list[Evidence]]  # a document's items, checked and validated
CaseOf = Callable[[dict[str, Any], list[Evidence]], Case]  # the case of a document and its items


def stream_case_file(pieces: str | Iterable[str], items_of: ItemsOf, case_of: CaseOf,
                     colons: Callable[[], int] | None = None) -> Case:
    """The case in the text given as ``pieces``, read a batch of items at a time;
    NotStreamed if it cannot be.

    ``items_of`` and ``case_of`` are the whole-file reader's checks and validation.
    ``colons``: the text's colons outside strings, once all of it was given: fewer keys
    read means an object names a key twice, which the whole-file reader refuses.
    """
    reader = _Reader(iter([pieces] if isinstance(pieces, str) else pieces), items_of, case_of, colons)
    try:
        return reader.read()
    except (ImportFailed, ValueError, RecursionError, IndexError) as exc:
        raise NotStreamed from exc


class _Reader:
    def __init__(self, pieces: Iterator[str], items_of: ItemsOf, case_of: CaseOf,
                 colons: Callable[[], int] | None) -> None:
        self.pieces = pieces
        self.colons = colons
        self.text = ""  # the text read and not yet consumed, from ``pos``
        self.pos = 0
        self.items_of = items_of
        self.case_of = case_of
        self.decoder = json.JSONDecoder(parse_constant=_not_json)
        self.head: dict[str, Any] = {}
        self.evidence: list[Evidence] = []
        self.ratings = 0
        self.keys = 0  # the keys of the items read (the rest are the head's)
        self.pool: dict[Any, Any] = {}  # equal values the items share (see share_equal_values)

    def read(self) -> Case:
        self.expect("{")
        while self.peek() != "}":
            key = self.value()
            if not isinstance(key, str) or key in self.head or (key == "evidence" and self.evidence):
                raise NotStreamed
            self.expect(":")
            if key == "evidence" and self.peek() == "[":
                self.items()
            else:
                self.head[key] = self.value()
            self.separator("}")
        self.pos += 1
        while self.fill(len(self.text) - self.pos + 1):
            pass
        if self.text[self.pos:].strip(_WHITESPACE):
            raise NotStreamed  # trailing data: the whole-file reader says where
        indicators = self.head.get("indicators")
        if self.ratings + rating_cells([], indicators if isinstance(indicators, list) else []) > MAX_RATINGS:
            raise NotStreamed
        doc = self.head if "evidence" in self.head else {**self.head, "evidence": []}  # (not a list: refused)
        case = self.case_of(doc, self.evidence)
        if self.colons is not None and self.keys + keys_in(doc) != self.colons():
            raise NotStreamed  # a key named twice: the whole-file reader names it
        return case

    def items(self) -> None:
        """The evidence array, validated a batch at a time as it is read."""
        if any(key not in self.head for key in _BEFORE_ITEMS) or set(self.head) & {"indicators"}:
            raise NotStreamed
        head = {key: value for key, value in self.head.items() if key != "indicators"}
        self.expect("[")
        batch: list[Any] = []
        while self.peek() != "]":
            batch.append(self.value())
            if len(batch) == BATCH:
                self.validate(head, batch)
                batch = []
            self.separator("]")
        self.pos += 1
        self.validate(head, batch)

    def validate(self, head: dict[str, Any], batch: list[Any]) -> None:
        """One batch of items checked and validated as a file holding only them would be."""
        items = self.items_of({**head, "evidence": self.counted(batch)})
        share_equal_values(items, self.pool)
        self.evidence += items

    def counted(self, batch: list[Any]) -> list[Any]:
        """Keep the whole file's counts within the limits (each batch is checked alone)."""
        self.ratings += rating_cells(batch, [])
        self.keys += item_keys(batch)
        if len(self.evidence) + len(batch) > MAX_EVIDENCE or self.ratings > MAX_RATINGS:
            raise NotStreamed  # the whole-file reader names the limit
        return batch

    def fill(self, want: int) -> bool:
        """Hold at least ``want`` characters from ``pos``; False when the text ends before."""
        have = len(self.text) - self.pos
        if have >= want:
            return True
        held = [self.text[self.pos:]]
        while have < want and (piece := next(self.pieces, None)) is not None:
            held.append(piece)
            have += len(piece)
        self.text, self.pos = "".join(held), 0
        return have >= want

    def peek(self) -> str:
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill(1):
                raise NotStreamed  # the text ended inside the object

    def separator(self, closer: str) -> None:
        """After a value: a comma and another value, or ``closer`` (left to read). A missing
        or a trailing comma is no JSON: the whole-file reader says where."""
        if self.peek() == closer:
            return
        self.expect(",")
        if self.peek() == closer:
            raise NotStreamed

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise NotStreamed
        self.pos += 1

    def value(self) -> Any:
        """The next value, decoded once the text held covers it (a number may go on)."""
        self.peek()
        want = MARGIN
        while True:
            whole = not self.fill(want)
            try:
                value, end = self.decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if whole:
                    raise
                want *= 2
                continue
            if end < len(self.text) or whole:
                self.pos = end
                return value
            want *= 2


def _not_json(constant: str) -> float:
    raise ValueError(f"{constant} is not a JSON number")
