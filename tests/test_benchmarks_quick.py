"""The benchmark runs end to end (``--quick``) and prints its table and summary line.

No timing is asserted: numbers depend on the machine. What is checked is what
a reader of tests/benchmarks/README.md's table relies on: every row is there and measured
(no 'error:'), and the last line has the exact ``summary:`` shape.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(
    r"^summary: edit_ratio=(\S+) edit_ms=(\S+) open_ratio=(\S+) rescore_ms=(\S+) "
    r"linchpin_ms=(\S+) export_s=(\S+) key1k_worst_ms=(\S+) tui1k_ready_s=(\S+) "
    r"launch_ratio=(\S+) rss1k_mib=(\S+) aged_open_ratio=(\S+) aged_close_ratio=(\S+) "
    r"export100k_s=(\S+) team_rescore_ms=(\S+) import1k_mib=(\S+)$"
)

pytestmark = pytest.mark.benchmark  # slow: only with `pytest -m benchmark`


def test_quick_benchmark_prints_the_table_and_summary(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_STATE_HOME=str(tmp_path / "state"))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--quick", "--dir", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    lines = out.strip().splitlines()
    assert "machine:" in out and "cores" in out and "Python" in out
    header = next(ln for ln in lines if ln.startswith("| measure"))
    assert [c.strip() for c in header.split("|")[1:6]] == [
        "measure", "target", "weigh", "baseline / detail", "verdict"
    ]
    for row in (
        "durable rating edit, 1k",
        "durable add evidence, 1k",
        "open 1k + replay",
        "rescore all three models, 1k",
        "linchpin scan, every item, 3 models, 1k",
        "peak RSS, 1k:",
        "`weigh export --format json`, whole process, default case",
        "TUI launch to first frame showing the case, default case",
        "TUI rating a cell, 1k",
        "TUI scrolling",
        "TUI sort (s), 1k",
        "TUI as-of step ([ ]), 1k",
        "TUI model cycle (m), 1k",
        "TUI filter, each typed character, 1k",
        "open after 10,000 edits, 1k",
        "close after 10,000 edits, 1k",
        "100k rows",
        "team: rescore under the team lens after one vote, 1k × 5 analysts",
        "  team: open 1k × 5 analysts",
    ):
        assert any(ln.startswith(f"| {row}") for ln in lines), f"row missing: {row}\n{out}"
    assert "error:" not in out, out
    assert "TinyDB update" in out and "json.load" in out and "hello world" in out
    match = SUMMARY.match(lines[-1])
    assert match, lines[-1]
    *values, big, team, imported = [float(v) for v in match.groups()]
    assert all(math.isfinite(v) and v > 0 for v in [*values, team]), lines[-1]
    assert math.isnan(big)  # --quick builds no 100k case: export100k_s is n/a
    assert math.isnan(imported)  # nor imports one: import1k_mib is n/a
    # the temporary work directory is cleaned up
    assert not any(p.name.startswith("weigh-bench-") for p in tmp_path.iterdir())
