"""Reading PARC `.achz` files built from the documented element names."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.achz import read_achz
from evidence.errors import ImportFailed
from tests.achz_files import achz, element, pack, project_xml

MS_2022_03_29 = 1648512000000  # 2022-03-29T00:00:00Z


def full_file() -> bytes:
    """A PARC project using every documented element, some values weigh cannot hold as-is."""
    return achz(
        title="Why did the vase fall?",
        hypotheses=["The cat", "The dog", "The cat"],
        evidence=[
            {
                "NAME": "Paw prints on the shelf\nsmall, three toes",
                "NOTES": "Seen by the cleaner.",
                "LINK": " https://example.org/prints ",
                "TYPE": "Fact",
                "DATE": str(MS_2022_03_29 + 23 * 3_600_000 + 59 * 60_000),  # 23:59 UTC, same day
                "CODE": "b2",
                "FLAG": "1",
                "CREDIBILITY": "HIGH",
                "VALUES": "C C, I I,",
            },
            {
                "NAME": "Neighbour heard barking",
                "NOTES": "",
                "LINK": "",
                "TYPE": "Intercept Report",
                "DATE": "",
                "CODE": "src7",
                "FLAG": "0",
                "CREDIBILITY": "low",
                "VALUES": "NA,N,C",
            },
            {
                "NAME": "The dog was outside",
                "TYPE": "hearsay",
                "CODE": "Source #7",
                "CREDIBILITY": "Medium",
                "DATE": "-86400000",
                "VALUES": ",,",
            },
        ],
    )


def test_every_documented_element_is_mapped() -> None:
    result = read_achz(full_file(), "vase.achz")
    case = result.case
    assert case.id == "why-did-the-vase-fall"
    assert case.title == "Why did the vase fall?"
    assert case.question == "Why did the vase fall?"
    assert case.description == "PARC classification: UNCLASSIFIED"
    assert [(h.id, h.title) for h in case.hypotheses] == [
        ("H1", "The cat"), ("H2", "The dog"), ("H3", "The cat"),
    ]
    e1, e2, e3 = case.evidence
    assert [e.id for e in case.evidence] == ["E1", "E2", "E3"]

    assert e1.title == "Paw prints on the shelf"
    assert e1.details == "small, three toes\n\nSeen by the cleaner."
    assert e1.url == "https://example.org/prints"
    assert e1.event_date == date(2022, 3, 29)
    assert e1.kind == "fact"
    assert e1.admiralty == "B2"
    assert e1.credibility == "high"
    assert e1.tags == ["flagged"]
    assert e1.ratings == {"H1": "CC", "H2": "II"}

    assert e2.title == "Neighbour heard barking"
    assert e2.url is None and e2.event_date is None
    assert e2.kind == "report"
    assert e2.tags == ["type-intercept-report", "code-src7"]
    assert e2.details == "PARC type: Intercept Report"
    assert e2.admiralty is None
    assert e2.credibility == "low"
    assert e2.ratings == {"H1": "NA", "H2": "N", "H3": "C"}

    assert e3.tags == ["type-hearsay", "code-source-7"]
    assert e3.details == "PARC code: Source #7"  # the tag holds 'hearsay' exactly; not 'Source #7'
    assert e3.event_date == date(1969, 12, 31)
    assert e3.credibility == "medium"
    assert e3.ratings == {}


def test_report_says_what_was_mapped_and_what_was_not() -> None:
    report = read_achz(full_file(), "vase.achz").report
    text = "\n".join(report)
    assert report[0] == (
        "Read 3 hypotheses, 3 evidence items and 5 ratings into case 'why-did-the-vase-fall'"
    )
    assert "HYPOTHESIS/NAME → hypotheses H1–H3, in column order" in report
    assert (
        "EVIDENCE → items E1–E3: NAME → title, NOTES → details, CREDIBILITY → credibility,"
        " VALUES → ratings, LINK → url (1), DATE → event date (2), TYPE → kind (1),"
        " CODE → Admiralty code (1), FLAG → tag 'flagged' (1)"
    ) in report
    assert "evidence NAMEs longer than a title line, rest in details: E1" in report
    assert "TYPE that is not a weigh kind" in text and text.count(": E2, E3") == 2
    assert "CLASSIFICATION 'UNCLASSIFIED' → case description (weigh has no marking field)" in report
    assert "LAST-INDEX '2': PARC's item counter, not needed, not mapped" in report
    assert "COLOR-SCHEME '1': PARC display setting, not mapped" in report
    assert all("\n" not in line for line in report)


def test_case_id_can_be_given() -> None:
    assert read_achz(full_file(), "vase.achz", case_id="vase-2").case.id == "vase-2"


def test_a_bad_case_id_is_refused_by_name() -> None:
    with pytest.raises(ImportFailed, match=r"^vase.achz: case id 'Bad Id': "):
        read_achz(full_file(), "vase.achz", case_id="Bad Id")


def test_title_without_ascii_falls_back_to_the_file_name_for_the_id() -> None:
    case = read_achz(achz(title="Почему?"), "Vase Case.ACHZ").case
    assert case.id == "vase-case"
    assert case.title == "Почему?"


def test_missing_title_uses_the_file_name_and_says_so() -> None:
    result = read_achz(achz(title="  "), "vase.achz")
    assert result.case.title == "vase"
    assert "PROJECT-TITLE missing or empty: case titled after the file, 'vase'" in result.report


def test_multi_line_title_keeps_the_whole_as_question() -> None:
    case = read_achz(achz(title="Vase\nWho broke it, and when?"), "v.achz").case
    assert case.title == "Vase"
    assert case.question == "Vase\nWho broke it, and when?"


def test_unknown_elements_and_attributes_are_reported_not_dropped_silently() -> None:
    matrix = (
        '<MATRIX sort="1"><HYPOTHESIS><NAME>A</NAME><WEIGHT>3</WEIGHT></HYPOTHESIS>'
        "<EVIDENCE><NAME>x</NAME><SOURCE>HIGH</SOURCE><VALUES>C</VALUES></EVIDENCE>"
        "<EVIDENCE><NAME>y</NAME><SOURCE>LOW</SOURCE><VALUES>I</VALUES></EVIDENCE>"
        "<SORT-ORDER>2</SORT-ORDER></MATRIX>"
    )
    result = read_achz(
        pack(project_xml(matrix=matrix, extra_top="<AUTHOR>me</AUTHOR>")), "v.achz"
    )
    assert [e.ratings for e in result.case.evidence] == [{"H1": "C"}, {"H1": "I"}]
    for line in (
        "unknown element AUTHOR: not mapped",
        "unknown element MATRIX/EVIDENCE/SOURCE (2×): not mapped",
        "unknown element MATRIX/HYPOTHESIS/WEIGHT: not mapped",
        "unknown element MATRIX/SORT-ORDER: not mapped",
        "attributes on MATRIX: not mapped",
    ):
        assert line in result.report


def test_a_relevance_element_is_read_into_relevance() -> None:
    matrix = (
        "<MATRIX><HYPOTHESIS><NAME>A</NAME></HYPOTHESIS>"
        "<EVIDENCE><NAME>x</NAME><RELEVANCE>HIGH</RELEVANCE><VALUES>C</VALUES></EVIDENCE>"
        "<EVIDENCE><NAME>y</NAME><RELEVANCE> low </RELEVANCE><VALUES>I</VALUES></EVIDENCE>"
        "<EVIDENCE><NAME>z</NAME><VALUES>I</VALUES></EVIDENCE></MATRIX>"
    )
    result = read_achz(pack(project_xml(matrix=matrix)), "v.achz")
    assert [e.relevance for e in result.case.evidence] == ["high", "low", "medium"]
    assert any("RELEVANCE → relevance (2)" in line for line in result.report)
    assert not any("RELEVANCE" in line and "not mapped" in line for line in result.report)
    bad = matrix.replace(" low ", "somewhat")
    with pytest.raises(ImportFailed) as failed:
        read_achz(pack(project_xml(matrix=bad)), "v.achz")
    assert str(failed.value) == (
        "v.achz: MATRIX/EVIDENCE #2 ('y')/RELEVANCE: expected HIGH, MEDIUM or LOW, got 'somewhat'"
    )


def test_hypotheses_as_several_names_in_one_element_and_items_in_a_wrapper() -> None:
    matrix = (
        "<MATRIX><HYPOTHESIS><NAME>A</NAME><NAME>B</NAME></HYPOTHESIS>"
        "<EVIDENCE><ITEM><NAME>x</NAME><VALUES>C,I</VALUES></ITEM>"
        "<ITEM><NAME>y</NAME><VALUES>,N</VALUES></ITEM></EVIDENCE></MATRIX>"
    )
    case = read_achz(pack(project_xml(matrix=matrix)), "v.achz").case
    assert [h.title for h in case.hypotheses] == ["A", "B"]
    assert [(e.title, e.ratings) for e in case.evidence] == [
        ("x", {"H1": "C", "H2": "I"}), ("y", {"H2": "N"}),
    ]


def test_missing_names_and_values_get_placeholders_and_are_reported() -> None:
    matrix = (
        "<MATRIX><HYPOTHESIS><NAME> </NAME></HYPOTHESIS><HYPOTHESIS/>"
        "<EVIDENCE><NOTES>only notes</NOTES></EVIDENCE></MATRIX>"
    )
    result = read_achz(pack(project_xml(matrix=matrix)), "v.achz")
    assert [h.title for h in result.case.hypotheses] == ["Untitled hypothesis 1", "Untitled hypothesis 2"]
    (item,) = result.case.evidence
    assert (item.title, item.details, item.ratings) == ("Untitled item 1", "only notes", {})
    assert "hypotheses without a NAME, given placeholder titles: H1, H2" in result.report
    assert "evidence without a NAME, given placeholder titles: E1" in result.report
    assert "evidence without VALUES, left unrated: E1" in result.report


def test_an_overlong_name_is_cut_for_the_title_and_kept_whole_in_details() -> None:
    name = "word " * 200
    case = read_achz(achz(evidence=[{"NAME": name, "VALUES": "C,C"}]), "v.achz").case
    (item,) = case.evidence
    assert len(item.title) == 500 and item.title.endswith("…")
    assert item.details == name.strip()


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (project_xml().encode("utf-16-be"), "UTF-16 big-endian, no BOM"),
        (project_xml().encode("utf-16-le"), "UTF-16 little-endian, no BOM"),
        (b"\xfe\xff" + project_xml().encode("utf-16-be"), "UTF-16 big-endian with BOM"),
        (project_xml(declaration='<?xml version="1.0" encoding="UTF-8"?>').encode(), "UTF-8 as declared"),
    ],
)
def test_encodings_that_say_what_they_are_are_read(data: bytes, label: str) -> None:
    case = read_achz(pack(data), "v.achz").case
    assert [h.title for h in case.hypotheses] == ["The cat", "The dog"], label


def test_text_is_never_interpreted_as_markup() -> None:
    case = read_achz(
        achz(hypotheses=["[bold]A[/]"], evidence=[{"NAME": "<b>&amp;</b> [link=x]", "VALUES": "C"}]),
        "v.achz",
    ).case
    assert case.hypotheses[0].title == "[bold]A[/]"
    assert case.evidence[0].title == "<b>&amp;</b> [link=x]"


def test_rating_entries_tolerate_spacing_and_case() -> None:
    xml = project_xml(evidence=[{"NAME": "x", "VALUES": " c c ,i i"}])
    assert read_achz(pack(xml), "v.achz").case.evidence[0].ratings == {"H1": "CC", "H2": "II"}


def test_a_file_with_no_hypotheses_and_no_evidence_is_an_empty_case() -> None:
    result = read_achz(pack(project_xml(matrix="<MATRIX/>")), "v.achz")
    assert result.case.hypotheses == [] and result.case.evidence == []
    assert "MATRIX has no HYPOTHESIS/NAME: the case has no hypotheses" in result.report


def test_element_helper_escapes() -> None:
    assert element("NAME", "<&>") == "<NAME>&lt;&amp;&gt;</NAME>"


def test_a_path_as_name_titles_the_case_after_the_file_alone() -> None:
    case = read_achz(achz(title=""), "/home/ana/My Cases/vase.achz").case
    assert (case.id, case.title) == ("vase", "vase")
