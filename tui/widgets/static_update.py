"""Replacing a Static's text without laying the whole screen out again when it keeps its height."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def update_static(static: Static, content: Text) -> None:
    """``static.update(content)``, with a layout only if the static's height changes.

    Any layout reflows and redraws the whole screen; the detail pane's texts change on every cursor move and
    rating, mostly to text of the same height.
    """
    size = static.content_size
    static.update(content, layout=False)
    height = static.get_content_height(size, static.app.size, size.width) if size.width else -1
    least = static.styles.min_height
    if least is not None and height >= 0:  # a min-height (in cells) keeps the height it gives
        height = max(height, int(least.resolve(static.container_size, static.app.size)))
    if height != size.height:
        static.refresh(layout=True)
