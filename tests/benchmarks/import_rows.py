"""The import rows: peak RSS of the whole ``weigh import`` process, for a 100,000-item case
file and for a hostile file just inside the limits (the memory bound the limits promise).

Each ``weigh import`` runs under a small wrapper process that reads the peak RSS of its
only child (``RUSAGE_CHILDREN``): the figure covers the whole command (interpreter,
imports, parsing, the journal append and the fold on close), and not the memory of the
process that built the file (a child's peak counts what it had before ``exec``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from evidence.case_file import dump_case_file
from evidence.limits import MAX_JSON_KEYS
from tests.benchmarks.cases import big_case

ROOT = Path(__file__).resolve().parents[2]


def hostile_file(path: Path) -> Path:
    """A case file whose one unknown key holds as many distinct keys as the limits let in."""
    keys = MAX_JSON_KEYS - 10
    with path.open("wb") as fh:
        fh.write(b'{"format": "weigh-case", "version": 1, "x": {')
        fh.write(b",".join(b'"%x":0' % i for i in range(keys)))
        fh.write(b"}}")
    return path


_WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
    "print(json.dumps({'exit': done.returncode, 'peak_rss_mb': peak,"
    " 'stderr': done.stderr.decode()[-300:]}))\n"
)


def weigh_import(db: Path, source: Path) -> dict[str, Any]:
    """One ``weigh import`` in its own process: its exit status and peak RSS in MiB."""
    command = [sys.executable, "-m", "tui.cli", "--db", str(db), "import", str(source)]
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], cwd=ROOT, capture_output=True,
                          check=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def measure(n: int, workdir: Path, what: str) -> dict[str, Any]:
    """``case``: an ``n``-item case file imported into a new database; ``hostile``: the
    hostile file refused."""
    if what == "case":
        source = workdir / f"import-{n}.weigh.json"
        source.write_text(dump_case_file(big_case(n)), encoding="utf-8")
    else:
        source = hostile_file(workdir / "hostile-keys.json")
    out = weigh_import(workdir / f"import-{what}.json", source)
    out["file_mb"] = source.stat().st_size / 2**20
    source.unlink()
    return out
