"""`weigh` run as a user runs it: a subprocess on a temporary database, once per flow; what
a command computes or refuses is checked in this process (``weigh_here``), which runs the
same ``main`` without a new Python each time."""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from evidence.case_file import dump_case_file
from hypotheses.models import Case, Evidence, Hypothesis
from tests.conftest import WeighRun, weigh_text

Env = dict[str, str] | WeighRun


def weigh(env: Env, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``weigh ARGS`` as a subprocess on the environment's database, or in this process
    when given ``weigh_here``."""
    proc = weigh_text(env, *args) if isinstance(env, dict) else env(*args)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def fail(env: Env, *args: str) -> str:
    proc = weigh(env, *args, check=False)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("weigh: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


HOSTILE = "[bold]Bold[/] <script>alert(1)</script> | # =SUM(A1) [link=x]l[/link] [@click=app.quit]q 🧭"


def hostile_case() -> Case:
    return Case(
        id="hostile",
        title=HOSTILE,
        question="Is <b>this</b> | safe?",
        hypotheses=[Hypothesis(id="H1", title=HOSTILE), Hypothesis(id="H2", title="Plain")],
        evidence=[
            Evidence(id="E1", title=HOSTILE, source="<img src=x onerror=alert(1)>", url="javascript:alert(1)",
                     ratings={"H1": "CC", "H2": "II"}, notes={"H1": HOSTILE}, tags=["x"],
                     event_date="2022-03-01"),
            Evidence(id="E2", title="=cmd|' /C calc'!A0", kind="assumption", ratings={"H1": "I", "H2": "C"},
                     event_date="2022-03-20"),
        ],
    )


def test_fresh_database_exports_the_istanbul_summary(cli_env: dict[str, str]) -> None:
    out = weigh(cli_env, "export", "--format", "md").stdout
    assert out.startswith("# Why the spring-2022 Istanbul peace talks collapsed")
    assert "**Question:** Why did the spring-2022 Russia–Ukraine peace talks" in out
    sections = (
        "## Ranking",
        "## Evidence for and against each hypothesis",
        "## Linchpins",
        "## Key assumptions",
    )
    for section in sections:
        assert section in out
    for model in ("inconsistency (Heuer)", "weighted inconsistency (PARC)", "Bayes (log-linear)"):
        assert model in out
    assert "mutually exclusive and exhaustive" in out
    assert "For:" in out and "Against:" in out
    assert Path(cli_env["WEIGH_DB"]).exists()


def test_cases_lists_the_seeded_case(weigh_here: WeighRun) -> None:
    out = weigh(weigh_here, "cases").stdout
    assert out.startswith("istanbul-2022\t") and "6 hypotheses" in out


def test_output_in_an_ascii_locale_is_escaped_not_a_traceback(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """Tester: with an output encoding that cannot hold a title's characters (an ASCII or
    Latin-1 locale, PYTHONIOENCODING=ascii), 'weigh cases' and 'weigh import' ended in a
    UnicodeEncodeError traceback, exit 1. Standard error already escapes them; so does the
    output now."""
    src = tmp_path / "cafe.json"
    src.write_text(dump_case_file(hostile_case().model_copy(update={"title": "Café – Kyiv 🧭"})))
    env = {**cli_env, "PYTHONIOENCODING": "ascii"}
    done = weigh(env, "import", str(src))
    assert done.stdout.startswith("Imported case hostile: ") and done.stderr == ""
    listed = weigh(env, "cases").stdout
    assert "hostile\tCaf\\xe9 \\u2013 Kyiv \\U0001f9ed\t2 hypotheses" in listed, listed


def test_db_flag_overrides_env(cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    other = tmp_path / "sub" / "other.json"
    assert "no such database" in fail(weigh_here, "cases", "--db", str(other))  # reads create nothing
    src = tmp_path / "hostile.json"
    src.write_text(dump_case_file(hostile_case()), encoding="utf-8")
    weigh(cli_env, "import", "--db", str(other), str(src))  # a write creates it
    assert "hostile\t" in weigh(weigh_here, "cases", "--db", str(other)).stdout
    assert "hostile\t" not in weigh(weigh_here, "cases").stdout


def test_import_then_export_every_format(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    src = tmp_path / "hostile.json"
    src.write_text(dump_case_file(hostile_case()), encoding="utf-8")
    out = weigh(cli_env, "import", str(src)).stdout
    assert "Imported case hostile: 2 hypotheses, 2 evidence." in out
    assert "hostile\t" in weigh(weigh_here, "cases").stdout

    for fmt in ("md", "json", "csv", "html", "case"):
        target = tmp_path / f"out.{fmt}"
        run = cli_env if fmt == "case" else weigh_here  # one file written by the command itself
        proc = weigh(run, "export", "--case", "hostile", "--format", fmt, "-o", str(target))
        assert f"Wrote {target}" in proc.stderr
        assert target.stat().st_size > 0

    summary = json.loads((tmp_path / "out.json").read_text())
    assert list(summary)[:2] == ["case", "as_of"]
    assert {"case", "as_of", "evidence_used", "models_agree", "ranking", "evidence"} <= set(summary)
    assert [r["id"] for r in summary["ranking"]] == ["H1", "H2"]
    assert {"id", "title", "rank", "inconsistency", "weighted", "posterior"} <= set(summary["ranking"][0])
    assert [e["id"] for e in summary["evidence"]] == ["E1", "E2"]

    again = tmp_path / "again.json"
    again.write_text((tmp_path / "out.case").read_text())
    weigh(weigh_here, "import", str(again), "--case", "hostile-2")
    assert (
        weigh(weigh_here, "export", "--case", "hostile-2", "--format", "case")
        .stdout.replace('"hostile-2"', '"hostile"')
        .split('"created"')[0]
        == (tmp_path / "out.case").read_text().split('"created"')[0]
    )


def test_html_export_is_escaped_and_parses(weigh_here: WeighRun, tmp_path: Path) -> None:
    src = tmp_path / "hostile.json"
    src.write_text(dump_case_file(hostile_case()), encoding="utf-8")
    weigh(weigh_here, "import", str(src))
    html = weigh(weigh_here, "export", "--case", "hostile", "--format", "html").stdout

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.attrs: list[tuple[str, str | None]] = []
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            self.attrs += attrs

        def handle_data(self, data: str) -> None:
            self.text.append(data)

    parser = Collect()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags and "b" in parser.tags  # our own <b> only
    assert not any(k.startswith("on") for k, _ in parser.attrs)
    assert not any(v and v.lower().startswith("javascript:") for k, v in parser.attrs if k == "href")
    text = "".join(parser.text)
    assert "<script>alert(1)</script>" in text  # shown literally, as text
    assert "[bold]Bold[/]" in text and "svg" in parser.tags


def test_markdown_and_csv_neutralise_user_text(weigh_here: WeighRun, tmp_path: Path) -> None:
    src = tmp_path / "hostile.json"
    src.write_text(dump_case_file(hostile_case()), encoding="utf-8")
    weigh(weigh_here, "import", str(src))
    md = weigh(weigh_here, "export", "--case", "hostile", "--format", "md").stdout
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\[bold\\]" in md and "\\|" in md
    assert not any(line.startswith("# ") for line in md.splitlines()[1:])
    csv_text = weigh(weigh_here, "export", "--case", "hostile", "--format", "csv").stdout
    assert "E2,'=cmd|" in csv_text
    assert ",=" not in csv_text and ",+" not in csv_text and ",@" not in csv_text


def test_as_of_and_model_options(weigh_here: WeighRun, tmp_path: Path) -> None:
    src = tmp_path / "hostile.json"
    src.write_text(dump_case_file(hostile_case()), encoding="utf-8")
    weigh(weigh_here, "import", str(src))
    full = json.loads(
        weigh(weigh_here, "export", "--case", "hostile", "--format", "json", "--model", "bayes").stdout
    )
    early = json.loads(
        weigh(weigh_here, "export", "--case", "hostile", "--format", "json", "--as-of", "2022-03-15").stdout
    )
    assert full["as_of"] is None and full["evidence_used"] == 2
    assert early["as_of"] == "2022-03-15" and early["evidence_used"] == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("export", "--case", "nope"), "--case: no case 'nope'"),
        # written YYYY-MM-DD as asked: the reason is the day, not the form
        (("export", "--as-of", "2022-02-30"),
         "--as-of: '2022-02-30' is not a date (February 2022 has 28 days)"),
        (("export", "--as-of", "2022-13-01"), "--as-of: '2022-13-01' is not a date (there is no month 13)"),
        (("export", "--as-of", "2022-06-00"), "--as-of: '2022-06-00' is not a date (there is no day 0)"),
        (("export", "--as-of", "yesterday"), "--as-of: 'yesterday' is not a date (use YYYY-MM-DD)"),
        (("export", "--format", "pdf"), "argument --format: invalid choice: 'pdf'"),
        (("export", "--model", "vibes"), "argument --model: invalid choice"),
        (("export", "--format", "achz"), "--format achz writes a binary file"),
        (("import", "/nonexistent/case.json"), "/nonexistent/case.json: no such file"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
        (("serve", "--port", "99999"), "99999 is not a port number"),
        (("export", "-o", "/nonexistent-dir/x.md"), "there is no folder /nonexistent-dir to write it in"),
        (("export", "-o", "/nonexistent-dir/x.md/"), "ends in '/', so it names a folder, not a file"),
    ],
)
def test_errors_are_one_line_exit_2(
    cli_env: dict[str, str], weigh_here: WeighRun, args: tuple[str, ...], expected: str
) -> None:
    # the command itself for one of weigh's own errors and one of the parser's; the rest here
    run = cli_env if args in (("export", "--case", "nope"), ("frobnicate",)) else weigh_here
    message = fail(run, *args)
    assert expected in message
    if args[0] == "export":  # export's errors say where its options are explained
        assert message.endswith("(see 'weigh export --help')"), message


def test_importing_a_summary_says_what_it_is_and_what_imports(
    weigh_here: WeighRun, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.json"
    weigh(weigh_here, "export", "--format", "json", "-o", str(summary))
    message = fail(weigh_here, "import", str(summary))
    assert message == (
        f"weigh: error: {summary}: this is a summary (weigh export --format json), not a case "
        "file: export the case itself with 'weigh export --format case' and import that file"
    )
    assert "got None" not in message


def test_bad_import_writes_nothing(cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path) -> None:
    weigh(weigh_here, "cases")
    db = Path(cli_env["WEIGH_DB"])
    before = db.read_bytes()
    bad = tmp_path / "bad.json"
    doc = json.loads(dump_case_file(hostile_case()))
    doc["evidence"][1]["ratings"]["H7"] = "C"
    bad.write_text(json.dumps(doc))
    assert "evidence E2: ratings: unknown hypothesis id 'H7'" in fail(weigh_here, "import", str(bad))
    del doc["evidence"][1]["ratings"]["H7"]
    doc["evidence"][1]["group"] = "Same Fact"  # the value named, as a bad tag's is
    bad.write_text(json.dumps(doc))
    assert ("evidence E2: group: bad group 'Same Fact': use lower-case letters, digits and '-'"
            in fail(weigh_here, "import", str(bad)))
    assert db.read_bytes() == before
    assert not Path(str(db) + ".journal").exists() or Path(str(db) + ".journal").stat().st_size == 0


def test_a_bad_case_id_to_import_under_is_the_option_s_fault_not_the_file_s(
    cli_env: dict[str, str], weigh_here: WeighRun, tmp_path: Path
) -> None:
    """Tester: ``weigh import m.csv --case 'A B'`` said 'm.csv: id: use lower-case …' (the CSV
    has an id column, and the file's ids were fine) and a case file 'case.json: case.id: …'."""
    from tests.achz_files import achz

    weigh(weigh_here, "cases")
    db = Path(cli_env["WEIGH_DB"])
    before = db.read_bytes()
    files = {"case.json": dump_case_file(hostile_case()).encode(), "m.achz": achz(),
             "m.csv": b"id,title,H1: A\r\nE1,x,C\r\n"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        for bad in ("A B", "", "-x"):
            line = fail(weigh_here, "import", str(tmp_path / name), f"--case={bad}")
            assert line == (f"weigh: error: argument --case: {bad!r} is not a case id: use lower-case "
                            "letters, digits and '-' (at most 64, starting with a letter or digit) "
                            "(see 'weigh import --help')"), line
    assert db.read_bytes() == before
    # one too long was quoted cut to 64 letters, which read as a valid id: the cut is marked
    line = fail(weigh_here, "import", str(tmp_path / "case.json"), "--case", "a" * 100)
    assert f"--case: '{'a' * 64}'… (100 characters) is not a case id: use lower-case" in line, line


def test_importing_a_database_says_what_it_is(cli_env: dict[str, str], weigh_here: WeighRun) -> None:
    """Tester: 'weigh import weigh.json' (a database, not a case file) read 'not a weigh case
    file (it has no "format": "weigh-case" field)', as if it were some other JSON."""
    weigh(weigh_here, "cases")
    line = fail(weigh_here, "import", cli_env["WEIGH_DB"])
    assert line == (f"weigh: error: {cli_env['WEIGH_DB']}: this is a weigh database, not a case file: "
                    "open it with 'weigh --db FILE', or export a case of it with "
                    "'weigh --db FILE export --case ID --format case'")


def test_an_option_the_format_would_ignore_is_refused(weigh_here: WeighRun) -> None:
    """Tester: 'weigh export --format csv --as-of 2022-03-01' wrote every item, whatever its
    date, and '--format json --history' no change log, both silently."""
    for fmt in ("csv", "case", "achz"):
        line = fail(weigh_here, "export", "--format", fmt, "--as-of", "2022-03-01", "-o", "x")
        assert line == (f"weigh: error: --as-of: --format {fmt} holds every item, whatever its date; "
                        "--as-of is for md, json, html (see 'weigh export --help')"), line
    line = fail(weigh_here, "export", "--format", "json", "--history")
    assert line == ("weigh: error: --history: --format json holds no change log; --history is for "
                    "md, html (see 'weigh export --help')")
    assert weigh(weigh_here, "export", "--format", "json", "--as-of", "2022-03-01").returncode == 0


def test_help_says_what_as_of_and_serve_do(capsys: pytest.CaptureFixture[str]) -> None:
    """Docs review: --as-of's help said 'leave out evidence dated after DATE', where a report
    lists the items known later (marked) and only leaves them out of the scores, and an
    event before the date reported after it counts as later; 'weigh serve --port' said
    nothing of its default or of 0."""
    from tui.cli import main

    def help_of(command: str) -> str:
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        return " ".join(capsys.readouterr().out.split())

    assert "--as-of DATE score as of DATE: items known only after it take no part (md, json, html)" \
        in help_of("export")
    assert "--port PORT port to listen on (default 8000; 0 picks a free one)" in help_of("serve")


def test_import_existing_case_needs_replace(weigh_here: WeighRun, tmp_path: Path) -> None:
    src = tmp_path / "hostile.json"
    src.write_text(dump_case_file(hostile_case()), encoding="utf-8")
    weigh(weigh_here, "import", str(src))
    again = weigh(weigh_here, "import", str(src))  # the same file again: nothing to do, said so
    assert again.returncode == 0 and "already in the database as this file has it" in again.stdout
    changed = hostile_case().model_copy(update={"title": "Changed"})
    src.write_text(dump_case_file(changed), encoding="utf-8")
    refusal = fail(weigh_here, "import", str(src))
    assert "case 'hostile' already exists (this file would change it: case details changed)" in refusal
    assert "; add --replace" in refusal
    assert weigh(weigh_here, "import", str(src), "--replace").returncode == 0


def test_corrupt_database_is_reported_and_kept(cli_env: dict[str, str], weigh_here: WeighRun) -> None:
    db = Path(cli_env["WEIGH_DB"])
    db.write_text('{"_meta": {"1": {"format": "weigh", "schema": 1, "seq": 0}}, "cases": {')
    before = db.read_bytes()
    assert "not valid JSON" in fail(weigh_here, "export")
    assert db.read_bytes() == before


def test_locked_database_names_the_holder(cli_env: dict[str, str], tmp_path: Path) -> None:
    from evidence.seed import open_store

    store = open_store(Path(cli_env["WEIGH_DB"]))
    try:
        src = tmp_path / "hostile.json"
        src.write_text(dump_case_file(hostile_case()), encoding="utf-8")
        import os

        message = fail(cli_env, "import", str(src))
        assert f"is open in another weigh (PID {os.getpid()}); close it first, or add --wait" in message
        # Reading still works while another weigh holds the database.
        assert "istanbul-2022" in weigh(cli_env, "cases").stdout
    finally:
        store.close()


def test_bare_weigh_parses_as_the_whole_parser_would(capsys: pytest.CaptureFixture[str]) -> None:
    """Bare `weigh` is parsed without the commands' parsers (its first frame waits for it):
    its options give what the whole parser gives, and a command, --help or a mistake is the
    whole parser's, with its words ('weigh --help' lists the commands)."""
    from tui.cli import UsageError, build_parser, parse_arguments

    for argv in ([], ["--db", "x.json"], ["--db=x.json", "--analyst", "ann"], ["--exports", "out"],
                 ["--no-exports", "--d", "x"], ["--db", "cases"], ["cases", "--db", "x"],
                 ["export", "--format", "csv"]):
        assert parse_arguments(argv) == build_parser().parse_args(argv), argv
    for argv in (["--exports", "a", "--no-exports"], ["--db"], ["nonsense"], ["--bogus"]):
        with pytest.raises(UsageError) as bare:
            parse_arguments(argv)
        with pytest.raises(UsageError) as whole:
            build_parser().parse_args(argv)
        assert str(bare.value) == str(whole.value), argv
    with pytest.raises(SystemExit):
        parse_arguments(["--help"])
    assert "COMMAND" in capsys.readouterr().out
