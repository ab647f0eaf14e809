"""Read the CSV matrix that `weigh export --format csv` writes (the spreadsheet round-trip).

The layout is the one ``hypotheses.render_csv`` writes: a header row of the
evidence fields, then one ``<id>: <title>`` column per hypothesis; one row per
evidence item holding its fields and, per hypothesis, a rating code (or
nothing). Reading is the exact inverse of writing, so export → import →
export gives the same bytes. Spreadsheets are forgiven what they commonly do:
a BOM or none, ``;`` or tab instead of ``,``, columns in another order or left
out, lower-case codes, trailing blank rows and columns.

What a CSV cannot hold comes from the case being updated, when there is one:
the case's title, question and description; each hypothesis's description and
prior (matched by id); each cell's note (kept where its item and hypothesis
both still exist); and any evidence field whose column the file leaves out.

Everything is validated through the pydantic models before anything is
returned; problems are reported by line number and column name, and the
caller writes nothing unless the whole file is valid.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evidence.case_file import decode_text
from evidence.errors import ImportFailed
from evidence.limits import MAX_EVIDENCE, MAX_HYPOTHESES, MAX_RATINGS, date_problem, over, over_ratings
from evidence.parse_errors import not_csv
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from hypotheses.render_csv import FIELDS
from hypotheses.validation import describe, reason
from hypotheses.vocabulary import RATINGS, counted, first_few

DELIMITERS = (",", ";", "\t")
MAX_PROBLEMS = 8
MAX_COLUMNS = len(FIELDS) + MAX_HYPOTHESES
_ITEM_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}


def unneutralise(cell: str) -> str:
    """Undo ``render_csv.neutralise``: every exported cell starting with ' had one added."""
    return cell[1:] if cell.startswith("'") else cell


def sniff_delimiter(text: str) -> str:
    """The delimiter used most in the header line (outside quotes); ',' if none is."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class _Problems:
    """Collects 'line N, column C: reason' messages; raises them all at the end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[str] = []

    def add(self, line: int | None, column: str | None, reason: str) -> None:
        where = ", ".join(
            p for p in (f"line {line}" if line else "", f"column {column}" if column else "") if p
        )
        self.items.append(f"{where}: {reason}" if where else reason)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = self.items[:MAX_PROBLEMS]
        more = len(self.items) - len(shown)
        if more:
            shown.append(f"and {more} more problem{'s' if more > 1 else ''}")
        raise ImportFailed(f"{self.name}: " + "; ".join(shown) + "; nothing was imported")


def _rows(text: str, delimiter: str, problems: _Problems) -> list[tuple[int, list[str]]]:
    """(first physical line, cells) per record, Excel quoting; blank records dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out: list[tuple[int, list[str]]] = []
    line = 1
    hypotheses = 0  # columns that are not evidence fields: each row's ratings
    try:
        for cells in reader:
            if len(cells) > MAX_COLUMNS:
                raise over(problems.name, "columns", MAX_COLUMNS)
            if any(c.strip() for c in cells):
                if len(out) > MAX_EVIDENCE:  # the header and MAX_EVIDENCE items are in
                    raise over(problems.name, "evidence rows", MAX_EVIDENCE)
                if not out:
                    hypotheses = sum(1 for c in cells if c.strip() and c.strip().lower() not in FIELDS)
                    if hypotheses > MAX_HYPOTHESES:  # as a case file and a .achz are held to it
                        raise over(problems.name, "hypothesis columns", MAX_HYPOTHESES)
                elif hypotheses * len(out) > MAX_RATINGS:  # checked row by row, as they come
                    raise ImportFailed(f"{problems.name}: {over_ratings(hypotheses, len(out))}")
                out.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            problems.add(
                reader.line_num or line,
                None,
                f"a cell of more than {csv.field_size_limit():,} characters, the limit for one import",
            )
        else:
            # an unclosed quote is found at the end of the file: the line its cell starts on
            at = line if str(exc) == "unexpected end of data" else reader.line_num or line
            problems.add(at, None, not_csv(exc))
        problems.raise_if_any()
    return out


def _split_header(header: str) -> tuple[str | None, str]:
    """'H2: Russia stalled' → ('H2', 'Russia stalled'); a bare title has no id."""
    hid, sep, title = header.partition(": ")
    if sep and _ITEM_ID.match(hid):
        return hid, title
    return None, header


def _free_ids(prefix: str, taken: set[str]) -> Iterator[str]:
    """H1, H2, … (or E1, …) skipping ids already used: for rows and columns without one."""
    n = 0
    while True:
        n += 1
        if f"{prefix}{n}" not in taken:
            taken.add(f"{prefix}{n}")
            yield f"{prefix}{n}"


def _read_header(
    cells: list[str], existing: Case | None, problems: _Problems
) -> tuple[dict[str, int], list[tuple[int, str, str, str]], set[int]]:
    """Field columns by name, hypothesis columns as (index, id, title, header), blank columns."""
    fields: dict[str, int] = {}
    hyps: list[tuple[int, str | None, str, str]] = []
    blank: set[int] = set()
    for i, raw in enumerate(cells):
        header = unneutralise(raw)
        key = header.strip().lower()
        if not key:
            blank.add(i)
        elif key in FIELDS:
            if key in fields:
                problems.add(1, header, "this column appears twice")
            fields[key] = i
        else:
            # The title is left for the model to trim, exactly as it did on the way out.
            hid, title = _split_header(header.lstrip())
            hyps.append((i, hid, title, header))
    if "title" not in fields:
        problems.add(1, "title", "required column is missing (the header names the columns)")
    by_title = {h.title: h.id for h in existing.hypotheses} if existing else {}
    explicit = [hid for _, hid, _, _ in hyps if hid]
    taken = set(explicit)
    fresh = _free_ids("H", set(taken) | set(by_title.values()))
    named: list[tuple[int, str, str, str]] = []
    seen: set[str] = set()
    for i, hid, title, header in hyps:
        if hid is None:
            known = by_title.get(title.strip())
            hid = known if known is not None and known not in taken else next(fresh)
            taken.add(hid)
        if hid in seen:
            problems.add(1, header, f"hypothesis id {hid!r} is used by two columns")
        seen.add(hid)
        if not title.strip():
            problems.add(1, header, "hypothesis title is empty (write the column as 'H1: title')")
        named.append((i, hid, title, header))
    return fields, named, blank


def _flag(text: str) -> bool | None:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def _field_value(field: str, cell: str) -> Any:
    """One cell as the value the Evidence model validates (the inverse of field_text)."""
    text = unneutralise(cell)
    if field in ("id", "event_date", "reported_date", "group", "credibility", "relevance", "kind",
                 "admiralty"):
        text = text.strip()
        if field in ("credibility", "relevance", "kind"):
            return text.lower() or None  # None: the model's default
        if field == "admiralty":
            return text.upper() or None
        return text or None
    if field == "url":
        return text or None  # "" and None both export as an empty cell
    if field == "tags":
        return text.split()
    return text


def _rating(cell: str) -> str | None:
    code = "".join(cell.split()).upper()
    return code or None


def _column_of(loc: tuple[int | str, ...], columns: dict[str, str]) -> str:
    if loc and loc[0] == "ratings" and len(loc) > 1:
        return columns.get(str(loc[1]), str(loc[1]))
    return str(loc[0]) if loc else "row"


@dataclass
class _Rows:
    """What every row is read against: the header's columns and the case being updated."""

    fields: dict[str, int]
    hyp_cols: list[tuple[int, str, str, str]]
    blank: set[int]
    width: int
    hids: set[str]
    columns: dict[str, str]
    old_items: dict[str, Evidence]
    fresh: Iterator[str]
    problems: _Problems
    first_line: dict[str, int] = field(default_factory=dict)
    by_title: dict[str, str] = field(default_factory=dict)  # an id-less row's item, by title


def _titled(existing: Case | None, given: set[str]) -> dict[str, str]:
    """The existing items a row without an id may be, by title: those whose title is theirs
    alone and whose id no row gives (a row's position says nothing once a sheet is sorted)."""
    if existing is None:
        return {}
    counts = Counter(e.title for e in existing.evidence)
    return {e.title: e.id for e in existing.evidence if counts[e.title] == 1 and e.id not in given}


def read_csv_matrix(data: bytes, name: str, case_id: str, existing: Case | None) -> Case:
    """Parse a CSV matrix into a validated case (``existing`` supplies what CSV lacks)."""
    problems = _Problems(name)
    text = decode_text(data, name)
    rows = _rows(text, sniff_delimiter(text), problems)
    del text
    if not rows:
        raise ImportFailed(f"{name}: the file is empty; expected a header row naming the columns")
    header_line, header = rows[0]
    if header_line != 1:
        problems.add(header_line, None, "the header row must be the first line")
    fields, hyp_cols, blank = _read_header(header, existing, problems)
    problems.raise_if_any()
    hypotheses = _hypotheses(hyp_cols, existing, problems)
    problems.raise_if_any()
    given = [
        unneutralise(cells[fields["id"]]).strip()
        for _line, cells in rows[1:]
        if "id" in fields and fields["id"] < len(cells)
    ]
    old_items = {e.id: e for e in existing.evidence} if existing else {}
    ctx = _Rows(
        fields=fields, hyp_cols=hyp_cols, blank=blank, width=len(header),
        hids={h.id for h in hypotheses},
        columns={hid: header_text for _i, hid, _t, header_text in hyp_cols},
        old_items=old_items,
        # a new row never takes an existing item's id (nor its notes and fields)
        fresh=_free_ids("E", {g for g in given if g} | set(old_items)), problems=problems,
        by_title=_titled(existing, set(given)),
    )
    evidence = [ev for line, cells in rows[1:] if (ev := _read_row(line, cells, ctx)) is not None]
    problems.raise_if_any()
    return _build_case(name, case_id, existing, hypotheses, evidence)


def _hypotheses(
    hyp_cols: list[tuple[int, str, str, str]], existing: Case | None, problems: _Problems
) -> list[Hypothesis]:
    """The header's hypotheses, keeping the description and prior of one the case has."""
    old_hyps = {h.id: h for h in existing.hypotheses} if existing else {}
    hypotheses: list[Hypothesis] = []
    for _i, hid, title, header_text in hyp_cols:
        keep = old_hyps.get(hid)
        doc: dict[str, Any] = {"id": hid, "title": title}
        if keep is not None:
            doc |= {"description": keep.description, "prior": keep.prior}
        try:
            hypotheses.append(Hypothesis.model_validate(doc))
        except ValidationError as exc:
            problems.add(1, header_text, describe(exc, doc))
    return hypotheses


def _row_cells(line: int, cells: list[str], ctx: _Rows) -> list[str]:
    """The row padded to the header's width; values beyond it or under no header are problems."""
    extra = [i for i in range(ctx.width, len(cells)) if cells[i].strip()]
    if extra:
        ctx.problems.add(line, f"#{extra[0] + 1}", "more cells than the header has columns")
    cells = cells + [""] * (ctx.width - len(cells))
    for i in ctx.blank:
        if cells[i].strip():
            ctx.problems.add(line, f"#{i + 1}", "a value in a column with no header")
    return cells


def _row_doc(line: int, cells: list[str], ctx: _Rows) -> dict[str, Any] | None:
    """The row's evidence fields (merged over the item it updates), or None after a problem."""
    doc = {f: _field_value(f, cells[i]) for f, i in ctx.fields.items()}
    bad_dates = [(f, why) for f in ("event_date", "reported_date") if (why := date_problem(doc.get(f)))]
    for f, why in bad_dates:
        ctx.problems.add(line, f, why)
    if bad_dates:
        return None
    eid = doc.get("id") or ctx.by_title.pop(str(doc.get("title") or "").strip(), None) or next(ctx.fresh)
    doc["id"] = eid
    if eid in ctx.first_line:
        ctx.problems.add(line, "id", f"evidence id {eid!r} is also used on line {ctx.first_line[eid]}")
        return None
    ctx.first_line[eid] = line
    before = ctx.old_items.get(eid)
    if before is not None:
        doc = before.model_dump(exclude=set(ctx.fields) | {"ratings", "notes"}) | doc
        doc["notes"] = {h: n for h, n in before.notes.items() if h in ctx.hids}
    for f in ("credibility", "relevance", "kind"):
        if f in doc and doc[f] is None:
            del doc[f]
    if "excluded" in ctx.fields:
        flag = _flag(cells[ctx.fields["excluded"]])
        if flag is None:
            ctx.problems.add(line, "excluded", f"{cells[ctx.fields['excluded']]!r:.40} is not yes or no")
            return None
        doc["excluded"] = flag
    return doc


def _row_ratings(line: int, cells: list[str], ctx: _Rows) -> dict[str, str]:
    ratings: dict[str, str] = {}
    for i, hid, _title, header_text in ctx.hyp_cols:
        code = _rating(cells[i])
        if code is None:
            continue
        if code not in RATINGS:
            why = f"{cells[i]!r:.20} is not a rating ({', '.join(RATINGS)}, or empty)"
            ctx.problems.add(line, header_text, why)
            continue
        ratings[hid] = code
    return ratings


def _read_row(line: int, cells: list[str], ctx: _Rows) -> Evidence | None:
    """One row as an evidence item, or None (its problems noted)."""
    cells = _row_cells(line, cells, ctx)
    doc = _row_doc(line, cells, ctx)
    if doc is None:
        return None
    doc["ratings"] = _row_ratings(line, cells, ctx)
    try:
        return Evidence.model_validate(doc)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            ctx.problems.add(line, _column_of(loc, ctx.columns), reason(err, str(loc[0]) if loc else ""))
    return None


def _build_case(
    name: str, case_id: str, existing: Case | None, hypotheses: list[Hypothesis], evidence: list[Evidence]
) -> Case:
    info: dict[str, Any] = {"id": case_id, "title": Path(name).stem.strip() or case_id}
    indicators: list[Indicator] = []
    if existing is not None:
        info = existing.info.model_dump() | {"id": case_id}
        # A CSV holds no indicators: keep the case's, minus what no longer exists.
        hids, eids = {h.id for h in hypotheses}, {e.id for e in evidence}
        indicators = [
            m.model_copy(
                update={
                    "ratings": {h: r for h, r in m.ratings.items() if h in hids},
                    "evidence_id": m.evidence_id if m.evidence_id in eids else None,
                }
            )
            for m in existing.indicators
        ]
    try:
        return Case.model_validate(
            {**info, "hypotheses": hypotheses, "evidence": evidence, "indicators": indicators},
            strict=False,
        )
    except ValidationError as exc:
        raise ImportFailed(f"{name}: {describe(exc)}; nothing was imported") from None


def csv_losses(case: Case) -> list[str]:
    """What an export to CSV cannot carry, one line per kind (the matrix holds each item's
    fields and ratings, and each hypothesis's id and title); [] when nothing is lost."""
    lost: list[str] = []

    def note(ids: list[str], what: str) -> None:
        if ids:
            lost.append(f"{what}: {first_few(ids, 6)}")

    info = [name for name, text in (("title", case.title), ("question", case.question),
                                    ("description", case.description), ("conclusion", case.conclusion))
            if text.strip()]
    if info:
        lost.append(f"case {', '.join(info)} (a new case is titled after the file's name)"
                    if "title" in info else f"case {', '.join(info)}")
    note([h.id for h in case.hypotheses if h.description], "hypothesis descriptions")
    note([h.id for h in case.hypotheses if h.prior != 1.0], "hypothesis priors (equal on a new import)")
    note([e.id for e in case.evidence if e.notes], "per-rating notes")
    note([m.id for m in case.indicators], "indicators")
    if lost:
        lost.append("importing it over this case (--case ID --replace) keeps what is listed here")
    return lost


def update_report(existing: Case | None, case: Case) -> list[str]:
    """What importing ``case`` over ``existing`` adds, removes and keeps, in a user's words."""
    if existing is None:
        return [
            f"New case {case.id}: {counted(len(case.hypotheses), 'hypothesis')}, "
            f"{len(case.evidence)} evidence (a CSV holds no notes, descriptions or priors: "
            "add them in weigh)."
        ]
    old_h = {h.id for h in existing.hypotheses}
    new_h = {h.id for h in case.hypotheses}
    old_e = {e.id for e in existing.evidence}
    new_e = {e.id for e in case.evidence}
    notes_before = sum(len(e.notes) for e in existing.evidence)
    notes_kept = sum(len(e.notes) for e in case.evidence)
    what = ("title, question, description and conclusion" if case.conclusion
            else "title, question and description")
    indicators = f", its {counted(len(case.indicators), 'indicator')}" if case.indicators else ""
    out = [
        f"Updated case {case.id} in place: kept its {what}{indicators}, "
        f"the descriptions and priors of {counted(len(old_h & new_h), 'hypothesis')}, "
        f"{notes_kept} of {notes_before} cell notes."
    ]
    for label, items in (
        ("Added hypotheses", [h for h in case.hypotheses if h.id not in old_h]),
        (
            "Removed hypotheses (with their ratings and notes)",
            [h for h in existing.hypotheses if h.id not in new_h],
        ),
        ("Added evidence", [e for e in case.evidence if e.id not in old_e]),
        ("Removed evidence", [e for e in existing.evidence if e.id not in new_e]),
    ):
        if items:
            out.append(f"{label}: {first_few([i.id for i in items], 10)}.")
    return out
