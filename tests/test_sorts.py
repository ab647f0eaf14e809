"""The matrix's sort orders (``hypotheses.sorts``), worked by hand."""

from __future__ import annotations

from datetime import date

from hypotheses.models import Evidence
from hypotheses.sorts import sort_named


def test_date_sort_takes_the_reported_date_where_no_event_date_is_given() -> None:
    """A tester: an item known only by its report (reported 2 March) sorted last, with the
    undated, though its date is known. Ties and the undated keep case order."""
    items = [
        Evidence(id="E1", title="undated"),
        Evidence(id="E2", title="reported only", reported_date=date(2022, 3, 2)),
        Evidence(id="E3", title="event", event_date=date(2022, 3, 5), reported_date=date(2022, 3, 1)),
        Evidence(id="E4", title="event, earlier", event_date=date(2022, 2, 28)),
        Evidence(id="E5", title="undated too"),
        Evidence(id="E6", title="same day as E2", event_date=date(2022, 3, 2)),
    ]
    ordered = sort_named("date").order(items, [0.0] * len(items), None)
    assert [ev.id for ev in ordered] == ["E4", "E2", "E6", "E3", "E1", "E5"]
