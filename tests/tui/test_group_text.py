"""Same-fact groups and the conclusion line, below the UI: filter words, marks, detail text."""

from __future__ import annotations

from rich.console import Console

from hypotheses.models import Evidence, Hypothesis
from tui.widgets.conclusion_line import MORE, conclusion_lines
from tui.widgets.detail import describe_evidence
from tui.widgets.filter_bar import matches
from tui.widgets.matrix import MARK_GROUP, RowFacts, mark_text

A = Evidence(id="E1", title="drafting was real", tags=["draft"], group="drafting")
B = Evidence(id="E2", title="drafting again", tags=["draft"])


def test_filter_by_group_name_or_any_group() -> None:
    assert matches(A, "=drafting") and not matches(B, "=drafting")
    assert matches(A, "=") and not matches(B, "=")
    assert matches(A, "#draft =DRAFTING real")  # all must match, any case
    assert not matches(A, "=draft")  # the whole name, not a prefix


def test_group_mark_in_the_mark_column() -> None:
    facts = RowFacts(active=True, excluded=True, later=False, diagnosticity=0.0, linchpin=True,
                     rated=2)
    assert mark_text(facts, grouped=True).plain.endswith(MARK_GROUP)
    assert MARK_GROUP not in mark_text(facts).plain


def test_detail_names_the_group_and_the_other_items_in_it() -> None:
    hyps = [Hypothesis(id="H1", title="x")]
    text = describe_evidence(A, hyps, diagnosticity=0.0, linchpin=(), column=None, later=False,
                             group_members=["E1", "E5", "E9"]).plain
    assert "same fact: =drafting (3 items, counted once)  with E5, E9" in text
    text = describe_evidence(B, hyps, diagnosticity=0.0, linchpin=(), column=None, later=False).plain
    assert "same fact: —" in text


def test_bottom_line_wraps_then_ends_in_an_ellipsis() -> None:
    console = Console(width=200)
    words = "The talks failed because [bold]trust[/] collapsed after Bucha. " * 5
    one = conclusion_lines(words, 60, 1, console)
    assert one.plain.startswith("Bottom line: The talks failed")
    assert one.plain.endswith("… · B: whole conclusion") and len(one.plain) <= 60 and "\n" not in one.plain
    two = conclusion_lines(words, 60, 2, console)
    assert two.plain.count("\n") == 1 and two.plain.endswith("…" + MORE)
    huge = conclusion_lines("word " * 50_000, 80, 2, console)
    assert huge.plain.count("\n") == 1 and huge.plain.endswith("…" + MORE)
    spaced = conclusion_lines("short" + " " * 5_000 + "hidden", 80, 2, console)
    assert spaced.plain.endswith("…" + MORE) and "hidden" not in spaced.plain
    hostile = conclusion_lines("Clear \x1b[2J screen \x07 [bold]x[/]", 80, 2, console).plain
    assert "\x1b" not in hostile and "\x07" not in hostile and "␛[2J" in hostile
    assert "[bold]x[/]" in hostile
    narrow = conclusion_lines(words, 30, 1, console).plain
    assert narrow.endswith("…") and len(narrow) <= 30  # no room for the pointer: just cut


def test_bottom_line_is_the_first_line_and_points_to_the_rest() -> None:
    console = Console(width=200)
    only = conclusion_lines("\n  H3 is out; H1, H2 not separated.  \n", 80, 2, console)
    assert only.plain == "Bottom line: H3 is out; H1, H2 not separated."  # nothing more: no pointer
    more = conclusion_lines("H3 is out.\n\nWhy: the drafting was real.", 80, 2, console)
    assert more.plain == "Bottom line: H3 is out." + MORE
    assert "drafting" not in more.plain


def test_bottom_line_keeps_the_pointer_on_a_second_line_when_the_first_is_full() -> None:
    console = Console(width=200)
    full = "word " * 12 + "wordyyy"  # with the label: one full line of 80
    two = conclusion_lines(full + "\nMore.", 80, 2, console)
    assert "…" not in two.plain and two.plain.endswith("\nB: whole conclusion")  # whole, on its own line
    one = conclusion_lines(full + "\nMore.", 80, 1, console).plain
    assert one.endswith("…" + MORE) and len(one) <= 80
