"""`weigh export --format csv` → edit in a "spreadsheet" → `weigh import`, as a user runs it:
each flow's own steps as a subprocess, the steps around them through the same ``main`` in this
process (``weigh_here``)."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import default_case
from evidence.store import Store
from tests.conftest import WeighRun, weigh


def test_export_import_export_is_byte_identical(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    first, second = tmp_path / "one.csv", tmp_path / "two.csv"
    out = weigh(cli_env, "export", "--format", "csv", "-o", str(first))
    assert out.returncode == 0
    # what the matrix cannot hold is said, as the .achz export says it (it was said by nothing)
    said = out.stderr.decode().splitlines()
    assert said[:6] == [
        "Not kept in the .csv file (CSV matrix has no place for it):",
        "  case title, question, description, conclusion (a new case is titled after the file's name)",
        "  hypothesis descriptions: H1, H2, H3, H4, H5, H6",
        "  per-rating notes: E2, E3, E4, E5, E6, E7 and 41 more",
        "  indicators: M1, M2, M3, M4, M5, M6 and 4 more",
        "  importing it over this case (--case ID --replace) keeps what is listed here",
    ]
    done = weigh(cli_env, "import", str(first), "--case", "istanbul-2022")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(  # unchanged: nothing to replace, no --replace needed
        b"Case istanbul-2022 is already in the database as this file has it; nothing to do.\n")
    assert weigh_here("import", str(first), "--case", "new-one").returncode == 0
    again = weigh_here("import", str(first), "--case", "new-one")
    assert f"{len(default_case().evidence)} rows" in again.stdout
    assert weigh_here("export", "--format", "csv", "-o", str(second)).returncode == 0
    assert second.read_bytes() == first.read_bytes()
    # a new case from the same file, under another id
    assert weigh_here("import", str(first), "--case", "copy").returncode == 0
    copy = weigh_here("export", "--case", "copy", "--format", "csv")
    assert str(copy.stdout).encode() == first.read_bytes()


def test_spreadsheet_edit_updates_the_case_and_keeps_notes(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    path = tmp_path / "matrix.csv"
    assert weigh_here("export", "--format", "csv", "-o", str(path)).returncode == 0
    db = Path(cli_env["WEIGH_DB"])
    with Store.open(db, readonly=True) as store:
        before = store.case("istanbul-2022")
    noted = next(ev for ev in before.evidence if ev.notes)
    hid = next(iter(noted.notes))
    # Excel in a European locale: semicolons, no BOM; one rating changed.
    text = path.read_bytes().decode("utf-8-sig")
    lines = text.split("\r\n")
    header = lines[0].split(",")
    col = next(i for i, h in enumerate(header) if h.startswith(f"{hid}: "))
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text, newline="")))
    row = next(r for r in rows if r[0] == noted.id)
    row[col] = "II" if row[col] != "II" else "CC"
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))

    refused = weigh(cli_env, "import", str(path), "--case", "istanbul-2022")  # issue 22: not silently
    err = refused.stderr.decode()
    assert refused.returncode == 2 and err.count("\n") == 1
    assert "case 'istanbul-2022' already exists (this file would change it: evidence items 1 changed)" in err
    assert "add --replace" in err
    replaced = weigh_here("import", str(path), "--case", "istanbul-2022", "--replace")
    assert replaced.returncode == 0, replaced.stderr
    with Store.open(db, readonly=True) as store:
        after = store.case("istanbul-2022")
        trail = store.history("istanbul-2022")
    item = after.item(noted.id)
    assert item.ratings[hid] == row[col]
    assert item.notes == noted.notes  # the analyst's reasons survive the spreadsheet
    assert [h.description for h in after.hypotheses] == [h.description for h in before.hypotheses]
    assert after.question == before.question
    assert trail[-1].op == "case.put"
    assert trail[-1].old is not None and trail[-1].old.item(noted.id).ratings[hid] != row[col]


def test_a_bad_file_writes_nothing(cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    path = tmp_path / "matrix.csv"
    assert weigh_here("export", "--format", "csv", "-o", str(path)).returncode == 0
    db = Path(cli_env["WEIGH_DB"])
    before = db.read_bytes()
    text = path.read_bytes().decode("utf-8-sig").split("\r\n")
    cells = text[5].split(",")
    cells[0] = "E1"  # a duplicate id on line 6
    text[5] = ",".join(cells)
    text[9] = text[9].replace(",high,", ",hihg,", 1) if ",high," in text[9] else text[9].replace(
        ",medium,", ",hihg,", 1)
    path.write_text("\r\n".join(text), encoding="utf-8")
    done = weigh(cli_env, "import", str(path), "--case", "istanbul-2022")
    assert done.returncode == 2
    err = done.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("weigh: error: ")
    assert "line 6, column id: evidence id 'E1' is also used on line 2" in err
    assert "line 10, column" in err and "nothing was imported" in err
    assert "Traceback" not in err
    assert db.read_bytes() == before
    assert not Path(str(db) + ".journal").exists() or Path(str(db) + ".journal").stat().st_size == 0
