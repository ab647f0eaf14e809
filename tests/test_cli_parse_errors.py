"""A damaged file, as `weigh` reports it: the parser's fault in weigh's words with its position,
never the JSON, CSV or XML library's own message (`Expecting value`, `Unterminated string
starting at`, `',' expected after '"'`, `not well-formed (invalid token)`)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from evidence.case_file import dump_case_file
from evidence.seed import default_case
from tests.achz_files import pack, project_xml
from tests.conftest import weigh_batch

# What the libraries say, which must never reach the user.
LIBRARY_WORDS = re.compile(r"Expecting|Unterminated|delimiter|enclosed in|expected after|end of data"
                           r"|well-formed|invalid token|unclosed token|no element found|at at")


def one_error(done: subprocess.CompletedProcess[str]) -> str:
    """The single error line of a refused command (exit 2, nothing on standard output)."""
    assert done.returncode == 2, done
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("weigh: error: "), done
    assert not done.stdout and not LIBRARY_WORDS.search(done.stderr), done
    return done.stderr.removeprefix("weigh: error: ").rstrip("\n")


def test_a_damaged_json_file_is_named_in_words_with_its_position(cli_env: dict[str, str],
                                                                  tmp_path: Path) -> None:
    db = Path(cli_env["WEIGH_DB"])
    text = db.read_bytes()
    title = text.index(b'"title":"') + 8  # the first case's title: its opening quote
    cut = title + 4  # the file ends inside it
    files = {
        "truncated.json": text[:cut],
        "empty.json": b"",
        "nul.json": b"\0" * 16,
        "key.json": b'{"_meta": 1, x}',
        "comma.json": b'{"format": "weigh-case",}',
        "second.json": b"{}\n{}",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    names = list(files)
    other_db = str(tmp_path / "other.json")
    runs = weigh_batch(cli_env, *(["--db", str(tmp_path / n), "cases"] for n in names),
                       *(["--db", other_db, "import", str(tmp_path / n)] for n in names))
    opened = dict(zip(names, (one_error(r) for r in runs[:len(names)]), strict=True))
    imported = dict(zip(names, (one_error(r) for r in runs[len(names):]), strict=True))
    assert b"\n" not in text[:cut]
    where = f"(line 1, column {title + 1})"  # where the title's text starts
    assert opened["truncated.json"] == (f"{tmp_path / 'truncated.json'}: not valid JSON: it ends in the "
                                        f"middle of a text value {where}; file left untouched")
    assert imported["truncated.json"] == (f"{tmp_path / 'truncated.json'}: not valid JSON: it ends in "
                                          f"the middle of a text value {where}")
    assert imported["empty.json"].endswith("empty.json: not valid JSON: the file is empty")
    assert "empty.json: file is empty (not a weigh database)" in opened["empty.json"]
    for said in (opened, imported):
        assert ("nul.json: not valid JSON: unexpected character at line 1, column 1 (expected a value)"
                in said["nul.json"])
        assert ("key.json: not valid JSON: unexpected character at line 1, column 14 (expected a key "
                "in double quotes)") in said["key.json"]
        assert "comma.json: not valid JSON: a comma before a closing bracket at line 1, column 25" in (
            said["comma.json"])
        assert "second.json: not valid JSON: more text after the end of the JSON at line 2, column 1" in (
            said["second.json"])
    assert not Path(other_db).exists()
    assert (tmp_path / "truncated.json").read_bytes() == text[:cut]


def test_a_damaged_csv_or_achz_is_named_in_words(cli_env: dict[str, str], tmp_path: Path) -> None:
    before = Path(cli_env["WEIGH_DB"]).read_bytes()
    stray = tmp_path / "stray.csv"
    stray.write_bytes(b'id,title\r\nE1,"a "quoted" word"\r\n')
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_bytes(b'id,title\r\nE1,fine\r\nE2,"never closed\r\nE3,x\r\n')
    cut = tmp_path / "cut.achz"
    cut.write_bytes(pack(project_xml()[:-5]))
    mismatched = tmp_path / "mismatched.achz"
    mismatched.write_bytes(pack(project_xml().replace("</MATRIX>", "</MATRX>")))
    runs = weigh_batch(cli_env, *(["import", str(f)] for f in (stray, unclosed, cut, mismatched)))
    said = [one_error(r) for r in runs]
    assert said[0] == (f"{stray}: line 2: not readable as CSV: text follows the '\"' that closes a quoted "
                       "cell (a '\"' inside a cell is written '\"\"'); nothing was imported")
    assert said[1] == (f"{unclosed}: line 3: not readable as CSV: a quoted cell is never closed (its "
                       "closing '\"' is missing); nothing was imported")
    assert re.fullmatch(rf"{re.escape(str(cut))}: not readable XML: it ends in the middle of a tag "
                        r"\(line 2, column \d+\)", said[2]), said[2]
    assert re.fullmatch(rf"{re.escape(str(mismatched))}: not readable XML: a closing tag that does not "
                        r"match the element it closes at line 2, column \d+", said[3]), said[3]
    assert Path(cli_env["WEIGH_DB"]).read_bytes() == before


def test_a_damaged_base_of_a_merge_is_named_in_words(cli_env: dict[str, str], tmp_path: Path) -> None:
    ours, theirs, base = tmp_path / "ours.json", tmp_path / "theirs.json", tmp_path / "base.json"
    text = dump_case_file(default_case())
    ours.write_text(text, encoding="utf-8")
    theirs.write_text(text, encoding="utf-8")
    base.write_text(text[:40], encoding="utf-8")
    said = one_error(weigh_batch(cli_env, ["merge", str(base), str(ours), str(theirs)])[0])
    assert said.startswith(f"BASE {base}: not valid JSON: it ends ")
    assert ours.read_text(encoding="utf-8") == text
