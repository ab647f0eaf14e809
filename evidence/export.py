"""Writing a case out: summaries, the case file and PARC's format, to bytes or a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from evidence.errors import WeighError
from evidence.fsio import atomic_write
from hypotheses.models import Case

FORMATS = ("md", "json", "csv", "html", "case", "achz")
EXTENSIONS = {"md": "md", "json": "json", "csv": "csv", "html": "html", "case": "weigh.json", "achz": "achz"}


def export_bytes(
    case: Case,
    fmt: str,
    *,
    model: str = "weighted",
    as_of: date | None = None,
    history: list[str] | None = None,
) -> bytes:
    if fmt == "case":
        from evidence.case_file import dump_case_file

        return dump_case_file(case).encode("utf-8")
    if fmt == "achz":
        from evidence.achz import write_achz

        return write_achz(case)
    from hypotheses.report import render

    text = render(case, fmt, model=model, as_of=as_of, history=history)
    return text.encode("utf-8-sig" if fmt == "csv" else "utf-8")


def write_file(path: Path, data: bytes) -> Path:
    """Write via a temp file and rename, so a failed export never leaves half a file."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise WeighError(f"{path}: is a directory; give a file name")
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise WeighError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path


def write_export(
    case: Case,
    fmt: str,
    path: Path,
    *,
    model: str = "weighted",
    as_of: date | None = None,
    history: list[str] | None = None,
) -> Path:
    return write_file(path, export_bytes(case, fmt, model=model, as_of=as_of, history=history))
