"""A one-line field that keeps every line of a paste: weigh's forms use it for every Input.

Textual's Input keeps only the first line of a paste and drops the rest without a word,
so a note pasted from an email or a title copied over two lines lost most of itself.
Here the lines are joined with single spaces (the field holds one line), each line's
own spaces at its ends folded into the one that joins it, blank lines dropped. A paste
that would pass the field's ``max_length`` is refused in words (Textual's drops it unsaid).
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

__all__ = ["OneLineInput", "one_line"]


def one_line(pasted: str) -> str:
    """``pasted`` as one line: a single line stays as it is; several are stripped at their
    ends and joined with single spaces, blank ones left out."""
    lines = pasted.splitlines()
    if len(lines) <= 1:
        return lines[0] if lines else ""
    return " ".join(line.strip() for line in lines if line.strip())


class OneLineInput(Input):
    """An Input whose paste keeps every line (:func:`one_line`)."""

    def on_paste(self, event: events.Paste) -> None:
        """In place of Textual's paste (which keeps the first line only), at the cursor or
        over the selection as Textual's does."""
        event.prevent_default()  # Textual's own handler, on Input, keeps the first line only
        event.stop()
        text = one_line(event.text)
        if not text:
            return
        selection = self.selection
        kept = len(self.value) - abs(selection.end - selection.start)
        if self.max_length and kept + len(text) > self.max_length:
            # Textual's Input refuses it whole without a word: say why nothing came
            self.notify(f"Not pasted: with it this field would hold {kept + len(text):,} "
                        f"characters, more than the {self.max_length:,} it can",
                        severity="warning", markup=False)
            return
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)
