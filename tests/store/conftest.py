"""Fixtures of the store tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .faults import Faults


@pytest.fixture
def faults() -> Iterator[Faults]:
    """Its own MonkeyPatch, so clearing faults leaves the test's other patches alone."""
    injector = Faults()
    yield injector
    injector.clear()
