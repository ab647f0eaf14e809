"""A case's evidence is written and read a line of items at a time (the fast path).

Each test compares with the slow path, which validates the whole file in one
pass: a file the fast path accepts must read exactly as the slow path reads
it, and a file it declines is read, or reported, by the slow path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

import evidence.case_lines as case_lines
import evidence.database as database_module
from evidence.case_lines import CHUNK_ITEMS, _CaseHead
from evidence.database import CASES, WeighStorage
from evidence.errors import CorruptDatabase
from evidence.store import Store
from hypotheses.models import Case, Evidence, Hypothesis, Indicator

HOSTILE = ['"evidence":[', '},{', "]}", '\\n', '"\n', "\\", '"', "\u2028", "é", "[", "]", ","]


def item(k: int, title: str = "", details: str = "", **fields: Any) -> Evidence:
    return Evidence(id=f"E{k}", title=f"item {k} {title}", details=details,
                    ratings={"H1": "C", "H2": "I"} if k % 2 else {}, **fields)


def case(case_id: str, n: int, **fields: Any) -> Case:
    return Case(
        id=case_id, title=f"Case {case_id}",
        hypotheses=[Hypothesis(id="H1", title="One"), Hypothesis(id="H2", title="Two")],
        evidence=[item(k) for k in range(n)], **fields,
    )


def write(db: Path, *cases: Case) -> Path:
    with Store.open(db) as store:
        for c in cases:
            store.put_case(c)
        store.compact()
    return db


def slow(db: Path) -> dict[str, Any] | str:
    """The cases as the whole-file validation reads them, or its error."""
    storage = WeighStorage(db)
    try:
        return storage._tables_of(storage._validate(db.read_bytes()))[CASES]
    except CorruptDatabase as exc:
        return str(exc)


def fast(db: Path) -> dict[str, Any] | None:
    """The cases as the chunked reader reads them, or None when it declines."""
    data = db.read_bytes()
    tables = WeighStorage(db)._fast_tables(lambda n, at: data[at : at + n], len(data))
    return None if tables is None else tables[CASES]


def opened(db: Path) -> dict[str, Any] | str:
    """What opening the file gives: the fast path, else the slow one."""
    try:
        tables = WeighStorage(db).read()
    except CorruptDatabase as exc:
        return str(exc)
    assert tables is not None
    return tables[CASES]


def edited(db: Path, old: bytes, new: bytes, count: int = 1) -> Path:
    """The file with ``old`` replaced (in the cases part only: the trail's checksum still holds)."""
    data = db.read_bytes()
    head, sep, tail = data.partition(b',"history":')
    assert head.count(old) >= count, (old, head[:300])
    db.write_bytes(head.replace(old, new, count) + sep + tail)
    return db


# --------------------------------------------------------------- the layout


def test_the_file_holds_a_thousand_items_to_a_line_and_stays_plain_json(tmp_path: Path) -> None:
    n = 2 * CHUNK_ITEMS + 1
    db = write(tmp_path / "weigh.json", case("big", n), case("empty", 0))
    lines = db.read_bytes().split(b"\n")
    assert [len(json.loads(b"[" + line.rstrip(b",") + b"]")) for line in lines[1:-1]] == [
        CHUNK_ITEMS, CHUNK_ITEMS, 1
    ]
    assert lines[0].endswith(b'"evidence":[') and lines[-1].startswith(b"]}")
    with TinyDB(db, access_mode="r") as plain:
        docs = plain.table("cases").all()
        assert [len(d["evidence"]) for d in docs] == [n, 0]
    read = fast(db)
    assert read is not None and read == slow(db)
    assert [len(d["evidence"]) for d in read.values()] == [n, 0]


def test_an_open_reads_the_file_in_pieces_never_whole(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    db = write(tmp_path / "weigh.json", case("a", 3 * CHUNK_ITEMS))
    wanted: list[int] = []
    real = database_module._pread

    def pread(fd: int, length: int, offset: int) -> bytes:
        wanted.append(length)
        return real(fd, length, offset)

    def refuse(self: WeighStorage, data: bytes) -> None:
        raise AssertionError("the whole file was validated")

    monkeypatch.setattr(database_module, "_pread", pread)
    monkeypatch.setattr(database_module, "_BLOCK", 8192)
    monkeypatch.setattr(database_module, "_TAIL_BYTES", 4096)
    monkeypatch.setattr(WeighStorage, "_validate", refuse)
    tables = WeighStorage(db).read()
    assert tables is not None and len(tables[CASES]["1"]["evidence"]) == 3 * CHUNK_ITEMS
    assert max(wanted) <= database_module._BLOCK < db.stat().st_size


def test_the_head_model_has_the_case_fields() -> None:
    assert list(_CaseHead.model_fields) == [*Case.model_fields]


def test_items_read_share_equal_values_and_edits_leave_the_others_alone(tmp_path: Path) -> None:
    db = write(tmp_path / "weigh.json", case("c", 4).model_copy(update={"evidence": [
        item(k, event_date="2022-03-01") for k in range(4)
    ]}))
    with Store.open(db) as store:
        items = store.case("c").evidence
        assert items[0].event_date is items[3].event_date
        assert items[0].notes is items[2].notes and items[0].tags is items[2].tags
        store.set_rating("c", "E0", "H1", "CC")
        store.update_evidence("c", items[2].model_copy(update={"tags": ["new"], "notes": {"H1": "n"}}))
        after = store.case("c").evidence
    assert after[0].ratings == {"H1": "CC"} and after[1].ratings == {"H1": "C", "H2": "I"}
    assert after[2].tags == ["new"] and [ev.tags for ev in after[:2]] == [[], []]
    assert after[3].notes == {} and after[3].tags == []


def test_items_with_other_fields_share_only_with_their_like(tmp_path: Path) -> None:
    kinds = [{}, {"url": "https://a.io"}, {}, {"url": "https://b.io"}, {"source": "S"}, {}]
    db = write(tmp_path / "weigh.json", case("c", 6).model_copy(update={"evidence": [
        item(k, **extra) for k, extra in enumerate(kinds)
    ]}))
    with Store.open(db, readonly=True) as store:
        items = store.case("c").evidence
    sets = [ev.__pydantic_fields_set__ for ev in items]
    # odd items are rated (item()), so: 0 and 2 name id and title; 1 and 3 also
    # ratings and url; 4 id, title and source; 5 id, title and ratings
    assert sets[0] is sets[2] and sets[1] is sets[3]
    assert len({id(sets[k]) for k in (0, 1, 4, 5)}) == 4
    assert [sorted(sets[k]) for k in (0, 1, 4, 5)] == [
        ["id", "title"], ["id", "ratings", "title", "url"], ["id", "source", "title"],
        ["id", "ratings", "title"],
    ]
    assert [ev.url for ev in items] == [None, "https://a.io", None, "https://b.io", None, None]
    assert [ev.model_dump(exclude_unset=True).get("source") for ev in items] == [
        None, None, None, None, "S", None
    ]


# ---------------------------------------------------------- the same reading


@pytest.mark.parametrize("n", [0, 1, CHUNK_ITEMS - 1, CHUNK_ITEMS, CHUNK_ITEMS + 1])
def test_chunk_boundaries_read_as_the_whole_file_does(tmp_path: Path, n: int) -> None:
    db = write(tmp_path / "weigh.json", case("a", n), case("b", 3))
    read = fast(db)
    assert read is not None and read == slow(db)
    assert [len(d["evidence"]) for d in read.values()] == [n, 3]


def test_hostile_text_in_every_string_reads_the_same(tmp_path: Path) -> None:
    text = " ".join(HOSTILE)
    line = text.replace("\n", " ")
    hostile = case("h", 5, description=text + "\n" + text, question=text).model_copy(update={
        "evidence": [item(k, title=line, details=f"{text}\n]}}\n{text}", source=line) for k in range(5)],
        "hypotheses": [Hypothesis(id="H1", title=line), Hypothesis(id="H2", title="Two", description=text)],
    })
    db = write(tmp_path / "weigh.json", hostile)
    assert db.read_bytes().count(b"\n") == 2  # strings hold escapes, never a raw newline
    read = fast(db)
    assert read is not None and read == slow(db)
    assert read["1"]["evidence"] == hostile.evidence and read["1"]["hypotheses"] == hostile.hypotheses
    assert read["1"]["description"] == hostile.description


def test_indicators_linked_to_items_read_the_same(tmp_path: Path) -> None:
    linked = case("i", 3, indicators=[Indicator(id="M1", title="Seen", evidence_id="E2", status="observed")])
    db = write(tmp_path / "weigh.json", linked)
    read = fast(db)
    assert read is not None and read == slow(db)


cells = st.lists(st.sampled_from([*HOSTILE, "a", " ", "\n", "{", "}", ":"]), max_size=6).map("".join)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sizes=st.lists(st.integers(0, 10), min_size=1, max_size=3),
    titles=st.lists(cells, min_size=1, max_size=4),
    chunk=st.integers(1, 4),
    block=st.integers(1, 300),
)
def test_fast_read_equals_slow_read(tmp_path_factory: pytest.TempPathFactory, sizes: list[int],
                                    titles: list[str], chunk: int, block: int) -> None:
    """Any items to a line, the file read any number of bytes at a time."""
    db = tmp_path_factory.mktemp("prop") / "weigh.json"
    cases = []
    for c, n in enumerate(sizes):
        items = [
            item(k, title=titles[k % len(titles)].replace("\n", " "), details=titles[(k + c) % len(titles)],
                 tags=["t"] if k % 3 else [], event_date="2022-01-02" if k % 2 else None)
            for k in range(n)
        ]
        base = case(f"c{c}", 0, conclusion=titles[c % len(titles)])
        cases.append(base.model_copy(update={"evidence": items}))
    with mock.patch.object(case_lines, "CHUNK_ITEMS", chunk):
        write(db, *cases)
    with mock.patch.object(database_module, "_BLOCK", block):
        read = fast(db)
    assert read is not None and read == slow(db)
    assert [len(d["evidence"]) for d in read.values()] == sizes
    assert sum(sizes) == 0 or db.read_bytes().count(b"\n") >= 2


def test_a_file_from_the_previous_weigh_still_opens(tmp_path: Path) -> None:
    """One line, evidence before indicators: read as one piece, the same as the whole file."""
    db = write(tmp_path / "weigh.json", case("old", 5), case("two", 2))
    data = db.read_bytes()
    order = ["id", "title", "question", "description", "conclusion", "created", "updated",
             "hypotheses", "evidence", "indicators"]
    cases = {k: {f: d[f] for f in order if f in d} for k, d in json.loads(data)["cases"].items()}
    head = json.dumps({"cases": cases}, separators=(",", ":")).encode()
    db.write_bytes(head[:-1] + data[data.index(b',"history":'):])
    assert b"\n" not in db.read_bytes()
    read = fast(db)
    assert read is not None and read == slow(db)
    assert [len(d["evidence"]) for d in read.values()] == [5, 2]


# ------------------------------------------------------------------ attacks


@pytest.mark.parametrize(("old", "new", "declined"), [
    (b'"hypotheses":[', b'\n"hypotheses":[', True),  # a newline outside any region
    (b'"title":"Case a"', b'"title":\n"Case a"', True),
    (b'"id":"E1"', b'"id":\n"E1"', True),  # a line of items broken in two
    (b'[\n{', b'[ \n{', True),  # the region does not start right after the key
    (b'[\n{', b'[\n\n{', True),  # an empty line
    (b'\n]}', b'\n ]}', True),
    (b'\n]}', b' \n]}', False),  # a space after the last item: still one line of items
])
def test_newlines_where_weigh_puts_none_read_as_the_whole_file_does(tmp_path: Path, old: bytes,
                                                                    new: bytes, declined: bool) -> None:
    db = edited(write(tmp_path / "weigh.json", case("a", 3)), old, new)
    assert (fast(db) is None) == declined
    read = opened(db)
    assert read == slow(db) and isinstance(read, dict)
    assert [ev.id for ev in read["1"]["evidence"]] == ["E0", "E1", "E2"]


def test_a_raw_newline_inside_a_string_is_refused_as_the_slow_path_refuses_it(tmp_path: Path) -> None:
    db = edited(write(tmp_path / "weigh.json", case("a", 3)), b'"title":"item 1"', b'"title":"item\n1"')
    assert fast(db) is None
    message = opened(db)
    assert message == slow(db) and "not valid JSON" in str(message)


@pytest.mark.parametrize(("old", "new", "why"), [
    (b"}\n]}", b"\n]}", "truncated line"),
    (b"}\n]}", b"},\n]}", "trailing comma before the end"),
    (b"[\n{", b"[\n,\n{", "empty line with a comma"),
    (b"\n]}}", b"\n]}", "region closed without its case"),
    (b"\n]}}", b"\n]}}}", "one brace too many"),
])
def test_damaged_lines_are_reported_as_the_slow_path_reports_them(tmp_path: Path, old: bytes,
                                                                  new: bytes, why: str) -> None:
    with mock.patch.object(case_lines, "CHUNK_ITEMS", 2):
        db = write(tmp_path / "weigh.json", case("a", 3))
    db = edited(db, old, new)
    assert fast(db) is None, why
    message = opened(db)
    assert isinstance(message, str) and message == slow(db), why


def test_a_line_without_its_comma_is_refused(tmp_path: Path) -> None:
    with mock.patch.object(case_lines, "CHUNK_ITEMS", 2):
        db = edited(write(tmp_path / "weigh.json", case("a", 3)), b"},\n{", b"}\n{")
    assert fast(db) is None
    assert "not valid JSON" in str(opened(db)) and opened(db) == slow(db)


def test_a_bad_item_in_a_line_is_named_by_the_slow_path(tmp_path: Path) -> None:
    db = edited(write(tmp_path / "weigh.json", case("a", 3)), b'"ratings":{"H1":"C"', b'"ratings":{"H9":"C"')
    assert fast(db) is None
    message = opened(db)
    assert message == slow(db) and "H9" in str(message)


def test_a_case_key_named_like_evidence_is_refused(tmp_path: Path) -> None:
    db = edited(write(tmp_path / "weigh.json", case("a", 3)), b'"evidence":[\n', b'"x\\"evidence":[\n')
    assert fast(db) is None
    assert opened(db) == slow(db) and isinstance(slow(db), str)


def test_a_later_duplicate_evidence_key_wins_as_in_the_whole_file(tmp_path: Path) -> None:
    db = edited(write(tmp_path / "weigh.json", case("a", 3), case("b", 2)), b"\n]}", b'\n],"evidence":[]}')
    assert fast(db) is None  # a region no case holds: declined
    read = opened(db)
    assert read == slow(db)
    assert isinstance(read, dict) and [len(d["evidence"]) for d in read.values()] == [0, 2]


def test_an_earlier_duplicate_evidence_key_loses_as_in_the_whole_file(tmp_path: Path) -> None:
    dup = b'"evidence":[{"id":"Z1","title":"shadowed"}],"hypotheses":['
    db = edited(write(tmp_path / "weigh.json", case("a", 3)), b'"hypotheses":[', dup)
    read = fast(db)
    assert read is not None and read == slow(db)
    assert [ev.id for ev in read["1"]["evidence"]] == ["E0", "E1", "E2"]


def test_regions_swapped_by_literal_numbers_are_refused(tmp_path: Path) -> None:
    """Two cases each naming the other's region by number: the slow path refuses the file."""
    db = write(tmp_path / "weigh.json", case("a", 3), case("b", 2))
    db = edited(db, b"\n]}", b'\n],"evidence":[1]}', 1)
    db = edited(db, b"\n]}}", b'\n],"evidence":[0]}}')
    assert fast(db) is None
    message = opened(db)
    assert isinstance(message, str) and message == slow(db)


def test_a_duplicate_case_id_keeps_the_last_as_in_the_whole_file(tmp_path: Path) -> None:
    db = write(tmp_path / "weigh.json", case("a", 3), case("b", 2))
    db = edited(db, b'"2":{', b'"1":{')
    assert fast(db) is None  # the first case's region is shadowed
    read = opened(db)
    assert read == slow(db) and isinstance(read, dict) and list(read) == ["1"]


def test_a_case_without_an_evidence_key_reads_as_empty(tmp_path: Path) -> None:
    db = write(tmp_path / "weigh.json", case("a", 3), case("b", 0))
    data = db.read_bytes()
    assert data.count(b'"evidence":[]') == 1
    db = edited(db, b',"evidence":[]', b"")
    read = fast(db)
    assert read is not None and read == slow(db)
    assert [len(d["evidence"]) for d in read.values()] == [3, 0]


def test_an_item_count_that_breaks_a_case_rule_is_reported(tmp_path: Path) -> None:
    with mock.patch.object(case_lines, "CHUNK_ITEMS", 2):
        db = write(tmp_path / "weigh.json", case("a", 4))
    db = edited(db, b'"id":"E3"', b'"id":"E0"')  # the same id in two lines
    assert fast(db) is None
    message = opened(db)
    assert message == slow(db) and "duplicate id" in str(message)
    with pytest.raises(CorruptDatabase, match="duplicate id"):
        Store.open(db, readonly=True)


def test_a_file_whose_editor_wrote_crlf_line_ends_is_read_the_slow_way(tmp_path: Path) -> None:
    with mock.patch.object(case_lines, "CHUNK_ITEMS", 2):
        db = write(tmp_path / "weigh.json", case("a", 5))
    db = edited(db, b"\n", b"\r\n", count=4)
    assert db.read_bytes().count(b"\r\n") == 4 and fast(db) is None
    read = opened(db)
    assert read == slow(db) and isinstance(read, dict)
    assert [ev.id for ev in read["1"]["evidence"]] == [f"E{k}" for k in range(5)]


def test_a_whole_case_is_journalled_in_pieces_byte_for_byte(tmp_path: Path) -> None:
    """An import's record is serialised a batch of items at a time (memory), the same bytes."""
    import zlib

    from evidence import record_pieces
    from evidence.journal import read_journal
    from evidence.operations import CasePut

    hostile = [item(k, title=text, details=text + '"doc":{') for k, text in enumerate(HOSTILE)]
    doc = case("c", 2_500, conclusion='"doc":{"evidence":[]')
    doc = doc.model_copy(update={"evidence": [*hostile, *doc.evidence[len(HOSTILE):]]})
    old = case("c", 3)
    with mock.patch.object(record_pieces, "BATCH", 7):
        record = CasePut(seq=1, ts="2026-01-01T00:00:00Z", case="c", doc=doc, old=old)
        pieces = record_pieces.record_json(record)
        whole = record.model_dump_json().encode()
        assert isinstance(pieces, record_pieces.Pieces) and len(list(pieces)) > 300
        assert b"".join(pieces) == whole and (len(pieces), pieces.crc) == (len(whole), zlib.crc32(whole))
    db = tmp_path / "w.json"
    with Store.open(db) as store:  # through the journal: read back, and folded at close
        store.put_case(doc)
        assert read_journal(store.journal_path).records[-1]["doc"] == json.loads(whole)["doc"]
    with Store.open(db, readonly=True) as store:
        assert store.case("c").evidence == doc.evidence
