"""The file-format registry: every format the CLI offers writes, those that read take
their own output back, and a file is recognised by its first bytes, then its name."""

from __future__ import annotations

from pathlib import Path

import pytest

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
from tests.test_case_file import full_case
from tui.cli import build_parser


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
    back, _report = fmt.read(Incoming(data=data, path=path, case_id="full", existing=lambda cid: None))
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
