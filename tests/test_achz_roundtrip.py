"""weigh → .achz → weigh keeps every field PARC has; achz_losses names the rest."""

from __future__ import annotations

import gzip
import re
from datetime import UTC, date
from importlib import resources
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.achz import achz_losses, read_achz, write_achz
from hypotheses.models import Case, Evidence, Hypothesis
from hypotheses.vocabulary import KINDS, LEVELS, RATINGS

XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def parc_view(case: Case) -> dict[str, Any]:
    """What PARC can hold of a case, written independently of the module under test.

    Ids become positions, fields PARC lacks take their defaults, tags shrink to
    the few PARC can carry, characters XML cannot hold become U+FFFD.
    """
    safe = lambda text: XML_ILLEGAL.sub("\ufffd", text)  # noqa: E731
    new_hid = {h.id: f"H{i}" for i, h in enumerate(case.hypotheses, 1)}
    desc = case.description
    marking = desc.removeprefix("PARC classification: ")
    keeps_marking = (
        marking != desc
        and marking
        and marking == marking.strip()
        and "\n" not in marking
        and "\r" not in marking
    )
    items = []
    for ev in case.evidence:
        type_tag = (
            next(
                (
                    t
                    for t in ev.tags
                    if t.startswith("type-")
                    and not t.endswith("-")
                    and "--" not in t[5:]
                    and t[5:] not in KINDS
                    and t != "type-"
                ),
                None,
            )
            if ev.kind == "report"
            else None
        )
        code_tag = (
            next(
                (
                    t
                    for t in ev.tags
                    if t.startswith("code-")
                    and not t.endswith("-")
                    and "--" not in t[5:]
                    and not re.fullmatch(r"[a-f][1-6]", t[5:])
                    and t != "code-"
                ),
                None,
            )
            if ev.admiralty is None
            else None
        )
        kept = {t for t in ev.tags if t == "flagged"} | {t for t in (type_tag, code_tag) if t}
        url = ev.url.strip() if ev.url is not None else None
        items.append(
            {
                "title": safe(ev.title),
                "details": safe(ev.details),
                "source": "",
                "url": safe(url) if url else None,
                "event_date": ev.event_date,
                "reported_date": None,
                "tags": kept,
                "credibility": ev.credibility,
                "relevance": "medium",
                "admiralty": ev.admiralty,
                "kind": ev.kind,
                "excluded": False,
                "ratings": {new_hid[h]: r for h, r in ev.ratings.items()},
                "notes": {},
                "group": None,
            }
        )
    return {
        "title": safe(case.title),
        "question": safe(case.title),
        "description": safe(desc) if keeps_marking else "",
        "hypotheses": [
            {"id": f"H{i}", "title": safe(h.title), "description": "", "prior": 1.0}
            for i, h in enumerate(case.hypotheses, 1)
        ],
        "evidence": [{"id": f"E{i}", **item} for i, item in enumerate(items, 1)],
    }


def weigh_view(case: Case) -> dict[str, Any]:
    """The same fields of a case as it stands (tags as a set: PARC cannot keep their order)."""
    return {
        "title": case.title,
        "question": case.question,
        "description": case.description,
        "hypotheses": [h.model_dump() for h in case.hypotheses],
        "evidence": [{**e.model_dump(), "tags": set(e.tags)} for e in case.evidence],
    }


def round_trip(case: Case) -> Case:
    """Out to .achz and back. PARC holds no times, so the read stamps the case with the
    current second; the trip keeps the source's, so comparisons never hang on the clock."""
    back = read_achz(write_achz(case), "round.achz", case_id=case.id).case
    return back.model_copy(update={"created": case.created, "updated": case.updated})


# --- the default case ------------------------------------------------------------------


def test_default_case_round_trip() -> None:
    if not resources.files("evidence").joinpath("default_case.json").is_file():
        pytest.skip("evidence/default_case.json is not there yet")
    from evidence.seed import default_case

    case = default_case()
    back = round_trip(case)
    assert back.id == case.id
    assert weigh_view(back) == parc_view(case)
    # Field by field, so a failure names what broke.
    for old, new in zip(case.evidence, back.evidence, strict=True):
        for name in ("title", "details", "url", "event_date", "credibility", "admiralty", "kind"):
            assert getattr(new, name) == getattr(old, name), (old.id, name)
        assert new.ratings == old.ratings  # the default case's ids are already H1…, E1…
    assert [h.title for h in back.hypotheses] == [h.title for h in case.hypotheses]
    losses = achz_losses(case)
    assert [line.split(" (")[0].split(":")[0] for line in losses] == [
        "case question",
        "case description",
        "hypothesis descriptions",
        "evidence source",
        "evidence relevance",
        "evidence reported date",
        "per-rating notes",
        "evidence same-fact groups",
        "indicators",
        "case conclusion",
        "evidence tags",
    ]
    # And once through weigh, nothing more is lost: the second trip is exact.
    assert achz_losses(back) == []
    assert round_trip(back) == back


# --- generated cases -----------------------------------------------------------------

one_line = (
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
plain_line = (
    st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x2FF, blacklist_characters="\x7f"),
        min_size=1,
        max_size=20,
    )
    .map(str.strip)
    .filter(bool)
)
body = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
plain_body = st.text(
    st.characters(min_codepoint=0x9, max_codepoint=0x2FF, blacklist_characters="\x0b\x0c\x7f").filter(
        lambda c: c >= " " or c in "\t\n\r"
    ),
    max_size=40,
)
tag = st.one_of(
    st.from_regex(r"[a-z0-9][a-z0-9\-]{0,10}", fullmatch=True),
    st.sampled_from(["flagged", "type-intercept", "type-fact", "type-x-", "code-src7", "code-b2", "code-"]),
)
admiralty = st.none() | st.from_regex(r"[A-F][1-6]", fullmatch=True)


@st.composite
def cases(draw: st.DrawFn, text: st.SearchStrategy[str] = one_line, lossy: bool = True) -> Case:
    n_h = draw(st.integers(0, 4))
    hids = draw(
        st.lists(
            st.from_regex(r"H[0-9]{1,2}|[a-z]{1,3}", fullmatch=True), min_size=n_h, max_size=n_h, unique=True
        )
        if lossy
        else st.just([f"H{i}" for i in range(1, n_h + 1)])
    )
    hypotheses = [
        Hypothesis(
            id=hid,
            title=draw(text),
            description=draw(body) if lossy else "",
            prior=draw(st.sampled_from([1.0, 1.0, 2.5])) if lossy else 1.0,
        )
        for hid in hids
    ]
    n_e = draw(st.integers(0, 4))
    evidence = []
    for i in range(1, n_e + 1):
        ratings = draw(st.dictionaries(st.sampled_from(hids), st.sampled_from(RATINGS))) if hids else {}
        kind = draw(st.sampled_from(KINDS))
        code = draw(admiralty)
        parc_tags = ["flagged"] + ["type-intercept"] * (kind == "report") + ["code-src7"] * (code is None)
        evidence.append(
            Evidence(
                id=f"E{i}" if not lossy or draw(st.booleans()) else f"x{i}",
                title=draw(text),
                details=draw(body if lossy else plain_body),
                source=draw(st.sampled_from(["", "a wire"])) if lossy else "",
                url=draw(
                    st.none()
                    | st.sampled_from(["https://e.org/a?b=1&c=<2>", "x"] + [" https://e.org/ ", ""] * lossy)
                ),
                event_date=draw(st.none() | st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))),
                reported_date=draw(st.none() | st.dates()) if lossy else None,
                tags=draw(st.lists(tag, max_size=4, unique=True))
                if lossy
                else draw(st.lists(st.sampled_from(parc_tags), unique=True)),
                credibility=draw(st.sampled_from(LEVELS)),
                relevance=draw(st.sampled_from(LEVELS)) if lossy else "medium",
                admiralty=code,
                kind=kind,
                excluded=draw(st.booleans()) if lossy else False,
                ratings=ratings,
                notes={h: "why" for h in draw(st.lists(st.sampled_from(hids), unique=True, max_size=2))}
                if lossy and hids
                else {},
            )
        )
    title = draw(text)
    return Case(
        id="gen",
        title=title,
        question=draw(st.sampled_from(["", title, "Why?"])) if lossy else title,
        description=draw(
            st.sampled_from(
                [
                    "",
                    "PARC classification: SECRET",
                    "notes",
                    "PARC classification: ",
                    "PARC classification: a\nb",
                ]
                if lossy
                else ["", "PARC classification: SECRET"]
            )
        ),
        hypotheses=hypotheses,
        evidence=evidence,
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_generated_round_trip_keeps_what_parc_holds_and_reports_the_rest(case: Case) -> None:
    back = round_trip(case)
    assert weigh_view(back) == parc_view(case)
    # achz_losses is empty exactly when nothing differs.
    # (An empty question comes back as the title: that fills a gap, it loses nothing.)
    same = {k: v for k, v in weigh_view(case).items() if k != "question"}
    parc = {k: v for k, v in parc_view(case).items() if k != "question"}
    nothing_lost = same == parc and case.question in ("", case.title)
    # Characters outside the BMP survive weigh's own round trip but are named as a
    # portability note for PARC-era readers, so that note is checked on its own.
    losses = achz_losses(case)
    portability = [line for line in losses if "Basic Multilingual Plane" in line]
    assert ([line for line in losses if line not in portability] == []) == nothing_lost, losses
    exported = [case.title, *(h.title for h in case.hypotheses)]
    exported += [t for e in case.evidence for t in (e.title, e.details, e.url or "")]
    wide = any(ord(ch) > 0xFFFF for text in exported for ch in text)
    assert bool(portability) == wide, losses


@settings(max_examples=60, deadline=None)
@given(cases(text=plain_line, lossy=False))
def test_generated_cases_with_only_parc_fields_survive_exactly(case: Case) -> None:
    back = round_trip(case)
    assert weigh_view(back) == weigh_view(case) | {"question": case.title}
    assert achz_losses(case) == []


# --- the file itself ---------------------------------------------------------------------


def sample() -> Case:
    return Case(
        id="vase",
        title="Vase",
        hypotheses=[Hypothesis(id="H1", title="Cat"), Hypothesis(id="H2", title="Dog")],
        evidence=[
            Evidence(
                id="E1",
                title="Prints",
                details="a\r\nb\rc",
                event_date=date(2022, 3, 29),
                admiralty="B2",
                kind="fact",
                credibility="high",
                tags=["flagged"],
                ratings={"H1": "CC", "H2": "II"},
            ),
            Evidence(id="E2", title="Bark", tags=["type-intercept", "code-src7"], ratings={"H2": "NA"}),
        ],
    )


def test_the_file_is_gzip_utf16_xml_with_the_documented_elements() -> None:
    data = write_achz(sample())
    xml = gzip.decompress(data)
    assert xml[:2] == b"\xff\xfe"
    text = xml.decode("utf-16")
    assert text.startswith('<?xml version="1.0"?>')  # no encoding: see test_parc_era_readers
    for needle in (
        "<PROJECT-TITLE>Vase</PROJECT-TITLE>",
        "<CLASSIFICATION />",
        "<LAST-INDEX>2</LAST-INDEX>",
        "<HYPOTHESIS>\n      <NAME>Cat</NAME>",
        "<NAME>Prints</NAME>",
        "<NOTES>a&#13;\nb&#13;c</NOTES>",
        "<TYPE>Fact</TYPE>",
        "<DATE>1648555200000</DATE>",
        "<CODE>B2</CODE>",
        "<FLAG>1</FLAG>",
        "<CREDIBILITY>HIGH</CREDIBILITY>",
        "<VALUES>C C,I I</VALUES>",
        "<TYPE>intercept</TYPE>",
        "<CODE>src7</CODE>",
        "<FLAG>0</FLAG>",
        "<CREDIBILITY>MEDIUM</CREDIBILITY>",
        "<VALUES>,NA</VALUES>",
        "<LINK />",
        "<DATE>0</DATE>",
    ):
        assert needle in text, needle
    assert write_achz(sample()) == data  # deterministic: no timestamp in the gzip header


def test_carriage_returns_and_markup_survive() -> None:
    case = sample().model_copy(update={"title": "<Vase> & [bold]co[/]"})
    back = round_trip(case)
    assert back.title == "<Vase> & [bold]co[/]"
    assert back.evidence[0].details == "a\r\nb\rc"
    assert achz_losses(case) == []


def test_losses_name_the_items() -> None:
    case = sample().model_copy(update={"question": "Who broke the vase?", "description": "Kitchen."})
    ev = case.evidence[0].model_copy(
        update={
            "source": "cleaner",
            "relevance": "high",
            "reported_date": date(2022, 4, 1),
            "excluded": True,
            "notes": {"H1": "prints match"},
            "tags": ["flagged", "kitchen"],
        }
    )
    hyp = case.hypotheses[1].model_copy(update={"description": "the dog did it", "prior": 3.0})
    case = case.model_copy(
        update={"evidence": [ev, case.evidence[1]], "hypotheses": [case.hypotheses[0], hyp]}
    )
    assert achz_losses(case) == [
        "case question: PARC has only the project title",
        "case description: PARC has no place for it",
        "hypothesis descriptions (PARC keeps names only): H2",
        "hypothesis priors (PARC has none; equal on re-import): H2",
        "evidence source (PARC has no field for it): E1",
        "evidence relevance (PARC files hold none; medium on re-import): E1",
        "evidence reported date (PARC has only DATE): E1",
        "evidence excluded from scoring (PARC cannot exclude; included on re-import): E1",
        "per-rating notes (PARC files hold none): E1",
        "evidence tags (PARC has none; only 'flagged', one 'type-…' and one 'code-…' tag survive): E1",
    ]


def test_control_characters_are_replaced_and_reported() -> None:
    case = sample().model_copy(update={"title": "Va\x01se"})
    assert round_trip(case).title == "Va\ufffdse"
    assert achz_losses(case) == ["control characters XML cannot hold were replaced by '\ufffd'"]


def test_classification_goes_back_where_it_came_from() -> None:
    case = sample().model_copy(update={"description": "PARC classification: SECRET//NOFORN"})
    assert "<CLASSIFICATION>SECRET//NOFORN</CLASSIFICATION>" in gzip.decompress(write_achz(case)).decode(
        "utf-16"
    )
    assert round_trip(case).description == "PARC classification: SECRET//NOFORN"
    assert achz_losses(case) == []


def test_dates_are_written_at_noon_utc_so_every_time_zone_sees_the_same_day() -> None:
    from datetime import datetime, timedelta, timezone

    text = gzip.decompress(write_achz(sample())).decode("utf-16")
    ms = int(re.search(r"<DATE>(-?\d+)</DATE>", text).group(1))
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    for hours in range(-11, 12):
        assert moment.astimezone(timezone(timedelta(hours=hours))).date() == date(2022, 3, 29), hours


def test_losses_name_groups_indicators_and_conclusion() -> None:
    from tests.test_case_file import full_case

    lines = achz_losses(full_case())
    assert "evidence same-fact groups (PARC has none): E1" in lines
    assert "indicators (PARC has none): M1, M2, M3" in lines
    assert "case conclusion: PARC has no place for it" in lines


def test_what_open_source_ach_would_mangle_is_named_apart_from_the_losses() -> None:
    from evidence.achz import open_source_ach_notes
    from evidence.formats import file_format

    case = sample()  # E2 leaves H1 unrated
    long = "€" * 86  # 258 UTF-8 bytes in 86 characters
    hyp = case.hypotheses[1].model_copy(update={"title": long})
    case = case.model_copy(update={"hypotheses": [case.hypotheses[0], hyp], "title": "é" * 128})
    assert achz_losses(case) == []  # the file holds all of it; weigh reads it back whole
    assert open_source_ach_notes(case) == [
        "unrated cells get the rating of the cell before them: E2/H1",
        "titles over 255 UTF-8 bytes are cut there, even mid-character: case title, H2",
    ]
    assert file_format("achz").loss_report(case) == [
        "Open Source ACH's importer would mangle:",
        "  unrated cells get the rating of the cell before them: E2/H1",
        "  titles over 255 UTF-8 bytes are cut there, even mid-character: case title, H2",
    ]
    assert round_trip(case).hypotheses[1].title == long
