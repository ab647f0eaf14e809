"""The registry of file formats: what the CLI, the export dialog and import loop over.

Each entry names a format, says how people call it and which extension its
files get, and points at its writer and/or reader (imported only when used,
so the CLI starts fast). A new format is one module plus one entry here.

evidence/README.md shows how the parts fit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.errors import ImportFailed
from hypotheses.vocabulary import counted

if TYPE_CHECKING:  # pydantic and the reports are imported only when a format is read or written
    from evidence.limits import ImportFile
    from hypotheses.models import Case
    from hypotheses.report import ReportOptions


@dataclass(frozen=True)
class Incoming:
    """A file about to be imported, and what the reader may need to know."""

    file: ImportFile  # read whole (``data``) or, by the case file's reader, in pieces
    path: Path
    case_id: str | None  # the id asked for, if any
    existing: Callable[[str], Case | None]  # the database's case with that id, if any

    @property
    def data(self) -> bytes:
        return self.file.read()


Writer = Callable[["Case", "ReportOptions"], bytes]
Reader = Callable[[Incoming], "tuple[Case, list[str]]"]
Losses = Callable[["Case"], list[str]]


@dataclass(frozen=True)
class FileFormat:
    name: str  # on the command line: --format NAME
    label: str  # in the export dialog
    extension: str  # without the dot
    write: Writer | None = None
    read: Reader | None = None
    binary: bool = False  # not text: never to a terminal
    magic: bytes = b""  # files starting with these bytes are this format
    suffixes: tuple[str, ...] = ()  # file names ending so are this format (import)
    updates_in_place: bool = False  # importing over an existing case updates it
    losses: Losses | None = None  # what a case loses in this format, one line each
    program: str = ""  # whose format it is, in messages ("PARC")
    lens_matrix: bool = False  # holds one matrix: a team case's as the export's lens shows it
    #: what another program reading the file would mangle though the file holds it, and whose
    portability: tuple[str, Losses] | None = None
    #: the export options it follows ("as_of", "history"); any other format holds the whole case
    follows: tuple[str, ...] = ()

    def loss_report(self, case: Case) -> list[str]:
        """What ``case`` loses in this format, and what another reader would mangle: a heading
        and one indented line per kind, or []."""
        report: list[str] = []
        lines = self.losses(case) if self.losses else []
        if lines:
            whose = self.program or self.label
            report += [f"Not kept in the .{self.extension} file ({whose} has no place for it):",
                       *(f"  {line}" for line in lines)]
        if self.portability is not None and (notes := self.portability[1](case)):
            report += [f"{self.portability[0]} would mangle:", *(f"  {line}" for line in notes)]
        return report


# ------------------------------------------------------------ writers/readers


def _text(render: Callable[[Case, ReportOptions], str], encoding: str = "utf-8") -> Writer:
    def write(case: Case, opts: ReportOptions) -> bytes:
        return render(case, opts).encode(encoding)

    return write


def _md(case: Case, opts: ReportOptions) -> str:
    from hypotheses.report import render_md

    return render_md(case, opts)


def _json(case: Case, opts: ReportOptions) -> bytes:
    from hypotheses.report import render_json

    return render_json(case, opts)


def _html(case: Case, opts: ReportOptions) -> str:
    from hypotheses.report import render_html_report

    return render_html_report(case, opts)


def _csv(case: Case, opts: ReportOptions) -> str:
    from hypotheses.report import render_csv_matrix

    return render_csv_matrix(case, opts)


def _case(case: Case, opts: ReportOptions) -> str:
    from evidence.case_file import dump_case_file

    return dump_case_file(case)


def _write_achz(case: Case, opts: ReportOptions) -> bytes:
    from evidence.achz import write_achz
    from hypotheses.team import lens_case

    return write_achz(lens_case(case, opts.lens))


def _csv_losses(case: Case) -> list[str]:
    from evidence.csv_matrix import csv_losses

    return csv_losses(case)


def _achz_losses(case: Case) -> list[str]:
    from evidence.achz import achz_losses

    return achz_losses(case)


def _achz_portability(case: Case) -> list[str]:
    from evidence.achz import open_source_ach_notes

    return open_source_ach_notes(case)


def _read_case(src: Incoming) -> tuple[Case, list[str]]:
    from evidence.case_file import parse_case_source

    return parse_case_source(src.file, str(src.path), src.case_id), []


def _read_csv(src: Incoming) -> tuple[Case, list[str]]:
    from evidence.csv_matrix import read_csv_matrix, update_report
    from hypotheses.slug import case_id_from

    cid = src.case_id or case_id_from(src.path.stem) or "case"
    existing = src.existing(cid)
    if existing is not None and existing.analysts:
        from evidence.errors import ImportFailed

        raise ImportFailed(
            f"{src.path}: case {cid} is a team case: a CSV matrix holds one matrix, not each "
            "analyst's votes, so it cannot update it; import it as a new case with --case NEW_ID"
        )
    case = read_csv_matrix(src.data, str(src.path), cid, existing)
    lines = [f"Read {counted(len(case.evidence), 'row')} × {counted(len(case.hypotheses), 'hypothesis')} "
             "from the CSV matrix."]
    return case, [*lines, *update_report(existing, case)]


def _read_achz(src: Incoming) -> tuple[Case, list[str]]:
    from evidence.achz import read_achz

    result = read_achz(src.data, str(src.path), src.case_id)
    return result.case, list(result.report)


FILE_FORMATS: tuple[FileFormat, ...] = (
    FileFormat("md", "Markdown summary", "md", write=_text(_md), follows=("as_of", "history")),
    FileFormat("json", "JSON summary", "json", write=_json, follows=("as_of",)),
    FileFormat(
        "csv", "CSV matrix", "csv", write=_text(_csv, "utf-8-sig"), read=_read_csv,
        suffixes=(".csv", ".tsv", ".txt"), updates_in_place=True, lens_matrix=True, losses=_csv_losses,
    ),
    FileFormat("html", "HTML report (self-contained)", "html", write=_text(_html),
               follows=("as_of", "history")),
    FileFormat("case", "weigh case file", "weigh.json", write=_text(_case), read=_read_case,
               suffixes=(".json",)),
    FileFormat(
        "achz", "PARC ACH 2.0 file (.achz)", "achz", write=_write_achz, read=_read_achz,
        binary=True, magic=b"\x1f\x8b", suffixes=(".achz",), losses=_achz_losses, program="PARC",
        lens_matrix=True,
        portability=("Open Source ACH's importer", _achz_portability),
    ),
)
FORMAT_NAMES: tuple[str, ...] = tuple(f.name for f in FILE_FORMATS)
EXPORT_FORMATS: tuple[FileFormat, ...] = tuple(f for f in FILE_FORMATS if f.write is not None)
IMPORT_FORMATS: tuple[FileFormat, ...] = tuple(f for f in FILE_FORMATS if f.read is not None)
DEFAULT_IMPORT = "case"  # what a file neither sniffed nor named as anything else is read as
_BY_NAME = {f.name: f for f in FILE_FORMATS}


def file_format(name: str) -> FileFormat:
    """The format called ``name``; a clear error naming the choices otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"format: {name!r} is not one of {', '.join(FORMAT_NAMES)}") from None


def following(option: str) -> list[str]:
    """The export formats that follow an export option ("as_of": md, json, html)."""
    return [f.name for f in EXPORT_FORMATS if option in f.follows]


def readable() -> str:
    """The files weigh imports, in words: "a weigh case file (.json), … or a PARC … (.achz)"."""
    named = [f"a {f.label}" + ("" if "(" in f.label else f" ({', '.join(f.suffixes)})")
             for f in IMPORT_FORMATS]
    return ", ".join(named[:-1]) + " or " + named[-1]


def lens_note(fmt: FileFormat, case: Case, lens: str) -> str | None:
    """What a one-matrix file of a team case holds, for the user (None: nothing to say)."""
    if not (fmt.lens_matrix and case.analysts):
        return None
    from hypotheses.team import lens_words

    return (f"The .{fmt.extension} file holds {lens_words(case, lens)} (--lens); each analyst's "
            "votes are kept only in the case file (--format case).")


def detect_format(path: Path, data: bytes) -> FileFormat:
    """The import format of a file: by its first bytes, then by its name, else the case file
    (if it looks like JSON: anything else is refused, naming what weigh does read)."""
    for fmt in IMPORT_FORMATS:
        if fmt.magic and data.startswith(fmt.magic):
            return fmt
    suffix = path.suffix.lower()
    for fmt in IMPORT_FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    written = next((f for f in EXPORT_FORMATS if suffix == f".{f.extension}" and f.read is None), None)
    if written is not None:
        raise ImportFailed(f"{path}: weigh writes .{written.extension} files ({written.label}) but"
                           f" cannot import one; it imports {readable()}")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":
        raise ImportFailed(f"{path}: not a file weigh imports; it reads {readable()}")
    return _BY_NAME[DEFAULT_IMPORT]


def export_bytes(case: Case, name: str, opts: ReportOptions | None = None) -> bytes:
    """``case`` written in the format called ``name``."""
    from hypotheses.report import ReportOptions

    fmt = file_format(name)
    if fmt.write is None:
        raise ValueError(f"format: {name!r} can be imported but not exported")
    return fmt.write(case, opts or ReportOptions())
