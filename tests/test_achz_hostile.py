"""Hostile and broken `.achz` files: one clear ImportFailed line naming the element."""

from __future__ import annotations

import gzip
import re
import zlib

import pytest

import evidence.achz as achz_module
from evidence.achz import read_achz
from evidence.errors import ImportFailed
from evidence.limits import MAX_ACHZ_BYTES, MAX_XML_BYTES
from tests.achz_files import achz, evidence_xml, pack, project_xml


def refused(data: bytes, pattern: str) -> str:
    """Reading fails with a single line that starts with the file's name and matches."""
    with pytest.raises(ImportFailed) as info:
        read_achz(data, "bad.achz")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("bad.achz: ")
    assert re.search(pattern, message), message
    return message


# --- the container ----------------------------------------------------------------


def test_not_gzip() -> None:
    refused(project_xml().encode("utf-16"), r"not a gzip file")
    refused(b"", r"not a gzip file")
    refused(b"PK\x03\x04 a zip file", r"not a gzip file")


@pytest.mark.parametrize("keep", [2, 10, 30, 0.5, -9, -1])
def test_truncated_gzip(keep: float) -> None:
    data = achz()
    cut = int(len(data) * keep) if isinstance(keep, float) else keep
    refused(data[:cut], r"gzip data is truncated|gzip data is damaged")


def test_corrupt_gzip() -> None:
    data = bytearray(achz())
    data[len(data) // 2] ^= 0xFF
    data[len(data) // 2 + 1] ^= 0x55
    refused(bytes(data), r"the gzip data is damaged \(not what a .achz file holds")


def test_corrupt_checksum() -> None:
    data = bytearray(achz())
    data[-6] ^= 0x01  # inside the CRC-32 of the trailer
    refused(bytes(data), r"the gzip data is damaged \(not what a .achz file holds")


def test_junk_after_the_gzip_stream() -> None:
    refused(achz() + b"junk", r"unexpected bytes after the end of the gzip data")


def test_zero_padding_and_several_gzip_members_are_read() -> None:
    xml = project_xml().encode("utf-16")
    two = gzip.compress(xml[:100], mtime=0) + gzip.compress(xml[100:], mtime=0) + b"\0" * 8
    assert len(read_achz(two, "ok.achz").case.evidence) == 2


def test_file_too_big_before_decompression() -> None:
    data = b"\x1f\x8b" + b"\0" * MAX_ACHZ_BYTES
    refused(data, r"larger than 16 MB")


def bomb(size: int) -> bytes:
    """`size` bytes of '<' (a valid start of nothing) compressed to a few hundred KB."""
    engine = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"<" * (1024 * 1024)
    parts = [engine.compress(block) for _ in range(size // len(block))]
    return b"".join(parts) + engine.flush()


def test_gzip_bomb_is_stopped_at_the_limit() -> None:
    data = bomb(MAX_XML_BYTES + 2 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    refused(data, r"decompresses to more than 256 MB; refused \(too big, or a gzip bomb\)")


def test_gzip_bomb_stops_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a small cap, a 48 MB bomb fails having produced at most cap + one chunk."""
    monkeypatch.setattr(achz_module, "MAX_XML_BYTES", 1000)
    produced: list[int] = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self, wbits: int) -> None:
            self.engine = real(wbits)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            assert 0 < max_length <= 1001
            out = self.engine.decompress(data, max_length)
            produced.append(len(out))
            return out

        def __getattr__(self, name: str) -> object:
            return getattr(self.engine, name)

    monkeypatch.setattr(zlib, "decompressobj", Counting)  # the zlib evidence.achz calls
    refused(bomb(48 * 1024 * 1024), r"decompresses to more than 0 MB")
    assert sum(produced) == 1001


# --- the XML ----------------------------------------------------------------------


LAUGHS = """<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE ACH [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<ACH><PROJECT-TITLE>&d;</PROJECT-TITLE><MATRIX/></ACH>"""

EXTERNAL = """<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE ACH [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<ACH><PROJECT-TITLE>&secret;</PROJECT-TITLE><MATRIX/></ACH>"""

REMOTE_DTD = """<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE ACH SYSTEM "http://example.invalid/ach.dtd">
<ACH><PROJECT-TITLE>t</PROJECT-TITLE><MATRIX/></ACH>"""


@pytest.mark.parametrize("xml", [LAUGHS, EXTERNAL, REMOTE_DTD], ids=["laughs", "external", "dtd"])
def test_dtd_and_entities_are_refused(xml: str) -> None:
    refused(pack(xml), r"the XML has a DTD \(<!DOCTYPE …>\), which weigh refuses")


def test_undeclared_entity_is_not_readable_xml() -> None:
    undefined_entity = pack(project_xml(title="&nbsp;").replace("&amp;nbsp;", "&nbsp;"))
    refused(undefined_entity,
            r"not readable XML: an entity \(&name;\) that is not defined at line 2, column \d+$")


def test_utf8_bytes_declared_utf16() -> None:
    refused(pack(project_xml().encode("utf-8")), r"declares UTF-16 but its bytes are not UTF-16")


def test_utf16_bytes_declared_utf8() -> None:
    xml = project_xml(declaration='<?xml version="1.0" encoding="UTF-8"?>')
    refused(pack(xml.encode("utf-16")), r"declares UTF-8 but its bytes are UTF-16 \(wrong encoding\)")


def test_unknown_declared_encoding() -> None:
    xml = project_xml(declaration='<?xml version="1.0" encoding="U-F-16"?>')
    refused(
        pack(xml.encode("utf-16")),
        r"declares the encoding 'U-F-16'; weigh reads UTF-16 \(as PARC writes\) or UTF-8",
    )


def test_random_bytes() -> None:
    import random

    noise = random.Random(8).randbytes(4000)
    refused(pack(noise), r"not readable XML")


def test_invalid_utf16() -> None:
    data = project_xml().encode("utf-16-le").replace("vase".encode("utf-16-le"), b"\x00\xd8\x41\x00")
    offset = 2 + data.index(b"\x00\xd8")
    refused(pack(b"\xff\xfe" + data), rf"not valid UTF-16 \(bad bytes near offset {offset}\)")
    refused(pack(b"\xff\xfe" + project_xml().encode("utf-16-le")[:-1]), r"not valid UTF-16")


def test_not_well_formed() -> None:
    refused(pack(project_xml()[:-5]),
            r"not readable XML: it ends in the middle of a tag \(line 2, column \d+\)$")
    refused(pack(project_xml().replace("</MATRIX>", "</MATRX>")),
            r"not readable XML: a closing tag that does not match the element it closes at line 2, "
            r"column \d+$")


# --- the structure ---------------------------------------------------------------


def test_missing_matrix() -> None:
    refused(pack(project_xml(matrix="")), r"MATRIX: element missing \(is this a PARC ACH file\?\)")


def test_two_matrices() -> None:
    refused(pack(project_xml(matrix="<MATRIX/><MATRIX/>")), r"file/MATRIX: appears 2 times, expected once")


def test_two_titles() -> None:
    refused(
        pack(project_xml(extra_top="<PROJECT-TITLE>again</PROJECT-TITLE>")),
        r"file/PROJECT-TITLE: appears 2 times",
    )


def test_values_longer_than_the_hypotheses() -> None:
    xml = project_xml(evidence=[{"NAME": "ok", "VALUES": "C,C"}, {"NAME": "Paw prints", "VALUES": "C,N,I"}])
    refused(pack(xml), r"MATRIX/EVIDENCE #2 \('Paw prints'\)/VALUES: 3 ratings for 2 hypotheses")


def test_values_shorter_than_the_hypotheses() -> None:
    refused(
        achz(evidence=[{"NAME": "x", "VALUES": "C"}]),
        r"EVIDENCE #1 \('x'\)/VALUES: 1 ratings for 2 hypotheses",
    )
    refused(achz(evidence=[{"NAME": "x", "VALUES": ""}]), r"VALUES: 1 ratings for 2 hypotheses")


@pytest.mark.parametrize("code", ["X", "C C C", "++", "II I", "Consistent"])
def test_unknown_rating_code(code: str) -> None:
    refused(
        achz(evidence=[{"NAME": "x", "VALUES": f"C,{code}"}]),
        r"EVIDENCE #1 \('x'\)/VALUES: unknown rating .* in column 2 "
        r"\(expected C C, C, N, NA, I, I I or empty\)",
    )


@pytest.mark.parametrize("value", ["2022-03-29", "1.6e12", "soon", "9" * 15, "12 34"])
def test_bad_date(value: str) -> None:
    refused(
        achz(evidence=[{"NAME": "x", "DATE": value, "VALUES": "C,C"}]),
        r"EVIDENCE #1 \('x'\)/DATE: (expected epoch milliseconds|.* outside the years 1–9999)",
    )


def test_bad_credibility_and_flag() -> None:
    refused(
        achz(evidence=[{"NAME": "x", "CREDIBILITY": "VERY HIGH", "VALUES": "C,C"}]),
        r"EVIDENCE #1 \('x'\)/CREDIBILITY: expected HIGH, MEDIUM or LOW, got 'VERY HIGH'",
    )
    refused(
        achz(evidence=[{"NAME": "x", "FLAG": "maybe", "VALUES": "C,C"}]),
        r"EVIDENCE #1 \('x'\)/FLAG: expected 1 or 0, got 'maybe'",
    )


def test_element_twice_in_one_item() -> None:
    matrix = (
        "<MATRIX><HYPOTHESIS><NAME>A</NAME></HYPOTHESIS>"
        + evidence_xml({"NAME": "x", "VALUES": "C"}).replace("</EVIDENCE>", "<VALUES>I</VALUES></EVIDENCE>")
        + "</MATRIX>"
    )
    refused(pack(project_xml(matrix=matrix)), r"MATRIX/EVIDENCE #1/VALUES: appears 2 times")


def test_overlong_notes_and_bad_link() -> None:
    refused(
        achz(evidence=[{"NAME": "x", "NOTES": "n" * 100_001, "VALUES": "C,C"}]),
        r"EVIDENCE #1 \('x'\)/NOTES: too long: at most 100000 characters \(got 100,001\)",
    )
    refused(
        achz(evidence=[{"NAME": "x", "LINK": "http://a\nhttp://b", "VALUES": "C,C"}]),
        r"EVIDENCE #1 \('x'\)/LINK: must be a single line",
    )


def test_overlong_title_text() -> None:
    refused(achz(title="t\n" + "q" * 100_001), r"PROJECT-TITLE: too long: at most 100000 characters")
    refused(achz(classification="c" * 100_010), r"CLASSIFICATION: too long: at most 100000 characters")


def test_too_many_hypotheses() -> None:
    refused(achz(hypotheses=["h"] * 501, evidence=[]), r"MATRIX/HYPOTHESIS: more than 500 hypotheses")


def test_too_many_evidence_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(achz_module, "MAX_EVIDENCE", 3)
    items = [{"NAME": f"e{i}", "VALUES": "C,C"} for i in range(4)]
    refused(achz(evidence=items), r"MATRIX/EVIDENCE: more than 3 evidence items")
    assert len(read_achz(achz(evidence=items[:3]), "ok.achz").case.evidence) == 3


# --- fuzz: any input gives a case or one ImportFailed line, never another exception -------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.achz_files import FIELDS  # noqa: E402

field_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["C C,I", "1", "HIGH", "-1", "99999999999999", "B2", " I I , ,NA"]
)


@settings(max_examples=150, deadline=None)
@given(
    hypotheses=st.lists(st.text(max_size=5), max_size=3),
    items=st.lists(st.dictionaries(st.sampled_from((*FIELDS, "EXTRA")), field_text, max_size=6), max_size=3),
)
def test_fuzzed_fields(hypotheses: list[str], items: list[dict[str, str]]) -> None:
    try:
        result = read_achz(achz(hypotheses=hypotheses, evidence=items), "fuzz.achz")
    except ImportFailed as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.achz: ")
    else:
        assert len(result.case.hypotheses) == len(hypotheses)
        assert len(result.case.evidence) == len(items)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_fuzzed_bytes(data: st.DataObject) -> None:
    xml = bytearray(project_xml().encode("utf-16"))
    for _ in range(data.draw(st.integers(1, 4))):
        xml[data.draw(st.integers(0, len(xml) - 1))] = data.draw(st.integers(0, 255))
    try:
        read_achz(pack(bytes(xml)), "fuzz.achz")
    except ImportFailed as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("declared", ['encoding = "shift_jis"', "encoding= 'euc-jp'", 'encoding ="big5"',
                                      'encoding  =  "latin-1"', 'encoding="utf-32"'])
def test_any_other_declared_encoding_however_spaced_is_refused_in_words(declared: str) -> None:
    """XML allows spaces around '=': 'encoding = "shift_jis"' slipped past the check and
    pyexpat's 'multi-byte encodings are not supported' became a traceback."""
    xml = f'<?xml version="1.0" {declared}?><PARC-ACH/>'.encode()
    refused(pack(xml), r"the XML declares the encoding '[A-Z0-9-]+'; weigh reads UTF-16 \(as PARC "
            r"writes\) or UTF-8")


def test_the_report_of_unknown_elements_and_attributes_stays_short() -> None:
    """Tester: a .achz with 50,000 differently named unknown elements printed a 50,000-line
    import report (1.7 MB on the terminal, and in the import dialog)."""
    extra = "".join(f"<U{i}/>" for i in range(5_000)) + "<U0/>"
    matrix = ("<MATRIX>" + "".join(f'<HYPOTHESIS k{i}="v">{"<NAME>h</NAME>"}</HYPOTHESIS>' for i in range(2))
              + "</MATRIX>")
    report = read_achz(achz(extra_top=extra, matrix=matrix, evidence=[]), "many.achz", None).report
    unknown = [line for line in report if line.startswith("unknown element")]
    assert len(unknown) == 20 and unknown[0] == "unknown element U0 (2×): not mapped"
    assert report[report.index(unknown[-1]) + 1] == "and 4,980 more unknown elements: not mapped"
    assert len(report) < 40 and any(line.startswith("attributes on ") for line in report), report
