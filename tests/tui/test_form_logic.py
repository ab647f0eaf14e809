"""What the forms make of typed values, checked without a terminal.

The forms read their widgets into plain values and hand them to
``evidence_from_form`` / ``hypothesis_from_form``; every message a bad value
earns is checked here. The Pilot tests keep what only the screen shows:
the message under its field, the summary line and the focus.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from hypotheses.models import Evidence, Hypothesis
from tui.screens.evidence_form import EvidenceForm, evidence_from_form
from tui.screens.form_screen import FormInvalid
from tui.screens.hypothesis_form import HypothesisForm, hypothesis_from_form

HYPS = [Hypothesis(id="H1", title="one"), Hypothesis(id="H2", title="two")]
ORDER = list(EvidenceForm(HYPS).fields())

#: A filled-in evidence form as its widgets hold it: every field typed well.
GOOD: dict[str, Any] = {
    "id": "E5", "title": "A title", "details": "", "source": " Reuters ", "url": "",
    "event_date": "", "reported_date": "", "tags": "", "admiralty": "",
    "credibility": "medium", "relevance": "medium", "kind": "report", "excluded": False,
    "ratings": {}, "notes": {},
}

BAD_VALUES = [
    # field, typed, message under the field, label in the summary, a good value
    ("title", "", "required: must not be empty", "title", "A title"),
    ("title", "two\nlines", "must be a single line", "title", "One line"),
    ("event_date", "2022-02-30",
     "not a real date: '2022-02-30' (February 2022 has 28 days)", "event date",
     "2022-02-28"),
    ("reported_date", "30/03/2022", "not a date: '30/03/2022' (use YYYY-MM-DD)", "reported",
     "2022-03-30"),
    ("url", "example dot org", "not a web address: use http://… or https://…", "url",
     "https://example.org"),
    ("url", "javascript:alert(1)", "not a web address: use http://… or https://…", "url",
     "http://example.org/x"),
    ("admiralty", "Z9", "use a reliability letter A–F and a credibility digit 1–6, e.g. B2",
     "admiralty", "b3"),
    ("tags", "ok, peace_talks",
     "bad tag 'peace_talks': use lower-case letters, digits and '-' (at most 40 characters)",
     "tags", "OK peace-talks"),
]


def errors_for(typed: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(FormInvalid) as caught:
        evidence_from_form(typed, ORDER)
    return caught.value.errors


@pytest.mark.parametrize(("field", "typed", "message", "label", "good"), BAD_VALUES)
def test_each_bad_value_is_named_for_its_field_alone(
    field: str, typed: str, message: str, label: str, good: str
) -> None:
    assert errors_for(GOOD | {field: typed}) == {field: message}
    spec = EvidenceForm(HYPS).fields()[field]
    assert (spec.label, spec.focus_id, spec.error_id) == (label, field, f"error-{field}")
    assert isinstance(evidence_from_form(GOOD | {field: good}, ORDER), Evidence)


def test_corrected_values_are_kept_as_the_model_wants_them() -> None:
    typed = GOOD | {field: good for field, _bad, _msg, _label, good in BAD_VALUES}
    item = evidence_from_form(typed, ORDER)
    assert (item.title, item.event_date, item.reported_date) == (
        "One line", date(2022, 2, 28), date(2022, 3, 30)
    )
    assert (item.url, item.admiralty, item.tags, item.source) == (
        "http://example.org/x", "B3", ["ok", "peace-talks"], "Reuters"
    )


def test_blank_optional_fields_mean_not_given() -> None:
    item = evidence_from_form(GOOD | {"url": "  ", "event_date": " ", "admiralty": ""}, ORDER)
    assert (item.url, item.event_date, item.admiralty) == (None, None, None)


def test_several_errors_come_in_screen_order_with_notes_per_hypothesis() -> None:
    typed = GOOD | {"tags": "peace_talks", "title": "", "url": "nope", "notes": {"H2": "n" * 100_001}}
    errors = errors_for(typed)
    assert list(errors) == ["title", "url", "tags", "notes.H2"]
    assert errors["notes.H2"] == "too long: at most 100000 characters (got 100,001)"
    assert EvidenceForm(HYPS).fields()["notes.H2"].error_id == "error-h1"


@pytest.mark.parametrize(
    ("title", "prior", "field", "message"),
    [
        ("", "1", "title", "required: must not be empty"),
        ("   ", "1", "title", "required: must not be empty"),
        ("ok", "0", "prior", "must be a finite number greater than 0"),
        ("ok", "-2", "prior", "must be a finite number greater than 0"),
        ("ok", "abc", "prior", "not a number: 'abc'"),
        ("ok", "inf", "prior", "must be a finite number greater than 0"),
        ("ok", "nan", "prior", "must be a finite number greater than 0"),
    ],
)
def test_each_bad_hypothesis_value_is_named_for_its_field(
    title: str, prior: str, field: str, message: str
) -> None:
    typed = {"id": "H3", "title": title, "description": "", "prior": prior}
    with pytest.raises(FormInvalid) as caught:
        hypothesis_from_form(typed)
    assert caught.value.errors == {field: message}
    assert HypothesisForm().fields()[field].focus_id == field
    fixed = {"title": "Fixed", "prior": " 1 "}
    saved = hypothesis_from_form(typed | {field: fixed[field]})
    assert isinstance(saved, Hypothesis) and saved.id == "H3"
