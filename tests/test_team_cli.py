"""Teams on the command line, as a user runs it: --analyst, make-team, --lens, and refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from evidence.case_file import dump_case_file
from hypotheses.models import Case, Evidence, Hypothesis
from tests.conftest import WeighRun, weigh_text

CASE = "istanbul-2022"


def team_file(tmp_path: Path) -> Path:
    case = Case(
        id="trio", title="Three analysts", analysts=["ana", "ben", "chi"],
        hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
        evidence=[
            Evidence(id="E1", title="first", ratings_by={
                "ana": {"H1": "C", "H2": "I"}, "ben": {"H1": "CC", "H2": "II"}, "chi": {"H1": "I"}}),
            Evidence(id="E2", title="second", ratings_by={"ben": {"H1": "NA", "H2": "C"}}),
        ],
    )
    path = tmp_path / "trio.weigh.json"
    path.write_text(dump_case_file(case), encoding="utf-8")
    return path


Env = dict[str, str] | WeighRun


def run(env: Env, *args: str):
    """``weigh ARGS`` as a process on the environment's database, or in this process when
    given ``weigh_here`` (for what a command computes or refuses, once a flow has run it)."""
    return weigh_text(env, *args) if isinstance(env, dict) else env(*args)


def ok(env: Env, *args: str) -> str:
    done = run(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def refused(env: Env, *args: str) -> str:
    done = run(env, *args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    return done.stderr.removeprefix("weigh: error: ").strip()


def test_make_team_makes_the_ratings_the_analysts_own(
    cli_env: dict[str, str], weigh_here: WeighRun
) -> None:
    said = ok(cli_env, "make-team", "--case", CASE, "--analyst", "ana")
    assert said.startswith(f"Case {CASE} is now a team case: its ratings and notes are ana's.")
    doc = json.loads(ok(weigh_here, "export", "--case", CASE, "--format", "case"))
    assert doc["version"] == 3 and doc["case"]["analysts"] == ["ana"]
    rated = [ev for ev in doc["evidence"] if ev.get("ratings_by")]
    assert rated and all(set(ev["ratings_by"]) == {"ana"} and "ratings" not in ev for ev in doc["evidence"])
    assert refused(weigh_here, "make-team", "--case", CASE) == (
        f"case {CASE!r} is already a team case (analysts: ana)")
    history = ok(weigh_here, "export", "--case", CASE, "--history")
    assert f"case {CASE} made a team case: its ratings and notes are ana's (by ana)" in history


def test_who_weigh_acts_as_is_checked_before_anything_runs(
    cli_env: dict[str, str], weigh_here: WeighRun
) -> None:
    assert refused(weigh_here, "--analyst", "Ana Smith", "cases") == (
        "--analyst: 'Ana Smith' is not an analyst id: use lower-case letters, digits and '-' "
        "(at most 32, starting with a letter or digit)")
    assert refused(weigh_here, "--analyst", "team", "make-team", "--case", CASE) == (
        "--analyst: 'team' is reserved: it names the team's lens (the consensus); "
        "choose another analyst id")
    env = {**cli_env, "WEIGH_ANALYST": "\x1b[31mred"}
    assert refused(env, "cases").startswith("WEIGH_ANALYST: '\\x1b[31mred' is not an analyst id")
    # the login name when neither is given
    env = {k: v for k, v in cli_env.items() if k != "WEIGH_ANALYST"} | {"LOGNAME": "Zoë Ann"}
    ok(env, "make-team", "--case", CASE)
    doc = json.loads(ok(weigh_here, "export", "--case", CASE, "--format", "case"))
    assert doc["case"]["analysts"] == ["zoe-ann"]


def test_export_lenses_of_a_team_case(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    ok(weigh_here, "import", str(team_file(tmp_path)))
    done = weigh_text(cli_env, "export", "--case", "trio", "--format", "csv", "--lens", "ben")
    assert done.returncode == 0
    assert done.stderr.startswith("The .csv file holds ben's votes (--lens); each analyst's votes are kept")
    rows = list(csv.reader(io.StringIO(done.stdout.lstrip("\ufeff"))))
    assert [row[-2:] for row in rows[1:]] == [["CC", "II"], ["NA", "C"]]
    done = weigh_here("export", "--case", "trio", "--format", "csv")
    assert "the team's consensus of ana, ben, chi" in done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout.lstrip("\ufeff"))))
    # E1 H1: C, CC, I → S = 2, k = 3, 2S = 4: C; H2: I, II → 2S = −6 = −3k: II. E2: ben alone.
    assert [row[-2:] for row in rows[1:]] == [["C", "II"], ["NA", "C"]]
    csv_file = tmp_path / "trio.csv"
    csv_file.write_text(done.stdout, encoding="utf-8")
    assert refused(weigh_here, "import", str(csv_file), "--case", "trio") == (
        f"{csv_file}: case trio is a team case: a CSV matrix holds one matrix, not each analyst's "
        "votes, so it cannot update it; import it as a new case with --case NEW_ID")
    achz = tmp_path / "trio.achz"
    done = weigh_here("export", "--case", "trio", "--format", "achz", "--lens", "chi", "-o", str(achz))
    assert done.returncode == 0 and "holds chi's votes" in done.stderr
    assert refused(weigh_here, "export", "--case", "trio", "--lens", "zed") == (
        "--lens: 'zed' is not one of team, ana, ben, chi (see 'weigh export --help')")
    assert refused(weigh_here, "export", "--case", CASE, "--lens", "ana").startswith(
        f"--lens: case {CASE} is not a team case (it lists no analysts), so its only lens is 'team'")
    assert refused(weigh_here, "export", "--case", "trio", "--format", "case", "--lens", "ana").startswith(
        "--lens: a case file keeps every analyst's votes")


def test_a_bad_team_file_is_refused_and_nothing_is_written(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    path = team_file(tmp_path)
    doc = json.loads(path.read_text())
    doc["evidence"][1]["ratings"] = {"H1": "C"}
    path.write_text(json.dumps(doc))
    assert refused(cli_env, "import", str(path)) == (
        f"{path}: evidence E2: ratings: a team case keeps every rating in an analyst's layer "
        "(ratings_by), not shared")
    del doc["evidence"][1]["ratings"]
    doc["evidence"][0]["ratings_by"]["dan"] = {"H1": "C"}
    path.write_text(json.dumps(doc))
    assert refused(weigh_here, "import", str(path)) == (
        f"{path}: evidence E1: ratings_by: analyst 'dan' is not one of the case's analysts (ana, ben, chi)")
    doc["evidence"][0]["ratings_by"].pop("dan")
    doc["case"]["analysts"][0] = "Ana"
    path.write_text(json.dumps(doc))
    assert refused(weigh_here, "import", str(path)).startswith(f"{path}: case.analysts.0: use lower-case")
    assert "trio" not in ok(weigh_here, "cases")
