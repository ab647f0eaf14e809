"""`weigh export --format md --history`: the change log a post-mortem reads."""

from __future__ import annotations

from pathlib import Path

from evidence.seed import open_store
from hypotheses.models import Evidence
from tests.conftest import WeighRun
from tests.conftest import weigh_text as weigh


def test_markdown_export_gains_the_change_log(cli_env: dict[str, str], weigh_here: WeighRun) -> None:
    """The Markdown export with its log from a process; the others through the same main here."""
    db = Path(cli_env["WEIGH_DB"])
    store = open_store(db)  # seeds the Istanbul case, as a first run does
    try:
        case = store.case("istanbul-2022")
        e1 = case.evidence[0]
        old = e1.ratings.get("H1")
        store.set_rating(case.id, e1.id, "H1", "II" if old != "II" else "CC")
        store.set_excluded(case.id, case.evidence[1].id, True)
        store.add_evidence(case.id, Evidence(id="E99", title="A [bold]late[/] *claim*", kind="assumption",
                                             ratings={"H2": "C"}))
        store.update_evidence(
            case.id, store.evidence(case.id, "E99").model_copy(update={"credibility": "low"})
        )
    finally:
        store.close()

    plain = weigh_here("export", "--format", "md")
    assert plain.returncode == 0 and "## Change log" not in plain.stdout

    done = weigh(cli_env, "export", "--format", "md", "--history")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "## Change log" in out
    log = out.split("## Change log", 1)[1].strip().splitlines()
    assert len(log) == 5 and all(line.startswith("- 20") and " UTC " in line for line in log)
    assert "case istanbul-2022 written whole" in log[0]
    assert f"rating {e1.id} × H1: {old or 'unrated'} → {'II' if old != 'II' else 'CC'}" in log[1]
    assert f"{case.evidence[1].id} excluded from scoring" in log[2]
    assert r"added evidence E99: A \[bold\]late\[/\] \*claim\*" in log[3]  # user text made inert
    assert "edited evidence E99: credibility medium → low" in log[4]
    # the new item is a key assumption, listed with its rating
    assumptions = out.split("## Key assumptions", 1)[1]
    assert "**E99**" in assumptions and "H2 C" in assumptions

    html = weigh_here("export", "--format", "html", "--history")
    assert html.returncode == 0 and "<h2>Change log</h2>" in html.stdout
    assert "edited evidence E99: credibility medium → low" in html.stdout
