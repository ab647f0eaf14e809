"""`weigh merge`'s reading: each distinct item validated once, yet every file refused as an import
refuses it (the shortcuts attacked), and the canonical layout read as the whole text parses
(a key named twice refused, whichever part of the text holds it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from evidence.case_file import dump_case_file
from evidence.case_merge import merge_files
from evidence.errors import ImportFailed
from evidence.merge_reader import MergeReader
from hypotheses.models import Case, Evidence, Hypothesis


def _case(**change: str) -> Case:
    items = [Evidence(id=f"E{i}", title=change.get(f"E{i}", f"item {i}"), ratings={"H1": "C"})
             for i in range(1, 4)]
    return Case(id="c", title="T", evidence=items,
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")])


def _files(tmp_path: Path, base: str, ours: str, theirs: str) -> tuple[Path, Path, Path]:
    paths = (tmp_path / "base.json", tmp_path / "ours.json", tmp_path / "theirs.json")
    for path, text in zip(paths, (base, ours, theirs), strict=True):
        path.write_text(text, encoding="utf-8")
    return paths


def _refused(tmp_path: Path, base: str, ours: str, theirs: str, words: str) -> None:
    paths = _files(tmp_path, base, ours, theirs)
    with pytest.raises(ImportFailed) as caught:
        merge_files(*paths)
    assert words in str(caught.value) and "\n" not in str(caught.value)
    assert paths[1].read_text(encoding="utf-8") == ours


GOOD = dump_case_file(_case())


def test_a_damaged_item_in_base_is_refused_even_where_a_side_shares_it(tmp_path: Path) -> None:
    bad = GOOD.replace('"H1": "C"}, "notes"', '"H1": "maybe"}, "notes"', 1)
    _refused(tmp_path, bad, bad, GOOD, "BASE")
    _refused(tmp_path, bad, GOOD, GOOD, "BASE")  # BASE's values never reach the result: still refused
    _refused(tmp_path, GOOD, bad, GOOD, "OURS")


def test_an_item_as_in_base_is_checked_again_where_its_file_differs(tmp_path: Path) -> None:
    # OURS drops H2 and THEIRS makes a team case: the unchanged lines break their rules there
    rated = GOOD.replace('"H1": "C"}', '"H2": "C"}', 1)
    no_h2 = "".join(line for line in rated.splitlines(keepends=True) if '"id": "H2"' not in line)
    no_h2 = no_h2.replace('"prior": 1.0},\n],', '"prior": 1.0}\n],')  # H1 is the last line now
    _refused(tmp_path, rated, no_h2, rated, "OURS")
    _refused(tmp_path, rated, no_h2, rated, "unknown hypothesis id 'H2'")
    team = rated.replace('"version": 2', '"version": 3').replace(
        '"conclusion": ""', '"conclusion": "", "analysts": ["ana"]')
    _refused(tmp_path, rated, rated, team, "THEIRS")
    _refused(tmp_path, rated, rated, team, "a team case keeps every rating in an analyst's layer")


def test_equal_values_of_other_types_are_not_the_same_item(tmp_path: Path) -> None:
    _refused(tmp_path, GOOD, GOOD.replace('"excluded": false', '"excluded": 0', 1), GOOD, "OURS")
    same_twice = GOOD.replace('"item 2"', '"item 1"').replace('"id": "E2"', '"id": "E1"')
    _refused(tmp_path, GOOD, GOOD, same_twice, "THEIRS")


@pytest.mark.parametrize(("line", "words"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ("[" + "9" * 5000 + "]", "more than 4,300 digits"),
    ("[NaN]", "NaN is not a JSON number"),
])
def test_hostile_json_in_an_items_line_is_one_line_and_ours_untouched(tmp_path: Path, line: str,
                                                                      words: str) -> None:
    hostile = GOOD.replace('"tags": []', f'"tags": {line}', 1)
    _refused(tmp_path, GOOD, GOOD, hostile, words)


def _read(tmp_path: Path, text: str) -> object:
    path = tmp_path / "f.json"
    path.write_text(text, encoding="utf-8")
    return MergeReader().read(path, "OURS")


@pytest.mark.parametrize("edit", [
    lambda t: t,
    lambda t: t.replace("},\n{", "}, {", 1),  # two items on a line
    lambda t: t.replace(', "ratings": {', ',\n"ratings": {', 1),  # one item on two lines
    lambda t: t.replace('"version": 2,', '"version": 2, "format": "x",', 1),  # a key twice
    lambda t: t.replace("\n", "\r\n"),
    lambda t: json.dumps(json.loads(t), indent=1),
])
def test_the_layout_is_read_as_the_whole_text_parses(tmp_path: Path, edit: Callable[[str], str]) -> None:
    text = edit(GOOD)
    try:
        whole = _parsed(text)
    except ValueError:
        with pytest.raises(ImportFailed, match="duplicate key 'format' in the top-level object"):
            _read(tmp_path, text)
    else:
        assert _read(tmp_path, text) == whole


def _parsed(text: str) -> object:
    """The whole text parsed as a case file's reader parses it: a key named twice is refused."""
    return json.loads(text, object_pairs_hook=_unique)


def _unique(pairs: list[tuple[str, object]]) -> dict[str, object]:
    doc = dict(pairs)
    if len(doc) < len(pairs):
        raise ValueError("a key named twice")
    return doc


def test_an_empty_base_is_a_base_with_nothing_but_an_empty_object_is_refused(tmp_path: Path) -> None:
    paths = _files(tmp_path, "", GOOD, GOOD)
    assert merge_files(*paths).conflicts == ()
    _refused(tmp_path, "{}", GOOD, GOOD, "BASE")


def test_an_item_is_written_from_the_dict_it_was_read_from_only_where_that_is_its_dump() -> None:
    case = Case(id="c", title="T", analysts=["b", "a"],
                hypotheses=[Hypothesis(id="H2", title="Two"), Hypothesis(id="H1", title="One")],
                evidence=[Evidence(id="E1", title="one", ratings_by={"b": {"H2": "C", "H1": "I"}}),
                          Evidence(id="E2", title="two", notes_by={"a": {"H1": "x"}})])
    written = dump_case_file(case)
    canonical = [json.loads(line.rstrip(",")) for line in written.splitlines()
                 if line.startswith('{"id": "E')]
    assert dump_case_file(case, canonical) == written
    one = canonical[0]
    for read in ({**one, "title": " one "},  # the title as read is not the title kept
                 {k: v for k, v in one.items() if k != "details"},  # a default left out
                 {"title": "one", **{k: v for k, v in one.items() if k != "title"}},  # keys in another order
                 {**one, "ratings_by": {"b": {"H1": "I", "H2": "C"}}},  # cells out of hypothesis order
                 {**one, "notes_by": {}}):  # an empty layer
        assert dump_case_file(case, [read, canonical[1]]) == written


def test_a_line_dropped_or_doubled_anywhere_reads_as_the_whole_text_or_is_refused(tmp_path: Path) -> None:
    lines = GOOD.splitlines(keepends=True)
    for i in range(len(lines)):
        for text in ("".join(lines[:i] + lines[i + 1:]), "".join(lines[:i + 1] + lines[i:])):
            try:
                whole = _parsed(text)
            except ValueError:
                with pytest.raises(ImportFailed):
                    _read(tmp_path, text)
            else:
                assert _read(tmp_path, text) == whole
