"""PARC ACH 2.0 `.achz` files: read them into a Case, write a Case back out.

What is known of the format (evidence/README.md maps it): gzip-compressed
XML encoded as UTF-16, with PROJECT-TITLE, CLASSIFICATION, LAST-INDEX,
COLOR-SCHEME and MATRIX (HYPOTHESIS/NAME per column, EVIDENCE items with NAME,
NOTES, LINK, TYPE, DATE, CODE, FLAG, CREDIBILITY, RELEVANCE if present, and
VALUES) under the root.
The root element's own name is not documented, so the reader accepts any.

Files come from other people, so the reader is hardened: sizes are capped
before and after decompression, the XML parser refuses DTDs and entities, and
any problem raises one ImportFailed line naming the element. Reading is pure
(bytes in, Case out), so a failed import can never leave half a case behind.
Nothing the reader does not map is dropped silently: it goes into a report.
"""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import defusedxml
import defusedxml.ElementTree as SafeET
from pydantic import ValidationError

from evidence.errors import ImportFailed
from evidence.limits import (
    MAX_ACHZ_BYTES,
    MAX_EVIDENCE,
    MAX_HYPOTHESES,
    MAX_RATINGS,
    MAX_XML_BYTES,
    MAX_XML_ELEMENTS,
    over_ratings,
)
from evidence.parse_errors import not_xml
from hypotheses.models import MAX_TAGS, MAX_TITLE, Case, Evidence, Hypothesis
from hypotheses.slug import case_id_from, slug
from hypotheses.validation import field_errors
from hypotheses.vocabulary import KINDS, Kind, Level, Rating, counted, first_few

_CHUNK = 256 * 1024
_UTF16_NAMES = ("UTF-16", "UTF16", "UTF-16LE", "UTF-16BE")

ROOT = "PARC-ACH"  # our choice when writing: the root's name is not documented
FLAG_TAG = "flagged"
TYPE_TAG = "type-"
CODE_TAG = "code-"
CLASSIFICATION_LINE = "PARC classification: "

_TOP = ("PROJECT-TITLE", "CLASSIFICATION", "LAST-INDEX", "COLOR-SCHEME", "MATRIX")
_ITEM_FIELDS = (
    "NAME", "NOTES", "LINK", "TYPE", "DATE", "CODE", "FLAG", "CREDIBILITY", "RELEVANCE", "VALUES",
)
OSACH_TITLE_BYTES = 255  # Open Source ACH keeps names in VARCHAR(255) columns
_TO_PARC: dict[Rating, str] = {"CC": "C C", "C": "C", "N": "N", "I": "I", "II": "I I", "NA": "NA"}
_FROM_PARC: dict[str, Rating] = {
    "CC": "CC",
    "C": "C",
    "N": "N",
    "I": "I",
    "II": "II",
    "NA": "NA",
    "N/A": "NA",
}
_LEVELS: dict[str, Level] = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low"}
_ADMIRALTY = re.compile(r"^[A-F][1-6]$")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_OUTSIDE_BMP = re.compile("[\U00010000-\U0010ffff]")
# TYPE values Open Source ACH's importer recognises, as the discipline it files them under.
_DISCIPLINES = {
    "open source": "osint",
    "osint": "osint",
    "press": "osint",
    "hum": "humint",
    "humint": "humint",
    "imagery": "imint",
    "imint": "imint",
    "sig": "sigint",
    "sigint": "sigint",
    "masint": "masint",
}
_DISCIPLINE_NAMES = frozenset(_DISCIPLINES.values())
_EPOCH = date(1970, 1, 1)
_MS_PER_DAY = 86_400_000
# Characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


#: The unknown element names (or elements with attributes) an import report lists one by one:
#: a hostile file's 50,000 names made a 50,000-line report.
REPORT_NAMES = 20


def _not_mapped(counts: Mapping[str, int], label: str, plural: str) -> list[str]:
    """The report's lines for what was not mapped, by name (how often), the rest counted."""
    lines = [f"{label} {path}{f' ({count}×)' if count > 1 else ''}: not mapped"
             for path, count in sorted(counts.items())[:REPORT_NAMES]]
    if len(counts) > REPORT_NAMES:
        lines.append(f"and {len(counts) - REPORT_NAMES:,} more {plural}: not mapped")
    return lines


@dataclass(frozen=True)
class AchzImport:
    """A parsed `.achz` file: the case to store, and what to tell the user about it."""

    case: Case
    report: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


# The XML declaration's encoding, spaced as XML allows ('encoding = "x"').
_DECLARED = re.compile(r"^\ufeff?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")

def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split_title(text: str) -> tuple[str, str]:
    """A title from the first non-blank line; the rest (or all, if cut) as overflow."""
    lines = _NEWLINE.split(text.strip())
    first = lines[0].strip()
    if len(first) <= MAX_TITLE and len(lines) == 1:
        return first, ""
    if len(first) > MAX_TITLE:
        return first[: MAX_TITLE - 1].rstrip() + "…", text.strip()
    return first, "\n".join(lines[1:]).strip()


# --------------------------------------------------------------------------- reading


def _keep_as_tag(raw: str, prefix: str, label: str, tags: list[str], extra: list[str]) -> None:
    """A PARC value weigh has no field for: a tag, plus a details line when the tag
    cannot hold it exactly, so nothing is silently lost."""
    tag = slug(raw, 40 - len(prefix))
    if tag:
        tags.append(prefix + tag)
    if tag != raw:
        extra.append(f"{label}: {raw}")


def _decompress(data: bytes, name: str) -> bytes:
    """Gunzip with a cap on the output, checked as it grows (a gzip bomb stops early)."""
    if len(data) > MAX_ACHZ_BYTES:
        raise ImportFailed(
            f"{name}: file is larger than {MAX_ACHZ_BYTES // (1024 * 1024)} MB, too big for a PARC file"
        )
    if data[:2] != b"\x1f\x8b":
        raise ImportFailed(f"{name}: not a gzip file (a PARC ACH .achz file is gzip-compressed XML)")
    out = bytearray()
    rest = data
    while rest:
        engine = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pending = rest
        try:
            while not engine.eof:
                room = MAX_XML_BYTES - len(out)
                chunk = engine.decompress(pending, min(_CHUNK, room + 1))
                out += chunk
                if len(out) > MAX_XML_BYTES:
                    raise ImportFailed(
                        f"{name}: decompresses to more than {MAX_XML_BYTES // (1024 * 1024)} MB;"
                        " refused (too big, or a gzip bomb)"
                    )
                pending = engine.unconsumed_tail
                if not chunk and not pending:
                    break  # the stream wants more input than the file has
        except zlib.error:  # zlib's own words name its internals ("invalid block type")
            raise ImportFailed(f"{name}: the gzip data is damaged (not what a .achz file holds, "
                               "or changed since it was written)") from None
        if not engine.eof:
            raise ImportFailed(f"{name}: the gzip data is truncated (file cut short?)")
        rest = engine.unused_data
        if rest.strip(b"\0") == b"":
            break  # trailing zero padding, as some writers leave
        if rest[:2] != b"\x1f\x8b":
            raise ImportFailed(f"{name}: unexpected bytes after the end of the gzip data")
    return bytes(out)


def _check_utf16(xml: bytes, codec: str, name: str) -> None:
    """Expat pairs a lone surrogate with whatever follows; check strictly, in chunks."""
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    for start in range(0, len(xml), _CHUNK):
        try:
            decoder.decode(xml[start : start + _CHUNK], final=start + _CHUNK >= len(xml))
        except UnicodeDecodeError as exc:
            raise ImportFailed(
                f"{name}: not valid UTF-16 (bad bytes near offset {start + exc.start})"
            ) from None


def _parse_xml(xml: bytes, name: str) -> ET.Element:
    """Parse with defusedxml: no DTD, no entities, no external references."""
    head = xml[:200]
    codec = {b"\xff\xfe": "utf-16-le", b"<\0": "utf-16-le", b"\xfe\xff": "utf-16-be", b"\0<": "utf-16-be"}
    utf16 = codec.get(head[:2])
    if utf16:
        _check_utf16(xml, utf16, name)
        declared = _DECLARED.match(head.decode(utf16, "replace"))
    else:
        declared = _DECLARED.match(head.decode("utf-8", "replace"))
    encoding = declared.group(1).upper().replace("_", "-") if declared else None
    utf8_named = encoding in ("UTF-8", "UTF8")
    if encoding is None or (encoding in _UTF16_NAMES and utf16) or (utf8_named and not utf16):
        pass
    elif encoding in _UTF16_NAMES:
        raise ImportFailed(f"{name}: the XML declares UTF-16 but its bytes are not UTF-16 (wrong encoding)")
    elif utf16 and utf8_named:
        raise ImportFailed(f"{name}: the XML declares UTF-8 but its bytes are UTF-16 (wrong encoding)")
    else:
        raise ImportFailed(
            f"{name}: the XML declares the encoding {encoding[:40]!r};"
            " weigh reads UTF-16 (as PARC writes) or UTF-8"
        )
    codec_name = utf16 or "utf-8"
    starts = xml.count("<".encode(codec_name)) - xml.count("</".encode(codec_name))
    if starts > MAX_XML_ELEMENTS:  # one start tag per element: refuse before building the tree
        raise ImportFailed(
            f"{name}: more than {MAX_XML_ELEMENTS:,} XML elements, the limit for one import;"
            " nothing was imported"
        )
    # The matrix's shape too, before the tree: each tag counted at most once too often.
    hypotheses = xml.count("<HYPOTHESIS".encode(codec_name))
    items = xml.count("<EVIDENCE".encode(codec_name))
    if hypotheses * items > MAX_RATINGS:
        raise ImportFailed(f"{name}: {over_ratings(hypotheses, items)}")
    try:
        return SafeET.fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden:
        raise ImportFailed(f"{name}: the XML has a DTD (<!DOCTYPE …>), which weigh refuses") from None
    except defusedxml.EntitiesForbidden:
        raise ImportFailed(f"{name}: the XML declares entities, which weigh refuses") from None
    except defusedxml.DefusedXmlException as exc:
        raise ImportFailed(f"{name}: the XML refers to outside resources ({exc})") from None
    except ET.ParseError as exc:
        raise ImportFailed(f"{name}: {not_xml(exc)}") from None
    except (LookupError, ValueError):  # pyexpat asks Python for the codec the declaration names
        raise ImportFailed(f"{name}: the XML declares an encoding weigh cannot read;"
                           " weigh reads UTF-16 (as PARC writes) or UTF-8") from None


def _text(el: ET.Element | None) -> str:
    return "" if el is None else "".join(el.itertext())


@dataclass
class _Item:
    """One EVIDENCE element as it is read, field by field."""

    eid: str
    where: str
    columns: int
    hids: list[str]
    title: str = ""
    overflow: str = ""
    notes: str = ""
    url: str | None = None
    event_date: date | None = None
    tags: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    kind: Kind = "report"
    admiralty: str | None = None
    credibility: Level = "medium"
    relevance: Level = "medium"
    ratings: dict[str, Rating] = field(default_factory=dict)


# What the report says was mapped, per count kept while reading (in this order).
_MAPPED = (
    ("link", "LINK → url ({n})"),
    ("date", "DATE → event date ({n})"),
    ("kind", "TYPE → kind ({n})"),
    ("discipline", f"TYPE → tag '{TYPE_TAG}osint', '…humint', '…imint', '…sigint' or '…masint' ({{n}})"),
    ("admiralty", "CODE → Admiralty code ({n})"),
    ("flag", f"FLAG → tag '{FLAG_TAG}' ({{n}})"),
    ("relevance", "RELEVANCE → relevance ({n})"),
)
# The items the report lists, per kind of note (in this order).
_LISTED = (
    ("untitled", "evidence without a NAME, given placeholder titles: {ids}"),
    ("long", "evidence NAMEs longer than a title line, rest in details: {ids}"),
    ("typed", f"TYPE that is not a weigh kind, kept as tag '{TYPE_TAG}…' (and in details if"
              " the tag cannot hold it): {ids}"),
    ("coded", f"CODE that is not an Admiralty code, kept as tag '{CODE_TAG}…' (and in details if"
              " the tag cannot hold it): {ids}"),
    ("no_values", "evidence without VALUES, left unrated: {ids}"),
)


@dataclass
class _Seen:
    """What reading the items found, for the report."""

    counts: Counter[str] = field(default_factory=Counter)
    noted: dict[str, list[str]] = field(default_factory=dict)

    def count(self, what: str) -> None:
        self.counts[what] += 1

    def note(self, what: str, eid: str) -> None:
        self.noted.setdefault(what, []).append(eid)

    def mapped(self) -> list[str]:
        out = ["NAME → title", "NOTES → details", "CREDIBILITY → credibility", "VALUES → ratings"]
        return out + [text.format(n=self.counts[k]) for k, text in _MAPPED if self.counts[k]]

    def lists(self) -> list[str]:
        return [text.format(ids=first_few(self.noted[k], 6)) for k, text in _LISTED if self.noted.get(k)]


class _Reader:
    """One pass over the parsed tree, collecting the case and the report."""

    def __init__(self, root: ET.Element, name: str) -> None:
        self.root = root
        self.name = name
        # A path names the file; neither its folder nor its extension makes a title.
        self.base_name = re.sub(r"\.achz$", "", re.split(r"[\\/]", name)[-1], flags=re.I)
        self.report: list[str] = []
        self.unknown: Counter[str] = Counter()
        self.attributes: Counter[str] = Counter()

    def fail(self, where: str, why: str) -> ImportFailed:
        return ImportFailed(f"{self.name}: {where}: {why}")

    def single(self, parent: ET.Element, tag: str, where: str) -> ET.Element | None:
        found = parent.findall(tag)
        if len(found) > 1:
            raise self.fail(f"{where}/{tag}", f"appears {len(found)} times, expected once")
        return found[0] if found else None

    def note_attributes(self, el: ET.Element, path: str) -> None:
        if el.attrib:
            self.attributes[path] += 1

    def read(self, case_id: str | None) -> AchzImport:
        root = self.root
        self.note_attributes(root, root.tag)
        for child in root:
            if child.tag not in _TOP:
                self.unknown[str(child.tag)] += 1
            elif child.tag != "MATRIX":
                self.note_attributes(child, str(child.tag))
        matrix = self.single(root, "MATRIX", "file")
        if matrix is None:
            raise self.fail("MATRIX", "element missing (is this a PARC ACH file?)")
        self.note_attributes(matrix, "MATRIX")
        title_el = self.single(root, "PROJECT-TITLE", "file")
        classification = _text(self.single(root, "CLASSIFICATION", "file")).strip()
        last_index = self.single(root, "LAST-INDEX", "file")
        colours = self.single(root, "COLOR-SCHEME", "file")

        hypotheses = self.read_hypotheses(matrix)
        evidence = self.read_evidence(matrix, len(hypotheses), [h.id for h in hypotheses])

        full_title = _text(title_el).strip()
        description_lines: list[str] = []
        if full_title:
            title, overflow = _split_title(full_title)
            self.report.insert(0, f"PROJECT-TITLE → case title and question: {_shorten(title, 60)!r}")
            if overflow:
                self.report.insert(
                    1, "PROJECT-TITLE was longer than one line: the whole of it is the question"
                )
        else:
            title = _split_title(self.base_name)[0] or "PARC ACH import"
            self.report.insert(0, f"PROJECT-TITLE missing or empty: case titled after the file, {title!r}")
        if classification:
            description_lines.append(CLASSIFICATION_LINE + classification)
            self.report.append(
                f"CLASSIFICATION {_shorten(classification)!r} → case description (weigh has no marking field)"
            )
        if last_index is not None:
            self.report.append(
                f"LAST-INDEX {_shorten(_text(last_index).strip())!r}:"
                " PARC's item counter, not needed, not mapped"
            )
        if colours is not None:
            self.report.append(
                f"COLOR-SCHEME {_shorten(_text(colours).strip())!r}: PARC display setting, not mapped"
            )
        self.report += _not_mapped(self.unknown, "unknown element", "unknown elements")
        self.report += _not_mapped(self.attributes, "attributes on", "elements with attributes")

        cid = case_id if case_id is not None else (case_id_from(title) or case_id_from(self.base_name)
                                                   or "parc-import")
        doc: dict[str, Any] = {
            "id": cid,
            "title": title,
            "question": full_title or title,
            "description": "\n".join(description_lines),
            "hypotheses": hypotheses,
            "evidence": evidence,
        }
        try:
            case = Case.model_validate(doc, strict=False)
        except ValidationError as exc:
            problems = field_errors(exc)
            if "id" in problems:
                raise ImportFailed(f"{self.name}: case id {cid!r}: {problems['id']}") from None
            key, why = next(iter(problems.items()))
            raise self.fail("CLASSIFICATION" if key == "description" else "PROJECT-TITLE", why) from None
        rated = sum(len(ev.ratings) for ev in evidence)
        self.report.insert(
            0,
            f"Read {counted(len(hypotheses), 'hypothesis')}, {counted(len(evidence), 'evidence item')} and"
            f" {counted(rated, 'rating')} into case {cid!r}",
        )
        return AchzImport(case=case, report=self.report)

    def read_hypotheses(self, matrix: ET.Element) -> list[Hypothesis]:
        names: list[tuple[str, str]] = []  # (text, where)
        for h_index, hyp in enumerate(matrix.findall("HYPOTHESIS"), 1):
            self.note_attributes(hyp, "MATRIX/HYPOTHESIS")
            found = hyp.findall("NAME")
            for child in hyp:
                if child.tag != "NAME":
                    self.unknown[f"MATRIX/HYPOTHESIS/{child.tag}"] += 1
            if found:
                names += [(_text(n), f"MATRIX/HYPOTHESIS #{h_index}/NAME") for n in found]
            else:
                names.append(("", f"MATRIX/HYPOTHESIS #{h_index}"))
            if len(names) > MAX_HYPOTHESES:
                raise self.fail(
                    "MATRIX/HYPOTHESIS", f"more than {MAX_HYPOTHESES:,} hypotheses, the limit for one import"
                )
        out: list[Hypothesis] = []
        untitled: list[str] = []
        long_names: list[str] = []
        for index, (text, where) in enumerate(names, 1):
            hid = f"H{index}"
            title, overflow = _split_title(text) if text.strip() else ("", "")
            if not title:
                title = f"Untitled hypothesis {index}"
                untitled.append(hid)
            if overflow:
                long_names.append(hid)
            try:
                out.append(Hypothesis(id=hid, title=title, description=overflow))
            except ValidationError as exc:
                raise self.fail(where, next(iter(field_errors(exc).values()))) from None
        if out:
            self.report.append(f"HYPOTHESIS/NAME → hypotheses H1–H{len(out)}, in column order")
        else:
            self.report.append("MATRIX has no HYPOTHESIS/NAME: the case has no hypotheses")
        if untitled:
            self.report.append("hypotheses without a NAME, given placeholder titles: "
                               f"{first_few(untitled, 6)}")
        if long_names:
            self.report.append(
                f"hypothesis NAMEs longer than a title line, rest in description: {first_few(long_names, 6)}"
            )
        return out

    def evidence_elements(self, matrix: ET.Element) -> list[ET.Element]:
        """EVIDENCE elements are the items; a wrapper EVIDENCE holding items is read too."""
        items: list[ET.Element] = []
        for ev in matrix.findall("EVIDENCE"):
            children = list(ev)
            is_wrapper = bool(children) and all(c.tag not in _ITEM_FIELDS and len(c) > 0 for c in children)
            items += children if is_wrapper else [ev]
            if len(items) > MAX_EVIDENCE:
                raise self.fail(
                    "MATRIX/EVIDENCE", f"more than {MAX_EVIDENCE:,} evidence items, the limit for one import"
                )
        for child in matrix:
            if child.tag not in ("HYPOTHESIS", "EVIDENCE"):
                self.unknown[f"MATRIX/{child.tag}"] += 1
        return items

    def read_evidence(self, matrix: ET.Element, columns: int, hids: list[str]) -> list[Evidence]:
        elements = self.evidence_elements(matrix)
        if columns * len(elements) > MAX_RATINGS:
            raise self.fail("MATRIX", over_ratings(columns, len(elements)))
        seen = _Seen()
        out = [self.read_item(el, index, columns, hids, seen) for index, el in enumerate(elements, 1)]
        if out:
            self.report.append(f"EVIDENCE → items E1–E{len(out)}: " + ", ".join(seen.mapped()))
        self.report += seen.lists()
        return out

    def read_item(self, el: ET.Element, index: int, columns: int, hids: list[str], seen: _Seen) -> Evidence:
        """One EVIDENCE element: each field read by its entry in :data:`_ITEM_READERS`."""
        item = _Item(eid=f"E{index}", where=f"MATRIX/EVIDENCE #{index}", columns=columns, hids=hids)
        self.note_attributes(el, "MATRIX/EVIDENCE")
        for child in el:
            if child.tag not in _ITEM_FIELDS:
                self.unknown[f"MATRIX/EVIDENCE/{child.tag}"] += 1
        found = {tag: self.single(el, tag, item.where) for tag in _ITEM_FIELDS}
        for tag, read in _ITEM_READERS:
            read(self, item, found[tag], seen)
        details = "\n\n".join(p for p in (item.overflow, item.notes, "\n".join(item.extra)) if p)
        if len(item.tags) > MAX_TAGS:  # cannot happen with three tag sources; kept as a guard
            raise self.fail(item.where, "too many tags")
        try:
            return Evidence(
                id=item.eid, title=item.title, details=details, url=item.url, event_date=item.event_date,
                tags=item.tags, credibility=item.credibility, relevance=item.relevance,
                admiralty=item.admiralty, kind=item.kind, ratings=item.ratings,
            )
        except ValidationError as exc:
            problems = field_errors(exc)
            element = {"title": "NAME", "details": "NOTES", "url": "LINK", "tags": "TYPE/CODE"}
            key, why = next(iter(problems.items()))
            raise self.fail(f"{item.where}/{element.get(key, key)}", why) from None

    def item_name(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        raw = _text(el)
        if raw.strip():
            item.where = f"{item.where} ({_shorten(raw)!r})"
        item.title, item.overflow = _split_title(raw) if raw.strip() else ("", "")
        if not item.title:
            item.title = f"Untitled item {item.eid[1:]}"
            seen.note("untitled", item.eid)
        if item.overflow:
            seen.note("long", item.eid)

    def item_type(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        raw = _text(el).strip()
        if not raw:
            return
        word = " ".join(raw.lower().split())
        if word in KINDS or word == "assu":
            item.kind = "assumption" if word == "assu" else word  # type: ignore[assignment]
            seen.count("kind")
        elif word in _DISCIPLINES:
            item.tags.append(TYPE_TAG + _DISCIPLINES[word])
            seen.count("discipline")
        else:
            seen.note("typed", item.eid)
            _keep_as_tag(raw, TYPE_TAG, "PARC type", item.tags, item.extra)

    def item_code(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        raw = _text(el).strip()
        if not raw:
            return
        if _ADMIRALTY.match(raw.upper()):
            item.admiralty = raw.upper()
            seen.count("admiralty")
        else:
            seen.note("coded", item.eid)
            _keep_as_tag(raw, CODE_TAG, "PARC code", item.tags, item.extra)

    def item_flag(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        raw = _text(el).strip().lower()
        if raw in ("1", "true", "yes"):
            item.tags.append(FLAG_TAG)
            seen.count("flag")
        elif raw not in ("", "0", "false", "no"):
            raise self.fail(f"{item.where}/FLAG", f"expected 1 or 0, got {_shorten(raw)!r}")

    def item_credibility(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        item.credibility = self.read_level(el, f"{item.where}/CREDIBILITY") or "medium"

    def item_relevance(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        level = self.read_level(el, f"{item.where}/RELEVANCE")
        if level is not None:
            item.relevance = level
            seen.count("relevance")

    def read_level(self, el: ET.Element | None, where: str) -> Level | None:
        """HIGH, MEDIUM or LOW (any case); None when absent or empty."""
        raw = _text(el).strip()
        if not raw:
            return None
        if raw.upper() not in _LEVELS:
            raise self.fail(where, f"expected HIGH, MEDIUM or LOW, got {_shorten(raw)!r}")
        return _LEVELS[raw.upper()]

    def item_date(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        item.event_date = self.read_date(_text(el).strip(), f"{item.where}/DATE")
        if item.event_date is not None:
            seen.count("date")

    def item_link(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        item.url = _text(el).strip() or None
        if item.url is not None:
            seen.count("link")

    def item_values(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        if el is None:
            if item.columns:
                seen.note("no_values", item.eid)
            return
        item.ratings = self.read_values(_text(el), item.columns, item.hids, f"{item.where}/VALUES")

    def item_notes(self, item: _Item, el: ET.Element | None, seen: _Seen) -> None:
        item.notes = _text(el)

    def read_date(self, raw: str, where: str) -> date | None:
        if not raw or raw in ("0", "-0"):  # PARC (and Open Source ACH) write 0 for "no date"
            return None
        if not re.fullmatch(r"-?\d{1,15}", raw):
            raise self.fail(where, f"expected epoch milliseconds, got {_shorten(raw)!r}")
        try:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(raw))
        except OverflowError:
            raise self.fail(where, f"{raw} milliseconds is outside the years 1–9999") from None
        return moment.date()

    def read_values(self, raw: str, columns: int, hids: list[str], where: str) -> dict[str, Rating]:
        if columns == 0 and not raw.strip():
            return {}
        cells = raw.split(",")
        if len(cells) != columns:
            raise self.fail(
                where, f"{len(cells)} ratings for {columns} hypothes{'is' if columns == 1 else 'es'}"
            )
        ratings: dict[str, Rating] = {}
        for column, (hid, cell) in enumerate(zip(hids, cells, strict=True), 1):
            code = "".join(cell.split()).upper()
            if not code:
                continue
            if code not in _FROM_PARC:
                raise self.fail(
                    where,
                    f"unknown rating {_shorten(cell.strip())!r} in column {column}"
                    " (expected C C, C, N, NA, I, I I or empty)",
                )
            ratings[hid] = _FROM_PARC[code]
        return ratings


ItemReader = Callable[[_Reader, _Item, "ET.Element | None", _Seen], None]
# Each item field and the method that reads it (NAME first: it names the item in errors).
_ITEM_READERS: tuple[tuple[str, ItemReader], ...] = (
    ("NAME", _Reader.item_name),
    ("TYPE", _Reader.item_type),
    ("CODE", _Reader.item_code),
    ("FLAG", _Reader.item_flag),
    ("CREDIBILITY", _Reader.item_credibility),
    ("RELEVANCE", _Reader.item_relevance),
    ("DATE", _Reader.item_date),
    ("LINK", _Reader.item_link),
    ("VALUES", _Reader.item_values),
    ("NOTES", _Reader.item_notes),
)


def read_achz(data: bytes, name: str, case_id: str | None = None) -> AchzImport:
    """Parse a PARC `.achz` file; any problem raises ImportFailed and nothing is built.

    `case_id` overrides the id otherwise made from the project title.
    """
    xml = _decompress(data, name)
    root = _parse_xml(xml, name)
    return _Reader(root, name).read(case_id)


# --------------------------------------------------------------------------- writing


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def _type_of(ev: Evidence) -> tuple[str, str | None]:
    """TYPE to write, and the type- tag it carries (a PARC type that is not a kind).

    An intelligence discipline is written the way Open Source ACH's importer
    recognises it (``OSINT``, ``HUMINT``, …), and so is ``Assumption``.
    """
    if ev.kind == "report":
        for tag in ev.tags:
            value = tag.removeprefix(TYPE_TAG)
            if tag.startswith(TYPE_TAG) and value and slug(value) == value and value not in KINDS:
                return (value.upper() if value in _DISCIPLINE_NAMES else value), tag
    return ev.kind.capitalize(), None


def _code_of(ev: Evidence) -> tuple[str, str | None]:
    """CODE to write, and the code- tag it carries when there is no Admiralty code."""
    if ev.admiralty is not None:
        return ev.admiralty, None
    for tag in ev.tags:
        value = tag.removeprefix(CODE_TAG)
        if (
            tag.startswith(CODE_TAG)
            and value
            and slug(value) == value
            and not _ADMIRALTY.match(value.upper())
        ):
            return value, tag
    return "", None


def _classification_of(case: Case) -> str:
    """A description that is only the line an import put there gives CLASSIFICATION back."""
    value = case.description.removeprefix(CLASSIFICATION_LINE)
    if value != case.description and value == value.strip() and value and not _NEWLINE.search(value):
        return value
    return ""


def _epoch_ms(day: date) -> int:
    """Noon UTC: the same calendar day in every time zone PARC might show it in."""
    return (day - _EPOCH).days * _MS_PER_DAY + _MS_PER_DAY // 2


def write_achz(case: Case) -> bytes:
    """The case as a PARC `.achz` (gzip, UTF-16 XML); `achz_losses` says what it cannot hold."""
    root = ET.Element(ROOT)

    def add(parent: ET.Element, tag: str, text: str) -> None:
        ET.SubElement(parent, tag).text = _xml_safe(text)

    add(root, "PROJECT-TITLE", case.title)
    add(root, "CLASSIFICATION", _classification_of(case))
    add(root, "LAST-INDEX", str(len(case.evidence)))
    add(root, "COLOR-SCHEME", "0")
    matrix = ET.SubElement(root, "MATRIX")
    for hyp in case.hypotheses:
        add(ET.SubElement(matrix, "HYPOTHESIS"), "NAME", hyp.title)
    for ev in case.evidence:
        item = ET.SubElement(matrix, "EVIDENCE")
        add(item, "NAME", ev.title)
        add(item, "NOTES", ev.details)
        add(item, "LINK", ev.url or "")
        add(item, "TYPE", _type_of(ev)[0])
        add(item, "DATE", "0" if ev.event_date is None else str(_epoch_ms(ev.event_date)))
        add(item, "CODE", _code_of(ev)[0])
        add(item, "FLAG", "1" if FLAG_TAG in ev.tags else "0")
        add(item, "CREDIBILITY", ev.credibility.upper())
        add(
            item,
            "VALUES",
            ",".join(_TO_PARC[r] if (r := ev.ratings.get(h.id)) else "" for h in case.hypotheses),
        )
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    # XML parsers turn a raw CR into LF; a character reference keeps it.
    body = body.replace("\r", "&#13;")
    # No encoding in the declaration: the BOM says UTF-16, and a reader that converts the text
    # to UTF-8 before parsing (Open Source ACH's importer) is not then told it is UTF-16.
    text = '<?xml version="1.0"?>\n' + body + "\n"
    return gzip.compress(b"\xff\xfe" + text.encode("utf-16-le"), mtime=0)


def open_source_ach_notes(case: Case) -> list[str]:
    """What Open Source ACH's importer (the one public reader of the format) would mangle,
    though the file itself holds it: one line per kind, naming the items."""
    notes = []
    unrated = [f"{e.id}/{h.id}" for e in case.evidence for h in case.hypotheses if h.id not in e.ratings]
    if unrated:
        notes.append(f"unrated cells get the rating of the cell before them: {first_few(unrated, 6)}")
    titled: list[Hypothesis | Evidence] = [*case.hypotheses, *case.evidence]
    long = ["case title"] if len(case.title.encode("utf-8")) > OSACH_TITLE_BYTES else []
    long += [x.id for x in titled if len(x.title.encode("utf-8")) > OSACH_TITLE_BYTES]
    if long:
        notes.append(f"titles over {OSACH_TITLE_BYTES} UTF-8 bytes are cut there, even mid-character:"
                     f" {first_few(long, 6)}")
    return notes


def achz_losses(case: Case) -> list[str]:
    """What an export to `.achz` cannot carry, one print-ready line per kind of field.

    Empty when a round trip weigh → achz → weigh would give the same case
    (apart from ids, which PARC renumbers by position, and created/updated).
    """
    lost: list[str] = []

    def note(ids: list[str], what: str) -> None:
        if ids:
            lost.append(f"{what}: {first_few(ids, 6)}")

    if case.question not in ("", case.title):
        lost.append("case question: PARC has only the project title")
    if case.description and not _classification_of(case):
        lost.append("case description: PARC has no place for it")
    note([h.id for h in case.hypotheses if h.description], "hypothesis descriptions (PARC keeps names only)")
    note(
        [h.id for h in case.hypotheses if h.prior != 1.0],
        "hypothesis priors (PARC has none; equal on re-import)",
    )
    note(
        [h.id for i, h in enumerate(case.hypotheses, 1) if h.id != f"H{i}"],
        "hypothesis ids (PARC numbers columns; H1, H2, … on re-import)",
    )
    evs = case.evidence
    note([e.id for e in evs if e.source], "evidence source (PARC has no field for it)")
    note(
        [e.id for e in evs if e.relevance != "medium"],
        "evidence relevance (PARC files hold none; medium on re-import)",
    )
    note([e.id for e in evs if e.reported_date is not None], "evidence reported date (PARC has only DATE)")
    note(
        [e.id for e in evs if e.excluded],
        "evidence excluded from scoring (PARC cannot exclude; included on re-import)",
    )
    note([e.id for e in evs if e.notes], "per-rating notes (PARC files hold none)")
    note([e.id for e in evs if e.group is not None], "evidence same-fact groups (PARC has none)")
    note([m.id for m in case.indicators], "indicators (PARC has none)")
    if case.conclusion:
        lost.append("case conclusion: PARC has no place for it")

    def dropped_tags(ev: Evidence) -> list[str]:
        kept = {FLAG_TAG, _type_of(ev)[1], _code_of(ev)[1]}
        return [t for t in ev.tags if t not in kept]

    note(
        [e.id for e in evs if dropped_tags(e)],
        "evidence tags (PARC has none; only 'flagged', one 'type-…' and one 'code-…' tag survive)",
    )
    note(
        [e.id for e in evs if e.url is not None and (not e.url.strip() or e.url != e.url.strip())],
        "evidence links that are blank or have surrounding spaces (trimmed)",
    )
    texts = [case.title] + [h.title for h in case.hypotheses]
    if _classification_of(case):
        texts.append(case.description)
    for ev in evs:
        texts += [ev.title, ev.details, ev.url or ""]
    if any(_XML_ILLEGAL.search(t) for t in texts):
        lost.append("control characters XML cannot hold were replaced by '\ufffd'")
    wide = [h.id for h in case.hypotheses if _OUTSIDE_BMP.search(h.title)]
    wide += [e.id for e in evs if any(_OUTSIDE_BMP.search(t) for t in (e.title, e.details, e.url or ""))]
    if _OUTSIDE_BMP.search(case.title) or (
        _classification_of(case) and _OUTSIDE_BMP.search(case.description)
    ):
        wide.insert(0, "case title")
    note(
        wide,
        "characters outside the Basic Multilingual Plane (emoji and the like) are kept as UTF-16"
        " surrogate pairs: Open Source ACH's importer then loads an empty project, with no error,"
        " and PARC-era readers may show two broken characters",
    )
    note(
        [e.id for i, e in enumerate(evs, 1) if e.id != f"E{i}"],
        "evidence ids (PARC numbers rows; E1, E2, … on re-import)",
    )
    return lost
