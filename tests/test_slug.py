"""One slug: a title becomes the same id whichever file format brought it in."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence.store import Store
from hypotheses.slug import CASE_ID_FROM, case_id_from, slug
from tests.achz_files import achz

if TYPE_CHECKING:
    from tests.conftest import WeighRun

CASE_ID = re.compile(r"^[a-z0-9][a-z0-9\-]{0,63}$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café crème", "cafe-creme"),
        ("Straße in Köln", "strasse-in-koln"),
        ("  Intel   Report!  ", "intel-report"),
        ("Ⅻ ﬁle", "xii-file"),  # compatibility forms spelled out
        ("東京 2022", "2022"),
        ("☃", ""),
        ("", ""),
    ],
)
def test_slug(text: str, expected: str) -> None:
    assert slug(text) == expected


def test_a_cut_never_leaves_a_trailing_dash() -> None:
    assert slug("abc def", limit=4) == "abc"


@given(st.text(max_size=200), st.integers(min_value=1, max_value=64))
def test_a_slug_is_an_id_or_nothing_and_stays_put(text: str, limit: int) -> None:
    out = slug(text, limit)
    assert out == "" or (CASE_ID.match(out) and len(out) <= limit and not out.endswith("-"))
    assert slug(out, limit) == out


def test_a_case_id_from_a_long_title_keeps_its_whole_first_words() -> None:
    """A new case's id was its title's whole slug, up to 64 letters: typed with --case and
    shown beside the title, it took the top line. Now whole words, up to 32."""
    title = "Why the Harlow plant's spring 2024 supply of resin ran dry"
    assert case_id_from(title) == "why-the-harlow-plant-s-spring"
    assert case_id_from("Café crème") == "cafe-creme"
    assert case_id_from("x" * 40 + " tail") == "x" * CASE_ID_FROM  # one word longer than the cut


@given(st.text(max_size=200))
def test_a_case_id_from_text_is_an_id_or_nothing_and_stays_put(text: str) -> None:
    out = case_id_from(text)
    assert out == "" or (CASE_ID.match(out) and len(out) <= CASE_ID_FROM and not out.endswith("-"))
    assert case_id_from(out) == out and slug(text).startswith(out)


def test_csv_and_achz_give_one_title_one_case_id(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """The first import from a process, the second through the same main in this process."""
    csv_file = tmp_path / "Café crème.csv"
    csv_file.write_text("id,title,H1: One\r\nE1,an item,C\r\n", encoding="utf-8")
    achz_file = tmp_path / "parc.achz"
    achz_file.write_bytes(achz(title="Café crème"))
    run = [sys.executable, "-m", "tui.cli", "import"]
    done = subprocess.run([*run, str(csv_file)], env=cli_env, capture_output=True, text=True, timeout=60)
    assert "Imported case cafe-creme:" in done.stdout, done.stderr
    done = weigh_here("import", str(achz_file))
    assert done.returncode != 0  # the same id: the second import is refused, not a second case
    assert "case 'cafe-creme' already exists" in done.stderr
    with Store.open(Path(cli_env["WEIGH_DB"]), readonly=True) as store:
        assert "cafe-creme" in store.case_ids()
        assert not [c for c in store.case_ids() if c.startswith("caf-")]
