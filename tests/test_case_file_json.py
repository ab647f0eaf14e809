"""The case file's JSON as text: the bounds counted before parsing see only its structure,
and a key named twice is refused.

A ``[1]`` citation, a ``{placeholder}`` or a URL's colon inside a string costs nothing to
parse, so it must not count against the limits on JSON objects, lists and keys: weigh once
refused its own exports (and every later sync) of a case whose text held them. A key named
twice (``"H1": "CC", "H1": "C"``) was taken as its last value, while one who reviews the file
in git may read the first: now every reader of a case file (import, merge, sync) refuses it,
naming the key and where it is.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence import case_file, case_stream, limits
from evidence.errors import ImportFailed
from evidence.limits import MAX_JSON_CONTAINERS, MAX_JSON_KEYS, JsonCounts
from evidence.seed import default_case
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from tests.conftest import weigh, weigh_batch
from tests.test_import_limits import seed_only

#: Text a case's fields may hold that looks like JSON structure, with quotes and backslashes
#: (escaped in the file) beside it.
_TRICKY = 'see [1], [2]; {note}: at 12:30 "quoted [x]" back\\slash \\" {"k": [1]} '


def _counted(text: str) -> tuple[int, int]:
    """``{`` and ``[``, and ``:``, outside strings: one character at a time, as a parser sees them."""
    containers = keys = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            containers += 1
        elif char == ":":
            keys += 1
    return containers, keys


def _in_pieces(data: bytes, size: int) -> tuple[int, int]:
    counts = JsonCounts()
    for at in range(0, len(data), size):
        counts.add(data[at:at + size])
    return counts.containers, counts.keys


_STRINGS = st.text(alphabet='\\"{[:]}aé\n', max_size=12)
_JSON = st.recursive(
    st.none() | st.integers() | _STRINGS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_STRINGS, inner, max_size=4),
    max_leaves=20,
)


@given(_JSON, st.booleans())
def test_only_structure_is_counted_however_the_pieces_cut_strings_and_escapes(
    value: object, ascii_only: bool
) -> None:
    """Every cut (a piece of 1 or 3 bytes cuts every escape and every multi-byte character
    somewhere) gives the counts a parser would see."""
    data = json.dumps(value, ensure_ascii=ascii_only).encode()
    want = _counted(data.decode())
    for size in (1, 2, 3, 7, 4096):
        assert _in_pieces(data, size) == want


def test_runs_of_backslashes_cut_anywhere() -> None:
    """An escaped backslash before a quote (the string ends) and an escaped quote (it goes
    on), in runs of every length, cut at every place."""
    for run in range(1, 6):
        text = json.dumps(["\\" * run + '"[{:', "x" * run + ":", {"k": "\\" * run}])
        data = text.encode()
        for size in range(1, len(data) + 1):
            assert _in_pieces(data, size) == _counted(text) == (2, 1), (run, size)


def _tricky_doc(items: int) -> dict[str, object]:
    return {
        "format": "weigh-case", "version": 2,
        "case": {"id": "tricky", "title": "Tricky [1]: {x}", "question": _TRICKY,
                 "created": "2024-05-01T10:00:00Z", "updated": "2024-05-01T10:00:00Z"},
        "hypotheses": [{"id": "H1", "title": "One [a]: b"}, {"id": "H2", "title": "Two"}],
        "evidence": [{"id": f"E{i}", "title": f"Item {i} [{i}]: {{x}}", "details": _TRICKY * 3,
                      "url": f"https://example.org/{i}?a=[1]&b={{2}}", "ratings": {"H1": "C"},
                      "notes": {"H1": _TRICKY}} for i in range(items)],
    }


def test_a_case_file_read_in_pieces_counts_only_its_structure(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the limits lowered below what the text holds but above the structure, the file is
    read item by item (never whole) in pieces of 1, 3 and 4096 bytes; one object more than the
    limit is refused, naming it."""

    def whole_only(*args: object) -> NoReturn:
        raise case_stream.NotStreamed

    data = json.dumps(_tricky_doc(40)).encode()
    containers, keys = _counted(data.decode())
    assert data.count(b"{") + data.count(b"[") > 2 * containers and data.count(b":") > 2 * keys
    with monkeypatch.context() as patch:
        patch.setattr(case_stream, "stream_case_file", whole_only)
        whole = case_file.parse_case_file(data, "x.json")
    monkeypatch.setattr(limits, "MAX_JSON_CONTAINERS", containers)
    monkeypatch.setattr(limits, "MAX_JSON_KEYS", keys)
    with monkeypatch.context() as patch:
        patch.setattr(case_file, "load_json", None)  # the whole-file reader is not used
        for piece in (1, 3, 4096):
            patch.setattr(limits, "PIECE", piece)
            assert case_file.parse_case_file(data, "x.json") == whole
    monkeypatch.setattr(limits, "MAX_JSON_CONTAINERS", containers - 1)
    with pytest.raises(ImportFailed, match=f"more than {containers - 1:,} JSON objects and lists"):
        case_file.parse_case_file(data, "x.json")
    monkeypatch.setattr(limits, "MAX_JSON_CONTAINERS", containers)
    monkeypatch.setattr(limits, "MAX_JSON_KEYS", keys - 1)
    with pytest.raises(ImportFailed, match=f"more than {keys - 1:,} JSON keys"):
        case_file.parse_case_file(data, "x.json")


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def test_text_full_of_brackets_and_colons_imports_round_trips_and_syncs(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """The tester's case at the real limits: items whose details hold more `[`, `{` and `:`
    than the limits allow JSON structure (5,000,000 colons, 1,000,000 brackets), and quotes
    and backslashes, come in from a CSV; the case file exported from it imports again to the
    same bytes, and syncs with a file twice, and a merge of it with itself runs."""
    text_limit = 100_000  # one text field's limit
    rows = ["id,title,details,url,H1: One,H2: Two"]
    fills = (":", "[{", ":", '\\":', ":", "[1]{:}", ":")  # 450,000 colons, 133,333 `[{` a round
    details = [(_TRICKY + fill * text_limit)[:text_limit] for fill in fills * 12]
    for i, text in enumerate(details, 1):
        rows.append(f"E{i},Item {i} [1]: x,{_csv_cell(text)},https://example.org/{i}?q=[1],C,II")
    source = tmp_path / "tricky.csv"
    source.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    exported, again = tmp_path / "tricky.json", tmp_path / "again.json"
    synced, merged = tmp_path / "synced.json", tmp_path / "merged.json"
    ran = weigh_batch(
        cli_env,
        ["import", str(source), "--case", "tricky"],
        ["export", "--case", "tricky", "--format", "case", "-o", str(exported)],
        ["import", str(exported), "--replace"],
        ["export", "--case", "tricky", "--format", "case", "-o", str(again)],
        ["sync", str(synced), "--case", "tricky"],
        ["sync", str(synced), "--case", "tricky"],
    )
    for done in ran:
        assert done.returncode == 0, (done.args, done.stderr)
    data = exported.read_bytes()
    assert data.count(b"{") + data.count(b"[") > MAX_JSON_CONTAINERS  # the text's, not structure
    assert data.count(b":") > MAX_JSON_KEYS
    structure = _counted(data.decode())
    assert structure[0] < 1000 and structure[1] < 2000
    assert again.read_bytes() == data
    assert synced.read_bytes() == data
    merged.write_bytes(data)
    merge = weigh(cli_env, "merge", str(exported), str(merged), str(again))  # git's merge driver
    assert merge.returncode == 0, merge.stderr
    assert merged.read_bytes() == data


#: (what the file says, how it is changed, the refusal): the default case's text with a key
#: named twice, at each level of the file.
_TWICE = [
    ('"case": {"id": "', '"case": {"id": "t1", "id": "', "duplicate key 'id' in case: keep one"),
    ('"ratings": {"H1": "CC"', '"ratings": {"H1": "CC", "H1": "C"',
     "duplicate key 'H1' in indicator M1 ratings: keep one"),
    ('{"id": "E3", ', '{"id": "E3", "excluded": true, ',
     "duplicate key 'excluded' in evidence E3: keep one"),
    ('{"id": "H2", ', '{"id": "H2", "title": "Another", ',
     "duplicate key 'title' in hypothesis H2: keep one"),
    ('"version": 2,', '"version": 2, "version": 1,',
     "duplicate key 'version' in the top-level object: keep one"),
]


def _with_key_twice(old: str, new: str) -> str:
    text = case_file.dump_case_file(default_case())
    assert text.count(old) >= 1
    return text.replace(old, new, 1)


def test_a_key_named_twice_is_refused_naming_it_and_where(cli_env: dict[str, str], tmp_path: Path) -> None:
    """Each file is refused in one line naming the key and the item, exit 2, nothing imported."""
    paths = []
    for n, (old, new, _) in enumerate(_TWICE):
        paths.append(tmp_path / f"twice-{n}.json")
        paths[-1].write_text(_with_key_twice(old, new), encoding="utf-8")
    ran = weigh_batch(cli_env, *(["import", str(path), "--case", "twice"] for path in paths))
    for path, (_, _, expected), done in zip(paths, _TWICE, ran, strict=True):
        assert done.returncode == 2, (path.name, done.stdout, done.stderr)
        assert done.stderr == f"weigh: error: {path}: {expected}\n"
    seed_only(Path(cli_env["WEIGH_DB"]))


def test_a_rating_named_twice_deep_in_a_large_file_is_refused(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """The tester's file: one item's `"H1": "CC", "H1": "C"` among 2,500 (read item by item, in
    batches of a thousand, before the fix took the last value)."""
    bundled = default_case()
    case = bundled.model_copy(update={"id": "large", "evidence": [
        *bundled.evidence,
        *(bundled.evidence[0].model_copy(update={"id": f"X{i}", "ratings": {"H1": "CC"}})
          for i in range(2_500)),
    ]})
    lines = case_file.dump_case_file(case).split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith('{"id": "X2345", '))
    lines[at] = lines[at].replace('"ratings": {"H1": "CC"}', '"ratings": {"H1": "CC", "H1": "C"}')
    path = tmp_path / "large.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    done = weigh(cli_env, "import", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode() == (
        f"weigh: error: {path}: duplicate key 'H1' in evidence X2345 ratings: keep one\n")
    seed_only(Path(cli_env["WEIGH_DB"]))


def test_merge_and_sync_refuse_a_key_named_twice_and_write_nothing(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """git's merge driver and `weigh sync` read the file as an import does: refused in one
    line, OURS, the shared file and the database as they were."""
    base, ours = tmp_path / "base.json", tmp_path / "ours.json"
    base.write_text(case_file.dump_case_file(default_case()), encoding="utf-8")
    ours.write_bytes(base.read_bytes())
    theirs = tmp_path / "theirs.json"
    theirs.write_text(_with_key_twice(*_TWICE[1][:2]), encoding="utf-8")
    shared = tmp_path / "shared.json"
    shared.write_bytes(theirs.read_bytes())
    db = Path(cli_env["WEIGH_DB"])
    before = db.read_bytes()
    merge, sync = weigh_batch(cli_env, ["merge", str(base), str(ours), str(theirs)], ["sync", str(shared)])
    assert merge.returncode == 2 and merge.stderr == (
        f"weigh: error: THEIRS {theirs}: duplicate key 'H1' in indicator M1 ratings: keep one\n")
    assert sync.returncode == 2 and sync.stderr == (
        f"weigh: error: FILE {shared}: duplicate key 'H1' in indicator M1 ratings: keep one\n")
    assert ours.read_bytes() == base.read_bytes()
    assert shared.read_bytes() == theirs.read_bytes()
    assert db.read_bytes() == before
    store = Store.open(db, readonly=True)
    try:
        assert store.case_ids() == [default_case().id]
    finally:
        store.close()


def _team_case() -> Case:
    return Case(id="team", title="Team [1]: {x}", analysts=["ana", "ben"],
                hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two: [2]")],
                evidence=[Evidence(id=f"E{i}", title=f"item {i}: {{x}}",
                                   ratings_by={"ana": {"H1": "C", "H2": "II"}, "ben": {"H1": "N"}},
                                   notes_by={"ben": {"H2": 'why: "[3]"'}}) for i in range(1, 30)],
                indicators=[Indicator(id="M1", title="Talks", ratings={"H1": "C"})])


@pytest.mark.parametrize("case", [default_case(), _team_case()], ids=["one analyst", "team"])
def test_a_case_file_without_a_key_twice_is_read_item_by_item(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys read (cells and analysts' layers too) are the colons counted, so a sound file is
    never read whole for want of a key; with one key twice it is, and refused naming it."""
    data = case_file.dump_case_file(case).encode()
    counts = JsonCounts()
    counts.add(data)
    assert limits.case_keys(json.loads(data)) == limits.keys_in(json.loads(data)) == counts.keys
    monkeypatch.setattr(case_stream, "BATCH", 7)
    with monkeypatch.context() as patch:
        patch.setattr(case_file, "load_json", None)  # the whole-file reader is not used
        for piece in (1, 3, 4096):
            patch.setattr(limits, "PIECE", piece)
            assert case_file.parse_case_file(data, "x.json") == case
    twice = data.replace(b'"H1": "C"', b'"H1": "C", "H1": "I"', 1)
    evidence = b'"evidence": ['
    assert twice.index(b'"H1": "I"') > twice.index(evidence)  # in an item the stream reads
    for piece in (1, 3, 4096):
        monkeypatch.setattr(limits, "PIECE", piece)
        with pytest.raises(ImportFailed, match=r"^x\.json: duplicate key 'H1' in evidence E\d+ ratings"):
            case_file.parse_case_file(twice, "x.json")


def _structural_commas(text: str) -> list[int]:
    """Where the commas between values are (outside strings)."""
    out, in_string, escaped = [], False, False
    for i, char in enumerate(text):
        if in_string:
            escaped = not escaped and char == "\\"
            in_string = escaped or char != '"'
        elif char == '"':
            in_string = True
        elif char == ",":
            out.append(i)
    return out


@given(st.data())
def test_a_missing_or_trailing_comma_is_refused_as_json_refuses_it(data: st.DataObject) -> None:
    """Import read a case file laid out as weigh writes it without the commas between its
    items or its keys (a file merge, sync and every JSON parser refuse), and took trailing
    ones: now it refuses both, saying where, as for any text that is no JSON."""
    small = Case(id="c", title="t", hypotheses=[Hypothesis(id="H1", title="h")],
                 evidence=[Evidence(id=f"E{i}", title=f"e{i}", ratings={"H1": "C"}) for i in range(3)])
    text = case_file.dump_case_file(small)
    at = data.draw(st.sampled_from(_structural_commas(text)))
    closer = data.draw(st.sampled_from("]}"))
    broken = [text[:at] + text[at + 1:],  # one comma dropped
              text[:at] + ",," + text[at + 1:]]  # one doubled
    if closer in text[at:]:
        end = text.index(closer, at)
        broken.append(text[:end] + "," + text[end:])  # a trailing comma before the closer
    for bad in broken:
        with pytest.raises(json.JSONDecodeError):
            json.loads(bad)
        with pytest.raises(ImportFailed, match=r"^x\.json: not valid JSON: "):
            case_file.parse_case_file(bad.encode(), "x.json")
