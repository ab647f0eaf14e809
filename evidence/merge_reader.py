"""The case files of a merge read so that each distinct item is parsed and validated once.

Two analysts' files and their base are mostly the same items: in the canonical layout
(``case_file.canonical_parts``) an item is one line, and a line seen before (in BASE, or
on the other side) is the same JSON value, so it is parsed once, its dict shared by the
documents holding it, and validated once (an item's model does not depend on the file it
sits in). What does depend on the file is checked on each whole document as an import checks
it (``case_file.checked``: types, limits, version keys, a team file's shared cells; the
case's cross-item rules through ``case_of``), so every file, BASE too, is refused exactly when
importing it would be, naming it. A file in another layout is parsed whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from evidence.case_file import (
    canonical_parts,
    case_of,
    checked,
    decode_text,
    element_value,
    file_model,
    load_json,
    refuse_keys_twice,
    validated,
)
from evidence.limits import check_json_size, read_import_file
from hypotheses.vocabulary import CASE_LISTS

if TYPE_CHECKING:
    from hypotheses.models import Case, Evidence

_UNSEEN: Final = object()
MERGES_ONLY = "weigh merges only regular files"  # the refusal of a FIFO, device, folder or link


class MergeReader:
    """Reads case documents (``read``) and validates them (``case``), sharing what they share."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}  # an element's line → its parsed value
        self._models: dict[int, tuple[Any, Evidence]] = {}  # id() of a validated item → it, its model

    def read(self, path: Path, role: str, only: str = MERGES_ONLY) -> dict[str, Any] | None:
        """The document in the file, not yet validated (None: an empty BASE, which git gives
        when both sides added the file); a problem names the ``role`` (BASE, OURS, THEIRS)."""
        return self.parse(read_import_file(path, f"{role} {path}", only), path, role)

    def parse(self, data: bytes, path: Path, role: str) -> dict[str, Any] | None:
        """:meth:`read` of the bytes read from ``path``."""
        name = f"{role} {path}"
        if role == "BASE" and not data.strip():
            return None
        if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":
            _refuse_other_formats(path, data, name)
        colons = check_json_size(data, name).keys
        text = decode_text(data, name)
        doc = self._parts(text)
        if doc is None:
            doc = load_json(text, name)
        refuse_keys_twice(doc, text, colons, name)
        return doc

    def _parts(self, text: str) -> dict[str, Any] | None:
        """The document of a text in the canonical layout, each line parsed once (None: parse
        the whole text, which words any problem)."""
        parts = canonical_parts(text)
        if parts is None:
            return None
        head, lines = parts
        try:
            return {**head, **{key: [self._value(line) for line in lines[key]] for key in CASE_LISTS}}
        except (ValueError, RecursionError):
            return None

    def _value(self, line: str) -> Any:
        value = self._values.get(line, _UNSEEN)
        if value is _UNSEEN:
            value = self._values[line] = element_value(line)
        return value

    def case(self, doc: dict[str, Any], name: str) -> Case:
        """The case ``doc`` holds, checked whole, its items not validated before validated now."""
        items = doc.get("evidence")
        if not isinstance(items, list):
            return case_of(validated(doc, name, None), doc, name)
        checked(doc, name, None)
        new = [item for item in items if id(item) not in self._models]
        parsed = file_model({**doc, "evidence": new}, name)
        for item, model in zip(new, parsed.evidence, strict=True):
            self._models[id(item)] = (item, model)
        return case_of(parsed, doc, name, [self._models[id(item)][1] for item in items])


def _refuse_other_formats(path: Path, data: bytes, name: str) -> None:
    """A file weigh imports in another format (a CSV matrix, a PARC .achz) named for what it
    is, not refused as broken JSON ('not UTF-8 text (bad byte at offset 1)')."""
    from evidence.errors import ImportFailed
    from evidence.formats import DEFAULT_IMPORT, detect_format

    try:
        fmt = detect_format(path, data[:64 * 1024])
    except ImportFailed:
        return  # not a format weigh reads at all: the JSON parse words it
    if fmt.name != DEFAULT_IMPORT:
        raise ImportFailed(f"{name}: this is a {fmt.label}, not a case file: merging and syncing "
                           "take weigh case files (weigh export --format case writes one)")
