"""`weigh merge` as git's merge driver, in real repositories, and its refusals."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evidence.case_file import dump_case_file, parse_case_file
from hypotheses.models import Case, Evidence, Hypothesis
from tests.achz_files import achz
from tests.conftest import CLI_TIMEOUT, ROOT, WeighRun, weigh_batch, weigh_text

FILE = "case.json"


def git(env: dict[str, str], cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=CLI_TIMEOUT, check=False)
    assert not ok or done.returncode == 0, done.stderr
    return done


def start_case() -> Case:
    return Case(id="team", title="Team case", analysts=["ana"],
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
                evidence=[Evidence(id=f"E{i}", title=f"item {i}") for i in range(1, 5)])


def edit(clone: Path, change: dict[str, Any], votes: dict[str, Any],
         analyst: str) -> None:
    """What an analyst's weigh writes: their votes (joining the case) and item edits."""
    case = parse_case_file((clone / FILE).read_bytes())
    items = []
    for ev in case.evidence:
        by = dict(ev.ratings_by)
        if ev.id in votes:
            by[analyst] = {**by.get(analyst, {}), **votes[ev.id]}
        fields = change.get(ev.id, {})
        if fields is None:
            continue
        items.append(ev.model_copy(update={"ratings_by": by, **fields}))
    analysts = case.analysts + ([analyst] if analyst not in case.analysts else [])
    new = case.model_copy(update={"evidence": items, "analysts": analysts})
    (clone / FILE).write_text(dump_case_file(new), encoding="utf-8")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "PYTHONPATH": str(ROOT),
            "GIT_TERMINAL_PROMPT": "0"}


def clone(env: dict[str, str], tmp_path: Path, name: str) -> Path:
    where = tmp_path / name
    git(env, tmp_path, "clone", "-q", str(tmp_path / "origin.git"), name)
    driver = f"{shlex.quote(sys.executable)} -m tui.cli merge %O %A %B"
    for key, value in (("user.name", name), ("user.email", f"{name}@example.org"),
                       ("merge.weigh.driver", driver), ("pull.rebase", "false")):
        git(env, where, "config", key, value)
    return where


def three_clones(env: dict[str, str], tmp_path: Path) -> tuple[Path, Path, Path]:
    """A shared repository holding the start case and the driver's attribute, cloned by
    ana (who pushed it), ben and cem."""
    git(env, tmp_path, "init", "-q", "--bare", "-b", "main", "origin.git")
    a = clone(env, tmp_path, "ana")
    (a / FILE).write_text(dump_case_file(start_case()), encoding="utf-8")
    (a / ".gitattributes").write_text("*.json merge=weigh\n")
    git(env, a, "add", ".")
    git(env, a, "commit", "-qm", "start")
    git(env, a, "push", "-q", "-u", "origin", "main")
    return a, clone(env, tmp_path, "ben"), clone(env, tmp_path, "cem")


def commit_push(env: dict[str, str], where: Path, message: str) -> None:
    git(env, where, "commit", "-qam", message)
    git(env, where, "push", "-q")


def test_three_analysts_work_concurrently_through_git(env: dict[str, str], tmp_path: Path) -> None:
    a, b, c = three_clones(env, tmp_path)
    # all three rate E1 at once (one cell each, all H1) and edit different items
    edit(a, {"E2": {"title": "item 2, ana's words"}}, {"E1": {"H1": "C", "H2": "I"}}, "ana")
    edit(b, {"E3": {"details": "ben's details"}}, {"E1": {"H1": "II"}, "E4": {"H2": "N"}}, "ben")
    edit(c, {"E4": None}, {"E1": {"H1": "NA"}}, "cem")  # cem deletes E4; ben rated it: a conflict
    commit_push(env, a, "ana rates")
    git(env, b, "commit", "-qam", "ben rates")
    git(env, b, "pull", "-q")
    git(env, c, "commit", "-qam", "cem rates")
    git(env, b, "push", "-q")
    pulled = git(env, c, "pull", "-q", ok=False)
    assert pulled.returncode != 0
    assert "evidence E4: ours deleted, theirs" in pulled.stdout + pulled.stderr
    git(env, c, "commit", "-qam", "merged: E4 kept, ben rated it")
    git(env, c, "push", "-q")
    git(env, a, "pull", "-q")
    git(env, b, "pull", "-q")
    final = parse_case_file((a / FILE).read_bytes())
    assert (b / FILE).read_bytes() == (a / FILE).read_bytes() == (c / FILE).read_bytes()
    assert final.analysts == ["ana", "ben", "cem"]  # joined on two sides: by name, whoever merged
    e1, e2, e3, e4 = final.evidence
    assert e1.ratings_by == {"ana": {"H1": "C", "H2": "I"}, "ben": {"H1": "II"}, "cem": {"H1": "NA"}}
    assert (e2.title, e3.details) == ("item 2, ana's words", "ben's details")
    assert e4.ratings_by == {"ben": {"H2": "N"}}
    # ana on two machines (a and b) changes her own vote and E2's title differently: conflicts
    edit(b, {"E2": {"title": "ben's title"}}, {"E1": {"H1": "CC"}}, "ana")
    commit_push(env, b, "ana on her laptop")
    edit(a, {"E2": {"title": "ana's title"}}, {"E1": {"H1": "N"}, "E3": {"H2": "C"}}, "ana")
    git(env, a, "commit", "-qam", "ana at her desk")
    pulled = git(env, a, "pull", "-q", ok=False)
    said = pulled.stdout + pulled.stderr
    assert 'evidence E1 ratings_by ana H1: ours "N", theirs "CC" (ours kept)' in said
    assert "evidence E2 title: ours \"ana's title\", theirs \"ben's title\" (ours kept)" in said
    assert "CONFLICT" in said and "weigh: 2 conflicts, each listed above" in said
    kept = parse_case_file((a / FILE).read_bytes())  # a valid case file, ours kept, the rest merged
    assert kept.evidence[0].ratings_by["ana"] == {"H1": "N", "H2": "I"}
    assert kept.evidence[2].ratings_by == {"ana": {"H2": "C"}}


def test_bad_inputs_are_refused_and_ours_is_untouched(
    env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    good = dump_case_file(start_case()).encode()
    other = dump_case_file(start_case().model_copy(update={"id": "other"})).encode()
    summary = b'{"ranking": [], "models_agree": true}'
    paths = {}
    for name, data in {"base": good, "ours": good.replace(b"item 1", b"item one"), "theirs": good,
                       "other": other, "damaged": good[:-40], "summary": summary,
                       "matrix.csv": b"\xef\xbb\xbfid,title\r\nE1,x\r\n", "parc.achz": achz()}.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    os.mkfifo(tmp_path / "fifo")
    paths["fifo"] = tmp_path / "fifo"
    before = paths["ours"].read_bytes()
    refusals = (("base", "other", "not the same case: OURS is 'team', the other 'other'"),
                ("base", "damaged", "THEIRS"), ("damaged", "theirs", "BASE"),
                ("base", "summary", "this is a summary"), ("fifo", "theirs", "is a FIFO"),
                # tester: these read 'not valid JSON …' and 'not UTF-8 text (bad byte at offset 1)'
                ("matrix.csv", "theirs", "BASE {matrix.csv}: this is a CSV matrix, not a case file"),
                ("base", "parc.achz", "THEIRS {parc.achz}: this is a PARC ACH 2.0 file (.achz), not a case"))
    # One child runs them all, in order (its timeout fails a hang on the FIFO).
    refused = weigh_batch(env, *(["merge", str(paths[base]), str(paths["ours"]), str(paths[theirs])]
                                 for base, theirs, _ in refusals))
    for (_, _, words), done in zip(refusals, refused, strict=True):
        assert done.returncode == 2, done.stderr
        words = words.replace("{matrix.csv}", str(paths["matrix.csv"])).replace(
            "{parc.achz}", str(paths["parc.achz"]))
        assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr
    assert paths["ours"].read_bytes() == before
    done = weigh_here("merge", str(paths["base"]), str(paths["ours"]), str(paths["theirs"]))
    assert done.returncode == 0 and done.stderr == ""
    assert paths["ours"].read_bytes() == before  # theirs changed nothing: canonical bytes again


def test_a_read_only_ours_is_refused_and_untouched(weigh_here: WeighRun, tmp_path: Path) -> None:
    """Tester: ``weigh merge BASE OURS THEIRS`` by hand replaced an OURS made read-only (a
    rename needs only the folder writable), as ``weigh export -o`` did."""
    good = dump_case_file(start_case()).encode()
    for name, data in {"base": good, "ours": good, "theirs": good.replace(b"item 1", b"item one")}.items():
        (tmp_path / name).write_bytes(data)
    os.chmod(tmp_path / "ours", 0o444)
    done = weigh_here("merge", *(str(tmp_path / name) for name in ("base", "ours", "theirs")))
    assert done.returncode == 2 and str(done.stderr).count("\n") == 1, done.stderr
    assert f"OURS {tmp_path / 'ours'}: is read-only; weigh does not replace it" in str(done.stderr)
    assert (tmp_path / "ours").read_bytes() == good


def test_a_case_made_a_team_case_takes_a_shared_rating_changed_on_another_clone(
        env: dict[str, str], tmp_path: Path) -> None:
    git(env, tmp_path, "init", "-q", "--bare", "-b", "main", "origin.git")
    a = clone(env, tmp_path, "ana")
    solo = start_case().model_copy(update={"analysts": [], "evidence": [
        Evidence(id="E1", title="item 1", ratings={"H1": "C", "H2": "N"}),
        Evidence(id="E2", title="item 2")]})
    (a / FILE).write_text(dump_case_file(solo), encoding="utf-8")
    (a / ".gitattributes").write_text("*.json merge=weigh\n")
    git(env, a, "add", ".")
    git(env, a, "commit", "-qm", "start")
    git(env, a, "push", "-q", "-u", "origin", "main")
    b = clone(env, tmp_path, "ben")
    # ana makes it a team case (the shared ratings become her layer); ben, on the old layout, re-rates
    team = solo.model_copy(update={"analysts": ["ana"], "evidence": [
        Evidence(id="E1", title="item 1", ratings_by={"ana": {"H1": "C", "H2": "N"}}), solo.evidence[1]]})
    (a / FILE).write_text(dump_case_file(team), encoding="utf-8")
    commit_push(env, a, "ana makes a team case")
    rerated = solo.model_copy(update={"evidence": [
        Evidence(id="E1", title="item 1", ratings={"H1": "II", "H2": "N"}),
        Evidence(id="E2", title="item 2", ratings={"H1": "I"})]})
    (b / FILE).write_text(dump_case_file(rerated), encoding="utf-8")
    git(env, b, "commit", "-qam", "ben re-rates")
    pulled = git(env, b, "pull", "-q", ok=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    final = parse_case_file((b / FILE).read_bytes())
    assert final.analysts == ["ana"]
    assert [e.ratings_by for e in final.evidence] == [{"ana": {"H1": "II", "H2": "N"}}, {"ana": {"H1": "I"}}]


def test_another_json_file_the_attribute_sends_is_merged_line_by_line_as_git_would(
        env: dict[str, str], tmp_path: Path) -> None:
    a, b, _ = three_clones(env, tmp_path)  # '*.json merge=weigh', as the README says
    (a / "settings.json").write_text('{\n"a": 1,\n"b": 2,\n"c": 3\n}\n')
    git(env, a, "add", "settings.json")
    commit_push(env, a, "settings")
    git(env, b, "pull", "-q")
    (a / "settings.json").write_text('{\n"a": 10,\n"b": 2,\n"c": 3\n}\n')
    commit_push(env, a, "a is 10")
    (b / "settings.json").write_text('{\n"a": 1,\n"b": 2,\n"c": 30\n}\n')
    git(env, b, "commit", "-qam", "c is 30")
    pulled = git(env, b, "pull", "-q", ok=False)  # was: refused ('not a weigh case file'), a 10 lost
    assert pulled.returncode == 0, pulled.stderr
    assert (b / "settings.json").read_text() == '{\n"a": 10,\n"b": 2,\n"c": 30\n}\n'
    git(env, b, "push", "-q")
    git(env, a, "pull", "-q")
    (a / "settings.json").write_text('{\n"a": 11,\n"b": 2,\n"c": 30\n}\n')
    commit_push(env, a, "a is 11")
    (b / "settings.json").write_text('{\n"a": 12,\n"b": 2,\n"c": 30\n}\n')
    git(env, b, "commit", "-qam", "a is 12")
    pulled = git(env, b, "pull", "-q", ok=False)  # a real conflict: git's markers, as without weigh
    assert pulled.returncode != 0
    assert ("weigh: not a weigh case file: merged line by line as git would; 1 conflict marked in it "
            "(<<<<<<< ours … >>>>>>> theirs): fix it, then commit") in pulled.stderr
    text = (b / "settings.json").read_text()
    assert '<<<<<<< ours\n"a": 12,\n=======\n"a": 11,\n>>>>>>> theirs\n' in text


def test_a_file_from_a_newer_weigh_is_refused_saying_to_update(
        weigh_here: WeighRun, tmp_path: Path) -> None:
    text = dump_case_file(start_case())
    for name in ("base", "ours"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "theirs").write_text(text.replace('"version": 3', '"version": 4', 1), encoding="utf-8")
    done = weigh_here("merge", *(str(tmp_path / n) for n in ("base", "ours", "theirs")))
    assert done.returncode == 2 and (tmp_path / "ours").read_text() == text
    assert done.stderr.endswith(": version 4 is newer than this weigh reads (3): a newer weigh wrote "
                                "it; update weigh to read it\n"), done.stderr


def add_item(clone: Path, eid: str, title: str, analyst: str) -> None:
    """An analyst's weigh adds an item, under the next id of their own database, and votes on it."""
    case = parse_case_file((clone / FILE).read_bytes())
    new = Evidence(id=eid, title=title, ratings_by={analyst: {"H1": "C"}})
    analysts = case.analysts + ([analyst] if analyst not in case.analysts else [])
    (clone / FILE).write_text(dump_case_file(case.model_copy(update={
        "evidence": [*case.evidence, new], "analysts": analysts})), encoding="utf-8")


def test_items_added_under_one_id_on_both_sides_are_a_note_and_the_pull_goes_through(
        env: dict[str, str], tmp_path: Path) -> None:
    """Two analysts' sessions: each added an item, and each database called it E5. The merge
    keeps both (ours under a new id) and has nothing to choose, so git must not mark the file
    conflicted (it did: exit 1, '… (both kept)' listed as a conflict)."""
    a, b, _ = three_clones(env, tmp_path)
    add_item(a, "E5", "tanks", "ana")
    commit_push(env, a, "ana adds tanks")
    add_item(b, "E5", "memo", "ben")
    git(env, b, "commit", "-qam", "ben adds memo")
    pulled = git(env, b, "pull", "-q", "--no-edit", ok=False)
    said = pulled.stdout + pulled.stderr
    assert pulled.returncode == 0, said
    assert ('weigh: note: evidence E5 added on both sides as different items: ours is now E6 '
            '("memo"), theirs stays E5 ("tanks")') in said
    assert "conflict" not in said.lower()
    assert git(env, b, "status", "--porcelain").stdout == ""  # merged and committed
    merged = parse_case_file((b / FILE).read_bytes())
    assert [(e.id, e.title, e.ratings_by) for e in merged.evidence[4:]] == [
        ("E6", "memo", {"ben": {"H1": "C"}}), ("E5", "tanks", {"ana": {"H1": "C"}})]
    git(env, b, "push", "-q")
    git(env, a, "pull", "-q")
    # again, and a real conflict besides: that one still stops the pull, with both listed
    add_item(a, "E7", "radio", "ana")
    edit(a, {"E2": {"title": "ana's"}}, {}, "ana")
    commit_push(env, a, "ana adds radio")
    add_item(b, "E7", "map", "ben")
    edit(b, {"E2": {"title": "ben's"}}, {}, "ben")
    git(env, b, "commit", "-qam", "ben adds map")
    pulled = git(env, b, "pull", "-q", "--no-edit", ok=False)
    said = pulled.stdout + pulled.stderr
    assert pulled.returncode != 0 and "CONFLICT" in said
    assert ('weigh: note: evidence E7 added on both sides as different items: ours is now E8 '
            '("map"), theirs stays E7 ("radio")') in said
    assert "weigh: conflict: evidence E2 title: ours \"ben's\", theirs \"ana's\" (ours kept)" in said
    assert "weigh: 1 conflict, listed above with the value kept" in said  # the note is not counted


@pytest.mark.parametrize("first", ["ana", "ben"])
def test_analysts_who_joined_on_each_side_are_listed_alike_whoever_merges(
        env: dict[str, str], tmp_path: Path, first: str) -> None:
    """Ana and ben each make a shared one-analyst case a team case and vote; whoever pushes
    first, the other's pull merges, and both end with one list of analysts (it was OURS's
    first: ben's pull gave 'ben, ana', and ana, pulling that, cycled her lenses ben first)."""
    git(env, tmp_path, "init", "-q", "--bare", "-b", "main", "origin.git")
    a = clone(env, tmp_path, "ana")
    (a / FILE).write_text(dump_case_file(start_case().model_copy(update={"analysts": []})),
                          encoding="utf-8")
    (a / ".gitattributes").write_text("*.json merge=weigh\n")
    git(env, a, "add", ".")
    git(env, a, "commit", "-qm", "start")
    git(env, a, "push", "-q", "-u", "origin", "main")
    b = clone(env, tmp_path, "ben")
    clones = {"ana": a, "ben": b}
    for who, where in clones.items():
        edit(where, {}, {"E1": {"H1": "C" if who == "ana" else "I"}}, who)
        git(env, where, "commit", "-qam", f"{who} votes")
    second = "ben" if first == "ana" else "ana"
    git(env, clones[first], "push", "-q")
    git(env, clones[second], "pull", "-q", "--no-edit")  # the driver merges
    git(env, clones[second], "push", "-q")
    git(env, clones[first], "pull", "-q")
    for where in clones.values():
        case = parse_case_file((where / FILE).read_bytes())
        assert case.analysts == ["ana", "ben"], first
        assert case.item("E1").ratings_by == {"ana": {"H1": "C"}, "ben": {"H1": "I"}}


def test_an_analyst_who_left_on_one_side_and_voted_on_the_other_keeps_their_place(
        env: dict[str, str], tmp_path: Path) -> None:
    """Ben left on one side (his first vote undone there) and voted on the other: he stays, a
    conflict, in BASE's order, where the case file and every lens had him (he went to the end:
    'ana, cem, ben'), whichever side is OURS."""
    base = start_case().model_copy(update={"analysts": ["ana", "ben", "cem"], "evidence": [
        Evidence(id="E1", title="item 1", ratings_by={"ana": {"H1": "C"}, "ben": {"H1": "I"},
                                                      "cem": {"H1": "N"}}),
        *start_case().evidence[1:]]})
    left = base.model_copy(update={"analysts": ["ana", "cem"], "evidence": [
        Evidence(id="E1", title="item 1", ratings_by={"ana": {"H1": "C"}, "cem": {"H1": "N"}}),
        *base.evidence[1:]]})
    voted = base.model_copy(update={"evidence": [
        base.evidence[0], Evidence(id="E2", title="item 2", ratings_by={"ben": {"H2": "CC"}}),
        *base.evidence[2:]]})
    for ours, theirs in ((left, voted), (voted, left)):
        for name, case in (("base", base), ("ours", ours), ("theirs", theirs)):
            (tmp_path / name).write_text(dump_case_file(case), encoding="utf-8")
        done = weigh_text(env, "merge", *(str(tmp_path / n) for n in ("base", "ours", "theirs")))
        assert done.returncode == 1, done.stderr
        assert "weigh: conflict: case analysts ben (left on one side, rated on the other)" in done.stderr
        merged = parse_case_file((tmp_path / "ours").read_bytes())
        assert merged.analysts == ["ana", "ben", "cem"], ours is left
        assert merged.item("E2").ratings_by == {"ben": {"H2": "CC"}}
