"""The launch baseline, ``python -m tests.benchmarks.hello``: the smallest Textual app, run as
weigh is (on a real terminal). It imports Textual and nothing else, so the ratio is weigh's
own cost, not the benchmark's."""

from textual.app import App, ComposeResult
from textual.widgets import Static

GREETING = "Hello, world"


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(GREETING)


if __name__ == "__main__":
    Hello().run()
