"""`.achz` files that PARC-era readers open: read as Open Source ACH's importer reads them.

That importer gunzips the file, converts the UTF-16 text to UTF-8 and hands it
to an XML parser; an ``encoding="UTF-16"`` declaration then makes the parser
refuse UTF-8 bytes. It reads ``<DATE>0</DATE>`` as no date and knows a few
TYPE words (OSINT, HUMINT, Assumption, …).

The files are written and read by `weigh export` / `weigh import` run in this process
(``weigh_here``); test_achz_cli.py runs them as the user's own processes.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as SafeET

from evidence.achz import read_achz
from tests.achz_files import achz

if TYPE_CHECKING:
    from tests.conftest import WeighRun


def case_file(tmp_path: Path) -> Path:
    doc = {
        "format": "weigh-case",
        "version": 1,
        "case": {"id": "parc", "title": "Who broke the vase? 🏺"},
        "hypotheses": [{"id": "H1", "title": "The cat"}, {"id": "H2", "title": "The dog 🐕"}],
        "evidence": [
            {"id": "E1", "title": "Paw prints", "event_date": "2022-03-29", "ratings": {"H1": "C"}},
            {"id": "E2", "title": "Undated rumour", "kind": "assumption", "ratings": {"H2": "I"}},
            {"id": "E3", "title": "Intercept 📡", "tags": ["type-sigint"], "ratings": {"H1": "N"}},
        ],
    }
    path = tmp_path / "parc.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def exported(weigh_here: WeighRun, tmp_path: Path) -> tuple[bytes, str]:
    """The gunzipped XML weigh writes for the case above, and the export's stderr."""
    assert weigh_here("import", str(case_file(tmp_path))).returncode == 0
    out = tmp_path / "out.achz"
    done = weigh_here("export", "--case", "parc", "--format", "achz", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return gzip.decompress(out.read_bytes()), done.stderr


def items(root: ET.Element) -> list[dict[str, str]]:
    return [{c.tag: c.text or "" for c in ev} for ev in root.iter("EVIDENCE")]


def test_the_file_parses_as_utf16_and_after_conversion_to_utf8(
    weigh_here: WeighRun, tmp_path: Path
) -> None:
    xml, _err = exported(weigh_here, tmp_path)
    assert xml[:2] == b"\xff\xfe"  # the BOM says UTF-16
    as_utf16 = SafeET.fromstring(xml)
    text = xml.decode("utf-16")
    assert text.startswith('<?xml version="1.0"?>')
    # What Open Source ACH does: convert to UTF-8 (with and without the BOM carried over), then parse.
    for utf8 in (text.encode("utf-8"), "\ufeff".encode() + text.encode("utf-8")):
        as_utf8 = SafeET.fromstring(utf8)
        assert items(as_utf8) == items(as_utf16)
        assert as_utf8.findtext("PROJECT-TITLE") == "Who broke the vase? 🏺"
    names = [ev["NAME"] for ev in items(as_utf16)]
    assert names == ["Paw prints", "Undated rumour", "Intercept 📡"]


def test_undated_items_are_written_as_date_0_and_0_reads_as_no_date(
    weigh_here: WeighRun, tmp_path: Path
) -> None:
    xml, _err = exported(weigh_here, tmp_path)
    dates = [ev["DATE"] for ev in items(SafeET.fromstring(xml))]
    assert dates == ["1648555200000", "0", "0"]
    back = read_achz(gzip.compress(xml), "out.achz").case
    assert [e.event_date for e in back.evidence] == [back.evidence[0].event_date, None, None]
    assert str(back.evidence[0].event_date) == "2022-03-29"


def test_a_parc_file_with_date_0_imports_undated(weigh_here: WeighRun, tmp_path: Path) -> None:
    path = tmp_path / "zero.achz"
    path.write_bytes(achz(evidence=[{"NAME": "No date", "DATE": "0", "VALUES": "C,I"}]))
    assert weigh_here("import", str(path), "--case", "zero").returncode == 0
    case = json.loads(weigh_here("export", "--case", "zero", "--format", "case").stdout)
    assert case["evidence"][0]["event_date"] is None


def test_characters_outside_the_bmp_are_named_in_the_losses_report(
    weigh_here: WeighRun, tmp_path: Path
) -> None:
    _xml, err = exported(weigh_here, tmp_path)
    line = next(x for x in err.splitlines() if "outside the Basic Multilingual Plane" in x)
    assert "case title" in line and "H2" in line and "E3" in line and "E1" not in line


def test_type_words_open_source_ach_knows_are_written_and_read(
    weigh_here: WeighRun, tmp_path: Path
) -> None:
    xml, _err = exported(weigh_here, tmp_path)
    assert [ev["TYPE"] for ev in items(SafeET.fromstring(xml))] == ["Report", "Assumption", "SIGINT"]
    path = tmp_path / "types.achz"
    words = ["Open Source", "press", "HUM", "Imagery", "sig", "MASINT", "assu", "Intercept"]
    path.write_bytes(achz(evidence=[{"NAME": f"Item {w}", "TYPE": w, "VALUES": "C,I"} for w in words]))
    done = weigh_here("import", str(path), "--case", "types")
    assert done.returncode == 0, done.stderr
    case = json.loads(weigh_here("export", "--case", "types", "--format", "case").stdout)
    got = [(e["kind"], e["tags"]) for e in case["evidence"]]
    assert got == [
        ("report", ["type-osint"]),
        ("report", ["type-osint"]),
        ("report", ["type-humint"]),
        ("report", ["type-imint"]),
        ("report", ["type-sigint"]),
        ("report", ["type-masint"]),
        ("assumption", []),
        ("report", ["type-intercept"]),
    ]
