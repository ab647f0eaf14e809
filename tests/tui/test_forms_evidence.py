"""The evidence form, driven by keys through a tiny host app."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input, Static

from hypotheses.models import Evidence, Hypothesis
from tests.tui.host import Host, press_at_once, shown
from tui.screens.evidence_form import EvidenceForm
from tui.widgets.choice_line import ChoiceLine
from tui.widgets.rating_picker import RatingPicker

HYPS = [
    Hypothesis(id="H1", title="Russia negotiated in bad faith"),
    Hypothesis(id="H2", title="The West [bold]pressed[/] Kyiv to stop [@click=app.quit]"),
    Hypothesis(id="H3", title="Bucha made talks impossible 🕯"),
]


async def goto(pilot: Pilot, widget_id: str) -> None:
    """Tab (or shift+tab, whichever is shorter) through the form to a widget."""
    chain = [w.id for w in pilot.app.screen.focus_chain]
    focused = pilot.app.focused
    here = chain.index(focused.id) if focused is not None else 0
    steps = (chain.index(widget_id) - here) % len(chain)
    if steps <= len(chain) // 2:
        await pilot.press(*["tab"] * steps)
    else:
        await pilot.press(*["shift+tab"] * (len(chain) - steps))
    assert pilot.app.focused is not None and pilot.app.focused.id == widget_id


async def fill(pilot: Pilot, widget_id: str, text: str) -> None:
    """Go to a text field, clear it and type (a run of keys at once: the form's keys are
    tab and ctrl+u; each character waited for adds nothing)."""
    await goto(pilot, widget_id)
    await pilot.press("end", "ctrl+u")
    await press_at_once(pilot, *text)


async def choose(pilot: Pilot, widget_id: str, steps: int) -> None:
    """Go to a choice line and step right (or left) through its choices."""
    await goto(pilot, widget_id)
    await pilot.press(*(["right"] * steps if steps > 0 else ["left"] * -steps))


async def test_new_evidence_every_field_by_keyboard() -> None:
    app = Host(lambda: EvidenceForm(HYPS, new_id="E41"))
    async with app.run_test(size=(80, 24)) as pilot:
        # the hypotheses' titles shown literally (the [@click=app.quit] in one does nothing)
        titles = [str(w.render()) for w in app.screen.query(".hypothesis-title").results(Static)]
        assert titles == [h.title for h in HYPS]
        assert app.focused is app.screen.query_one("#title", Input)
        await press_at_once(pilot, *"[link=x]Poison[/link]?")
        await pilot.press("tab", *"WSJ.", "enter", *"No.")
        await fill(pilot, "source", "WSJ")
        await fill(pilot, "url", "http://a.io")
        await fill(pilot, "event_date", "2022-03-03")
        await fill(pilot, "reported_date", "2022-03-28")
        await fill(pilot, "tags", "Kyiv, A-B  kyiv")
        await fill(pilot, "admiralty", "c3")
        await choose(pilot, "relevance", 1)  # medium → high
        await choose(pilot, "kind", 1)  # report → claim
        await choose(pilot, "rating-0", 2)  # blank → CC → C
        await fill(pilot, "note-0", "fits")
        await choose(pilot, "rating-2", 5)  # blank → … → II
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [
        Evidence(
            id="E41",
            title="[link=x]Poison[/link]?",
            details="WSJ.\nNo.",
            source="WSJ",
            url="http://a.io",
            event_date=date(2022, 3, 3),
            reported_date=date(2022, 3, 28),
            tags=["kyiv", "a-b"],
            credibility="medium",
            relevance="high",
            admiralty="C3",
            kind="claim",
            ratings={"H1": "C", "H3": "II"},
            notes={"H1": "fits"},
        )
    ]


async def test_hints_suggest_and_warn_but_the_analyst_decides() -> None:
    """The Admiralty code suggests a credibility the analyst can override; a report dated
    before its event is a warning beside the dates, and the item still saves."""
    app = Host(lambda: EvidenceForm(HYPS))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"Item")
        credibility = app.screen.query_one("#credibility", ChoiceLine)
        await fill(pilot, "admiralty", "B2")
        assert credibility.value == "high"
        assert shown(app, "#admiralty-hint") == "B2 suggests credibility: high"
        await fill(pilot, "admiralty", "E5")
        assert credibility.value == "low"
        await choose(pilot, "credibility", 1)  # the analyst knows better: low → medium
        assert credibility.value == "medium"
        await fill(pilot, "event_date", "1993-06-27")
        await fill(pilot, "reported_date", "1993-06-20")
        await pilot.pause()
        hint = app.screen.query_one("#dates-hint", Static)
        assert hint.has_class("-shown") and "before the event" in str(hint.render())
        await pilot.press("ctrl+s")
        await pilot.pause()
    (saved,) = app.results
    assert isinstance(saved, Evidence)
    assert (saved.admiralty, saved.credibility) == ("E5", "medium")
    assert (saved.event_date, saved.reported_date) == (date(1993, 6, 27), date(1993, 6, 20))


async def test_edit_keeps_id_excluded_ratings_and_notes() -> None:
    old = Evidence(
        id="E7",
        title="Bucha revealed",
        event_date=date(2022, 4, 1),
        tags=["bucha"],
        admiralty="A1",
        credibility="low",  # overridden earlier: opening the form must not re-suggest
        excluded=True,
        ratings={"H1": "C", "H3": "CC"},
        notes={"H3": "public outrage"},
    )
    app = Host(lambda: EvidenceForm(HYPS, existing=old, new_id="E99"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Edit evidence E7" in shown(app, "#form-title")
        assert app.screen.query_one("#event_date", Input).value == "2022-04-01"
        assert app.screen.query_one("#rating-2", RatingPicker).value == "CC"
        await fill(pilot, "tags", "bucha atrocity")
        await fill(pilot, "note-2", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.results == [
        old.model_copy(update={"tags": ["bucha", "atrocity"], "notes": {}})
    ]


async def test_bad_values_are_named_beside_their_fields_then_fixed() -> None:
    """What the form shows for bad values: several listed in screen order with the focus on
    the first; then one bad value: the message under the field, the summary, the focus on
    it, every other error line empty; then corrected, it saves. (Each message is checked
    without the UI in test_form_logic.py.)"""
    app = Host(lambda: EvidenceForm(HYPS, new_id="E5"))
    async with app.run_test(size=(80, 24)) as pilot:
        await fill(pilot, "admiralty", "Z9")
        await fill(pilot, "event_date", "2022-13-01")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown(app, "#form-status") == (
            "Not saved: fix 3 fields (title, event date, admiralty)"
        )
        assert shown(app, "#error-title") == "required: must not be empty"
        assert shown(app, "#error-event_date").startswith("not a real date: '2022-13-01'")
        assert app.focused is app.screen.query_one("#title")
        assert app.results == []
        await fill(pilot, "title", "A title")
        await fill(pilot, "admiralty", "")
        await fill(pilot, "event_date", "2022-02-30")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.results == []
        assert isinstance(app.screen, EvidenceForm)
        assert shown(app, "#error-event_date") == (
            "not a real date: '2022-02-30' (February 2022 has 28 days)"
        )
        assert shown(app, "#form-status") == "Not saved: fix 1 field (event date)"
        assert app.focused is not None and app.focused.id == "event_date"
        others = [
            str(w.render())
            for w in app.screen.query(".field-error").results(Static)
            if w.id != "error-event_date"
        ]
        assert not any(others)
        await pilot.press("end", "ctrl+u")
        await press_at_once(pilot, *"2022-02-28", "ctrl+s")
        await pilot.pause()
    (saved,) = app.results
    assert isinstance(saved, Evidence)
    assert (saved.id, saved.title, saved.event_date) == ("E5", "A title", date(2022, 2, 28))


async def test_ten_kilobyte_title_and_note_are_refused_clearly() -> None:
    app = Host(lambda: EvidenceForm(HYPS))
    async with app.run_test(size=(80, 24)) as pilot:
        title = app.screen.query_one("#title", Input)
        title.insert_text_at_cursor("t" * 10_240)  # what a paste does
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-title") == "too long: at most 500 characters (got 10,240)"
        assert app.results == []
        assert len(title.value) == 10_240
        # a title that fits; then a note too long, named by its hypothesis
        await pilot.press("ctrl+u", *"ok")
        await goto(pilot, "note-1")
        note = app.screen.query_one("#note-1", Input)
        note.insert_text_at_cursor("n" * 100_001)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown(app, "#error-h1") == "too long: at most 100000 characters (got 100,001)"
        assert shown(app, "#form-status") == "Not saved: fix 1 field (note on H2)"
        assert app.focused is note
    assert app.results == []


async def test_every_field_reachable_by_tab_and_every_rating_choice_fits_at_80x24() -> None:
    """Tab reaches every field in order, each scrolled into view, and comes round again;
    then, in the same form, every rating fits on the rating line at 80 columns."""
    expected = [
        "title", "details", "source", "url", "event_date", "reported_date", "tags", "group",
        "admiralty", "credibility", "relevance", "kind",
        "rating-0", "note-0", "rating-1", "note-1", "rating-2", "note-2",
        "save", "cancel",
    ]
    app = Host(lambda: EvidenceForm(HYPS))
    async with app.run_test(size=(80, 24)) as pilot:
        seen: list[str] = []
        for _ in expected:
            focused = app.focused
            assert focused is not None
            seen.append(str(focused.id))
            if focused.id not in ("save", "cancel"):  # fields scroll into the dialog's view
                view = app.screen.query_one("#form-fields").region
                assert view.contains_region(focused.region), focused.id
            await pilot.press("tab")
        assert seen == expected
        assert app.focused is not None and app.focused.id == "title"  # and round again
        await every_rating_choice_fits_on_one_line_at_80_columns(pilot)


async def every_rating_choice_fits_on_one_line_at_80_columns(pilot: Pilot) -> None:
    """Every rating is on show in the rating line at 80 columns, the chosen one marked;
    the matrix's keys rate, left/right step, backspace clears."""
    from tests.tui.conftest import screen_text

    app = pilot.app
    await goto(pilot, "rating-0")
    picker = app.screen.query_one("#rating-0", RatingPicker)

    def line() -> str:
        return next(ln for ln in screen_text(app).splitlines() if "unrated" in ln and "II" in ln)

    assert "[unrated] CC  C  N  I  II  NA " in line()
    for key, code in (("C", "CC"), ("c", "C"), ("n", "N"), ("i", "I"), ("I", "II"), ("x", "NA")):
        await pilot.press(key)
        assert picker.value == code
        assert f"[{code}]" in line(), line()
    await pilot.press("left", "left")
    assert picker.value == "I"
    await pilot.press("end", "right")  # the last stays the last
    assert picker.value == "NA"
    await pilot.press("backspace")
    assert picker.value is None and "[unrated]" in line()


def test_a_report_before_its_event_is_a_warning_not_an_error():
    from tui.screens.evidence_form import dates_warning

    assert "before the event" in dates_warning("1993-06-27", "1993-06-20")
    assert dates_warning("1993-06-27", "1993-06-27") == ""
    assert dates_warning("1993-06", "1993-06-20") == ""  # unreadable: the field's error says so
