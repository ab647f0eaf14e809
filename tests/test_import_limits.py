"""`weigh import` attacked with small files that cost a lot, non-files, and loose JSON types.

Each attack on what a file is, or on how big it is, runs the CLI in a child process with a
timeout (a few in each child, so that they spread over the test workers), so a regression
that hangs (a FIFO) or runs on (a device, a million rows) fails the test instead of the
suite; the small files whose values are wrong (a loose JSON type, a 5,000-digit number, one
overlong cell) go through the same ``main`` in this process.
"""

from __future__ import annotations

import gzip
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

from evidence.seed import DEFAULT_CASE_ID
from evidence.store import Store
from tests.achz_files import project_xml
from tests.conftest import WeighRun, weigh, weigh_batch


def refused(env: dict[str, str] | WeighRun, path: Path, expected: str, *extra: str) -> None:
    """The import fails with one plain line naming the reason, and the database keeps only its seed."""
    if isinstance(env, dict):
        ran = weigh(env, "import", str(path), *extra)
        code, out, err = ran.returncode, ran.stdout.decode(), ran.stderr.decode()
        db = Path(env["WEIGH_DB"])
    else:
        here = env("import", str(path), *extra)
        code, out, err = here.returncode, str(here.stdout), str(here.stderr)
        db = Path(os.environ["WEIGH_DB"])
    assert code == 2, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert expected in err, err
    seed_only(db)


def seed_only(db: Path) -> None:
    """The database holds the seeded case only (if it exists at all: a refusal before the
    store opened never even created it)."""
    if db.exists():
        store = Store.open(db, readonly=True)
        try:
            assert store.case_ids() == [DEFAULT_CASE_ID]
        finally:
            store.close()


def case_doc(**evidence_fields: object) -> dict[str, object]:
    return {
        "format": "weigh-case",
        "version": 1,
        "case": {"id": "hostile", "title": "Hostile"},
        "hypotheses": [{"id": "H1", "title": "One"}],
        "evidence": [{"id": "E1", "title": "Item", **evidence_fields}],
    }


def write_json(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


#: A file that is not one, or costs a lot to read: (the file, arguments after it, the refusal).
Attack = tuple[Path, tuple[str, ...], str]


def a_fifo(tmp_path: Path) -> Attack:
    fifo = tmp_path / "case.json"  # nobody writes it: opening it to read would wait for ever
    os.mkfifo(fifo)
    return fifo, (), f"{fifo}: is a FIFO (named pipe); weigh imports only regular files"


def a_million_rows(tmp_path: Path) -> Attack:
    rows = tmp_path / "rows.csv"
    rows.write_bytes(b"title\r\n" + b"x\r\n" * 1_000_000)  # 3 MB
    return rows, ("--case", "rows"), "more than 200,000 evidence rows, the limit for one import"


def too_many_items(tmp_path: Path) -> Attack:
    doc = case_doc()
    doc["evidence"] = [{"id": f"E{i}", "title": "x"} for i in range(200_001)]
    return write_json(tmp_path / "many.json", doc), (), "evidence: more than 200,000 items, the limit"


def a_million_objects(tmp_path: Path) -> Attack:
    objects = tmp_path / "objects.json"  # refused before parsing
    objects.write_bytes(b'{"format": "weigh-case", "version": 1, "x": [' + b"{}," * 1_000_000 + b"{}]}")
    return objects, (), "more than 1,000,000 JSON objects and lists, the limit for one import"


def an_xml_element_bomb(tmp_path: Path) -> Attack:
    items = "<EVIDENCE/>" * 2_300_000  # 50 MB of UTF-16, ~100 KB compressed
    bomb = tmp_path / "bomb.achz"
    xml = project_xml().replace("</MATRIX>", items + "</MATRIX>")
    bomb.write_bytes(gzip.compress(xml.encode("utf-16"), 9))
    assert bomb.stat().st_size < 1024 * 1024
    return bomb, (), "more than 2,200,000 XML elements, the limit for one import"


def too_many_ratings(tmp_path: Path) -> Attack:
    # Red team: a 121 MiB CSV of 63.5M ratings took 4.5 GB. Scaled: 500 columns × 4,001 rows,
    # refused as it streams.
    wide = tmp_path / "wide.csv"
    header = "title," + ",".join(f"H{i}: h{i}" for i in range(500))
    wide.write_text(header + "\r\n" + ("x" + ",C" * 500 + "\r\n") * 4_001)
    return wide, ("--case", "wide"), "500 hypotheses × 4,001 evidence items is more than 2,000,000 ratings"


def five_million_keys(tmp_path: Path) -> Attack:
    # Red team: 110 MiB with 9,000,000 unknown keys took ~10 GB and 97 s before its error.
    # Scaled: 5,000,001 one-letter keys in 30 MB, refused before parsing.
    keys = tmp_path / "keys.json"
    keys.write_bytes(b'{"format": "weigh-case", "version": 1, "x": {' + b'"k":0,' * 5_000_000 + b'"k":0}}')
    return keys, (), "more than 5,000,000 JSON keys (colons), the limit for one import"


@pytest.mark.parametrize("attacks", [
    # in three children of about a CPU-second or two each, which the workers run side by side
    (too_many_items,),  # 200,001 items read one by one up to the limit
    (five_million_keys,),
    (a_fifo, a_million_rows, a_million_objects, an_xml_element_bomb, too_many_ratings),
], ids=lambda attacks: "-".join(attack.__name__ for attack in attacks))
def test_what_is_not_a_file_or_costs_a_lot_is_refused_in_one_line(
    cli_env: dict[str, str], tmp_path: Path, attacks: tuple[Callable[[Path], Attack], ...]
) -> None:
    """Each import is refused in one line and the database keeps only its seed. They run one
    after another in a child process, whose timeout fails a regression that hangs (the FIFO)
    or runs on (a million rows); none is parsed in the test's own process."""
    made = [attack(tmp_path) for attack in attacks]
    ran = weigh_batch(cli_env, *(["import", str(path), *extra] for path, extra, _ in made))
    for (path, _, expected), done in zip(made, ran, strict=True):
        assert done.returncode == 2, (path.name, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, (path.name, done.stderr)
        assert expected in done.stderr, (path.name, done.stderr)
    seed_only(Path(cli_env["WEIGH_DB"]))


def test_an_endless_device_is_refused_without_reading(cli_env: dict[str, str], tmp_path: Path) -> None:
    zero = tmp_path / "zero"
    try:  # a node for the kernel's endless zero device, made here (never the real /dev path)
        os.mknod(zero, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("creating a device node needs privileges this run does not have")
    refused(cli_env, zero, f"{zero}: is a character device; weigh imports only regular files")


def test_a_directory_is_refused(weigh_here: WeighRun, tmp_path: Path) -> None:
    refused(weigh_here, tmp_path, f"{tmp_path}: is a directory; weigh imports only regular files")


@pytest.mark.parametrize(("encoding", "words"), [
    ("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"), ("utf-32-be", "UTF-32")])
@pytest.mark.parametrize("name", ["matrix.csv", "case.json"])
def test_a_utf16_or_utf32_file_is_named_so(weigh_here: WeighRun, tmp_path: Path, name: str,
                                            encoding: str, words: str) -> None:
    """Tester: a CSV saved as Excel's 'Unicode Text' (UTF-16 with a byte-order mark) read
    'not UTF-8 text (bad byte at offset 0)', which does not say what it is or what to do."""
    path = tmp_path / name
    text = "title,H1: A\r\nx,C\r\n" if name.endswith(".csv") else '{"format": "weigh-case"}'
    path.write_bytes(("\ufeff" + text).encode(encoding))
    refused(weigh_here, path, f"{path}: not UTF-8 text but {words} (it starts with a {words} "
            "byte-order mark): save the file as UTF-8", "--case", "wide")


def test_a_windows_1252_csv_names_the_line_and_column_of_its_first_bad_byte(
    weigh_here: WeighRun, tmp_path: Path
) -> None:
    """Tester: a CSV saved by Excel as 'CSV (Comma delimited)' (Windows-1252) read 'not UTF-8
    text (bad byte at offset 31)': a byte count no spreadsheet user can find, and no way out."""
    path = tmp_path / "excel.csv"
    path.write_bytes("title,H1: A\r\nfine,C\r\nd\u00e9j\u00e0 vu,I\r\n".encode("cp1252"))
    refused(weigh_here, path, f"{path}: not UTF-8 text (a bad byte at line 3, column 2): save the file "
            "as UTF-8", "--case", "excel")


def test_a_million_column_csv_is_refused_at_the_column_limit(weigh_here: WeighRun, tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_bytes(b"title" + b",H" * 1_000_000 + b"\r\nx\r\n")
    refused(weigh_here, path, "more than 514 columns, the limit for one import", "--case", "cols")


def test_an_overlong_csv_cell_is_refused(weigh_here: WeighRun, tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_bytes(b'title,details\r\nx,"' + b"y" * 200_000 + b'"\r\n')
    refused(
        weigh_here,
        path,
        "line 2: a cell of more than 131,072 characters, the limit for one import",
        "--case",
        "cell",
    )


def test_a_5000_digit_number_in_a_case_file_is_a_message(weigh_here: WeighRun, tmp_path: Path) -> None:
    path = tmp_path / "digits.json"
    path.write_text(
        json.dumps(case_doc()).replace('"title": "One"', '"title": "One", "prior": 1' + "0" * 5000)
    )
    refused(weigh_here, path, "a number in it has more than 4,300 digits")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"version": True}, "version: expected the number 1, 2 or 3, got true"),
        (
            {"event_date": 1648512000},
            "evidence E1: event_date: expected a date written YYYY-MM-DD, got a number",
        ),
        (
            {"reported_date": "1648512000"},
            "evidence E1: reported_date: expected a date written YYYY-MM-DD, got '1648512000'",
        ),
        (
            {"event_date": "2022-03-29T00:00:00"},
            "evidence E1: event_date: expected a date written YYYY-MM-DD, got '2022-03-29T00:00:00'",
        ),
        ({"prior": "NaN"}, "NaN is not a JSON number"),
    ],
)
def test_loose_json_types_are_refused(
    weigh_here: WeighRun, tmp_path: Path, change: dict[str, object], expected: str
) -> None:
    doc = case_doc()
    if "version" in change:
        doc.update(change)
        text = json.dumps(doc)
    elif "prior" in change:
        text = json.dumps(doc).replace('"title": "One"', '"title": "One", "prior": NaN')
    else:
        doc["evidence"] = [{"id": "E1", "title": "Item", **change}]
        text = json.dumps(doc)
    path = tmp_path / "loose.json"
    path.write_text(text, encoding="utf-8")
    refused(weigh_here, path, expected if "prior" in change else f"{path}: {expected}")


def test_a_timestamp_in_a_csv_date_cell_is_refused(weigh_here: WeighRun, tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    path.write_bytes(b"title,event_date\r\nx,1648512000\r\n")
    refused(
        weigh_here,
        path,
        "line 2, column event_date: expected a date written YYYY-MM-DD, got '1648512000'",
        "--case",
        "dates",
    )


def test_a_5000_digit_number_in_the_database_is_a_message(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    db = Path(cli_env["WEIGH_DB"])
    assert weigh_here("cases").returncode == 0  # (cli_env created and seeded it)
    text = db.read_text(encoding="utf-8")
    # (the file leaves out fields at their defaults, so the number goes into the first hypothesis)
    damaged = text.replace('"hypotheses":[{', '"hypotheses":[{"prior":1' + "0" * 5000 + ",", 1)
    assert damaged != text
    db.write_text(damaged, encoding="utf-8")
    done = weigh_here("cases")
    assert done.returncode == 2
    assert done.stderr == (
        f"weigh: error: {db}: damaged: a number in it has more than 4,300 digits"
        " (not a weigh database); file left untouched\n"
    )
    assert db.read_text(encoding="utf-8") == damaged


def test_an_achz_matrix_past_the_ratings_limit_is_refused_before_its_tree(tmp_path: Path) -> None:
    """Red team: 500 hypotheses × 200,000 items in 0.5 MB (100,000,000 ratings, 6.4 GB, a
    2.17 GB database weigh then would not open). Scaled: 500 × 4,001 is just past 2,000,000."""
    from evidence.achz import read_achz
    from evidence.errors import ImportFailed

    values = ",".join(["C"] * 500)
    items = f"<EVIDENCE><NAME>x</NAME><VALUES>{values}</VALUES></EVIDENCE>" * 4_001
    xml = project_xml(hypotheses=[f"H{i}" for i in range(500)], evidence=[])
    data = gzip.compress(xml.replace("</MATRIX>", items + "</MATRIX>").encode("utf-16"), 6)
    with pytest.raises(ImportFailed, match=r"500 hypotheses × 4,001 evidence items is more than 2,000,000"):
        read_achz(data, "wide.achz")


def test_a_bad_file_is_parsed_and_refused_before_the_writer_lock(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """Red team: cmd_import read before the lock but parsed after it. With the workbench
    holding the lock, a bad file is still refused for what it is, not for the lock.
    (The lock is taken by its own open file, so the import in this process meets it as
    another process's would.)"""
    from evidence.seed import open_store

    path = write_json(tmp_path / "bad.json", case_doc(event_date=1648512000))
    holder = open_store(Path(cli_env["WEIGH_DB"]))
    try:
        refused(weigh_here, path, "evidence E1: event_date: expected a date written YYYY-MM-DD, got a number")
    finally:
        holder.close()


def test_a_case_file_read_item_by_item_is_the_case_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch reader (weigh's own layout, read in pieces) and the whole-file reader give the
    same case, however the pieces cut numbers, strings and multi-byte characters."""
    from evidence import case_file, case_stream, limits
    from evidence.seed import default_case

    def whole_only(*args: object) -> NoReturn:
        raise case_stream.NotStreamed

    data = ("\ufeff" + case_file.dump_case_file(default_case())).encode()
    assert len(data) > len(data.decode("utf-8-sig"))  # it has multi-byte characters
    with monkeypatch.context() as patch:
        patch.setattr(case_stream, "stream_case_file", whole_only)
        whole = case_file.parse_case_file(data, "x.json")
    monkeypatch.setattr(case_file, "load_json", None)  # the whole-file reader is not used below
    monkeypatch.setattr(case_stream, "BATCH", 7)  # several batches and a short last one
    monkeypatch.setattr(case_stream, "MARGIN", 5)  # values longer than the text held
    for piece in (1, 3, 4096):
        monkeypatch.setattr(limits, "PIECE", piece)
        assert case_file.parse_case_file(data, "x.json") == whole


def test_a_file_that_grows_while_it_is_read_is_refused_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second process appends to a case file after its size was checked: reading it in
    pieces stops past the limit, and the import is refused in one line."""
    from evidence import limits
    from evidence.case_file import dump_case_file, parse_case_source
    from evidence.errors import ImportFailed
    from evidence.seed import default_case

    path = tmp_path / "growing.json"
    path.write_text(dump_case_file(default_case()), encoding="utf-8")
    monkeypatch.setattr(limits, "MAX_IMPORT_BYTES", path.stat().st_size + 10)
    monkeypatch.setattr(limits, "PIECE", 4096)
    with limits.ImportFile.open(path) as source:
        with path.open("ab") as other:
            other.write(b" " * 100_000)
        with pytest.raises(ImportFailed, match=r"growing\.json: larger than 0 MB, the limit for one import"):
            parse_case_source(source, str(path))


def test_a_csv_is_held_to_the_hypotheses_a_case_file_may_hold(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """501 hypothesis columns are refused as a case file or .achz with 501 hypotheses is (weigh
    would otherwise keep a case whose own export it refuses); 500 import."""
    def matrix(columns: int) -> Path:
        path = tmp_path / f"wide{columns}.csv"
        header = "id,title," + ",".join(f"H{i}: h{i}" for i in range(1, columns + 1))
        path.write_text(header + "\r\nE1,x" + ",C" * columns + "\r\n", encoding="utf-8")
        return path

    refused(cli_env, matrix(501), f"weigh: error: {tmp_path / 'wide501.csv'}: more than 500 hypothesis "
            "columns, the limit for one import; nothing was imported", "--case", "wide")
    assert weigh_here("import", str(matrix(500)), "--case", "wide").returncode == 0


def test_evidence_that_is_not_a_list_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    """A case file in weigh's key order whose evidence is a number, null or an object was read
    item by item as a case with no evidence (the whole-file reader refuses it)."""
    paths = []
    for n, value in enumerate(("5", "null", '{"E1": {"id": "E1", "title": "x"}}')):
        doc = json.dumps({**case_doc(), "evidence": None}).replace('"evidence": null', f'"evidence": {value}')
        paths.append(tmp_path / f"evidence-{n}.json")
        paths[-1].write_text(doc, encoding="utf-8")
    ran = weigh_batch(cli_env, *(["import", str(path)] for path in paths))
    for path, done in zip(paths, ran, strict=True):
        assert done.returncode == 2, (path.name, done.stdout)
        assert done.stderr == f"weigh: error: {path}: evidence: must be a list\n"
    seed_only(Path(cli_env["WEIGH_DB"]))
