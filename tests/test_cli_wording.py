"""What `weigh merge` and `weigh import` say, as a user reads it: which argument a refusal is
about, conflicting values in JSON's words (null, false, "text") rather than Python's, and counts
in the singular where there is one."""

from __future__ import annotations

import os
from pathlib import Path

from evidence.case_file import dump_case_file
from hypotheses.models import Case, Evidence, Hypothesis
from tests.conftest import weigh_batch, weigh_text


def two_items(e1: dict[str, object] | None, e2: dict[str, object] | None) -> str:
    """A case file whose items E1 and E2 have these fields (None: the item is not there)."""
    items = [Evidence(**{"id": eid, "title": f"item {eid}", **fields})
             for eid, fields in (("E1", e1), ("E2", e2)) if fields is not None]
    return dump_case_file(Case(id="c", title="C", hypotheses=[Hypothesis(id="H1", title="one")],
                               evidence=items))


def test_merge_names_the_argument_that_is_not_a_regular_file(cli_env: dict[str, str],
                                                             tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    text = two_items({}, {})
    case.write_text(text, encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # nobody writes it: opening it to read would wait for ever
    ran = weigh_batch(cli_env, ["merge", str(fifo), str(case), str(case)],
                      ["merge", str(case), str(fifo), str(case)],
                      ["merge", str(case), str(case), str(fifo)],
                      ["merge", str(tmp_path / "gone.json"), str(case), str(case)])
    assert [done.stderr for done in ran] == [
        f"weigh: error: BASE {fifo}: is a FIFO (named pipe); weigh merges only regular files\n",
        f"weigh: error: OURS {fifo}: is a FIFO (named pipe); weigh merges only regular files\n",
        f"weigh: error: THEIRS {fifo}: is a FIFO (named pipe); weigh merges only regular files\n",
        f"weigh: error: BASE {tmp_path / 'gone.json'}: no such file\n",
    ]
    assert {done.returncode for done in ran} == {2} and case.read_text(encoding="utf-8") == text


def test_merge_conflicts_show_json_values_and_a_whole_item_by_its_title(cli_env: dict[str, str],
                                                                        tmp_path: Path) -> None:
    """Red team: a conflict printed `ours {'id': 'E1', … 'url': None, 'excluded': False}`."""
    base, ours, theirs = (tmp_path / f"{side}.json" for side in ("base", "ours", "theirs"))
    base.write_text(two_items({"url": "https://a.example"}, {}), encoding="utf-8")
    ours.write_text(two_items({"url": None}, {"title": "ours two"}), encoding="utf-8")
    theirs.write_text(two_items({"url": "https://b.example"}, None), encoding="utf-8")
    done = weigh_text(cli_env, "merge", str(base), str(ours), str(theirs))
    assert done.returncode == 1, done
    assert done.stderr.splitlines()[:2] == [
        'weigh: conflict: evidence E1 url: ours null, theirs "https://b.example" (ours kept)',
        'weigh: conflict: evidence E2: ours changed (title "ours two"), theirs deleted (ours kept)',
    ]


def test_a_one_row_one_column_csv_import_counts_in_the_singular(cli_env: dict[str, str],
                                                                tmp_path: Path) -> None:
    matrix = tmp_path / "one.csv"
    matrix.write_text("id,title,H1: the only one\r\nE1,x,C\r\n", encoding="utf-8")
    done = weigh_text(cli_env, "import", str(matrix))
    assert done.returncode == 0, done
    assert done.stdout.splitlines() == [
        "Read 1 row × 1 hypothesis from the CSV matrix.",
        "New case one: 1 hypothesis, 1 evidence (a CSV holds no notes, descriptions or priors: add "
        "them in weigh).",
        "Imported case one: 1 hypothesis, 1 evidence.",
    ]


def test_cases_delete_and_the_change_log_count_one_hypothesis_in_the_singular(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(two_items({}, None), encoding="utf-8")
    imported, listed, logged, deleted = weigh_batch(
        cli_env, ["import", str(case)], ["cases"], ["export", "--case", "c", "--history"],
        ["delete", "c", "--yes"])
    assert "c\tC\t1 hypothesis\t1 evidence\t" in listed.stdout
    assert "case c written whole (created, imported or replaced): 1 hypothesis, 1 evidence" in logged.stdout
    assert deleted.stdout == "Deleted case c (C): 1 hypothesis, 1 evidence.\n"
    assert imported.returncode == listed.returncode == logged.returncode == deleted.returncode == 0


def test_a_path_of_an_unknown_users_home_is_a_path_not_a_traceback(cli_env: dict[str, str],
                                                                   tmp_path: Path) -> None:
    """'~nosuchuser/x' is kept as typed, as a shell keeps it (Path.expanduser raised)."""
    unknown = "~no-such-weigh-user-7/x.json"
    ran = weigh_batch(cli_env, ["--db", unknown, "cases"], ["import", unknown],
                      ["export", "-o", unknown], ["merge", unknown, unknown, unknown])
    for done in ran:
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("weigh: error: ") and done.stderr.count("\n") == 1
        assert "Traceback" not in done.stderr
