"""The spreadsheet round-trip: the CSV the exporter writes is read back exactly."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.csv_matrix import read_csv_matrix, sniff_delimiter, update_report
from evidence.errors import ImportFailed
from evidence.export import export_bytes
from evidence.seed import default_case
from hypotheses.models import Case, Evidence, Hypothesis, Indicator
from hypotheses.vocabulary import KINDS, LEVELS, RATINGS


def export(case: Case) -> bytes:
    return export_bytes(case, "csv")


def content(case: Case) -> dict:
    return case.model_dump(exclude={"created", "updated"})


# ------------------------------------------------------------- round trip


def test_default_case_round_trip_is_byte_identical() -> None:
    case = default_case()
    first = export(case)
    assert first.startswith(b"\xef\xbb\xbfid,title,details,")
    fresh = read_csv_matrix(first, "matrix.csv", "copy", None)
    assert export(fresh) == first
    assert fresh.id == "copy" and fresh.title == "matrix"
    assert [h.id for h in fresh.hypotheses] == [h.id for h in case.hypotheses]
    assert [h.title for h in fresh.hypotheses] == [h.title for h in case.hypotheses]
    for got, want in zip(fresh.evidence, case.evidence, strict=True):
        assert got.model_dump(exclude={"notes"}) == want.model_dump(exclude={"notes"})


def test_updating_the_same_case_changes_nothing() -> None:
    case = default_case()
    again = read_csv_matrix(export(case), "m.csv", case.id, case)
    assert content(again) == content(case)  # descriptions, priors and notes kept


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_line = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=12)
_starts = st.sampled_from(["", "=", "+", "-", "@", "'", "\t", '"', ";", ",", " "])
_title = st.builds(lambda a, b: (a + b + "x"), _starts, _line)
_date = st.none() | st.dates().map(lambda d: d.isoformat())


@st.composite
def cases(draw: st.DrawFn) -> Case:
    nh = draw(st.integers(0, 4))
    hyps = [
        Hypothesis(id=f"H{i + 1}", title=draw(_title), description=draw(_text),
                   prior=draw(st.sampled_from([1.0, 2.5])))
        for i in range(nh)
    ]
    evidence = []
    for i in range(draw(st.integers(0, 5))):
        ratings = {h.id: draw(st.sampled_from(RATINGS)) for h in hyps if draw(st.booleans())}
        evidence.append(
            Evidence(
                id=draw(st.sampled_from([f"E{i + 1}", f"x.{i}", f"9-{i}_a"])),
                title=draw(_title),
                details=draw(st.builds(str.__add__, _starts, _text)),
                source=draw(st.builds(str.__add__, _starts, _line)),
                url=draw(st.none() | st.builds(str.__add__, _starts, _line)),
                event_date=draw(_date),
                reported_date=draw(_date),
                tags=draw(st.lists(st.from_regex(r"[a-z0-9][a-z0-9\-]{0,6}", fullmatch=True),
                                   max_size=3, unique=True)),
                group=draw(st.none() | st.sampled_from(["g", "same-fact-2"])),
                credibility=draw(st.sampled_from(LEVELS)),
                relevance=draw(st.sampled_from(LEVELS)),
                admiralty=draw(st.none() | st.from_regex(r"[A-F][1-6]", fullmatch=True)),
                kind=draw(st.sampled_from(KINDS)),
                excluded=draw(st.booleans()),
                ratings=ratings,
                notes={h: draw(_text) for h in ratings if draw(st.booleans())},
            )
        )
    return Case(id="gen", title="Generated", hypotheses=hyps, evidence=evidence)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_generated_cases_round_trip(case: Case) -> None:
    first = export(case)
    fresh = read_csv_matrix(first, "gen.csv", "gen", None)
    assert export(fresh) == first
    assert [ev.group for ev in fresh.evidence] == [ev.group for ev in case.evidence]  # scores depend on it
    updated = read_csv_matrix(first, "gen.csv", "gen", case)
    # Against the case it came from, nothing is lost: only url "" and None read alike.
    want = content(case)
    for ev in want["evidence"]:
        ev["url"] = ev["url"] or None
    assert content(updated) == want
    assert export(updated) == first


# ------------------------------------------------------- spreadsheet habits


def semicolon_file() -> bytes:
    """What a European Excel saves: semicolons, no BOM, columns moved, codes in lower case."""
    rows = [
        ["title", "id", "H1: Alpha; the first", "H2: Beta", "credibility", "event_date", "tags", "", ""],
        ['He said "stop"; then left', "E1", "cc", " i ", "HIGH", "2022-03-29", "istanbul talks", "", ""],
        ["multi\r\nline title?", "E2", "", "NA", "", "", "", "", ""],
        ["", "", "", "", "", "", "", "", ""],
    ]
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    return buf.getvalue().replace("multi\r\nline title?", "multi line title").encode("utf-8")


def test_semicolons_no_bom_and_loose_cells() -> None:
    case = read_csv_matrix(semicolon_file(), "x.csv", "x", None)
    assert [(h.id, h.title) for h in case.hypotheses] == [("H1", "Alpha; the first"), ("H2", "Beta")]
    e1, e2 = case.evidence
    assert e1.title == 'He said "stop"; then left'
    assert e1.ratings == {"H1": "CC", "H2": "I"}
    assert e1.credibility == "high" and e1.relevance == "medium"
    assert e1.event_date.isoformat() == "2022-03-29" and e1.tags == ["istanbul", "talks"]
    assert e2.ratings == {"H2": "NA"} and e2.credibility == "medium"


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("id,title,H1: a;b", ","), ("id;title;H1: a,b", ";"), ("id\ttitle\tH1: a", "\t"),
     ('"i;d;x",title,more', ","), ("title", ",")],
)
def test_delimiter_is_sniffed_from_the_header_line(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header + "\r\nE1;x;y,z\r\n") == delimiter


def test_headers_without_ids_get_fresh_ones_or_match_a_title() -> None:
    base = Case(id="c", title="C", hypotheses=[Hypothesis(id="H1", title="Alpha", description="kept")])
    data = b"id,title,Alpha,Gamma,H2: Beta\r\nE1,one,C,I,N\r\n"
    case = read_csv_matrix(data, "c.csv", "c", base)
    assert [(h.id, h.title) for h in case.hypotheses] == [("H1", "Alpha"), ("H3", "Gamma"), ("H2", "Beta")]
    assert case.hypotheses[0].description == "kept"
    assert case.evidence[0].ratings == {"H1": "C", "H3": "I", "H2": "N"}


def test_update_keeps_what_csv_cannot_hold_and_drops_what_was_removed() -> None:
    base = Case(
        id="c", title="Kept title", question="Why?",
        hypotheses=[Hypothesis(id="H1", title="A", description="about A", prior=3.0),
                    Hypothesis(id="H2", title="B")],
        evidence=[Evidence(id="E1", title="one", details="long details", source="Reuters",
                           ratings={"H1": "C", "H2": "I"}, notes={"H1": "why C", "H2": "why I"}),
                  Evidence(id="E2", title="two", notes={"H1": "gone with its row"})],
        conclusion="H1, for now.",
        indicators=[Indicator(id="M1", title="seen", status="observed", evidence_id="E2",
                              ratings={"H1": "C", "H2": "I"})],
    )
    # H2's column and E2's row are deleted in the spreadsheet; the details column is dropped.
    data = b"id,title,source,H1: A renamed,H9: new\r\nE1,one!,AP,II,C\r\nE3,three,,,\r\n"
    case = read_csv_matrix(data, "c.csv", "c", base)
    assert (case.title, case.question) == ("Kept title", "Why?")
    assert [(h.id, h.title, h.description, h.prior) for h in case.hypotheses] == [
        ("H1", "A renamed", "about A", 3.0), ("H9", "new", "", 1.0)]
    e1, e3 = case.evidence
    assert (e1.title, e1.source, e1.details) == ("one!", "AP", "long details")
    assert e1.ratings == {"H1": "II", "H9": "C"}
    assert e1.notes == {"H1": "why C"}  # the H2 note went with its column
    assert e3.id == "E3" and e3.notes == {} and e3.ratings == {}
    # indicators and the conclusion stay; the removed column and row leave no trace in them
    assert case.conclusion == "H1, for now."
    assert case.indicators == [Indicator(id="M1", title="seen", status="observed", ratings={"H1": "C"})]
    # and the import says so (it named the title, question and description only)
    assert update_report(base, case)[0].startswith(
        "Updated case c in place: kept its title, question, description and conclusion, its 1 indicator, "
        "the descriptions and priors of 1 hypothesis, 1 of 3 cell notes.")


def test_rows_without_ids_are_numbered_after_the_given_ones() -> None:
    case = read_csv_matrix(b"title,id\r\na,E2\r\nb,\r\nc,\r\n", "n.csv", "n", None)
    assert [e.id for e in case.evidence] == ["E2", "E1", "E3"]


def test_rows_without_ids_keep_their_own_items_by_title_never_anothers() -> None:
    """Tester: a CSV without its id column (sorted in a spreadsheet) updating a case gave row n
    the id En, so each row took over the notes, details and sources of whichever item had been
    n-th ('kept 76 of 76 cell notes', on the wrong items); a new row took a deleted item's."""
    base = Case(
        id="c", title="C", hypotheses=[Hypothesis(id="H1", title="A")],
        evidence=[Evidence(id="E1", title="one", details="about one", notes={"H1": "why one"}),
                  Evidence(id="E2", title="two", details="about two", notes={"H1": "why two"}),
                  Evidence(id="E3", title="twin"), Evidence(id="E4", title="twin"),
                  Evidence(id="E5", title="gone", notes={"H1": "why gone"})],
    )
    data = b"title,H1: A\r\ntwo,C\r\none,I\r\ntwin,N\r\nnew,C\r\n"
    case = read_csv_matrix(data, "c.csv", "c", base)
    got = [(e.id, e.title, e.details, e.notes) for e in case.evidence]
    assert got == [("E2", "two", "about two", {"H1": "why two"}),
                   ("E1", "one", "about one", {"H1": "why one"}),
                   ("E6", "twin", "", {}), ("E7", "new", "", {})]


# ------------------------------------------------------------------ errors


def fails(data: bytes) -> str:
    with pytest.raises(ImportFailed) as info:
        read_csv_matrix(data, "bad.csv", "bad", None)
    message = str(info.value)
    assert "\n" not in message and message.startswith("bad.csv: ")
    return message


def test_bad_cells_are_reported_by_line_and_column() -> None:
    data = (
        b"id,title,event_date,credibility,excluded,admiralty,H1: Alpha\r\n"
        b"E1,fine,2022-01-01,high,no,B2,C\r\n"
        b'"E2","two\r\nlines",2022-13-01,,,,\r\n'
        b"E3,,,,,,\r\n"
        b"E4,x,,very,maybe,Z9,Q\r\n"
        b"E1,again,,,,,\r\n"
    )
    message = fails(data)
    assert "line 3, column event_date:" in message  # the record starts on line 3
    assert "line 5, column title: required: must not be empty" in message
    assert "line 6, column excluded: 'maybe' is not yes or no" in message
    assert "line 7, column id: evidence id 'E1' is also used on line 2" in message
    assert message.endswith("nothing was imported")
    message = fails(b"id,title,credibility,admiralty,H1: Alpha\r\nE4,x,very,Z9,Q\r\n")
    assert "line 2, column credibility:" in message
    assert "line 2, column admiralty:" in message
    assert "line 2, column H1: Alpha: 'Q' is not a rating" in message


def test_header_problems() -> None:
    assert "line 1, column title: required column is missing" in fails(b"id,H1: a\r\nE1,C\r\n")
    assert "used by two columns" in fails(b"id,title,H1: a,H1: b\r\n")
    assert "column title: this column appears twice" in fails(b"title,title\r\n")
    assert "the file is empty" in fails(b"\xef\xbb\xbf\r\n\r\n")
    assert "not UTF-8" in fails("id,title\r\nE1,caf\xe9\r\n".encode("latin-1"))
    assert "line 2: not readable as CSV" in fails(b'id,title\r\nE1,"unclosed\r\n')


def test_stray_cells_outside_the_header_are_errors() -> None:
    assert "line 2, column #3: more cells than the header has columns" in fails(b"id,title\r\nE1,a,b\r\n")
    assert "line 2, column #3: a value in a column with no header" in fails(b"id,title,\r\nE1,a,b\r\n")
    # blank trailing cells are what spreadsheets add: fine
    read_csv_matrix(b"id,title,,\r\nE1,a,,\r\n", "ok.csv", "ok", None)


def test_too_many_problems_are_summarised() -> None:
    rows = "".join(f"E{i},,\r\n" for i in range(20))
    message = fails(f"id,title,H1: a\r\n{rows}".encode())
    assert message.count("must not be empty") == 8 and "and 12 more problems" in message


def test_update_report_says_what_was_kept_added_and_removed() -> None:
    from evidence.csv_matrix import update_report

    base = default_case()
    # in the spreadsheet: delete the last hypothesis column and the first item's row, add an item
    records = list(csv.reader(io.StringIO(export(base).decode("utf-8-sig"), newline="")))
    keep = len(records[0]) - 1
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows([r[:keep] for i, r in enumerate(records) if i != 1] + [["E77", "new item"]])
    data = buf.getvalue().encode()
    case = read_csv_matrix(data, "m.csv", base.id, base)
    lines = update_report(base, case)
    dropped = base.hypotheses[-1].id
    kept_notes = sum(len(e.notes) for e in case.evidence)
    assert lines[0] == (f"Updated case {base.id} in place: kept its title, question, description and "
                        f"conclusion, its {len(base.indicators)} indicators, "
                        f"the descriptions and priors of {len(base.hypotheses) - 1} hypotheses, "
                        f"{kept_notes} of {sum(len(e.notes) for e in base.evidence)} cell notes.")
    assert lines[1:] == [f"Removed hypotheses (with their ratings and notes): {dropped}.",
                         "Added evidence: E77.", f"Removed evidence: {base.evidence[0].id}."]
    new = f"New case {base.id}: 5 hypotheses, {len(case.evidence)} evidence"
    assert update_report(None, case)[0].startswith(new)


def test_an_update_removing_thousands_of_items_counts_them_as_every_list_does() -> None:
    """The list of ids is cut after ten, 'and 1,990 more' as the other lists of ids say it
    (vocabulary.first_few), not a copy of its own without the thousands separator."""
    items = [Evidence(id=f"E{k}", title=f"item {k}") for k in range(2000)]
    many = Case(id="many", title="Many", evidence=items)
    lines = update_report(many, many.model_copy(update={"evidence": []}))
    assert lines[1:] == ["Removed evidence: E0, E1, E2, E3, E4, E5, E6, E7, E8, E9 and 1,990 more."]
