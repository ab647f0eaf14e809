"""A virtual grid of one-line text cells: the rows are drawn only when they come into view.

Textual's DataTable keeps a row object and a renderable per cell, and any cell
update throws away every cached line, so one edit in a 10,000-row table redraws
the whole screen through Rich's layout. This grid keeps nothing but a list of
row keys: a subclass says what the cells of a row are (:meth:`CellGrid.cells`),
each visible line is drawn straight to segments and cached per row, and
:meth:`CellGrid.refresh_row` redraws exactly one line. A subclass that can say
what a row shows (:meth:`CellGrid.row_token`) has its cached rows checked instead
of thrown away when everything may have changed, so only rows that look different
are drawn again. It looks and moves like a cell-cursor DataTable: a header row,
fixed columns, a highlighted cell.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import ClassVar, NamedTuple, cast

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.coordinate import Coordinate
from textual.events import Click, Resize
from textual.geometry import Region, Size, Spacing
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.widgets.cell_line import line_segments

CELL_PADDING = 1
ROW_CACHE = 128  # drawn rows kept: a few screens (each holds Strips the collector walks)
CELL_CACHE = 2048  # drawn cells kept (a few screens' worth), by what they show
PAD = " " * CELL_PADDING
BLANK = Text()


class GridColumn(NamedTuple):
    """One column: its key (for lookups), header label and content width."""

    key: str
    label: Text
    width: int

    @property
    def render_width(self) -> int:
        return self.width + 2 * CELL_PADDING


def _fill(row_style: Style, background: Color) -> Style:
    """The rest of a line after the last column: the row's colours, its background faded
    into the widget's (as DataTable fills it)."""
    if row_style.bgcolor is None:
        return Style.from_color(row_style.color, row_style.bgcolor)
    faded = Color.from_rich_color(row_style.bgcolor).blend(background, 0.25)
    return Style.from_color(row_style.color, faded.rich_color)


class CellGrid(ScrollView, can_focus=True):
    """Rows of text cells under a header row, with a cell cursor and fixed columns."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1, 0)", "Up", show=False),
        Binding("down", "cursor(1, 0)", "Down", show=False),
        Binding("left", "cursor(0, -1)", "Left", show=False),
        Binding("right", "cursor(0, 1)", "Right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "cursor_to(None, 0)", "First column", show=False),
        Binding("end", "cursor_to(None, -1)", "Last column", show=False),
        Binding("ctrl+home", "cursor_to(0, None)", "First row", show=False),
        Binding("ctrl+end", "cursor_to(-1, None)", "Last row", show=False),
    ]
    DEFAULT_CSS = """
    CellGrid {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .cell-grid--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .cell-grid--header {
                background-tint: $foreground 5%;
            }
            & > .cell-grid--fixed-cursor {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
            }
        }
        & > .cell-grid--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .cell-grid--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .cell-grid--fixed {
            background: $secondary-muted;
            color: $foreground;
        }
        & > .cell-grid--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .cell-grid--fixed-cursor {
            background: $block-cursor-blurred-background;
            color: $foreground;
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "cell-grid--header",
        "cell-grid--fixed",
        "cell-grid--cursor",
        "cell-grid--fixed-cursor",
    }

    #: (row key, column key) under the cursor, set each time it moves to another cell (by key,
    #: click or program). A reactive, not a message: a watcher runs in the same turn of the event
    #: loop as the move, so what it redraws reaches the screen in the move's own frame (a message
    #: bubbles up the DOM one task at a time, and a frame can be drawn before it arrives).
    highlighted: var[tuple[str | None, str | None]] = var((None, None), init=False, always_update=True)
    show_cursor = True

    def __init__(self, *, fixed_columns: int = 0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fixed_columns = fixed_columns
        #: how many of the fixed columns are shaded as such (the rest stay put, drawn as the others)
        self.shaded_columns = fixed_columns
        self.grid_columns: list[GridColumn] = []
        self.row_keys: list[str] = []
        self._row_index: dict[str, int] = {}
        self._column_index: dict[str, int] = {}
        self.cursor_row = 0
        self.cursor_column = 0
        # row key → [cursor stamp, row token, fixed part, each column's cell, (x, width, line) shown]
        self._drawn: dict[str | None, list[object]] = {}
        self._styles: tuple[Style, ...] | None = None
        # (pre, a piece's own style, post) → the piece's style in its cell
        self._style_cache: dict[tuple[Style, Style | None, Style | None], Style] = {}
        self._background: Color | None = None
        self._cells_drawn: dict[tuple[object, ...], tuple[Segment, ...]] = {}  # by what they show
        self._fills: tuple[Style, Style] | None = None  # the fill's style after a row, the header
        self._unsettled = True
        # the cursor is to be scrolled into view when the grid is next drawn: it had no size
        # yet, or its new rows were not laid out (polled each frame instead, a grid below a
        # short terminal's fold, never drawn, kept the app busy for good)
        self._scroll_owed = False
        self._drawn_width = 0  # the width the rows in _drawn were drawn for
        self._edges: list[int] = [0]

    # ------------------------------------------------------------- content

    def cells(self, row_key: str) -> Sequence[Text]:
        """The cells of one row, one per column (subclasses say what they are)."""
        raise NotImplementedError

    def row_token(self, row_key: str) -> object:
        """What the row shows, as a value equal to the last one exactly when its cells
        are the same; None (the default): unknown, so a row is redrawn whenever
        :meth:`redraw_rows` or a change of rows says it may have changed."""
        return None

    @property
    def _tokens(self) -> bool:
        """The subclass says what its rows show (:meth:`row_token`)."""
        return type(self).row_token is not CellGrid.row_token

    def redraw_rows(self) -> None:
        """Any row may look different now: rows with a token are checked, the rest redrawn."""
        if not self._tokens:
            self._drawn.clear()
        self.refresh()

    def set_grid(self, columns: list[GridColumn], row_keys: list[str],
                 *, rows_unchanged: bool = False) -> None:
        """Replace every column and row (no cell is drawn until it is seen).

        ``rows_unchanged``: every row still shows what it showed (a new order or a
        subset: sort, filter), so lines already drawn are kept if the columns are too
        (as they always are with row tokens, which are checked when drawn).
        """
        same_columns = columns == self.grid_columns
        self.grid_columns = list(columns)
        self.row_keys = row_keys  # the grid's own from now on (the caller made it for this)
        self._row_index = dict(zip(self.row_keys, range(len(self.row_keys)), strict=True))
        self._column_index = {c.key: i for i, c in enumerate(self.grid_columns)}
        self._edges = [0]  # where each column starts (and the last ends) in a whole row
        for column in self.grid_columns:
            self._edges.append(self._edges[-1] + column.render_width)
        if not ((rows_unchanged or self._tokens) and same_columns):
            self._drawn.clear()
        self.cursor_row = min(self.cursor_row, max(0, len(self.row_keys) - 1))
        self.cursor_column = min(self.cursor_column, max(0, len(self.grid_columns) - 1))
        width = sum(c.render_width for c in self.grid_columns)
        size = Size(width, len(self.row_keys) + 1)
        if size != self.virtual_size:
            self._unsettled = True  # the new virtual size is not laid out until the next render
            self.virtual_size = size
        self.refresh()

    def set_fixed(self, fixed_columns: int) -> None:
        """Keep the first ``fixed_columns`` in view when scrolled (lines drawn with another
        count are drawn again)."""
        if fixed_columns != self.fixed_columns:
            self.fixed_columns = fixed_columns
            self._drawn.clear()
            self.refresh()

    def refresh_row(self, row_key: str) -> None:
        """Redraw one row, if it is in the grid (and only its line, if in view)."""
        index = self._row_index.get(row_key)
        if index is None:
            return
        self._drawn.pop(row_key, None)
        self._refresh_index(index)

    def _refresh_index(self, index: int) -> None:
        y = index + 1 - self.scroll_offset.y
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    @property
    def row_count(self) -> int:
        return len(self.row_keys)

    @property
    def columns(self) -> list[str]:
        return [c.key for c in self.grid_columns]

    @property
    def rows(self) -> dict[str, int]:
        """Row key → position (read-only view for lookups)."""
        return self._row_index

    def get_row_index(self, row_key: str) -> int:
        return self._row_index[row_key]

    def get_column_index(self, column_key: str) -> int:
        return self._column_index[column_key]

    def get_cell(self, row_key: str, column_key: str) -> Text:
        """The cell as the grid would draw it."""
        return self.cells(row_key)[self._column_index[column_key]]

    # -------------------------------------------------------------- cursor

    @property
    def cursor_coordinate(self) -> Coordinate:
        return Coordinate(self.cursor_row, self.cursor_column)

    def cursor_keys(self) -> tuple[str | None, str | None]:
        """(row key, column key) under the cursor; None where there is none."""
        row = self.row_keys[self.cursor_row] if self.row_keys else None
        column = self.grid_columns[self.cursor_column].key if self.grid_columns else None
        return row, column

    def move_cursor(self, row: int | None = None, column: int | None = None,
                    *, scroll: bool = True) -> None:
        """Put the cursor on a cell (clamped), redraw the rows it left and entered."""
        old_row, old_col = self.cursor_row, self.cursor_column
        if row is not None:
            self.cursor_row = max(0, min(row, len(self.row_keys) - 1))
        if column is not None:
            self.cursor_column = max(0, min(column, len(self.grid_columns) - 1))
        if scroll:
            self.scroll_to_cursor()
        if (old_row, old_col) == (self.cursor_row, self.cursor_column):
            return
        for index in {old_row, self.cursor_row}:
            if index < len(self.row_keys):
                self._drawn.pop(self.row_keys[index], None)
                self._refresh_index(index)
        self.highlighted = self.cursor_keys()

    def scroll_to_cursor(self) -> None:
        """Scroll so the cursor's cell is in view (below the header, right of the fixed columns)."""
        if not self.row_keys or not self.grid_columns:
            return
        if not self.size.width or not self.size.height:
            self._scroll_owed = True  # not laid out yet: no viewport
            return
        if self._unsettled:  # scrolled now, in this frame; the new rows' layout may move the viewport
            self._scroll_owed = True
        x = sum(c.render_width for c in self.grid_columns[: self.cursor_column])
        shown = self.grid_columns[self.cursor_column:self.cursor_column + self.cursor_span()]
        width = sum(c.render_width for c in shown)
        fixed = sum(c.render_width for c in self.grid_columns[: self.fixed_columns])
        if self.cursor_column < self.fixed_columns:
            fixed = 0  # a fixed column is always in view: scroll back to the start
        region = Region(x, self.cursor_row + 1, width, 1)
        self.scroll_to_region(region, spacing=Spacing(1, 0, 0, fixed), animate=False, force=True)

    def cursor_span(self) -> int:
        """How many columns from the cursor's are scrolled into view with it: its own
        (a subclass may bring in the columns beside it the cursor never visits)."""
        return 1

    def action_cursor(self, rows: int, columns: int) -> None:
        self.move_cursor(self.cursor_row + rows, self.cursor_column + columns)

    def action_cursor_to(self, row: int | None, column: int | None) -> None:
        if row is not None and row < 0:
            row = len(self.row_keys) - 1
        if column is not None and column < 0:
            column = len(self.grid_columns) - 1
        self.move_cursor(row, column)

    def action_page(self, direction: int) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self.move_cursor(self.cursor_row + direction * page)

    def on_click(self, event: Click) -> None:
        """A click puts the cursor on the cell under the pointer."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = self.scroll_offset.y + offset.y - 1
        fixed = sum(c.render_width for c in self.grid_columns[: self.fixed_columns])
        x = offset.x if offset.x < fixed else offset.x + self.scroll_offset.x
        left = 0
        for index, column in enumerate(self.grid_columns):
            if left <= x < left + column.render_width and row < len(self.row_keys):
                self.move_cursor(row, index, scroll=False)
                return
            left += column.render_width

    def on_resize(self, event: Resize) -> None:
        """A row is drawn to the width (its fill); a new height (the ranking above grew a
        line) keeps every drawn row."""
        if event.size.width != self._drawn_width:
            self._drawn_width = event.size.width
            self._drawn.clear()

    # ------------------------------------------------------------- drawing

    def _current_styles(self) -> tuple[Style, ...]:
        get = self.get_component_rich_style
        return (
            self.rich_style,
            get("cell-grid--header"),
            get("cell-grid--fixed"),
            get("cell-grid--cursor"),
            get("cell-grid--fixed-cursor"),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._unsettled = False
        if self._scroll_owed:  # laid out now: the cursor into view once this frame is out
            self._scroll_owed = False
            self.call_after_refresh(self.scroll_to_cursor)
        styles = self._current_styles()
        background = self.background_colors[1]
        if styles != self._styles or background != self._background:
            # focus, theme or CSS changed: every line looks new
            self._styles, self._background, self._fills = styles, background, None
            self._drawn.clear()
            self._style_cache.clear()
            self._cells_drawn.clear()
        if len(self._drawn) > ROW_CACHE:
            self._forget_unseen()
        return super().render_lines(crop)

    def _fill_styles(self) -> tuple[Style, Style]:
        """The fill's style after a row's last column, and after the header's."""
        if self._fills is None:
            base, header = (self._styles or self._current_styles())[:2]
            background = self.background_colors[1]
            self._fills = (_fill(base, background), _fill(header, background))
        return self._fills

    def _forget_unseen(self) -> None:
        """Keep the drawn rows in view (and the header): dropping them all made the
        next change redraw a whole screen of rows that had not changed."""
        top = self.scroll_offset.y
        seen = {None, *self.row_keys[top:top + self.size.height]}
        self._drawn = {key: drawn for key, drawn in self._drawn.items() if key in seen}

    def _cell_segments(self, text: Text, width: int, pre: Style, post: Style | None) -> tuple[Segment, ...]:
        """One padded cell, styled as DataTable styles it (pre, the text, then post); a cell
        drawn before (the same rating in the same column) is not drawn again."""
        key = (text.plain, text.style, text.justify, text.overflow, text.no_wrap, text.tab_size,
               width, pre, post, *text.spans)
        cell = self._cells_drawn.get(key)
        if cell is None:
            if len(self._cells_drawn) >= CELL_CACHE:
                self._cells_drawn.clear()
            cell = self._cells_drawn[key] = self._draw_cell(text, width, pre, post)
        return cell

    def _draw_cell(self, text: Text, width: int, pre: Style, post: Style | None) -> tuple[Segment, ...]:
        console = self.app.console
        inner = line_segments(text, width, console)
        if inner is None:  # a text only Rich can lay out
            options = console.options.update(width=width, max_width=width, height=1, no_wrap=True)
            inner = console.render_lines(text, options, pad=True)[0]
        cache = self._style_cache
        pad = Segment(PAD, cache.get((pre, None, post)) or self._styled(pre, None, post))
        segments = [pad]
        for piece, style, _ in inner:
            styled = cache.get((pre, style, post)) or self._styled(pre, style, post)
            segments.append(Segment(piece, styled))
        segments.append(pad)
        return tuple(segments)

    def _styled(self, pre: Style, style: Style | None, post: Style | None) -> Style:
        """``style`` between ``pre`` and ``post``, as ``Segment.apply_style`` adds them."""
        styled = pre + style if pre else style
        if post:
            styled = styled + post if styled else post
        assert styled is not None  # (pre is a widget's style: never None)
        self._style_cache[(pre, style, post)] = styled
        return styled

    def _draw_row(self, row_key: str | None, index: int) -> tuple[list[Segment], list[Sequence[Segment]]]:
        """The fixed columns' cells, joined, and each scrolling column's cell (the fixed
        ones are drawn only once: scrolled or not, the fixed part shows them)."""
        base, header, fixed_style, cursor, fixed_cursor = self._styles or self._current_styles()
        texts = [c.label for c in self.grid_columns] if row_key is None else self.cells(row_key)
        cursor_col = self.cursor_column if index == self.cursor_row and row_key is not None else -1
        row_style = header if row_key is None else base
        fixed_segments: list[Segment] = []
        cells: list[Sequence[Segment]] = []
        for col, column in enumerate(self.grid_columns):
            # cells() gives one text per column; a short row leaves the rest blank, never fails
            text = texts[col] if col < len(texts) else BLANK
            pre = row_style
            if col < self.fixed_columns and row_key is not None and col < self.shaded_columns:
                pre = fixed_style
            post = None
            if col == cursor_col and self.show_cursor:
                component = cursor + (fixed_cursor if col < self.shaded_columns else Style())
                # the cursor's colour wins over the cell's; the cell keeps its background
                post = Style.from_color(component.color)
                pre = pre + component
            cell = self._cell_segments(text, column.width, pre, post)
            if col < self.fixed_columns:
                fixed_segments += cell
                cells.append(())
            else:
                cells.append(cell)
        return fixed_segments, cells

    def _whole_columns(self, start: int, end: int) -> tuple[int, int]:
        """The part of ``start``–``end`` (in a whole row) to draw: a column the scroll cuts
        at either edge is left blank ('I' for the cut 'II', 'H1' for 'H10', '3' for 'H3'),
        unless no scroll could show it whole (a title wider than the view)."""
        edges, room = self._edges, end - start
        last = edges[-1]
        left = edges[bisect_left(edges, start)] if start < last else start
        if left != start and left - edges[bisect_left(edges, start) - 1] > room:
            left = start
        right = end
        if end < last:
            right = max(left, edges[bisect_right(edges, end) - 1])
            if right != end and edges[bisect_right(edges, end)] - right > room:
                right = end
        return left, right

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self._styles[0] if self._styles else self.rich_style
        if y == 0:
            key: str | None = None
            index = -1
        else:
            index = self.scroll_offset.y + y - 1
            if index >= len(self.row_keys):
                return Strip.blank(width, base)
            key = self.row_keys[index]
        stamp = self.cursor_column if index == self.cursor_row else -1
        token = None if key is None else self.row_token(key)
        drawn = self._drawn.get(key)
        if drawn is None or drawn[0] != stamp or drawn[1] != token:
            drawn = [stamp, token, *self._draw_row(key, index), None]
            self._drawn[key] = drawn
        x = self.scroll_offset.x
        shown = drawn[4]
        if isinstance(shown, tuple) and shown[0] == x and shown[1] == width:
            return cast(Strip, shown[2])  # the same line as last time: cropping costs more than the lookup
        line = self._line(cast(list[Segment], drawn[2]), cast(list[Sequence[Segment]], drawn[3]),
                          key is None, x, width)
        drawn[4] = (x, width, line)
        return line

    def _line(self, fixed: list[Segment], cells: list[Sequence[Segment]], header: bool,
              x: int, width: int) -> Strip:
        """The line on screen: the fixed columns, then the whole columns scrolled into
        view (a column cut by the scroll left blank, see :meth:`_whole_columns`), then
        the fill (as DataTable fills the rest of the line)."""
        base = self._styles[0] if self._styles else self.rich_style
        edges = self._edges
        fixed_width = edges[min(self.fixed_columns, len(edges) - 1)]
        start = x + fixed_width
        left, right = self._whole_columns(start, start + width - fixed_width)
        blank = base if not header else self._styles[1] if self._styles else base
        segments = list(fixed)
        if left > start:
            segments.append(Segment(" " * (left - start), blank))
        col = bisect_right(edges, left) - 1  # the column ``left`` is in
        while col < len(cells) and edges[col] < right:
            first, last = edges[col], edges[col + 1]
            if left <= first and last <= right:
                segments += cells[col]
            else:  # a column wider than the view, cut at its edge
                segments += Strip(cells[col], last - first).crop(max(left, first) - first,
                                                                 min(right, last) - first)
            col += 1
        table = edges[-1]  # the fill runs from there to the view's width (unscrolled)
        fill_end = table + max(0, self.size.width - (table - fixed_width))
        if min(right, fill_end) > max(left, table):
            fill = self._fill_styles()[header]
            segments.append(Segment(" " * (min(right, fill_end) - max(left, table)), fill))
        shown = fixed_width + max(left - start, 0) + max(0, min(right, fill_end) - left)
        tail = start + width - fixed_width - right
        if tail > 0:
            segments.append(Segment(" " * tail, blank))
            shown += tail
        if shown != width:  # (only a view narrower than the fixed columns)
            return Strip(segments).adjust_cell_length(width, base).simplify()
        return Strip(Segment.simplify(segments), width)
