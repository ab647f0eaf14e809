"""How the cases table sits in the database file, written and read a line at a time.

A case's evidence is most of the file, and
parsing it in one call builds a JSON tree of the whole of it first (in
pydantic-core, several times the file's size) whose memory the process
keeps. So the writer puts each case's evidence last, a thousand items to
a line, and the reader validates it a line at a time:

    {"cases":{"1":{"id":…,"hypotheses":[…],"indicators":[],"evidence":[
    {…item…},{…item…},…,
    {…item…},…
    ]},"2":{…}},"history":{…},"_meta":{…}}

A raw newline is only ever whitespace between JSON tokens (a string
cannot hold one), so the file stays plain JSON that TinyDB(path) reads,
and weigh's own serialiser writes no newline anywhere else: the newlines
mark exactly where each region starts, where its lines break and where it
ends.

:func:`case_pieces` writes a case this way; :func:`read_cases` reads the lines
back (``evidence.database`` reads the file a block at a time and splits it at
newlines) and declines anything that is not exactly this layout, so the
caller validates the whole file instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from hypotheses.models import Case, CaseInfo, Evidence, Hypothesis, Indicator

_ANY_LIST: TypeAdapter[list[Any]] = TypeAdapter(list[Any])
_ITEMS: TypeAdapter[list[Evidence]] = TypeAdapter(list[Evidence])
_DOC: TypeAdapter[dict[str, Any]] = TypeAdapter(dict[str, Any])


class SyncedDoc(BaseModel):
    """A document of the ``synced`` table: a case as last synced with a file (``weigh sync``),
    the file's canonical text then (one JSON string: no raw newline, so no region)."""

    model_config = ConfigDict(extra="forbid")
    case: str
    file: str
    text: str


class DbHead(BaseModel):
    """The file without its trail and ``_meta`` (validated on the fast path), when it holds
    no evidence region (built when first used: opening a case with evidence never does)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    cases: dict[str, Case] = Field(default_factory=dict)
    synced: dict[str, SyncedDoc] = Field(default_factory=dict)


class _CaseHead(CaseInfo):
    """A case whose evidence array stands for one chunked region of the file (or none).

    Its fields are :class:`Case`'s (a test holds them equal); ``evidence``
    holds the region's number, put there by :func:`read_cases`.
    """

    hypotheses: list[Hypothesis] = Field(default_factory=list)
    evidence: Annotated[list[int], Field(max_length=1)] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)


class _Heads(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cases: dict[str, _CaseHead] = Field(default_factory=dict)
    synced: dict[str, SyncedDoc] = Field(default_factory=dict)


def share_equal_values(items: list[Evidence], pool: dict[Any, Any]) -> None:
    """Make items read from the file share their equal values: 40% less memory at 100k items.

    pydantic keeps, per model, the set of field names its input named: for
    items read from this file that is the same dozen names each time, ~700
    bytes per item; the dates, the ratings of a common pattern and the empty
    notes and tags repeat too. Sharing is safe because nothing changes them
    in place: the models are frozen, every edit builds new dicts and lists
    (``model_copy`` already shares them between an item and its edited copy),
    and pydantic copies a fields set before changing it.
    """
    share = pool.setdefault
    last: set[str] | None = None
    for ev in items:
        names = ev.__pydantic_fields_set__
        if names != last:  # neighbours mostly name the same fields: no frozenset each time
            last = share(frozenset(names), names)
        object.__setattr__(ev, "__pydantic_fields_set__", last)
        values = ev.__dict__
        for key in ("event_date", "reported_date"):
            day = values[key]
            if day is not None:
                values[key] = share(day, day)
        if not values["notes"]:
            values["notes"] = share("{}", values["notes"])
        if not values["tags"]:
            values["tags"] = share("[]", values["tags"])


CHUNK_ITEMS = 1000  # evidence items per line of the file
_JOIN = b'"evidence":['


def case_pieces(doc: Mapping[str, Any]) -> Iterator[bytes]:
    """One case document as bytes, its evidence (if any) a region of lines of items.

    Fields at their defaults are left out: a smaller file, read in less memory.
    """
    items = doc.get("evidence")
    if not isinstance(items, list) or not items:
        yield _DOC.dump_json(dict(doc), exclude_defaults=True)
        return
    rest = _DOC.dump_json({k: v for k, v in doc.items() if k != "evidence"}, exclude_defaults=True)
    yield b"".join((rest[:-1], b"," if len(rest) > 2 else b"", _JOIN, b"\n"))
    for i in range(0, len(items), CHUNK_ITEMS):
        line = _ANY_LIST.dump_json(items[i : i + CHUNK_ITEMS], exclude_defaults=True)[1:-1]
        yield b",\n" + line if i else line
    yield b"\n]}"


Tables = tuple[dict[str, Case], dict[str, SyncedDoc]]


def read_cases(segments: Iterable[tuple[bytes, bool]]) -> Tables | None:
    """The cases and synced tables of ``{"cases":…`` (split at newlines: :func:`lines`) + ``}``;
    None if not weigh's layout.

    None (the caller then validates the whole file, and reports what is wrong
    with it) unless the result is exactly what validating the whole text
    would give. The text outside the regions (the skeleton) must be valid
    with every region's array empty: then each region sits in an evidence
    array, and the file is valid exactly when each of its lines is. Which
    case holds which region is read from the skeleton with each region's
    number in its array, so duplicate keys resolve as they would in the
    whole file; every region must be some case's evidence, once.
    """
    skeleton: list[bytes] = []  # the text between regions
    regions: list[list[Evidence]] = []
    shared: dict[Any, Any] = {}
    region: list[Evidence] | None = None
    more = False  # the region's last line ended with a comma: another line must follow
    try:
        for segment, last in segments:
            if region is not None:
                if not segment.startswith(b"]"):
                    if last or (region and not more):
                        return None
                    more = segment.endswith(b",")
                    line = memoryview(segment)[:-1] if more else segment
                    items = _ITEMS.validate_json(b"".join((b"[", line, b"]")))
                    if not items:
                        return None
                    share_equal_values(items, shared)
                    region += items
                    continue
                if more:
                    return None
                regions.append(region)
                region = None
            skeleton.append(segment)
            if last:
                break
            if not segment.endswith(_JOIN):
                return None
            region, more = [], False
        else:
            return None  # the text ended early
        if not regions:  # a file from an older weigh, or no evidence at all
            head = DbHead.model_validate_json(b"".join((*skeleton, b"}")))
            return head.cases, head.synced
        empty = _Heads.model_validate_json(b"".join((*skeleton, b"}"))).cases
        if any(head.evidence for head in empty.values()):
            return None
        numbered = [skeleton[0]]
        for n, piece in enumerate(skeleton[1:]):
            numbered += (b"%d" % n, piece)
        numbered_heads = _Heads.model_validate_json(b"".join((*numbered, b"}")))
        heads = numbered_heads.cases
        if sorted(n for head in heads.values() for n in head.evidence) != list(range(len(regions))):
            return None
        fields = [name for name in _CaseHead.model_fields if name != "evidence"]
        return {
            key: Case.model_validate({
                **{name: getattr(head, name) for name in fields},
                "evidence": regions[head.evidence[0]] if head.evidence else [],
            })
            for key, head in heads.items()
        }, numbered_heads.synced
    except ValidationError:
        return None
