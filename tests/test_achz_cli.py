"""`.achz` through the `weigh` command, as a user runs it: a subprocess on a temporary database
for each flow's own step; the listings and re-exports around it through the same ``main`` in
this process (``weigh_here``)."""

from __future__ import annotations

import gzip
from pathlib import Path

from evidence.seed import default_case
from tests.achz_files import achz
from tests.conftest import WeighRun
from tests.conftest import weigh_text as weigh


def test_export_then_import_the_default_case(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    out = tmp_path / "istanbul.achz"
    proc = weigh(cli_env, "export", "--format", "achz", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "Not kept in the .achz file (PARC has no place for it):" in proc.stderr
    assert "  evidence source (PARC has no field for it): E1, E2" in proc.stderr
    assert "  hypothesis descriptions (PARC keeps names only): H1, H2, H3" in proc.stderr
    assert gzip.decompress(out.read_bytes())[:2] == b"\xff\xfe"

    proc = weigh(cli_env, "import", str(out), "--case", "from-parc")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    items = len(default_case().evidence)
    assert lines[0].startswith(f"Read 6 hypotheses, {items} evidence items and ")
    assert lines[0].endswith(" ratings into case 'from-parc'")
    assert "HYPOTHESIS/NAME → hypotheses H1–H6, in column order" in lines
    cases = weigh_here("cases").stdout
    title = "Why the spring-2022 Istanbul peace talks collapsed"
    assert f"from-parc\t{title}\t6 hypotheses\t{items} evidence" in cases

    # Exported again, the imported case is byte-for-byte the file it came from.
    again = tmp_path / "again.achz"
    proc = weigh_here("export", "--case", "from-parc", "--format", "achz", "-o", str(again))
    assert proc.returncode == 0, proc.stderr
    assert "Not kept" not in proc.stderr
    assert again.read_bytes() == out.read_bytes()


def test_import_of_a_parc_file_prints_the_mapping(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    path = tmp_path / "vase.achz"
    path.write_bytes(
        achz(evidence=[{"NAME": "Paw prints", "TYPE": "HUMINT", "FLAG": "1", "VALUES": "C C,I"}])
    )
    proc = weigh(cli_env, "import", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "Read 2 hypotheses, 1 evidence item and 2 ratings into case 'who-broke-the-vase'" in proc.stdout
    assert "TYPE → tag 'type-osint', '…humint', '…imint', '…sigint' or '…masint' (1)" in proc.stdout
    assert "CLASSIFICATION 'UNCLASSIFIED' → case description (weigh has no marking field)" in proc.stdout
    assert (
        "who-broke-the-vase\tWho broke the vase?\t2 hypotheses\t1 evidence" in weigh_here("cases").stdout
    )


def test_a_hostile_file_is_one_line_of_error_and_writes_nothing(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    path = tmp_path / "bad.achz"
    path.write_bytes(achz(evidence=[{"NAME": "x", "VALUES": "C,C,C"}]))
    before = weigh_here("cases").stdout
    proc = weigh(cli_env, "import", str(path))
    assert proc.returncode == 2
    assert proc.stderr == (
        f"weigh: error: {path}: MATRIX/EVIDENCE #1 ('x')/VALUES: 3 ratings for 2 hypotheses\n"
    )
    assert weigh_here("cases").stdout == before


def test_export_names_what_open_source_ach_would_mangle(weigh_here: WeighRun, tmp_path: Path) -> None:
    src = tmp_path / "gaps.achz"
    src.write_bytes(achz(evidence=[{"NAME": "Rated once", "VALUES": "C,"}, {"NAME": "Two", "VALUES": "I,I"}]))
    assert weigh_here("import", str(src), "--case", "gaps").returncode == 0
    proc = weigh_here("export", "--case", "gaps", "--format", "achz", "-o", str(tmp_path / "out.achz"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[-3:-1] == [
        "Open Source ACH's importer would mangle:",
        "  unrated cells get the rating of the cell before them: E1/H2",
    ]
