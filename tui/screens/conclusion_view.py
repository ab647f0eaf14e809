"""The analyst's whole conclusion, to read: the main screen shows only its first line.

Read-only (the case-details form, ``D``, edits it); user text is drawn as Text,
never parsed as markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from hypotheses.visible import visible
from tui.screens.dialog import Dialog


class ConclusionView(Dialog[None]):
    """The conclusion, whole, scrollable."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,B", "dismiss(None)", "Close", tooltip="Close the conclusion"),
    ]

    def __init__(self, conclusion: str, title: str) -> None:
        super().__init__()
        self.conclusion = conclusion.strip()
        self.case_title = title

    def compose(self) -> ComposeResult:
        head = Text()
        head.append("Conclusion", style="bold")
        head.append(f" · {visible(self.case_title)}", style="dim")
        body = Text(visible(self.conclusion, lines=True) if self.conclusion else "No conclusion written yet.")
        with Vertical(id="conclusion-view", classes="form-dialog -wide"):
            yield Static(head)
            with VerticalScroll(id="conclusion-scroll"):
                yield Static(body, id="conclusion-text")
            yield Static(Text("↑/↓ scroll · esc: close · D (on the workbench) edits it", style="italic"),
                         classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#conclusion-scroll").focus()
