"""Entry point for the benchmark's child processes (one measurement each, JSON on stdout).

``python -m tests.benchmarks.child store N DIR REPS_JSON`` and so on; a fresh
process keeps each case's peak RSS and the launch timings its own.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    what, *args = argv
    if what == "write":
        from tests.benchmarks import store_rows

        n, workdir = args
        print(json.dumps(store_rows.write(int(n), Path(workdir))), flush=True)
    elif what == "open":
        from tests.benchmarks import store_rows

        db, reps = args
        print(json.dumps(store_rows.open_times(Path(db), int(reps))), flush=True)
    elif what == "store":
        from tests.benchmarks import store_rows

        n, workdir, reps = args
        print(json.dumps(store_rows.measure(int(n), Path(workdir), json.loads(reps))), flush=True)
    elif what == "team-write":
        from tests.benchmarks import team_rows

        n, workdir = args
        print(json.dumps(team_rows.write(int(n), Path(workdir))), flush=True)
    elif what == "team":
        from tests.benchmarks import team_rows

        n, workdir, reps = args
        print(json.dumps(team_rows.measure(int(n), Path(workdir), int(reps))), flush=True)
    elif what == "aged-build":
        from tests.benchmarks import aged

        n, edits, workdir = args
        print(json.dumps(aged.build(int(n), int(edits), Path(workdir))), flush=True)
    elif what == "aged":
        from tests.benchmarks import aged

        workdir, reps = args
        print(json.dumps(aged.measure(Path(workdir), int(reps))), flush=True)
    elif what == "naive":
        from tests.benchmarks import naive

        n, workdir, reps = args
        print(json.dumps(naive.measure(int(n), Path(workdir), int(reps))), flush=True)
    elif what == "merge":
        from tests.benchmarks import merge_rows

        n, workdir, reps = args
        print(json.dumps(merge_rows.measure(int(n), Path(workdir), int(reps))), flush=True)
    elif what == "import":
        from tests.benchmarks import import_rows

        n, workdir, kind = args
        print(json.dumps(import_rows.measure(int(n), Path(workdir), kind)), flush=True)
    elif what == "interact":
        from tests.benchmarks.tui_rows import child_interact

        child_interact(*args)
    elif what == "export-imports":
        from tui.cli import main as weigh

        code = weigh(["export", "--format", "json", "--db", args[0], "-o", args[1]])
        print(json.dumps({"exit": code, "textual": "textual" in sys.modules}), flush=True)
    else:
        raise SystemExit(f"unknown benchmark child {what!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
