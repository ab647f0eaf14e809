"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence.store import Store

from .edits import base_case
from .faults import Faults


@pytest.fixture
def faults() -> Iterator[Faults]:
    """Its own MonkeyPatch, so clearing faults leaves the test's other patches alone."""
    injector = Faults()
    yield injector
    injector.clear()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding the base case of the edit scripts, closed again."""
    path = tmp_path / "weigh.json"
    with Store.open(path) as store:
        store.put_case(base_case())
    return path
