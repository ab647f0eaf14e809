"""`weigh merge BASE OURS THEIRS`: git's merge driver for case files.

Each file is read and validated as an import is (a damaged one is refused
before anything is written), the three documents are merged by
``hypotheses.merge`` and the result, validated again, replaces OURS
atomically in the canonical layout. Git gives an empty BASE when both sides
added the file: that is a base with nothing in it.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from evidence.case_file import (
    VERSION,
    case_file_dict,
    case_of,
    decode_text,
    dump_case_file,
    parse_case_file,
    validated,
)
from evidence.errors import ImportFailed
from evidence.fsio import atomic_write
from evidence.limits import read_import_file
from hypotheses.merge import Merged, merge_case_docs
from hypotheses.models import Case


def read_doc(path: Path, role: str, empty_ok: bool = False) -> dict[str, Any]:
    """The document in one of the three files, validated as an import is (any problem names
    the role); ``{}`` for an empty BASE, which git gives when both sides added the file."""
    data = read_import_file(path)
    if empty_ok and not data.strip():
        return {}
    name = f"{role} {path}"
    parse_case_file(data, name)
    doc: dict[str, Any] = json.loads(decode_text(data, name))  # the text just validated
    return doc


def merge_cases(base: Case | None, ours: Case, theirs: Case) -> tuple[Case, Merged]:
    """Three cases merged: the merged case (validated) and the merge with its conflicts."""
    return merge_docs(*(case_file_dict(c) if c is not None else {} for c in (base, ours, theirs)))


def merge_docs(base: dict[str, Any], ours: dict[str, Any],
               theirs: dict[str, Any]) -> tuple[Case, Merged]:
    """Three validated case-file documents merged: the merged case (validated) and the merge."""
    ids = [doc["case"]["id"] for doc in (ours, theirs, base) if doc]
    if len(set(ids)) > 1:
        other = next(i for i in ids if i != ids[0])
        raise ImportFailed(f"not the same case: OURS is {ids[0]!r}, the other {other!r}")
    merged = merge_case_docs(base, ours, theirs)
    doc: dict[str, Any] = {**merged.doc, "version": VERSION}
    name = "the merged case"
    return case_of(validated(doc, name, None), doc, name), merged


def merge_files(base: Path, ours: Path, theirs: Path) -> Merged:
    """Merge THEIRS into OURS against BASE, writing OURS only when every input is sound."""
    if os.path.islink(ours):
        raise ImportFailed(f"OURS {ours}: is a symbolic link; weigh merges only regular files")
    case, merged = merge_docs(read_doc(base, "BASE", empty_ok=True), read_doc(ours, "OURS"),
                              read_doc(theirs, "THEIRS"))
    mode = stat.S_IMODE(os.stat(ours).st_mode)
    atomic_write(ours, dump_case_file(case).encode("utf-8"), mode=mode)
    return merged
