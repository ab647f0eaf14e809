"""Torn and damaged journals: a torn last record is dropped whole, real damage is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

import evidence.store as store_module
from evidence.errors import CorruptDatabase
from evidence.store import Store
from hypotheses.models import Evidence

from .edits import CASE_ID, base_case, crash_image, digest, edit, files_of, shape


@pytest.fixture(autouse=True)
def no_compaction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "COMPACT_RECORDS", 10_000)


def journal_of(db: Path) -> Path:
    return db.with_name(db.name + ".journal")


def make_journal(tmp_path: Path, edits: int, last: str) -> tuple[Path, list[object], int]:
    """A crash image whose journal ends with a given kind of record; returns the
    image, the state after each edit, and where the last record starts."""
    live = tmp_path / "live"
    live.mkdir()
    store = Store.open(live / "weigh.json")
    store.put_case(base_case())
    states = [shape(store.case(CASE_ID))]
    for n in range(edits):
        edit(store, n)
        states.append(shape(store.case(CASE_ID)))
    journal = journal_of(store.path)
    before_last = journal.stat().st_size
    if last == "rate":
        store.set_rating(CASE_ID, "X0", "H3", "CC")
    else:  # multi-byte text, so cuts fall inside UTF-8 sequences too
        store.add_evidence(CASE_ID, Evidence(id="U1", title="Переговоры в Стамбуле — «мир» ✓"))
    states.append(shape(store.case(CASE_ID)))
    image = crash_image(store, tmp_path / "image")
    store.close()
    return image, states, before_last


@pytest.mark.parametrize("last", ["rate", "unicode-add"])
def test_truncating_the_last_record_at_every_byte(tmp_path: Path, last: str) -> None:
    image, states, start = make_journal(tmp_path, 7, last)
    journal = journal_of(image)
    full = journal.read_bytes()
    assert len(full) - start > 40
    pristine = image.read_bytes()
    for cut in range(start, len(full)):
        image.write_bytes(pristine)
        journal.write_bytes(full[:cut])
        reader = Store.open(image, readonly=True)
        assert shape(reader.case(CASE_ID)) == states[-2], f"cut at {cut}"
        writer = Store.open(image)
        assert shape(writer.case(CASE_ID)) == states[-2], f"cut at {cut}"
        writer.set_rating(CASE_ID, "X1", "H3", "N")  # appends after the dropped tail
        expected = shape(writer.case(CASE_ID))
        image2 = crash_image(writer, tmp_path / "again")  # crash before any compaction
        writer.close()
        assert shape(Store.open(image2, readonly=True).case(CASE_ID)) == expected
        assert shape(Store.open(image, readonly=True).case(CASE_ID)) == expected
    # Uncut, the last record is there.
    image.write_bytes(pristine)
    journal.write_bytes(full)
    assert shape(Store.open(image, readonly=True).case(CASE_ID)) == states[-1]


GARBAGE = {
    "text-no-newline": b"garbage",
    "text-newline": b"garbage\n",
    "zeros": b"\0" * 512,
    "zeros-newline": b"\0" * 4096 + b"\n",
    "newlines": b"\n\n\n",
    "json-without-checksum": b'{"seq": 99, "op": "rate"}\n',
    "bad-checksum": b'00000000 {"seq":99,"op":"rate","case":"crash"}\n',
    "half-record": b'1a2b3c4d {"seq":',
    "binary": bytes(range(256)),
    "crlf": b"\r\n\r\n",
}


@pytest.mark.parametrize("junk", list(GARBAGE.values()), ids=list(GARBAGE))
def test_trailing_garbage_is_a_torn_tail(tmp_path: Path, junk: bytes) -> None:
    image, states, _ = make_journal(tmp_path, 9, "rate")
    journal = journal_of(image)
    with journal.open("ab") as fh:
        fh.write(junk)
    assert shape(Store.open(image, readonly=True).case(CASE_ID)) == states[-1]
    writer = Store.open(image)
    assert shape(writer.case(CASE_ID)) == states[-1]
    writer.set_excluded(CASE_ID, "X0", True)
    expected = shape(writer.case(CASE_ID))
    image2 = crash_image(writer, tmp_path / "again")
    writer.close()
    for db in (image, image2):
        assert shape(Store.open(db, readonly=True).case(CASE_ID)) == expected
        assert Store.open(db, readonly=True).case(CASE_ID).item("X0").excluded


def test_a_repeated_record_after_a_compaction_is_skipped(tmp_path: Path) -> None:
    image, states, start = make_journal(tmp_path, 5, "rate")
    journal = journal_of(image)
    data = journal.read_bytes()
    journal.write_bytes(data + data[start:])  # the last record twice: replay is idempotent
    assert shape(Store.open(image, readonly=True).case(CASE_ID)) == states[-1]


def _damage_cases(data: bytes) -> dict[str, bytes]:
    lines = data.split(b"\n")
    assert len(lines) > 5
    flipped = bytearray(lines[2])
    flipped[20] ^= 0x01
    return {
        "bit-flip-in-record-3": b"\n".join([*lines[:2], bytes(flipped), *lines[3:]]),
        "record-3-missing": b"\n".join([*lines[:2], *lines[3:]]),
        "zeros-over-record-2": b"\n".join([lines[0], b"\0" * len(lines[1]), *lines[2:]]),
        "record-2-cut-short": b"\n".join([lines[0], lines[1][:30], *lines[2:]]),
        "records-reordered": b"\n".join([lines[0], lines[2], lines[1], *lines[3:]]),
    }


@pytest.mark.parametrize(
    "kind",
    ["bit-flip-in-record-3", "record-3-missing", "zeros-over-record-2", "record-2-cut-short",
     "records-reordered"],
)
def test_damage_inside_the_journal_is_refused_untouched(tmp_path: Path, kind: str) -> None:
    image, _, _ = make_journal(tmp_path, 8, "rate")
    journal = journal_of(image)
    journal.write_bytes(_damage_cases(journal.read_bytes())[kind])
    before = digest(*files_of(image))
    for readonly in (True, False):
        with pytest.raises(CorruptDatabase) as err:
            Store.open(image, readonly=readonly)
        assert str(image.name) in str(err.value)
        assert "untouched" in str(err.value)
        assert digest(*files_of(image)) == before


def test_journal_without_its_database_is_refused(tmp_path: Path) -> None:
    image, _, _ = make_journal(tmp_path, 3, "rate")
    image.unlink()
    before = digest(*files_of(image))
    with pytest.raises(CorruptDatabase, match="journal exists"):
        Store.open(image)
    assert digest(*files_of(image)) == before
    assert not image.exists()


def test_truncated_database_file_is_refused_at_every_cut(tmp_path: Path) -> None:
    db = tmp_path / "weigh.json"
    with Store.open(db) as store:
        store.put_case(base_case())
    full = db.read_bytes()
    cuts = sorted({*range(0, len(full), 13), *range(len(full) - 60, len(full))})
    for cut in cuts:
        db.write_bytes(full[:cut])
        before = digest(*files_of(db))
        for readonly in (True, False):
            with pytest.raises(CorruptDatabase) as err:
                Store.open(db, readonly=readonly)
            assert str(db) in str(err.value)
            assert digest(*files_of(db)) == before, f"cut at {cut}"
    db.write_bytes(full)
    assert Store.open(db, readonly=True).case(CASE_ID).title == "Crash test case"
