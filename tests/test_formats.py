"""The file-format registry: every format the CLI offers writes, those that read take
their own output back, and a file is recognised by its first bytes, then its name."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from evidence.errors import ImportFailed
from evidence.formats import (
    EXPORT_FORMATS,
    FILE_FORMATS,
    IMPORT_FORMATS,
    FileFormat,
    Incoming,
    detect_format,
    export_bytes,
    file_format,
)
from evidence.limits import ImportFile
from tests.test_case_file import full_case
from tui.cli import build_parser

if TYPE_CHECKING:
    from tests.conftest import WeighRun


def test_the_cli_offers_exactly_the_registered_formats() -> None:
    export = next(a for a in build_parser()._actions if a.dest == "command").choices["export"]
    fmt = next(a for a in export._actions if a.dest == "format")
    assert list(fmt.choices) == [f.name for f in EXPORT_FORMATS]
    assert len({f.extension for f in FILE_FORMATS}) == len(FILE_FORMATS)


@pytest.mark.parametrize("fmt", IMPORT_FORMATS, ids=lambda f: f.name)
def test_what_a_format_writes_it_reads_back(fmt: FileFormat, tmp_path: Path) -> None:
    case = full_case()
    data = export_bytes(case, fmt.name)
    path = tmp_path / f"back.{fmt.extension}"
    assert detect_format(path, data) is fmt
    assert fmt.read is not None  # IMPORT_FORMATS are the formats with a reader
    incoming = Incoming(file=ImportFile.of_bytes(data, str(path)), path=path, case_id="full",
                        existing=lambda cid: None)
    back, _report = fmt.read(incoming)
    assert [h.title for h in back.hypotheses] == [h.title for h in case.hypotheses]
    assert [e.title for e in back.evidence] == [e.title for e in case.evidence]


def test_detection_by_content_first_then_name() -> None:
    assert detect_format(Path("x.csv"), b"\x1f\x8b rest").name == "achz"  # gzip wins over the name
    assert detect_format(Path("x.TSV"), b"id\ttitle").name == "csv"
    assert detect_format(Path("x.json"), b"{}").name == "case"
    assert detect_format(Path("no-suffix"), b"{}").name == "case"


def test_unknown_format_is_named_with_the_choices() -> None:
    with pytest.raises(ValueError, match="format: 'docx' is not one of md, json, csv, html, case, achz"):
        file_format("docx")


def test_a_file_weigh_does_not_read_is_refused_naming_what_it_does(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """The summary is written through main in this process; the import is refused by a process."""
    from tests.conftest import weigh_text

    summary = tmp_path / "heuer.md"
    summary.write_text(str(weigh_here("export", "--format", "md").stdout), encoding="utf-8")
    done = weigh_text(cli_env, "import", str(summary))
    reads = "a CSV matrix (.csv, .tsv, .txt), a weigh case file (.json) or a PARC ACH 2.0 file (.achz)"
    assert done.returncode == 2
    assert done.stderr == (
        f"weigh: error: {summary}: weigh writes .md files (Markdown summary) but cannot import one;"
        f" it imports {reads}\n"
    )
    with pytest.raises(ImportFailed) as failed:
        detect_format(Path("notes.docx"), b"PK\x03\x04")
    assert str(failed.value) == f"notes.docx: not a file weigh imports; it reads {reads}"
    # JSON is still read as a case file, whatever its name; a .json that is not JSON says so.
    assert detect_format(Path("case.backup"), b"\xef\xbb\xbf {}").name == "case"
    assert detect_format(Path("x.json"), b"oops").name == "case"
