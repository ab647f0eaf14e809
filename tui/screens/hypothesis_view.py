"""One hypothesis, explained: why it stands where it does in the ranking.

Its description, how much it rests on (coverage), the evidence against it and
for it (strongest first) and the indicators that would move it. Enter on an
evidence line closes the view on that item in the matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from hypotheses.explain import Brief, Rival, Weighed, brief, rivals
from hypotheses.scoring import FOR_CODES, log_priors
from hypotheses.scoring_models import scoring_model
from hypotheses.separation import (
    BARELY_TESTED,
    ON_PRIOR,
    band,
    priors_make,
    priors_weigh,
    untold,
    untold_note,
)
from hypotheses.summary import coverage_text, items_text, verdict
from hypotheses.visible import visible
from hypotheses.vocabulary import RATING_NAMES
from tui.screens.dialog import Dialog
from tui.widgets.matrix import RATING_STYLES

if TYPE_CHECKING:
    from hypotheses.models import Hypothesis
    from hypotheses.scoring import Analysis

STRENGTH_NOTE = "strength: what an item moves this model's score by, in medium items"
KEYS = "enter: go to the item · esc: close"
SCROLL_KEYS = "enter: to the item · tab: the text above (it scrolls) · esc: close"


def filtered_note(filtered: str | None) -> Text:
    """' · filtered view: #tag, only the 5 shown (f: all)' when the verdict is the filter's
    items' alone (the ranking panel's words), else nothing: a lead on some items must not
    read as the case's."""
    out = Text()
    if filtered:
        out.append(" · ")
        out.append("filtered view: ", style="bold reverse")
        out.append(visible(filtered), style="reverse")
    return out


def coverage_line(b: Brief) -> Text:
    """'12/27 rated, 4 for, 3 against · 15 not rated: incomplete' (the reports' words)."""
    out = Text()
    out.append("Coverage: ", style="bold")
    out.append(coverage_text(b.coverage, b.used))
    out.append(f" · tested {b.coverage.tested}", style="bold" if b.coverage.tested < BARELY_TESTED else "")
    out.append(" (items for or against it)", style="dim")
    if b.coverage.incomplete:
        out.append(f" · {b.coverage.unrated} not rated: ")
        out.append("incomplete", style="bold #c05600")
        out.append(" (an unrated item counts as no evidence against it)", style="dim")
    return out


def verdict_lines(analysis: Analysis, model: str, index: int, today: date | None = None) -> Text:
    """Why it leads and how firmly (the reports' verdict), or how far behind it is
    (``today``: the day an indicator to watch is judged overdue on)."""
    sm = scoring_model(model)
    scores = analysis.models[sm.name]
    out = Text()
    if index in scores.top:
        v = verdict(analysis, model, today)
        out.append(v.headline, style="bold #c05600" if v.unweighed else "")
        for warning in v.warnings:
            out.append("\n⚠ ", style="bold #c05600")
            out.append(warning, style="#c05600")
        if v.watch_line:
            out.append(f"\n→ {v.watch_line}")
        return out
    best = max(scores.scores)
    gap = best - scores.scores[index]
    top = sorted(scores.top)
    leaders = ", ".join(analysis.case.hypotheses[i].id for i in top)
    out.append(f"Behind {leaders} by {sm.format_margin(gap)} ({items_text(sm.items(gap))} rated I)")
    if any(not analysis.coverage[i].rated for i in top):  # a top score, not a leader
        out.append(", a top score no rated item bears on", style="#c05600")
    hyps = analysis.case.hypotheses
    if priors_weigh(hyps, model):  # a prior typed in is no evidence
        lp = log_priors(hyps)
        prior = lp[top[0]] - lp[index]
        rest = gap - prior
        way = f"{rest:.2f}" if rest > -0.005 else f"{-rest:.2f} the other way"
        out.append(f"; the priors give {prior:.2f} of it, the evidence {way}", style="#c05600")
    return out


def standing_line(analysis: Analysis, model: str, index: int) -> Text:
    """Its rank and score under the model on show, and whether it leads."""
    scores = analysis.models[model]
    n = len(scores.scores)
    out = Text()
    out.append("Standing: ", style="bold")
    sm = scoring_model(model)
    out.append(f"rank {scores.ranks[index]} of {n} under {sm.short}")
    kind = "posterior" if sm.shows_posterior else "score"
    out.append(f" ({kind} {sm.format_score(analysis.shown(model)[index])})")
    inside = band(analysis, model)
    others = ", ".join(analysis.hypothesis_ids[i] for i in inside if i != index)
    if index in scores.top and not analysis.coverage[index].rated:  # the verdict: no verdict
        near = f"; not separated from {others}" if index in inside and others else ""
        out.append(f" · top score on no rated item: no verdict{near}", style="bold #c05600")
    elif index in scores.top and (untold_ids := untold(analysis, model)):
        out.append(f" · top score, but {untold_note(untold_ids)}: no verdict", style="bold #c05600")
    elif index in inside and len(inside) > 1:
        what = "top score" if index in scores.top else "within one medium item of the top"
        out.append(f" · {what}, not separated from {others}", style="bold #c05600")
    elif index in scores.top:
        words = " · leads" if len(scores.top) == 1 else " · shares the lead"
        # a lead a typed-in prior makes is no finding: said here as on the as-of line
        out.append(f"{words} {ON_PRIOR}" if priors_make(analysis, model, "") else words, style="bold")
    return out


def rivals_heading(analysis: Analysis, model: str) -> str:
    """'Closest rivals under Bayes', saying where unequal priors make part of each gap: the
    gaps below read as evidence ('2.7 medium items behind') under a verdict that may say the
    evidence alone does not separate them."""
    words = f"Closest rivals under {scoring_model(model).short}"
    return words + (" (each gap holds the priors' share)" if priors_weigh(analysis.case.hypotheses, model)
                    else "")


def rival_heading(r: Rival, model: str) -> Text:
    """'H2 0.7 medium items behind · 7 items tell them apart (3 favour H1, 4 H2)' (where the
    rival stands against this hypothesis)."""
    sm = scoring_model(model)
    s = r.separation
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f" {r.hypothesis_id:<5}", style="bold")
    items = sm.items(abs(r.gap))
    where = "level" if items < 0.05 else "behind" if r.gap > 0 else "ahead"  # the rival, against it
    out.append(f" {items_text(items, short=True)} {where}" if where != "level" else " level", style="dim")
    if not s.items:
        out.append(" · no item tells them apart", style="bold #c05600")
    else:
        plural = "item tells" if s.items == 1 else "items tell"
        out.append(f" · {s.items} {plural} them apart ({s.favour_a} favour {s.a}, {s.favour_b} {s.b})")
    return out


def rival_item(ev_id: str, title: str, mine: str, theirs: str) -> Text:
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("   ")
    out.append(f" {mine:<2} ", style=RATING_STYLES[mine])
    out.append(" ")
    out.append(f" {theirs:<2} ", style=RATING_STYLES[theirs])
    out.append(f"  {ev_id:<5} ", style="bold")
    out.append(visible(title))
    return out


def evidence_prompt(w: Weighed) -> Text:
    """One line: rating chip, id, strength, title (user text, never markup)."""
    ev = w.evidence
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f" {w.code:<2} ", style=RATING_STYLES[w.code])
    out.append(f" {ev.id:<5} ", style="bold")
    out.append(f"{w.strength:4.2f}  ", style="dim")
    out.append(visible(ev.title))
    if w.group_size > 1:
        out.append(f"  (group {ev.group}: 1/{w.group_size})", style="dim")
    return out


class HypothesisView(Dialog[str | None]):
    """Dismisses with an evidence id to select in the matrix, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss(None)", "Close", tooltip="Close the hypothesis view"),
    ]

    def __init__(self, analysis: Analysis, hypothesis_id: str, model: str, today: date,
                 filtered: str | None = None) -> None:
        super().__init__()
        self.analysis = analysis
        self.filtered = filtered  # scored on the filter's items only: said, as the ranking does
        self.model = model
        self.today = today
        self.hypothesis: Hypothesis = analysis.case.hypothesis(hypothesis_id)
        self.index = analysis.hypothesis_ids.index(hypothesis_id)
        self.brief = brief(analysis, hypothesis_id, model)
        self.rivals = rivals(analysis, model, hypothesis_id)
        self.targets: dict[str, str] = {}  # option id → the evidence id enter goes to

    def compose(self) -> ComposeResult:
        hyp, b = self.hypothesis, self.brief
        head = Text()
        head.append(f" {hyp.id} ", style="bold reverse")
        head.append(" ")
        head.append(visible(hyp.title), style="bold")
        head.append("\n")
        # what decides its place first; its description last (the panel is short at 80×24)
        head.append_text(standing_line(self.analysis, self.model, self.index))
        if self.analysis.as_of is not None:
            head.append(f" · as of {self.analysis.as_of.isoformat()}", style="italic")
        head.append_text(filtered_note(self.filtered))
        head.append("\n")
        head.append_text(coverage_line(b))
        head.append("\n")
        head.append_text(verdict_lines(self.analysis, self.model, self.index, self.today))
        if hyp.description:
            head.append("\n")
            head.append(visible(hyp.description, lines=True), style="italic")
        self.head = head
        with Vertical(id="hyp-view", classes="form-dialog -wide"):
            # scrolls (tab to it) where a short terminal cannot show it whole: cut, it lost
            # its last warnings and the description mid-sentence, without a word
            with VerticalScroll(id="hyp-head"):
                yield Static(head)
            yield OptionList(*self._options(), id="hyp-lines")
            yield Static(
                Text(f"{KEYS} · {STRENGTH_NOTE}", style="italic"),
                id="hyp-keys", classes="dialog-keys",
            )

    def _options(self) -> list[Option]:
        b = self.brief
        out: list[Option] = []

        def heading(text: str, key: str) -> None:
            out.append(Option(Text(text, style="bold underline"), id=f"head-{key}", disabled=True))

        heading(f"Against it ({len(b.against)}, strongest first)", "against")
        out += [Option(evidence_prompt(w), id=f"ev-{w.evidence.id}") for w in b.against]
        if not b.against:
            out.append(Option(Text("  nothing taking part is rated I or II", style="dim"),
                              id="none-against", disabled=True))
        # the inconsistency models count only what is against: an item for it moves nothing there
        sm = scoring_model(self.model)
        counts_for = any(sm.values.get(code, 0) for code in FOR_CODES)
        heading(f"For it ({len(b.for_)}, strongest first)" if counts_for or not b.for_ else
                f"For it ({len(b.for_)}; {sm.short} counts only what is against)", "for")
        out += [Option(evidence_prompt(w), id=f"ev-{w.evidence.id}") for w in b.for_]
        if not b.for_:
            out.append(Option(Text("  nothing taking part is rated C or CC", style="dim"),
                              id="none-for", disabled=True))
        out += self._rival_options(heading)
        heading(f"Indicators ({len(b.indicators)})", "indicators")
        for ind in b.indicators:
            code = ind.ratings[self.hypothesis.id]
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f" {code:<2} ", style=RATING_STYLES[code])
            line.append(f" {ind.id:<5} ", style="bold")
            status = "overdue" if ind.overdue(self.today) else ind.status
            line.append(f"{status:<9}", style="bold #c05600" if status == "overdue" else "dim")
            line.append(visible(ind.title))
            line.append(f"  (would be {RATING_NAMES[code]})", style="dim")
            out.append(Option(line, id=f"ind-{ind.id}", disabled=True))
        if not b.indicators:
            out.append(Option(Text("  no indicator rates it", style="dim"),
                              id="none-indicators", disabled=True))
        return out

    def _rival_options(self, heading: Callable[[str, str], None]) -> list[Option]:
        """Its closest rivals under the model on show, each with the items that tell them apart
        (its code first, the rival's second)."""
        if not self.rivals:
            return []
        heading(rivals_heading(self.analysis, self.model), "rivals")
        out: list[Option] = []
        for r in self.rivals:
            out.append(Option(rival_heading(r, self.model), id=f"rival-{r.hypothesis_id}", disabled=True))
            for ev, mine, theirs in r.items:
                oid = f"rv{len(self.targets)}"
                self.targets[oid] = ev.id
                out.append(Option(rival_item(ev.id, ev.title, mine, theirs), id=oid))
        return out

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_keys)

    def _say_keys(self) -> None:
        """Name tab only where the text above has more than it shows (a short terminal)."""
        scrolls = self.query_one("#hyp-head", VerticalScroll).max_scroll_y > 0
        self.query_one("#hyp-keys", Static).update(
            Text(f"{SCROLL_KEYS if scrolls else KEYS} · {STRENGTH_NOTE}", style="italic"))

    def on_mount(self) -> None:
        lines = self.query_one(OptionList)
        lines.focus()
        for i in range(lines.option_count):
            if not lines.get_option_at_index(i).disabled:
                lines.highlighted = i
                break

    @on(OptionList.OptionSelected, "#hyp-lines")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id or ""
        if oid.startswith("ev-"):
            self.dismiss(oid[3:])
        elif oid in self.targets:
            self.dismiss(self.targets[oid])
