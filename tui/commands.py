"""Command palette entries for every action on the main screen.

Generated from the same bindings as the footer and the help screen, so a new
key is in the palette the moment it exists.
"""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

NAVIGATION = {"cursor(-1)", "cursor(1)"}


class WeighCommands(Provider):
    """Every workbench action, named by its help text, run where its key would run."""

    def _commands(self) -> list[tuple[str, str, DOMNode, str]]:
        from tui.screens.main import MainScreen
        from tui.widgets.matrix import EvidenceMatrix
        from tui.widgets.ranking import RankingPanel

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return []
        out: list[tuple[str, str, DOMNode, str]] = []
        targets: list[tuple[DOMNode, list]] = [
            (screen.query_one(EvidenceMatrix), list(EvidenceMatrix.BINDINGS)),
            (screen.query_one(RankingPanel), list(RankingPanel.BINDINGS)),
            (screen, list(MainScreen.BINDINGS)),
        ]
        seen: set[str] = set()
        for target, bindings in targets:
            for b in Binding.make_bindings(bindings):
                if b.action in NAVIGATION or b.action in seen:
                    continue
                seen.add(b.action)
                title = (b.tooltip or b.description).rstrip(".")
                key = b.key_display or self.app.get_key_display(b)
                out.append((title, f"key: {key}", target, b.action))
        return out

    async def _run(self, target: DOMNode, action: str) -> None:
        await target.run_action(action)

    async def discover(self) -> Hits:
        for title, help_text, target, action in self._commands():
            yield DiscoveryHit(title, partial(self._run, target, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, target, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, target, action),
                          help=help_text)
