"""A record's JSON for the journal, in pieces when it carries a whole case.

A case's record (an import, a restore) is as large as the case; made as one
string it sat beside the case's models, and its journal line was a third copy.
Here its evidence is serialised a batch at a time, twice (once for the line's
checksum and size, once to write it), so at most a batch is held.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from pydantic import BaseModel, TypeAdapter

from hypotheses.models import Case, Evidence

BATCH = 1000
_ITEMS: TypeAdapter[list[Evidence]] = TypeAdapter(list[Evidence])
_DOC, _EMPTY = b'"doc":{', b'"evidence":[]'


class Pieces:
    """A record's JSON as the bytes before its case's evidence, the items, and the rest."""

    def __init__(self, head: bytes, items: list[Evidence], tail: bytes) -> None:
        self.head, self.items, self.tail = head, items, tail
        self.size = self.crc = 0
        for piece in self:
            self.size += len(piece)
            self.crc = zlib.crc32(piece, self.crc)

    def __len__(self) -> int:
        return self.size

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        for start in range(0, len(self.items), BATCH):
            batch = _ITEMS.dump_json(self.items[start:start + BATCH])
            yield batch[1:-1] if start == 0 else b"," + batch[1:-1]
        yield self.tail


def record_json(record: BaseModel) -> bytes | Pieces:
    """``record.model_dump_json()`` as bytes; in pieces when it holds a large case as ``doc``."""
    doc = getattr(record, "doc", None)
    if not isinstance(doc, Case) or len(doc.evidence) <= BATCH:
        return record.__pydantic_serializer__.to_json(record)
    hollow = record.model_copy(update={"doc": doc.model_copy(update={"evidence": []})})
    text = hollow.__pydantic_serializer__.to_json(hollow)
    # The first `"evidence":[]` after `"doc":{` is the case's own: in JSON text a quote
    # inside a string is escaped, so neither can occur inside a title or note.
    at = text.index(_EMPTY, text.index(_DOC)) + len(_EMPTY) - 1
    return Pieces(text[:at], doc.evidence, text[at:])
