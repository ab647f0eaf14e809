"""`weigh merge BASE OURS THEIRS`: git's merge driver for case files.

The three files are read and checked as an import is (``evidence.merge_reader``: each
distinct item validated once), BASE too, so a damaged one is refused, naming it, before
anything is written; the documents are merged by ``hypotheses.merge`` and the result,
checked again, replaces OURS atomically in the canonical layout. Git gives an empty BASE
when both sides added the file: that is a base with nothing in it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.case_file import VERSION, case_file_dict, case_of, dump_case_file, validated
from evidence.db_files import read_only
from evidence.errors import ImportFailed
from evidence.fsio import atomic_write
from evidence.limits import read_import_file
from evidence.merge_reader import MERGES_ONLY, MergeReader
from hypotheses.merge import Merged, merge_case_docs

if TYPE_CHECKING:
    from hypotheses.models import Case

MERGED = "the merged case"


def doc_of(data: bytes, path: Path, role: str) -> dict[str, Any]:
    """The document in a case file's bytes (read from ``path``), checked as an import is (any
    problem names the role)."""
    reader = MergeReader()
    doc = reader.parse(data, path, role)
    assert doc is not None  # only an empty BASE is None
    reader.case(doc, f"{role} {path}")
    return doc


def merge_cases(base: Case | None, ours: Case, theirs: Case) -> tuple[Case, Merged]:
    """Three cases merged: the merged case (validated) and the merge with its conflicts."""
    return merge_docs(case_file_dict(base) if base is not None else {}, case_file_dict(ours),
                      case_file_dict(theirs))


def merge_docs(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any],
               me: str | None = None) -> tuple[Case, Merged]:
    """Three validated case-file documents merged: the merged case (validated) and the merge
    (``me``: whose a one-analyst OURS is, see ``merge_case_docs``)."""
    merged = _merged(base, ours, theirs, me)
    doc: dict[str, Any] = {**merged.doc, "version": VERSION}
    return case_of(validated(doc, MERGED, None), doc, MERGED), merged


def _merged(base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any],
            me: str | None = None) -> Merged:
    """The merge of three documents of one case (different case ids are refused)."""
    ids = [doc["case"]["id"] for doc in (ours, theirs, base) if doc]
    if len(set(ids)) > 1:
        other = next(i for i in ids if i != ids[0])
        raise ImportFailed(f"not the same case: OURS is {ids[0]!r}, the other {other!r}")
    return merge_case_docs(base, ours, theirs, me)


#: What every case file holds: one of the three without it may be another's JSON file.
_FORMAT = b'"weigh-case"'
LINE_LABELS = ("ours", "base", "theirs")


def line_merged(base: Path, ours: Path, theirs: Path) -> int | None:
    """Another JSON file an attribute such as ``*.json merge=weigh`` sent weigh (none of the
    three names the case-file format): merged line by line as git would have
    (``git merge-file``, its markers in OURS); how many conflicts it left. None: a case
    file (or one that cannot be read here), merged by :func:`merge_files` or refused there."""
    for path in (base, ours, theirs):
        try:
            if _FORMAT in read_import_file(path, only=MERGES_ONLY):
                return None
        except ImportFailed:
            return None
    labels = [arg for label in LINE_LABELS for arg in ("-L", label)]
    try:
        done = subprocess.run(["git", "merge-file", *labels, str(ours), str(base), str(theirs)],
                              capture_output=True, check=False, timeout=600)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or not 0 <= done.returncode < 128:
        raise ImportFailed(f"OURS {ours}: not a weigh case file, and git could not merge it line "
                           "by line ('git merge-file'); OURS left as it was")
    return done.returncode


def merge_files(base: Path, ours: Path, theirs: Path) -> Merged:
    """Merge THEIRS into OURS against BASE, writing OURS only when every input is sound."""
    if os.path.islink(ours):
        raise ImportFailed(f"OURS {ours}: is a symbolic link; {MERGES_ONLY}")
    with contextlib.suppress(OSError):  # a missing OURS is the reader's to word
        if read_only(ours, os.stat(ours)):  # a rename would replace it where > is refused
            raise ImportFailed(f"OURS {ours}: is read-only; weigh does not replace it (make it writable)")
    reader = MergeReader()
    docs = []
    for path, role in ((base, "BASE"), (ours, "OURS"), (theirs, "THEIRS")):
        doc = reader.read(path, role)
        if doc is not None:
            reader.case(doc, f"{role} {path}")
        docs.append(doc or {})
    merged = _merged(docs[0], docs[1], docs[2])
    case = reader.case({**merged.doc, "version": VERSION}, MERGED)
    mode = stat.S_IMODE(os.stat(ours).st_mode)
    atomic_write(ours, dump_case_file(case, merged.doc["evidence"]).encode("utf-8"), mode=mode)
    return merged
