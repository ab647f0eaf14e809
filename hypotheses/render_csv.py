"""The matrix as CSV: one row per evidence item, one rating column per hypothesis.

The same layout is read back by the CSV importer, so the encoding of each
field here is the contract (see evidence/README.md, "CSV matrix").
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence

FIELDS = (
    "id", "title", "details", "source", "url", "event_date", "reported_date",
    "tags", "group", "credibility", "relevance", "admiralty", "kind", "excluded",
)
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def hypothesis_header(hid: str, title: str) -> str:
    return f"{hid}: {title}"


def neutralise(cell: str) -> str:
    """Quote a would-be formula with a leading apostrophe (and any apostrophe, so it reverses)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def field_text(ev: Evidence, field: str) -> str:
    value = getattr(ev, field)
    if value is None:
        return ""
    if field == "tags":
        return " ".join(value)
    if field == "excluded":
        return "yes" if value else "no"
    if field in ("event_date", "reported_date"):
        return str(value.isoformat())
    return str(value)


def render_csv(case: Case) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(
        [*FIELDS, *(neutralise(hypothesis_header(h.id, h.title)) for h in case.hypotheses)]
    )
    for ev in case.evidence:
        writer.writerow(
            [neutralise(field_text(ev, f)) for f in FIELDS]
            + [ev.ratings.get(h.id, "") for h in case.hypotheses]
        )
    return buf.getvalue()
