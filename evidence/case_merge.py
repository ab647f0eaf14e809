"""`weigh merge BASE OURS THEIRS`: git's merge driver for case files.

OURS and THEIRS are read and validated as an import is, BASE only as a case
file's JSON (a damaged one is refused before anything is written), the three
documents are merged by ``hypotheses.merge`` and the result, validated again, replaces OURS
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
from evidence.limits import check_json_size, read_import_file
from hypotheses.merge import Merged, merge_case_docs
from hypotheses.models import Case


def read_doc(path: Path, role: str) -> dict[str, Any]:
    """The document in OURS or THEIRS, validated as an import is (any problem names the role)."""
    data = read_import_file(path)
    name = f"{role} {path}"
    parse_case_file(data, name)
    doc: dict[str, Any] = json.loads(decode_text(data, name))  # the text just validated
    return doc


def read_base(path: Path) -> dict[str, Any]:
    """BASE needs less: the merge never puts a BASE value in the result (every value kept is
    OURS's or THEIRS's, and the result is validated), so it must only be a case file's JSON
    of the same case; ``{}`` for an empty BASE, which git gives when both sides added the file."""
    data = read_import_file(path)
    if not data.strip():
        return {}
    name = f"BASE {path}"
    check_json_size(data, name)
    try:
        doc = json.loads(decode_text(data, name))
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        parse_case_file(data, name)  # words the problem as an import does
        raise
    if not (isinstance(doc, dict) and isinstance(doc.get("case"), dict)
            and isinstance(doc["case"].get("id"), str)):
        parse_case_file(data, name)
        raise ImportFailed(f"{name}: not a weigh case file")
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
    case, merged = merge_docs(read_base(base), read_doc(ours, "OURS"),
                              read_doc(theirs, "THEIRS"))
    mode = stat.S_IMODE(os.stat(ours).st_mode)
    atomic_write(ours, dump_case_file(case).encode("utf-8"), mode=mode)
    return merged
