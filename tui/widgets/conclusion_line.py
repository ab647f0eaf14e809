"""The analyst's bottom line, under the case bar: the conclusion's first line.

Hidden while the case has none. The first line is folded and cut with an
ellipsis to the lines the terminal can spare (one on a short terminal, two
otherwise); when the conclusion says more, the line ends with the key that
opens it whole (the conclusion view), so the first line is where the analyst
puts the bottom line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len, chop_cells
from rich.console import Console
from rich.text import Text
from textual.reactive import var
from textual.widget import Widget

from hypotheses.visible import visible

if TYPE_CHECKING:
    from tui.shown import Shown

LABEL = "Bottom line: "
MORE = " · B: whole conclusion"
TALL = 40  # from this terminal height on, two lines


def first_line(conclusion: str) -> tuple[str, bool]:
    """The conclusion's first line (the analyst's bottom line) and whether more follows."""
    text = conclusion.lstrip()
    nl = text.find("\n")
    if nl < 0:
        return text.rstrip(), False
    return text[:nl].rstrip(), bool(text[nl:].strip())


def conclusion_lines(conclusion: str, width: int, lines: int, console: Console) -> Text:
    """The conclusion's first line wrapped to ``width``, at most ``lines`` lines; '…' if cut,
    and a pointer to the key that shows it whole when there is more."""
    # Only what can show is wrapped: a 100,000-character conclusion costs what a line does.
    if width <= 0 or lines <= 0:
        return Text()
    room = (width * lines + 2) * 4
    line, more = first_line(conclusion)
    cut = len(line) > room and bool(line[room:].strip())
    body = _first_word_beside_label(visible(" ".join(line[:room].split())), width - len(LABEL))
    hint = MORE if width >= len(MORE) + 20 else ""
    out = Text(no_wrap=False)
    out.append(LABEL, style="bold")
    out.append(body)
    wrapped = list(out.wrap(console, width))
    if not cut and len(wrapped) <= lines:
        if not more:
            return out
        last = wrapped[-1]
        last.rstrip()
        if last.cell_len + len(hint) <= width:
            last.append(hint, style="dim italic")  # the pointer, whole, on the last line
            return _joined(wrapped)
        if len(wrapped) < lines:
            return _joined([*wrapped, Text(hint.lstrip(" ·"), style="dim italic")])
    kept = wrapped[:lines]
    last = kept[-1]
    last.rstrip()
    if last.cell_len + len(hint) + 1 > width:
        last.truncate(width - len(hint) - 1)
        last.rstrip()
    last.append("…")
    last.append(hint, style="dim italic")
    return _joined(kept)


def _first_word_beside_label(body: str, room: int) -> str:
    """``body`` with its first word broken after ``room`` cells if it cannot sit beside the
    label whole (Chinese, a long link): Rich's wrap would move it under the label, and a
    one-line bottom line then showed "Bottom line:…" and nothing of it."""
    word = body.split(" ", 1)[0]
    if room <= 0 or cell_len(word) <= room:
        return body
    head = chop_cells(word, room)[0]
    return f"{head} {body[len(head):]}"  # the space falls at the line's end, where wrap drops it


def _joined(lines: list[Text]) -> Text:
    joined = Text("\n").join(lines)
    joined.no_wrap = True
    return joined


class ConclusionLine(Widget):
    """One or two lines of the case's conclusion (user text: drawn as Text); bound to
    ``MainScreen.shown``."""

    shown: var[Shown | None] = var(None, init=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.conclusion = ""

    def watch_shown(self, shown: Shown | None) -> None:
        if shown is not None:
            case = shown.session.case
            self.show(case.conclusion if case is not None else "")

    def show(self, conclusion: str) -> None:
        """Show ``conclusion``; the same one again (every key redraws the panels) lays
        nothing out, since a layout redraws the whole screen."""
        conclusion = conclusion.strip()
        if conclusion == self.conclusion and self.display == bool(conclusion):
            return
        self.conclusion = conclusion
        self.display = bool(conclusion)
        self.refresh(layout=True)

    def max_lines(self) -> int:
        return 2 if self.app.size.height >= TALL else 1

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        if not self.conclusion:
            return 0
        text = conclusion_lines(self.conclusion, width, self.max_lines(), self.app.console)
        return max(1, len(text.wrap(self.app.console, width)))

    def render(self) -> Text:
        width = self.content_region.width or self.size.width
        return conclusion_lines(self.conclusion, width, self.max_lines(), self.app.console)
