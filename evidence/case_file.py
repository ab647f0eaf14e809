"""The `weigh-case` JSON file: the portable form of one case.

Version 2 adds the case's conclusion, same-fact groups on evidence and
indicators; version 3 a team case's analysts and each item's layers
(``ratings_by`` / ``notes_by``, instead of ``ratings`` / ``notes``). A
one-analyst case is still written as version 2; versions 1 and 2 still import.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evidence.errors import ImportFailed
from evidence.limits import (
    ImportFile,
    JsonCounts,
    case_file_problem,
    case_keys,
    check_json_size,
)
from evidence.parse_errors import TOO_MANY_DIGITS, not_json
from hypotheses.models import (
    AnalystId,
    Case,
    CaseId,
    Evidence,
    Hypothesis,
    Indicator,
    IsoDateTime,
    OneLine,
    Text,
)
from hypotheses.validation import describe, located
from hypotheses.vocabulary import CASE_LISTS

FORMAT = "weigh-case"
VERSION = 3  # the newest this weigh reads and writes (team cases)
SOLO_VERSION = 2  # what a one-analyst case is written as
# What each version added: a key of an older version's file is unknown there.
_CASE_KEYS = {"conclusion": 2, "analysts": 3}
_ITEM_KEYS = {"group": 2, "ratings_by": 3, "notes_by": 3}


class _Header(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: CaseId
    title: OneLine
    question: Text = ""
    description: Text = ""
    conclusion: Text = ""
    analysts: list[AnalystId] = Field(default_factory=list)
    created: IsoDateTime | None = None
    updated: IsoDateTime | None = None


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    format: Literal["weigh-case"]
    version: Literal[1, 2, 3]
    case: _Header
    hypotheses: list[Hypothesis] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)


#: Byte-order marks of the encodings a file saved as "Unicode" may be in (UTF-32's first:
#: UTF-32-LE's mark begins with UTF-16-LE's).
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
              (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def decode_text(data: bytes, name: str) -> str:
    """Strict UTF-8 (a BOM is allowed): a wrong encoding is reported, not guessed (a UTF-16
    or UTF-32 byte-order mark, as Excel's 'Unicode Text' writes, is named)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        wide = next((words for bom, words in _WIDE_BOMS if data.startswith(bom)), None)
        if wide is not None:
            raise ImportFailed(f"{name}: not UTF-8 text but {wide} (it starts with a {wide} "
                               "byte-order mark): save the file as UTF-8") from None
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)  # in bytes: the text is not readable
        raise ImportFailed(f"{name}: not UTF-8 text (a bad byte at line {line}, column {column}): "
                           "save the file as UTF-8") from None


def _not_a_case_file(doc: dict[str, object]) -> str:
    """Why a JSON object is not a case file, in words, and what would import."""
    fix = "export the case itself with 'weigh export --format case' and import that file"
    if "format" not in doc:
        if {"ranking", "models_agree"} <= doc.keys():
            return f"this is a summary (weigh export --format json), not a case file: {fix}"
        if {"_meta", "cases"} <= doc.keys():
            return ("this is a weigh database, not a case file: open it with 'weigh --db FILE', "
                    "or export a case of it with 'weigh --db FILE export --case ID --format case'")
        return f"not a weigh case file (it has no \"format\": \"weigh-case\" field): {fix}"
    return (f"not a weigh case file: its \"format\" is {str(doc['format'])[:40]!r}, "
            f"a case file's is 'weigh-case'")


def parse_case_file(data: bytes, name: str = "case file", case_id: str | None = None) -> Case:
    """Validate a whole case file; any problem raises ImportFailed naming item and field."""
    return parse_case_source(ImportFile.of_bytes(data, name), name, case_id)


def parse_case_source(source: ImportFile, name: str = "case file", case_id: str | None = None) -> Case:
    """Validate a case file; any problem raises ImportFailed naming item and field.

    A file laid out as weigh writes it is read item by item as it is read in
    pieces (``evidence.case_stream``), never whole nor as one tree, each piece
    counted against the pre-parse bounds before any of it is parsed; anything
    else, and any problem, is read whole here (within the pre-parse bounds),
    which is also what words every error.
    """
    from evidence import case_stream  # here: weigh merge reads files its own way, without it

    counts = JsonCounts()
    try:
        return case_stream.stream_case_file(
            _text_pieces(source, counts),
            lambda doc: validated(doc, name, case_id).evidence,
            lambda doc, items: case_of(validated(doc, name, case_id), doc, name, items),
            lambda: counts.keys,
        )
    except case_stream.NotStreamed:
        pass
    data = source.read()
    counts = check_json_size(data, name)
    text = decode_text(data, name)
    del data
    doc = load_json(text, name)
    refuse_keys_twice(doc, text, counts.keys, name)
    return case_of(validated(doc, name, case_id), doc, name)


def _text_pieces(source: ImportFile, counts: JsonCounts) -> Iterator[str]:
    """The file's text a piece at a time, each counted against the pre-parse bounds first."""
    from evidence import case_stream

    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for piece in source.pieces():
        counts.add(piece)
        if counts.over():
            raise case_stream.NotStreamed  # the whole-file read names the limit
        yield decoder.decode(piece)
    yield decoder.decode(b"", final=True)


def load_json(text: str, name: str) -> dict[str, Any]:
    """The whole text parsed as one JSON object; any problem worded as an import words it."""
    try:
        doc = json.loads(text, parse_constant=_not_json)
    except RecursionError:
        raise ImportFailed(f"{name}: JSON is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{name}: {not_json(exc)}") from None
    except ValueError as exc:  # what json.loads raises for an integer over Python's digit limit
        raise ImportFailed(f"{name}: not a weigh case file ({_number_problem(exc)})") from None
    if not isinstance(doc, dict):
        raise ImportFailed(f"{name}: expected a JSON object with format 'weigh-case'")
    return doc


def refuse_keys_twice(doc: dict[str, Any], text: str, colons: int, name: str) -> None:
    """Refuse the file ``doc`` was parsed from if an object in it names a key twice, naming
    the key and where ("duplicate key 'H1' in evidence E3 ratings").

    ``json`` keeps the last of two values, so one who reads the file (a review in git)
    would see one value and weigh would take another. Each key is written with one colon
    outside strings (``colons``, counted before parsing): fewer keys parsed means a key
    named twice, and only then is the text parsed again to find it (a hook on every
    object would cost every import, and its pairs the memory of an object at the limits).
    """
    if case_keys(doc) == colons:
        return
    where = _duplicate(text)
    if where is not None:  # (None: an object the count skips, which the models refuse)
        raise ImportFailed(f"{name}: {where}")


class _Twice(dict[str, Any]):
    """An object that names ``key`` twice, as :func:`_duplicate` parses it (first values kept)."""

    key = ""


def _keep_first(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for key, value in pairs:
        if key in doc and not isinstance(doc, _Twice):
            doc = _Twice(doc)
            doc.key = key
        doc.setdefault(key, value)
    return doc


def _duplicate(text: str) -> str | None:
    """Where the text names a key twice, in words: the first such object in the file (None if
    none does)."""
    try:
        doc = json.loads(text, parse_constant=_not_json, object_pairs_hook=_keep_first)
        found = _first_twice(doc, ())
    except (ValueError, RecursionError):
        return None
    if found is None:
        return None
    loc, key = found
    label, rest = located(doc, loc)
    where = " ".join(part for part in (label, ".".join(map(str, rest))) if part)
    return f"duplicate key {key[:40]!r} in {where or 'the top-level object'}: keep one"


def _first_twice(value: Any, loc: tuple[str | int, ...]) -> tuple[tuple[str | int, ...], str] | None:
    """The place and key of the first object, in the file's order, that names a key twice."""
    if isinstance(value, _Twice):
        return loc, value.key
    children: Iterable[tuple[str | int, Any]]
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    else:
        return None
    for step, child in children:
        found = _first_twice(child, (*loc, step))
        if found is not None:
            return found
    return None


def validated(doc: dict[str, Any], name: str, case_id: str | None) -> CaseFile:
    """A parsed document checked (types, limits, version keys) and validated as a case file."""
    checked(doc, name, case_id)
    return file_model(doc, name)


def file_model(doc: dict[str, Any], name: str) -> CaseFile:
    """A document already ``checked`` validated as a case file (a problem named in words)."""
    try:
        return CaseFile.model_validate(doc)
    except ValidationError as exc:
        raise ImportFailed(f"{name}: {describe(exc, doc)}") from None


def checked(doc: dict[str, Any], name: str, case_id: str | None) -> None:
    """What the models cannot see of a whole document: the format, strict JSON types and the
    limits, the keys its version may have, a team file's shared cells (``case_id`` replaces its id)."""
    if doc.get("format") != FORMAT:
        raise ImportFailed(f"{name}: {_not_a_case_file(doc)}")
    problem = case_file_problem(doc)
    if problem is not None:
        raise ImportFailed(f"{name}: {problem}")
    if doc["version"] > VERSION:
        told = str(doc["version"])  # a 4,000-digit version is not printed whole
        raise ImportFailed(
            f"{name}: version {told if len(told) <= 12 else told[:12] + '…'} is newer than this "
            f"weigh reads ({VERSION}): a newer weigh wrote it; update weigh to read it"
        )
    if 1 <= doc["version"] < VERSION:  # below 1 is no version: the model words it
        _check_older(doc, name, doc["version"])
    _check_team_items(doc, name)
    if case_id is not None and isinstance(doc.get("case"), dict):
        doc["case"] = {**doc["case"], "id": case_id}


def case_of(parsed: CaseFile, doc: dict[str, Any], name: str,
            evidence: list[Evidence] | None = None) -> Case:
    """The case a validated file holds (``evidence`` given when it was read in batches)."""
    fields = parsed.case.model_dump(exclude_none=True)
    try:
        return Case.model_validate(
            {
                **fields,
                "hypotheses": parsed.hypotheses,
                "evidence": parsed.evidence if evidence is None else evidence,
                "indicators": parsed.indicators,
            },
            strict=False,
        )
    except ValidationError as exc:
        raise ImportFailed(f"{name}: {describe(exc, doc)}") from None


def _not_json(constant: str) -> float:
    raise ValueError(f"{constant} is not a JSON number")


_ELEMENT = json.JSONDecoder(parse_constant=_not_json)


def _number_problem(exc: ValueError) -> str:
    text = str(exc)
    if "is not a JSON number" in text:
        return text
    return TOO_MANY_DIGITS


def _label(ev: Any, i: int) -> str:
    return ev["id"][:40] if isinstance(ev, dict) and isinstance(ev.get("id"), str) else f"#{i + 1}"


def _items(doc: dict[str, Any]) -> list[Any]:
    evidence = doc.get("evidence")
    return evidence if isinstance(evidence, list) else []


def _check_older(doc: dict[str, Any], name: str, version: int) -> None:
    """An older file has none of what came later: such keys are unknown there."""
    where: str | None = None
    came = 0
    case = doc.get("case")
    if version < 2 and "indicators" in doc:
        where, came = "indicators", 2
    for key, added in _CASE_KEYS.items():
        if where is None and version < added and isinstance(case, dict) and key in case:
            where, came = f"case: {key}", added
    for i, ev in enumerate(_items(doc)):
        if where is not None:
            break
        for key, added in _ITEM_KEYS.items():
            if version < added and isinstance(ev, dict) and key in ev:
                where, came = f"evidence {_label(ev, i)}: {key}", added
                break
    if where is not None:
        raise ImportFailed(
            f"{name}: {where}: unknown field in a version {version} file (it came in version {came})"
        )


def _check_team_items(doc: dict[str, Any], name: str) -> None:
    """A team file's items keep their cells in layers: a ``ratings`` or ``notes`` key there
    (even empty) is refused, naming the item."""
    case = doc.get("case")
    if not (isinstance(case, dict) and case.get("analysts")):
        return
    for i, ev in enumerate(_items(doc)):
        for key in ("ratings", "notes"):
            if isinstance(ev, dict) and key in ev:
                raise ImportFailed(
                    f"{name}: evidence {_label(ev, i)}: {key}: a team case keeps every "
                    f"{key[:-1]} in an analyst's layer ({key}_by), not shared"
                )


def case_file_dict(case: Case, read: Sequence[Any] | None = None) -> dict[str, Any]:
    """The case as a file document: version 3 for a team case (its items' layers, no
    shared cells), version 2 for a one-analyst case. Keys in a fixed order (the models'
    fields; cells in hypothesis order, layers in the analysts' order), so two writes of
    one case are the same bytes and git sees only what changed.

    ``read``: the parsed dict each item was validated from (``weigh merge`` has them), used
    instead of dumping the model where it already is that dump.
    """
    team = bool(case.analysts)
    order = _Order(case)
    items = case.evidence if read is None else zip(case.evidence, read, strict=True)
    return {
        "format": FORMAT,
        "version": VERSION if team else SOLO_VERSION,
        "case": case.info.model_dump(mode="json"),
        "hypotheses": [h.model_dump(mode="json") for h in case.hypotheses],
        "evidence": [order.item(_item_dict(e, team)) for e in items],
        "indicators": [order.item(m.model_dump(mode="json")) for m in case.indicators],
    }


_SHARED = {"ratings", "notes"}  # not in a team case's items
_LAYERS = ("ratings_by", "notes_by")  # in an item's dump only when not empty
_ITEM_KEYS_BY = {team: tuple(f for f in Evidence.model_fields
                             if f not in _LAYERS and not (team and f in _SHARED))
                 for team in (False, True)}


def _item_dict(item: Evidence | tuple[Evidence, Any], team: bool) -> dict[str, Any]:
    """An item as the file holds it: the model's dump, or a copy of the dict it was read from
    when that is the dump already (every field the dump has, in its order, the title as kept:
    a validated file's other values are JSON's own)."""
    ev, read = item if isinstance(item, tuple) else (item, None)
    if isinstance(read, dict) and read.get("title") == ev.title:
        keys = _ITEM_KEYS_BY[team] + tuple(key for key in _LAYERS if getattr(ev, key))
        if tuple(read) == keys:
            return dict(read)
    return ev.model_dump(mode="json", exclude=_SHARED if team else None)


class _Order:
    """Cells by hypothesis order, layers by analyst order (unknown keys last, sorted)."""

    def __init__(self, case: Case) -> None:
        self.hyps = {h.id: i for i, h in enumerate(case.hypotheses)}
        self.analysts = {a: i for i, a in enumerate(case.analysts)}
        self.in_order: dict[tuple[bool, tuple[str, ...]], bool] = {}  # keys seen → in order (few patterns)

    def item(self, item: dict[str, Any]) -> dict[str, Any]:
        for key in ("ratings", "notes"):
            if key in item:
                item[key] = self.ordered(item[key], self.hyps)
        for key in ("ratings_by", "notes_by"):
            if key in item:
                item[key] = {a: self.ordered(cells, self.hyps)
                             for a, cells in self.ordered(item[key], self.analysts).items()}
        return item

    def ordered(self, cells: dict[str, Any], rank: dict[str, int]) -> dict[str, Any]:
        """``cells`` itself when in order (never changed in place), else an ordered copy."""
        keys = tuple(cells)
        seen = (rank is self.hyps, keys)
        done = self.in_order.get(seen)
        if done is None:
            done = self.in_order[seen] = list(keys) == _sorted(keys, rank)
        return cells if done else {key: cells[key] for key in _sorted(keys, rank)}


def _sorted(keys: tuple[str, ...], rank: dict[str, int]) -> list[str]:
    return sorted(keys, key=lambda key: (rank.get(key, len(rank)), key))


def dump_case_file(case: Case, read: Sequence[Any] | None = None) -> str:
    """The canonical layout: the header on its own lines, then one line per hypothesis,
    evidence item and indicator, so a diff or a line merge is per item. Plain JSON
    (any reader, older weigh too, parses it) in the key order ``evidence.case_stream``
    reads a batch at a time. ``read``: as for :func:`case_file_dict`."""
    doc = case_file_dict(case, read)
    lines = [f'{{"format": {_line(doc["format"])}, "version": {doc["version"]},',
             f'"case": {_line(doc["case"])},']
    for key in CASE_LISTS:
        items = [_line(element) for element in doc[key]]
        end = "]}" if key == "indicators" else "],"
        lines.append(f'"{key}": [' + ("\n" + ",\n".join(items) + "\n" if items else "") + end)
    return "\n".join(lines) + "\n"


def _line(value: Any) -> str:
    return _ENCODE(value)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps's output, without a new encoder each call


def canonical_parts(text: str) -> tuple[dict[str, Any], dict[str, list[str]]] | None:
    """A text in the canonical layout as its header (``format``, ``version``, ``case``) and the
    JSON text of each hypothesis, item and indicator, one per line; None if not so laid out.

    The parts are what parsing the whole text gives: the lines around the elements must be
    exactly what :func:`dump_case_file` writes, and the caller parses each element's text as one
    JSON value (anything else, such as two on a line, is not this layout).
    """
    lines = text.split("\n")
    if len(lines) < 6 or lines[-1] or not lines[1].endswith(","):
        return None
    try:
        head = json.loads(f"{lines[0]}\n{lines[1][:-1]}}}", parse_constant=_not_json)
    except (ValueError, RecursionError):
        return None
    if not isinstance(head, dict) or list(head) != ["format", "version", "case"]:
        return None
    parts: dict[str, list[str]] = {}
    at = 2
    for key in CASE_LISTS:
        close = "]}" if key == "indicators" else "],"
        if lines[at] == f'"{key}": [{close}':
            parts[key], at = [], at + 1
            continue
        if lines[at] != f'"{key}": [' or (end := _index(lines, close, at + 1)) is None:
            return None
        elements = lines[at + 1:end]
        if not elements or not all(e.endswith(",") for e in elements[:-1]) or elements[-1].endswith(","):
            return None
        parts[key] = [e[:-1] for e in elements[:-1]] + elements[-1:]
        at = end + 1
    return (head, parts) if at == len(lines) - 1 else None


def element_value(line: str) -> Any:
    """The one JSON value of an element's line from :func:`canonical_parts` (ValueError or
    RecursionError if it is not exactly one, or holds NaN or Infinity)."""
    return _ELEMENT.decode(line)


def _index(lines: list[str], line: str, start: int) -> int | None:
    try:
        return lines.index(line, start)
    except ValueError:
        return None
