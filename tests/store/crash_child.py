"""Child process of the crash tests: numbered edits, each number printed only once acknowledged.

Usage: python crash_child.py DB START COMPACT_RECORDS
Optional env WEIGH_CRASH="<os function>:<N>:<before|after|half>" makes the child
SIGKILL itself at the Nth call of that function (counting from the first line
of main, so opening and recovery are covered too): a deterministic kill point.
WEIGH_CRASH_LIMIT stops after that many edits; WEIGH_CRASH_PACED makes each edit
wait for a line on standard input, so the test decides how far the child gets.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import evidence.store as store_module
from evidence.store import Store
from tests.store.edits import edit


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(spec: str) -> None:
    """Wrap os.<name> so its Nth call kills the process before, after, or halfway."""
    name, nth, when = spec.split(":")
    real = getattr(os, name)
    calls = [0]
    target = int(nth)

    def wrapper(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        if calls[0] != target:
            return real(*args, **kwargs)
        if when == "before":
            die()
        if when == "half" and name == "write":
            fd, data = args[0], bytes(cast(bytes, args[1]))
            real(fd, data[: max(1, len(data) // 2)])
            die()
        result = real(*args, **kwargs)
        die()
        return result

    setattr(os, name, wrapper)


def main() -> None:
    db, start, compact = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    store_module.COMPACT_RECORDS = compact
    if os.environ.get("WEIGH_CRASH"):
        arm(os.environ["WEIGH_CRASH"])
    store = Store.open(db)
    print("open", flush=True)
    n = start
    limit = int(os.environ.get("WEIGH_CRASH_LIMIT", "1000000"))
    paced = bool(os.environ.get("WEIGH_CRASH_PACED"))
    while n < limit:
        if paced and not sys.stdin.readline():
            break  # paced: one line from the test per edit
        edit(store, n)
        n += 1
        print(n, flush=True)  # n edits acknowledged
    store.close()
    print("closed", flush=True)


if __name__ == "__main__":
    main()
