"""Failing the Nth call of an os function, once or from then on (SQLite's I/O-error tests)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass
class Fault:
    name: str
    nth: int
    code: int = errno.ENOSPC
    persistent: bool = False
    only: Callable[[tuple[Any, ...]], bool] | None = None  # which calls count
    calls: int = 0
    fired: int = 0


@dataclass
class Faults:
    """Install with :meth:`add`; every counted call past ``nth`` fails if persistent."""

    monkeypatch: pytest.MonkeyPatch = field(default_factory=pytest.MonkeyPatch)
    faults: list[Fault] = field(default_factory=list)

    def add(self, name: str, nth: int, code: int = errno.ENOSPC, *, persistent: bool = False,
            only: Callable[[tuple[Any, ...]], bool] | None = None) -> Fault:
        fault = Fault(name, nth, code, persistent, only)
        real = getattr(os, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if fault.only is None or fault.only(args):
                fault.calls += 1
                if fault.calls == fault.nth or (fault.persistent and fault.calls > fault.nth):
                    fault.fired += 1
                    raise OSError(fault.code, os.strerror(fault.code))
            return real(*args, **kwargs)

        self.monkeypatch.setattr(os, name, wrapper)
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """The disk is fixed: the real functions are back."""
        self.monkeypatch.undo()
        self.faults.clear()
