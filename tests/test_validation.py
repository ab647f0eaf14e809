"""Validation errors in plain words: one wording for files, the database and forms."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, ValidationError

from hypotheses.models import Case, CaseInfo, Evidence, Hypothesis
from hypotheses.validation import PATTERN_WORDS, describe, field_errors

#: What a library message looks like; none may reach a person, nor may a model's regular expression.
LIBRARY_WORDS = ("should", "Value error", "a valid", "type=", "pydantic", *PATTERN_WORDS)


def errors_of(model: type[BaseModel], doc: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(doc, strict=False)
    return caught.value


@pytest.mark.parametrize(
    ("model", "doc", "field", "message"),
    [
        (Evidence, {"id": "E1"}, "title", "required field is missing"),
        (Evidence, {"id": "E1", "title": "t", "colour": "red"}, "colour", "unknown field"),
        (Evidence, {"id": "E1", "title": "  "}, "title", "required: must not be empty"),
        (Evidence, {"id": "E1", "title": "x" * 501}, "title", "too long: at most 500 characters (got 501)"),
        (Evidence, {"id": "E1", "title": "two\nlines"}, "title", "must be a single line"),
        (Evidence, {"id": "E 1", "title": "t"}, "id",
         "use letters, digits, '.', '_' or '-' (at most 32, starting with a letter or digit)"),
        (CaseInfo, {"id": "Case One", "title": "t"}, "id",
         "use lower-case letters, digits and '-' (at most 64, starting with a letter or digit)"),
        (Evidence, {"id": "E1", "title": "t", "tags": ["ok", "Not OK"]}, "tags",
         "bad tag 'Not OK': use lower-case letters, digits and '-' (at most 40 characters)"),
        (Evidence, {"id": "E1", "title": "t", "group": "Same Fact"}, "group",
         "bad group 'Same Fact': use lower-case letters, digits and '-' (at most 40 characters)"),
        (Evidence, {"id": "E1", "title": "t", "tags": [f"t{i}" for i in range(51)]}, "tags",
         "too many tags: at most 50"),
        (Evidence, {"id": "E1", "title": "t", "tags": ["a", "a"]}, "tags", "tags must not repeat"),
        (Evidence, {"id": "E1", "title": "t", "admiralty": "Z9"}, "admiralty",
         "use a reliability letter A–F and a credibility digit 1–6, e.g. B2"),
        (Evidence, {"id": "E1", "title": "t", "credibility": "sure"}, "credibility",
         "'sure' is not one of 'low', 'medium' or 'high'"),
        (Evidence, {"id": "E1", "title": "t", "excluded": "maybe"}, "excluded", "not true or false: 'maybe'"),
        (Evidence, {"id": "E1", "title": "t", "event_date": "2022-02-30"}, "event_date",
         "not a real date: '2022-02-30' (February 2022 has 28 days)"),
        (Evidence, {"id": "E1", "title": "t", "event_date": "2024-02-30"}, "event_date",
         "not a real date: '2024-02-30' (February 2024 has 29 days)"),
        (Evidence, {"id": "E1", "title": "t", "event_date": "2022-13-01"}, "event_date",
         "not a real date: '2022-13-01' (there is no month 13)"),
        (Evidence, {"id": "E1", "title": "t", "event_date": "0000-01-01"}, "event_date",
         "not a real date: '0000-01-01' (there is no year 0)"),
        (Evidence, {"id": "E1", "title": "t", "event_date": "2022-1-5"}, "event_date",
         "not a real date: '2022-1-5' (use YYYY-MM-DD)"),
        (Evidence, {"id": "E1", "title": "t", "event_date": "2022-03-01T10:00"}, "event_date",
         "not a real date: '2022-03-01T10:00' (use YYYY-MM-DD)"),
        (Evidence, {"id": "E1", "title": "t", "tags": "a,b"}, "tags", "must be a list"),
        (Evidence, {"id": "E1", "title": 7}, "title", "must be text"),
        (Hypothesis, {"id": "H1", "title": "t", "prior": "abc"}, "prior", "not a number: 'abc'"),
        (Hypothesis, {"id": "H1", "title": "t", "prior": "0"}, "prior",
         "must be a finite number greater than 0"),
        # tester: these read 'not a number: 1000…' and 'must be text'
        (Hypothesis, {"id": "H1", "title": "t", "prior": 10**400}, "prior",
         "too large a number: 1" + "0" * 47),
        (Evidence, {"id": "E1", "title": "a\ud800b"}, "title", "not valid Unicode text: 'a\\ud800b'"),
    ],
)
def test_each_kind_of_error_reads_as_words(
    model: type[BaseModel], doc: dict[str, Any], field: str, message: str
) -> None:
    assert field_errors(errors_of(model, doc))[field] == message


class _Bounded(BaseModel):
    at_least: int = Field(default=0, ge=0)
    above: float = Field(default=1, gt=0, allow_inf_nan=False)
    at_most: int = Field(default=0, le=9)
    below: int = Field(default=0, lt=10)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("at_least", -4, "must be 0 or more (got -4)"),
        ("above", 0, "must be more than 0 (got 0)"),
        ("above", float("inf"), "not a finite number: inf"),
        ("at_most", 12, "must be 9 or less (got 12)"),
        ("below", 10, "must be less than 10 (got 10)"),
    ],
)
def test_a_number_out_of_its_bounds_reads_as_words(field: str, value: float, message: str) -> None:
    """Tester: a damaged database's ``"seq": -1`` or ``1e400`` read 'damaged: _meta.1.seq:
    Input should be greater than or equal to 0' (pydantic's own words)."""
    exc = errors_of(_Bounded, {field: value})
    assert field_errors(exc)[field] == message


def test_a_form_can_place_notes_per_hypothesis_and_override_a_hint() -> None:
    exc = errors_of(Evidence, {"id": "E1", "title": "t", "notes": {"H2": "n" * 100_001}, "admiralty": "Z9"})
    assert field_errors(exc) == {
        "notes": "too long: at most 100000 characters (got 100,001)",
        "admiralty": "use a reliability letter A–F and a credibility digit 1–6, e.g. B2",
    }
    placed = field_errors(exc, ["notes.H2", "admiralty"], hints={"admiralty": "e.g. B2"})
    assert placed == {"notes.H2": "too long: at most 100000 characters (got 100,001)", "admiralty": "e.g. B2"}


def test_a_control_character_in_a_bad_value_is_shown_escaped() -> None:
    exc = errors_of(Evidence, {"id": "E1", "title": "t", "credibility": "\x1b[31mred"})
    assert field_errors(exc)["credibility"].startswith("'\\x1b[31mred' is not one of")


def test_describe_names_the_item_by_id_or_position() -> None:
    doc = {
        "id": "c", "title": "t",
        "hypotheses": [{"id": "H1", "title": "one"}],
        "evidence": [{"id": "E1", "title": "fine"}, {"id": "E2", "title": ""}, {"title": "no id"}],
    }
    assert describe(errors_of(Case, doc), doc) == (
        "evidence E2: title: required: must not be empty; evidence #3: id: required field is missing"
    )
    assert describe(errors_of(Case, doc)) == (
        "evidence #2: title: required: must not be empty; evidence #3: id: required field is missing"
    )


def test_describe_names_a_case_in_a_database_by_its_id() -> None:
    class Db(BaseModel):
        cases: dict[str, Case]

    doc = {"cases": {"1": {"id": "kyiv", "title": "t", "hypotheses": [{"id": "H1", "title": "a\nb"}]}}}
    with pytest.raises(ValidationError) as caught:
        Db.model_validate(doc, strict=False)
    assert describe(caught.value, doc) == "case 'kyiv': hypothesis H1: title: must be a single line"


def test_describe_stops_after_a_few_and_counts_the_rest() -> None:
    doc = {"id": "c", "title": "t", "evidence": [{"id": f"E{i}", "title": ""} for i in range(6)]}
    text = describe(errors_of(Case, doc), doc, limit=2)
    assert text.endswith("; and 4 more problems")
    assert text.count("required: must not be empty") == 2


_values = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=50),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([*sorted(Evidence.model_fields), "extra"]), _values, max_size=8))
def test_no_error_ever_shows_a_library_message_or_a_pattern(doc: dict[str, Any]) -> None:
    try:
        Evidence.model_validate(doc, strict=False)
    except ValidationError as exc:
        texts = [describe(exc, doc, limit=100), *field_errors(exc).values()]
        assert not [t for t in texts if any(w in t for w in LIBRARY_WORDS)], texts
