"""Case file version 3: a team case's analysts and layers; bad team files name item and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidence.case_file import dump_case_file, parse_case_file
from evidence.errors import ImportFailed
from evidence.importing import import_file
from evidence.limits import MAX_ANALYSTS, MAX_RATINGS
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis


def team_case() -> Case:
    return Case(
        id="team", title="Team", analysts=["ana", "ben"],
        hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
        evidence=[
            Evidence(id="E1", title="First", ratings_by={"ana": {"H1": "C", "H2": "NA"}, "ben": {"H1": "II"}},
                     notes_by={"ben": {"H1": "a forgery"}}),
            Evidence(id="E2", title="Unrated"),
        ],
    )


def test_a_team_case_is_written_as_version_3_and_comes_back_whole() -> None:
    case = team_case()
    doc = json.loads(dump_case_file(case))
    assert doc["version"] == 3
    assert doc["case"]["analysts"] == ["ana", "ben"]
    first, second = doc["evidence"]
    assert first["ratings_by"] == {"ana": {"H1": "C", "H2": "NA"}, "ben": {"H1": "II"}}
    assert first["notes_by"] == {"ben": {"H1": "a forgery"}}
    assert {"ratings", "notes"}.isdisjoint(first) and {"ratings", "notes", "ratings_by"}.isdisjoint(second)
    again = parse_case_file(dump_case_file(case).encode())
    assert again.model_dump(exclude={"created", "updated"}) == case.model_dump(exclude={"created", "updated"})


def test_a_one_analyst_case_is_still_written_as_version_2() -> None:
    case = Case(id="solo", title="Solo", hypotheses=[Hypothesis(id="H1", title="One")],
                evidence=[Evidence(id="E1", title="e", ratings={"H1": "C"})])
    doc = json.loads(dump_case_file(case))
    assert doc["version"] == 2
    assert "analysts" not in doc["case"]
    assert doc["evidence"][0]["ratings"] == {"H1": "C"}
    assert {"ratings_by", "notes_by"}.isdisjoint(doc["evidence"][0])


def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(dump_case_file(team_case()))
    return doc


def _refused(doc: dict[str, Any]) -> str:
    with pytest.raises(ImportFailed) as err:
        parse_case_file(json.dumps(doc).encode(), "team.json")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("team.json: ")
    return msg.removeprefix("team.json: ")


def _as_version_1(doc: dict[str, Any]) -> None:
    """Only the version 2 and 3 keys left out, but the layers."""
    doc.update(version=1)
    doc.pop("indicators")
    for key in ("analysts", "conclusion"):
        doc["case"].pop(key)
    for ev in doc["evidence"]:
        ev.pop("group")


RATINGS_SHARED = "ratings: a team case keeps every rating in an analyst's layer (ratings_by), not shared"
SLUG = "use lower-case letters, digits and '-' (at most 32, starting with a letter or digit)"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["evidence"][0].update(ratings={"H1": "C"}),
         f"evidence E1: {RATINGS_SHARED}"),
        (lambda d: d["evidence"][1].update(ratings={}),
         f"evidence E2: {RATINGS_SHARED}"),
        (lambda d: d["evidence"][1].update(notes={}),
         "evidence E2: notes: a team case keeps every note in an analyst's layer (notes_by), not shared"),
        (lambda d: d["evidence"][0]["ratings_by"].update(zed={"H1": "C"}),
         "evidence E1: ratings_by: analyst 'zed' is not one of the case's analysts (ana, ben)"),
        (lambda d: d["evidence"][0]["notes_by"].update(zed={"H1": "x"}),
         "evidence E1: notes_by: analyst 'zed' is not one of the case's analysts (ana, ben)"),
        (lambda d: d["case"].update(analysts=["ana", "Ben Smith"]),
         f"case.analysts.1: {SLUG}"),
        (lambda d: d["evidence"][0]["ratings_by"].update({"Zed!": {}}),
         "evidence E1: ratings_by: analyst id 'Zed!': use lower-case letters, digits and '-'"),
        (lambda d: d["evidence"][0]["ratings_by"]["ana"].update(H9="C"),
         "evidence E1: ratings_by.ana: unknown hypothesis id 'H9'"),
        (lambda d: d["evidence"][0]["ratings_by"]["ana"].update(H1="maybe"),
         "evidence E1: ratings_by.ana.H1: 'maybe' is not one of"),
        (lambda d: d["case"].update(analysts=[]),
         "evidence E1: ratings_by: analyst 'ana' is not one of the case's analysts (it lists none)"),
        (lambda d: d.update(version=2),
         "case: analysts: unknown field in a version 2 file (it came in version 3)"),
        (lambda d: (d.update(version=2), d["case"].pop("analysts")),
         "evidence E1: ratings_by: unknown field in a version 2 file (it came in version 3)"),
        (lambda d: _as_version_1(d),
         "evidence E1: ratings_by: unknown field in a version 1 file (it came in version 3)"),
    ],
)
def test_bad_team_files_name_item_and_field(mutate: Any, expected: str) -> None:
    doc = _doc()
    mutate(doc)
    assert _refused(doc).startswith(expected)


def test_layer_cells_count_towards_the_import_limit() -> None:
    doc = _doc()
    per_item = {f"H{i}": "C" for i in range(400)}
    doc["hypotheses"] = [{"id": h, "title": h} for h in per_item]
    doc["evidence"] = [{"id": f"E{i}", "title": "e", "ratings_by": {"ana": per_item, "ben": per_item}}
                       for i in range(MAX_RATINGS // 800 + 1)]
    assert "ratings and notes, the limit for one import" in _refused(doc)


def test_too_many_analysts_are_refused_before_the_models_read_them() -> None:
    doc = _doc()
    doc["case"]["analysts"] = [f"a{i}" for i in range(MAX_ANALYSTS + 1)]
    assert _refused(doc) == f"case: analysts: more than {MAX_ANALYSTS:,}, the limit for one import"


def test_a_file_with_an_analyst_named_team_imports_whole_and_says_how_to_see_them(
        tmp_path: Path) -> None:
    """'team' is refused as a new analyst's name, but a file listing one (an older weigh
    allowed it) imports whole, and the report says their lens is '@team'."""
    case = team_case().model_copy(update={"analysts": ["ana", "team"]})
    first = case.evidence[0].model_copy(update={
        "ratings_by": {"ana": {"H1": "C"}, "team": {"H1": "II"}}, "notes_by": {"team": {"H1": "why"}}})
    case = case.model_copy(update={"evidence": [first, case.evidence[1]]})
    path = tmp_path / "team.json"
    path.write_text(dump_case_file(case))
    with Store.open(tmp_path / "db.json", analyst="ana") as store:
        result = import_file(store, path)
        stored = store.case("team")
    assert ("case team: analyst 'team' has the team lens's name: their own votes are the lens "
            "'@team' (l on the workbench, --lens @team)") in result.report
    assert stored.analysts == ["ana", "team"] and stored.evidence[0] == first
