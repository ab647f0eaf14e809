"""Command palette entries for every action on the main screen.

Generated from the same bindings as the footer and the help screen (the screen's
``key_sections``), so a new key is in the palette the moment it exists.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widget import Widget

from tui.keys import ShowsKeys
from tui.read_only import say_why_refused

NAVIGATION = {"cursor(-1)", "cursor(1)", "cursor_to(0)", "cursor_to(-1)"}

# The words people type for each action, beyond its help text ("history" finds
# the ranking history). Keyed by the action's name without "screen." or arguments, or
# for open_view('…') and form('…') by the view or form it opens.
WORDS: dict[str, str] = {
    "rate": "rating score mark consistent inconsistent neutral clear",
    "note": "note comment annotate why reason explain",
    "toggle_excluded": "exclude what-if ignore include skip",
    "edit_evidence": "change modify evidence item",
    "delete_evidence": "remove evidence item",
    "edit_hypothesis": "change modify rename hypothesis",
    "delete_hypothesis": "remove hypothesis",
    "to_title": "title column cursor",
    "cycle_model": "scoring model bayes weighted inconsistency parc",
    "cycle_lens": "lens team analyst consensus votes whose view switch colleague",
    "toggle_reveal": "votes show hide others anchoring team colleagues reveal",
    "analysts": "analysts leaders team disagree leader colleagues who",
    "make_team": "make team analysts colleagues share group several",
    "cycle_sort": "sort order arrange diagnosticity weight date disagreement discuss team",
    "filter": "filter search find tag narrow",
    "toggle_score_shown": "filter scores score only shown subset",
    "step_date": "as-of date time timeline replay back forward earlier later",
    "add_evidence": "add new evidence item",
    "add_hypothesis": "add new hypothesis column",
    "undo": "undo revert back restore",
    "redo": "redo again repeat forward",
    "toggle_detail": "detail details pane panel side",
    "export": "export save write report markdown html json csv achz file share",
    "switch_case": "cases case open switch new import delete file",
    "ranking_history": "history changes audit log past verdict timeline leader",
    "case_details": "case details title question description conclusion judgement summary",
    "open_hypothesis": "why explain hypothesis view coverage for against leader indicators",
    "indicators": "indicators milestones watch expect observed lapsed overdue step 8",
    "separation": "tell apart separate pairs separation band distinguish rivals which evidence",
    "conclusion": "conclusion bottom line judgement read whole",
    "help": "help keys shortcuts bindings",
}


def action_words(action: str) -> str:
    """The extra search words of an action string like ``rate('C')``, or of the view or
    form an ``open_view('…')`` or ``form('…')`` opens."""
    name, _, args = action.removeprefix("screen.").partition("(")
    return WORDS.get(name) or WORDS.get(args.rstrip(")").strip("'\""), "")


class WeighCommands(Provider):
    """Every action of the screen on show, named by its help text, run where its key would run."""

    def _commands(self) -> list[tuple[str, str, Widget | App[Any], str]]:
        screen = self.screen
        if not isinstance(screen, ShowsKeys):
            return []
        out: list[tuple[str, str, Widget | App[Any], str]] = []
        seen: set[str] = set()
        for section in screen.key_sections():
            if not section.in_palette:
                continue
            for b in Binding.make_bindings(section.bindings):
                if b.action in NAVIGATION or b.action in seen:
                    continue
                seen.add(b.action)
                title = (b.tooltip or b.description).rstrip(".")
                key = b.key_display or self.app.get_key_display(b)
                out.append((title, f"key: {key}", section.target, b.action))
        return out

    async def _run(self, target: Widget | App[Any], action: str) -> None:
        if not say_why_refused(target, action):  # an edit a read-only database refuses
            await target.run_action(action)

    async def discover(self) -> Hits:
        for title, help_text, target, action in self._commands():
            yield DiscoveryHit(title, partial(self._run, target, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, target, action in self._commands():
            # the title first; the words people search for next (ranked a little lower)
            score = matcher.match(title) or 0.9 * matcher.match(action_words(action))
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, target, action),
                          help=help_text)
