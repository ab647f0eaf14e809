"""The verdict at a glance: one bar per hypothesis under the chosen model.

Focusable, so the analyst can pick a hypothesis (↑/↓) and open, edit or delete
it: the matrix's cursor sits on evidence, this panel's on hypotheses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive, var
from textual.widget import Widget

from hypotheses.scoring import Analysis, leader_ids
from hypotheses.scoring_models import DEFAULT_MODEL, ScoringModel, scoring_model
from hypotheses.separation import NOT_SEPARATED, ON_PRIOR, UNRATED, band, line_names, priors_make, top_note
from hypotheses.summary import Verdict, verdict
from hypotheses.visible import visible
from hypotheses.vocabulary import counted
from tui.case_editor import editor
from tui.read_only import GuardsEdits

if TYPE_CHECKING:
    from evidence.store import Store
    from hypotheses.models import Hypothesis
    from tui.case_view import CaseView, Focus
    from tui.shown import Shown

BAR_FULL = "█"
BAR_EMPTY = "░"
BAND_MARK = "≈"
HYPOTHESIS_ACTIONS = frozenset({"open_hypothesis", "edit_hypothesis", "delete_hypothesis"})


def bar_fractions(analysis: Analysis, model: str) -> list[float]:
    """Bar length per hypothesis in [0, 1]; the leader's bar is always full.

    A posterior shows posterior / best posterior. The inconsistency models show
    how far each score sits from the worst one, so longer is always better.
    """
    if scoring_model(model).shows_posterior:
        post = analysis.posterior
        top = max(post, default=0.0) or 1.0
        return [p / top for p in post]
    scores = analysis.models[model].scores
    if not scores:
        return []
    hi, lo = max(scores), min(scores)
    if hi - lo <= 1e-9:
        return [1.0 for _ in scores]
    return [0.08 + 0.92 * (s - lo) / (hi - lo) for s in scores]


LEADER_BAR, BAND_BAR, OTHER_BAR, UNWEIGHED_BAR = "#1a7f37", "#8fd19e", "#5a7fa8", "#9a6a3a"


def row_styles(rank: int, rated: bool, inside: bool) -> tuple[str, str]:
    """(rank style, bar colour) of a ranking row: the leader's bold rank and green bar only
    for a rank-1 hypothesis the evidence weighs (``rated``); a top score on no rated item,
    or one no item tells from the runner-up, is no leader (the verdict says 'No verdict'),
    drawn apart in brown."""
    if not rated and rank == 1:
        return "", UNWEIGHED_BAR
    if rank == 1:
        return "bold", LEADER_BAR
    return "", BAND_BAR if inside else OTHER_BAR


def score_label(analysis: Analysis, model: str, index: int) -> str:
    return scoring_model(model).format_score(analysis.shown(model)[index], 5)


def coverage_label(analysis: Analysis, index: int) -> str:
    """' 12/27 rated +8 −1' for an incomplete column, else ' +8 −1' (for / against)."""
    cov = analysis.coverage[index]
    rated = f" {cov.rated}/{len(analysis.used)} rated" if cov.incomplete else ""
    return f"{rated} +{cov.for_} −{cov.against}"


def model_top(a: Analysis, model: str, few: bool = False) -> str:
    """:func:`model_tops`' full words, or its few (``few``)."""
    return model_tops(a, model)[few]


def model_tops(a: Analysis, model: str) -> tuple[str, str]:
    """A model's top for the disagreement line, as firmly as the verdict names it
    (:func:`top_note`): 'H1,H5'; 'H2, not separated from H1' (``few``: 'H2 (≈H1)') where the
    band holds more than the top (the verdict names no leader: a prior or a fraction of an
    item put H2 first);
    'H1 on its prior' where only unequal priors make it; 'H1 unrated', 'H1,H3 (1 unrated)'
    where no rated item bears on it or on some of it; 'H3 unweighed' where no item tells it
    from the next. Both: in full, and in few words for 80 columns (a long list by its first
    few, :func:`line_names`: fifteen ids cut the line before the last model)."""
    top = leader_ids(a, model)
    ids, few = ",".join(top), line_names(top, sep=",")
    note = top_note(a, model)
    if note == UNRATED.strip():
        return f"{ids} unrated", f"{few} unrated"
    if note.endswith(UNRATED):  # 'H3, H4 on no rated item': how many, the line stays short
        unrated = f"({len(note.removesuffix(UNRATED).split(', '))} unrated)"
        return f"{ids} {unrated}", f"{few} {unrated}"
    if note == NOT_SEPARATED:  # a band the priors make is one all the same: it names no leader
        hids = a.hypothesis_ids
        rest = [hids[i] for i in band(a, model) if hids[i] not in top]
        if rest:  # in few words, the ranking's band mark: 'H5,H6 (≈H1)'
            return f"{ids}, not separated from {','.join(rest)}", f"{few} (≈{line_names(rest, sep=',')})"
        return ids, few
    if note:
        return f"{ids} unweighed", f"{few} unweighed"
    on_prior = f" {ON_PRIOR}" if priors_make(a, model, note) else ""
    return ids + on_prior, few + on_prior


def disagreement_line(a: Analysis, width: int) -> Text:
    """'≠ models disagree on the top score: …', in short words when the full line would be
    cut (80 columns): every model and every leader stays in view (a long list by its first
    few), each said as firmly as the verdict would (:func:`model_tops`), models with the
    same top named together."""
    tops: dict[str, tuple[str, list[ScoringModel]]] = {}  # models that share a top are named together
    for m in a.models:
        full, few = model_tops(a, m)
        tops.setdefault(full, (few, []))[1].append(scoring_model(m))
    head = "≠ models disagree on the top score: "
    names = " · ".join(f"{', '.join(sm.short for sm in sms)} {top}" for top, (_, sms) in tops.items())
    if width and len(head) + len(names) > width:
        head = "≠ tops differ: "
        names = " · ".join(f"{', '.join(sm.abbr for sm in sms)} {brief}" for brief, sms in tops.values())
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(head, style="bold #c05600")
    line.append(names, style="#c05600")
    return line


def filter_label(view: CaseView) -> str | None:
    """The ranking's note when it scores only the filtered items (f)."""
    state = view.state
    if not (state.filter_query and state.score_shown):
        return None
    return f"{state.filter_query}, only the {len(view.shown)} shown (f: all)"


class RankingPanel(GuardsEdits, Widget, can_focus=True):
    """Hypotheses best first, with bars, the disagreement mark and the evidence count;
    bound to ``MainScreen.shown``."""

    EDITS: ClassVar[frozenset[str]] = frozenset({"edit_hypothesis", "delete_hypothesis"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Up", show=False, tooltip="Select the hypothesis above"),
        Binding("down,j", "cursor(1)", "Down", show=False, tooltip="Select the hypothesis below"),
        Binding("home", "cursor_to(0)", "First", show=False, tooltip="Select the first hypothesis"),
        Binding("end", "cursor_to(-1)", "Last", show=False, tooltip="Select the last hypothesis"),
        Binding(
            "enter",
            "open_hypothesis",
            "Why",
            tooltip="Open the hypothesis view: coverage, evidence against and for, indicators",
        ),
        Binding("e", "edit_hypothesis", "Edit hyp.", tooltip="Edit the selected hypothesis"),
        Binding(
            "delete",
            "delete_hypothesis",
            "Delete hyp.",
            tooltip="Delete the selected hypothesis (asks first; u undoes)",
        ),
    ]
    cursor: reactive[int] = reactive(0)
    shown: var[Shown | None] = var(None, init=False)
    cell: var[Focus] = var((None, None), init=False)  # the matrix's cursor

    class ShowItem(Message):
        """Put the matrix's cursor on this item (chosen in the hypothesis view)."""

        def __init__(self, eid: str | None, hid: str | None) -> None:
            super().__init__()
            self.eid, self.hid = eid, hid

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.analysis: Analysis | None = None
        self.model: str = DEFAULT_MODEL
        self.filtered: str | None = None
        self.total = 0
        self.bar_width = 20
        # the lines drawn, and the analysis and view they were drawn for
        self._lines: tuple[Analysis | None, tuple[object, ...], list[Text]] | None = None

    def watch_shown(self, shown: Shown | None) -> None:
        view = shown.session.view if shown is not None else None
        if view is None:
            return  # still opening: the panel keeps what it showed
        if view.case is None:  # no case open (the last one deleted): nothing of one is left on show
            if self.analysis is not None:
                self.analysis = None
                self.refresh(layout=True)
            return
        if view.analysis is None:
            return
        self.show(view.analysis, view.state.model, filter_label(view),
                  len(view.scored.evidence) if view.scored else 0)

    def show(self, analysis: Analysis, model: str, filtered: str | None, total: int) -> None:
        """New verdict: redraw (one line per hypothesis). The same verdict again (a sort,
        a filter that scores the whole case) redraws nothing."""
        if (analysis is self.analysis and model == self.model and filtered == self.filtered
                and total == self.total):
            return
        self.analysis = analysis
        self.model = model
        self.filtered = filtered
        self.total = total
        n = len(analysis.case.hypotheses)
        if n and self.cursor >= n:
            self.cursor = n - 1
        # a new height only when the number of lines changes: no re-layout of the screen; not
        # laid out yet (under its loading indicator), the layout works the lines out at its width
        self.refresh(layout=not self.size.width or len(self.lines()) != self.size.height)

    def selected_id(self) -> str | None:
        """The hypothesis under this panel's cursor (in ranked order)."""
        if self.analysis is None or not self.analysis.case.hypotheses:
            return None
        order = self.analysis.models[self.model].order
        return self.analysis.case.hypotheses[order[min(self.cursor, len(order) - 1)]].id

    def select(self, hid: str) -> None:
        if self.analysis is None:
            return
        order = self.analysis.models[self.model].order
        ids = [self.analysis.case.hypotheses[i].id for i in order]
        if hid in ids:
            self.cursor = ids.index(hid)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys on a hypothesis are dimmed in the footer (and do nothing) while no case
        shows; those that edit, while the database is read-only too."""
        if action in HYPOTHESIS_ACTIONS and (self.shown is None or self.shown.session.case is None):
            return None
        if self.why_refused(action) is not None:
            return None
        return True

    def edited_store(self) -> Store | None:
        return None if self.shown is None else self.shown.session.store

    def selected(self) -> Hypothesis | None:
        """This panel's choice when it has focus, else the matrix's column (the palette)."""
        case = self.shown.session.case if self.shown is not None else None
        if case is None:
            return None
        hid = self.selected_id() if self.has_focus else self.cell[1]
        if hid is None:
            hid = self.selected_id()
        if hid is None:
            self.notify("No hypothesis selected", severity="warning")
            return None
        return case.hypothesis(hid)

    def action_open_hypothesis(self) -> None:
        """Why it stands where it does: coverage, evidence against and for, indicators."""
        from tui.screens.hypothesis_view import HypothesisView  # on first use

        hid = self.selected_id()
        view = self.shown.session.view if self.shown is not None else None
        if hid is None or view is None or view.analysis is None:
            self.notify("No hypothesis selected", severity="warning")
            return

        def chosen(eid: str | None) -> None:
            self.post_message(self.ShowItem(eid, hid))

        self.app.push_screen(HypothesisView(view.analysis, hid, view.state.model,
                                            view.state.judged_on(), filter_label(view)), chosen)

    def action_edit_hypothesis(self) -> None:
        hyp = self.selected()
        if hyp is None or self.shown is None:
            return
        from tui.screens.hypothesis_form import HypothesisForm  # on first use: off the start-up path

        session, focus = self.shown.session, self.cell
        editor(self).ask(HypothesisForm(hyp, hyp.id),
                         lambda new: session.update_hypothesis(hyp, new, focus), refocus=False)

    def action_delete_hypothesis(self) -> None:
        hyp = self.selected()
        if hyp is None or self.shown is None:
            return
        from tui.screens.confirm import ConfirmScreen

        session, eid = self.shown.session, self.cell[0]
        editor(self).ask(ConfirmScreen(f"Delete hypothesis {hyp.id} “{hyp.title}” and all its "
                                       "ratings? (u undoes)"),
                         lambda _: session.delete_hypothesis(hyp.id, eid), refocus=False)

    def action_cursor(self, step: int) -> None:
        if self.analysis and self.analysis.case.hypotheses:
            self.cursor = max(0, min(self.cursor + step, len(self.analysis.case.hypotheses) - 1))

    def action_cursor_to(self, row: int) -> None:
        """To the first row (0) or the last (-1)."""
        if self.analysis and self.analysis.case.hypotheses:
            self.cursor = range(len(self.analysis.case.hypotheses))[row]

    def watch_cursor(self) -> None:
        self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def lines(self, width: int | None = None) -> list[Text]:
        """The panel as text lines: header, one per hypothesis, caveat (worked out once
        per state: the layout asks for them as well as the render), ``width`` wide (the
        layout's, which the panel has only once laid out; by default its own)."""
        width = self.size.width if width is None else width
        self.bar_width = 10 if width < 100 else 20  # follows the width it is drawn at
        key = (self.model, self.filtered, self.total, width, self.bar_width,
               self.has_focus, self.cursor, self.styles.max_height)
        last = self._lines
        if last is not None and last[0] is self.analysis and last[1] == key:
            return last[2]
        lines = self._make_lines(width)
        self._lines = (self.analysis, key, lines)
        return lines

    def _make_lines(self, width: int) -> list[Text]:
        a = self.analysis
        if a is None:
            return [Text("No case open")]
        model = self.model
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(scoring_model(model).label, style="bold")
        head.append(f"   {len(a.used)} of {counted(self.total, 'item')} used", style="")
        if a.as_of is not None:
            head.append(f"   as of {a.as_of.isoformat()}", style="bold")
        if self.filtered:
            head.append("   filtered view: ", style="bold reverse")
            head.append(visible(self.filtered), style="reverse")
        out = [head]
        if not a.agree and any(c.rated for c in a.coverage):  # nothing rated: no top to differ on
            out.append(disagreement_line(a, width - 2))
        if not a.case.hypotheses:
            out.append(Text("No hypotheses yet: press A to add one", style="italic"))
            return out
        heading = len(out)
        fractions = bar_fractions(a, model)
        ranks = a.models[model].ranks
        # overdue judged as the view does: on the as-of date when one is set, else today
        today = self.shown.session.view.state.judged_on() if self.shown is not None else None
        v = verdict(a, model, today)
        inside = set(v.band) if not v.separated else set()
        # each id whole with a space before its bar, the bars in line (a case file from
        # elsewhere may use ids of up to 32 characters)
        id_width = max([4, *(len(h.id) + 1 for h in a.case.hypotheses)])
        for pos, i in enumerate(a.models[model].order):
            hyp = a.case.hypotheses[i]
            filled = round(fractions[i] * self.bar_width)
            line = Text(no_wrap=True, overflow="ellipsis")
            # no rank-1 row is the leader's when the verdict names none for want of ratings
            rank_style, bar_style = row_styles(ranks[i], not v.unweighed, hyp.id in inside)
            line.append(f"{ranks[i]:>2}", style=rank_style)
            # ≈: within one medium item of the best, so not separated from it
            line.append(BAND_MARK if hyp.id in inside else " ", style="bold #1a7f37")
            line.append(f"{hyp.id:<{id_width}}", style="bold")
            line.append(BAR_FULL * filled, style=bar_style)
            line.append(BAR_EMPTY * (self.bar_width - filled), style="#9a9a9a")
            line.append(f" {score_label(a, model, i)}")
            cov = a.coverage[i]
            line.append(coverage_label(a, i) + "  ", style="bold #c05600" if cov.incomplete else "#6e7781")
            line.append(visible(hyp.title))
            if self.has_focus and pos == self.cursor:
                line.stylize("reverse")
            out.append(line)
        tail = self.verdict_lines(v, width - self.styles.gutter.width)
        caveat = scoring_model(model).short_caveat
        if caveat:
            tail.append(Text(caveat, style="italic"))
        return self._fit(out[:heading], out[heading:], tail)

    def _fit(self, head: list[Text], rows: list[Text], tail: list[Text]) -> list[Text]:
        """What fits the panel's height (its max-height less its border): the header, the
        rows around the cursor, the verdict lines, and one line saying what is left out and
        where to read it; never a row or a warning cut off unsaid."""
        most = self.styles.max_height
        room = most.cells - self.styles.gutter.height if most is not None and most.cells else None
        if room is None or len(head) + len(rows) + len(tail) <= room:
            return [*head, *rows, *tail]
        free = room - len(head) - 1  # the note takes a line
        # the rows first, then the verdict: its headline and first warning at least
        window = min(len(rows), max(1, free - min(2, len(tail))))
        kept_tail = tail[: max(0, free - window)]
        start = min(max(0, self.cursor - window // 2), max(0, len(rows) - window))
        hidden_rows, hidden_tail = len(rows) - window, len(tail) - len(kept_tail)
        said = []
        if hidden_rows:
            said.append(f"{counted(hidden_rows, 'more hypothesis')} (↑/↓ here)")
        if hidden_tail:
            said.append(f"{counted(hidden_tail, 'more line')} of the verdict (enter: the hypothesis view)")
        note = Text("… " + "; ".join(said), style="italic #6e7781", no_wrap=True, overflow="ellipsis")
        if not hidden_rows:  # where what it tells of is missing: below the verdict lines shown
            return [*head, *rows[start:start + window], *kept_tail, note]
        return [*head, *rows[start:start + window], note, *kept_tail]

    @staticmethod
    def verdict_lines(v: Verdict, width: int = 0) -> list[Text]:
        """Why the leader leads and how firmly, or the band the evidence does not separate
        (in the fewer words a line ``width`` cells wide takes; 0: no limit); a warning when
        that is thin; what would tell the contenders apart."""
        if not v.leaders:
            return []
        alarm = v.unweighed or not v.separated
        brief = v.brief_within(lambda words: width <= 0 or cell_len(words) <= width)
        out = [Text(brief, style="bold #c05600" if alarm else "bold", no_wrap=True, overflow="ellipsis")]
        # nothing rated on any leader: "no verdict" says it all, and a warning per leader
        # (untested, incomplete, not separated) would push the rows to rate off an 80×24 screen
        if not all(c.rated == 0 for c in v.coverage):
            out += [Text(f"⚠ {w}", style="bold #c05600", no_wrap=True, overflow="ellipsis")
                    for w in v.brief_warnings]
        if v.brief_watch:
            out.append(Text(f"→ {v.brief_watch}", style="#0969da", no_wrap=True, overflow="ellipsis"))
        return out

    def render(self) -> Text:
        return Text("\n", no_wrap=True, overflow="ellipsis").join(self.lines())

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
