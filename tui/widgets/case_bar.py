"""The top line: which case is open and how the matrix is sorted and filtered."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widget import Widget


class CaseBar(Widget):
    """One line naming the case (its title is user text: drawn as Text)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text("weigh")

    def show(self, title: str, case_id: str, sort: str, query: str, db: Path) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" weigh ", style="bold reverse")
        text.append(" ? keys ", style="bold")
        text.append(" ")
        text.append(title, style="bold")
        text.append(f"  ({case_id})")
        text.append(f"   sort: {sort}", style="")
        if query:
            text.append("   filter: ", style="bold")
            text.append(query)
        text.append(f"   {db}", style="dim")
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
