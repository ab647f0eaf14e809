"""The weigh-case file: every field survives a round trip; bad files name item and field."""

from __future__ import annotations

import json
from datetime import date

import pytest

from evidence.case_file import case_file_dict, dump_case_file, parse_case_file
from evidence.errors import ImportFailed
from hypotheses.models import Case, Evidence, Hypothesis, Indicator


def full_case() -> Case:
    return Case(
        id="full",
        title="Every field [bold]set[/]",
        question="Which?",
        description="Long\ndescription",
        conclusion="Probably H1,\nthough E1 is a claim.",
        hypotheses=[
            Hypothesis(id="H1", title="One", description="first", prior=2.5),
            Hypothesis(id="H2", title="Two", prior=0.5),
        ],
        evidence=[
            Evidence(
                id="E1",
                title="Everything",
                details="d\nmore",
                source="NYT",
                url="https://example.org/a?b=1",
                event_date=date(2022, 3, 29),
                reported_date=date(2022, 4, 1),
                tags=["istanbul", "draft-treaty"],
                credibility="high",
                relevance="low",
                admiralty="B2",
                kind="claim",
                excluded=True,
                ratings={"H1": "CC", "H2": "II"},
                notes={"H1": "why", "H2": "because <b>"},
                group="drafting",
            ),
            Evidence(id="E2", title="Minimal"),
        ],
        indicators=[
            Indicator(
                id="M1",
                title="Talks resume",
                details="within weeks",
                expected_by=date(2022, 6, 1),
                ratings={"H1": "C", "H2": "I"},
            ),
            Indicator(id="M2", title="Seen", status="observed", evidence_id="E2", ratings={"H1": "N"}),
            Indicator(id="M3", title="Never came", status="lapsed"),
        ],
    )


def test_round_trip_keeps_every_field() -> None:
    case = full_case()
    again = parse_case_file(dump_case_file(case).encode())
    assert again.model_dump(exclude={"created", "updated"}) == case.model_dump(exclude={"created", "updated"})
    assert again.created == case.created


def test_version_2_round_trips_groups_indicators_and_conclusion() -> None:
    doc = json.loads(dump_case_file(full_case()))
    assert doc["version"] == 2
    assert doc["case"]["conclusion"] == "Probably H1,\nthough E1 is a claim."
    assert [e["group"] for e in doc["evidence"]] == ["drafting", None]
    assert doc["indicators"][0] == {
        "id": "M1",
        "title": "Talks resume",
        "details": "within weeks",
        "expected_by": "2022-06-01",
        "ratings": {"H1": "C", "H2": "I"},
        "status": "watching",
        "evidence_id": None,
    }
    again = parse_case_file(json.dumps(doc).encode())
    assert again.conclusion == full_case().conclusion
    assert [e.group for e in again.evidence] == ["drafting", None]
    assert again.indicators == full_case().indicators


def _v1_doc() -> dict:
    doc = _doc()
    doc["version"] = 1
    del doc["case"]["conclusion"], doc["indicators"]
    for ev in doc["evidence"]:
        del ev["group"]
    return doc


def test_version_1_still_imports() -> None:
    case = parse_case_file(json.dumps(_v1_doc()).encode(), "old.json")
    assert case.conclusion == "" and case.indicators == []
    assert all(ev.group is None for ev in case.evidence)
    assert case.evidence[0].ratings == {"H1": "CC", "H2": "II"}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["case"].update(conclusion="x"), "case: conclusion: unknown field in a version 1 file"),
        (lambda d: d.update(indicators=[]), "indicators: unknown field in a version 1 file"),
        (
            lambda d: d["evidence"][1].update(group="g"),
            "evidence E2: group: unknown field in a version 1 file",
        ),
    ],
)
def test_version_1_file_with_version_2_keys_is_refused(mutate, expected: str) -> None:
    doc = _v1_doc()
    mutate(doc)
    with pytest.raises(ImportFailed) as err:
        parse_case_file(json.dumps(doc).encode(), "bad.json")
    assert str(err.value) == f"bad.json: {expected} (it came in version 2)"


@pytest.mark.parametrize("version", [0, -1])
def test_a_version_that_never_was_is_named_not_its_keys(version: int) -> None:
    """Tester: a file of "version": 0 holding indicators read 'indicators: unknown field in a
    version 0 file (it came in version 2)', as if there were a version 0."""
    doc = _v1_doc()
    doc.update(version=version, indicators=[])
    with pytest.raises(ImportFailed) as err:
        parse_case_file(json.dumps(doc).encode(), "bad.json")
    assert str(err.value) == f"bad.json: version: {version} is not one of 1, 2 or 3"


def test_a_huge_version_is_not_printed_whole() -> None:
    """Tester: "version": 10**400 printed all 401 digits in its one-line refusal."""
    doc = _v1_doc()
    doc["version"] = 10**400
    with pytest.raises(ImportFailed) as err:
        parse_case_file(json.dumps(doc).encode(), "new.json")
    assert str(err.value) == (
        "new.json: version 100000000000… is newer than this weigh reads (3): a newer weigh wrote it; "
        "update weigh to read it")


def test_case_id_override() -> None:
    assert parse_case_file(dump_case_file(full_case()).encode(), case_id="other").id == "other"


def _doc() -> dict:
    return case_file_dict(full_case())


def _bad(mutate) -> str:
    doc = _doc()
    mutate(doc)
    with pytest.raises(ImportFailed) as err:
        parse_case_file(json.dumps(doc).encode(), "bad.json")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("bad.json: ")
    return msg


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["evidence"][0].update(colour="red"), "evidence E1: colour: unknown field"),
        (lambda d: d.update(extra=1), "extra: unknown field"),
        (lambda d: d["evidence"][0]["ratings"].update(H1="X"), "evidence E1: ratings.H1"),
        (
            lambda d: d["evidence"][0]["ratings"].update(H9="C"),
            "evidence E1: ratings: unknown hypothesis id 'H9'",
        ),
        (lambda d: d["evidence"][1].update(id="E1"), "evidence E1: duplicate id"),
        (lambda d: d["hypotheses"][1].update(id="H1"), "hypothesis H1: duplicate id"),
        (lambda d: d["evidence"][0].update(event_date="2022-02-30"), "evidence E1: event_date"),
        (lambda d: d["evidence"][0].update(credibility="certain"), "evidence E1: credibility"),
        (lambda d: d["evidence"][0].update(admiralty="Z9"), "evidence E1: admiralty"),
        (lambda d: d["evidence"][0].update(kind="rumour"), "evidence E1: kind"),
        (lambda d: d["evidence"][0].update(excluded="yes"), "evidence E1: excluded"),
        (lambda d: d["evidence"][0].update(tags=["Bad Tag"]), "evidence E1: tags.0"),
        (lambda d: d["evidence"][0].update(title=""), "evidence E1: title"),
        (lambda d: d["evidence"][0].update(title="x" * 10_000_000), "evidence E1: title"),
        (lambda d: d["hypotheses"][0].update(prior=0), "hypothesis H1: prior"),
        (lambda d: d["hypotheses"][0].update(prior="1"), "hypothesis H1: prior"),
        (lambda d: d["case"].update(id="Has Spaces"), "case.id"),
        (lambda d: d.update(format="other"), "its \"format\" is 'other', a case file's is 'weigh-case'"),
        (lambda d: d.update(version=4), "version 4 is newer"),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d["evidence"][0].update(group="Not A Slug"), "evidence E1: group"),
        (lambda d: d["evidence"][0].update(group=7), "evidence E1: group"),
        (lambda d: d["case"].update(conclusion=["a"]), "case.conclusion"),
        (lambda d: d["indicators"][0].update(colour="red"), "indicator M1: colour: unknown field"),
        (lambda d: d["indicators"][0].update(status="seen"), "indicator M1: status"),
        (lambda d: d["indicators"][0].update(expected_by="2022-13-01"), "indicator M1: expected_by"),
        (lambda d: d["indicators"][0]["ratings"].update(H1="X"), "indicator M1: ratings.H1"),
        (
            lambda d: d["indicators"][0]["ratings"].update(H9="C"),
            "indicator M1: ratings: unknown hypothesis id 'H9'",
        ),
        (lambda d: d["indicators"][1].update(id="M1"), "indicator M1: duplicate id"),
        (
            lambda d: d["indicators"][1].update(evidence_id="E9"),
            "indicator M2: evidence_id: no evidence item 'E9'",
        ),
        (lambda d: d["indicators"][0].update(title=""), "indicator M1: title"),
        (lambda d: d["indicators"][0].pop("title"), "indicator M1: title: required field is missing"),
        (lambda d: d.pop("case"), "case: required field is missing"),
        (lambda d: d["evidence"][0].pop("title"), "evidence E1: title: required field is missing"),
    ],
)
def test_bad_case_files_name_the_field(mutate, expected: str) -> None:
    assert expected in _bad(mutate)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "not valid JSON: the file is empty", id="empty"),
        pytest.param(b"{", "not valid JSON: it ends before the JSON is complete (line 1, column 2)",
                     id="truncated"),
        pytest.param(b"[1, 2]", "expected a JSON object", id="list"),
        pytest.param(b"\xff\xfe{}", "not UTF-8", id="not-utf8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep"),
        pytest.param(
            b'{"format": "weigh-case", "version": 1, "case": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "nested too deeply",
            id="deep-inside",
        ),
    ],
)
def test_bad_bytes(data: bytes, expected: str) -> None:
    with pytest.raises(ImportFailed) as err:
        parse_case_file(data, "f.json")
    assert expected in str(err.value)


def test_oversized_file_refused() -> None:
    with pytest.raises(ImportFailed, match=r"huge\.json: larger than 128 MB, the limit for one import"):
        parse_case_file(b" " * (128 * 1024 * 1024 + 1), "huge.json")
