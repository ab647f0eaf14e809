"""User text made safe to draw on a terminal: every control character shown, none obeyed.

A title holding ``ESC ] 2 ; … BEL`` would retitle the terminal, and ``ESC [31m``
would paint the screen and shift the columns after it. Wherever user text is
drawn (the workbench, the CLI's own output), it passes through :func:`visible`
first, so such characters appear as symbols (``␛``, ``␇``) and never reach the
terminal raw. Stored data is never changed: this is for display only.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls (0x9b is a one-byte CSI to some terminals), the invisible
# direction marks and overrides that can make text read differently from what it is, and the
# characters that take no cell and join nothing (zero-width space, word joiner and invisible
# operators, byte-order mark, line and paragraph separators, the tag characters that spell
# text no one sees; the deprecated shaping controls, shorthand and musical format controls,
# as invisible): two titles that differ only by one look the same. Zero-width (non-)joiners
# are left alone: scripts such as Persian and emoji sequences need them.
_INVISIBLE = ("\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064"
              "\u2066-\u206f\ufeff\ufff9-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
              "\U000e0000-\U000e007f")
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_CONTROL_KEEP_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's control pictures: ␀ … ␛ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with each control character replaced by a visible stand-in.

    With ``lines=True`` newlines and tabs are kept (multi-line text such as
    details); otherwise they too are shown (``␊``, ``␉``), so one-line places
    stay one line.
    """
    pattern = _CONTROL_KEEP_LINES if lines else _CONTROL
    if pattern.search(text) is None:  # the common case: nothing to do, no copy
        return text
    return pattern.sub(_picture, text)


def without_controls(text: str) -> str:
    """``text`` with every control character removed (a last guard where a stand-in cannot go)."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub("", text)


def for_terminal(data: bytes) -> bytes:
    """An export bound for a terminal, control characters shown (lines kept).

    Raises ValueError (UnicodeDecodeError) for bytes that are not UTF-8 text:
    a binary file is never written to a terminal. A leading byte-order mark (the CSV's, for
    spreadsheets) says how the file is encoded, not what it holds: it is left off, not shown.
    """
    return visible(data.decode("utf-8-sig"), lines=True).encode("utf-8")
