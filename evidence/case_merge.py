"""`weigh merge BASE OURS THEIRS`: git's merge driver for case files.

Each file is read and validated as an import is (a damaged one is refused
before anything is written), the three documents are merged by
``hypotheses.merge`` and the result, validated again, replaces OURS
atomically in the canonical layout. Git gives an empty BASE when both sides
added the file: that is a base with nothing in it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from evidence.case_file import VERSION, case_file_dict, case_of, dump_case_file, parse_case_file, validated
from evidence.errors import ImportFailed
from evidence.fsio import atomic_write
from evidence.limits import read_import_file
from hypotheses.merge import Merged, merge_case_docs
from hypotheses.models import Case


def read_case(path: Path, role: str) -> Case:
    """The case in one of the three files; any problem names the role."""
    return parse_case_file(read_import_file(path), f"{role} {path}")


def read_base(path: Path) -> Case | None:
    """BASE's case, or None for the empty file git gives when both sides added the file."""
    data = read_import_file(path)
    return parse_case_file(data, f"BASE {path}") if data.strip() else None


def merge_cases(base: Case | None, ours: Case, theirs: Case) -> tuple[Case, Merged]:
    """The merged case (validated) and the merge with its conflicts."""
    if theirs.id != ours.id or (base is not None and base.id != ours.id):
        other = theirs.id if theirs.id != ours.id else base.id if base is not None else ""
        raise ImportFailed(f"not the same case: OURS is {ours.id!r}, the other {other!r}")
    docs = [case_file_dict(c) if c is not None else {} for c in (base, ours, theirs)]
    merged = merge_case_docs(*docs)
    doc: dict[str, Any] = {**merged.doc, "version": VERSION}
    name = "the merged case"
    return case_of(validated(doc, name, None), doc, name), merged


def merge_files(base: Path, ours: Path, theirs: Path) -> Merged:
    """Merge THEIRS into OURS against BASE, writing OURS only when every input is sound."""
    if os.path.islink(ours):
        raise ImportFailed(f"OURS {ours}: is a symbolic link; weigh merges only regular files")
    case, merged = merge_cases(read_base(base), read_case(ours, "OURS"), read_case(theirs, "THEIRS"))
    mode = stat.S_IMODE(os.stat(ours).st_mode)
    atomic_write(ours, dump_case_file(case).encode("utf-8"), mode=mode)
    return merged
