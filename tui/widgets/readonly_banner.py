"""The line a read-only workbench shows on top: why edits cannot be saved here.

A second workbench (or a second browser tab of ``weigh serve``) on a database
another weigh is editing opens it read-only rather than failing; this banner
says so, in words, for as long as the screen is open.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from hypotheses.visible import visible


class ReadOnlyBanner(Static):
    """One line: READ-ONLY and the reason (the path is shown, never parsed as markup)."""

    def __init__(self, reason: str, **kwargs: object) -> None:
        super().__init__(Text(f"READ-ONLY  {visible(reason)}"), **kwargs)  # type: ignore[arg-type]
