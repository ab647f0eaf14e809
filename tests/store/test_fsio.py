"""The one atomic replacement: exclusive temp file, mode whatever the umask, no leftovers."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from evidence.fsio import atomic_write, remove_stale_temps

if TYPE_CHECKING:
    from tests.store.faults import Faults


def test_replaces_whole_file_with_mode_regardless_of_umask(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"old")
    old_umask = os.umask(0)
    try:
        atomic_write(target, b"new bytes")
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        atomic_write(target, b"again", mode=0o640)
    finally:
        os.umask(old_umask)
    assert target.read_bytes() == b"again"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_a_symlink_target_is_replaced_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"keep me")
    link = tmp_path / "f.json"
    link.symlink_to(outside)
    atomic_write(link, b"new")
    assert outside.read_bytes() == b"keep me"
    assert not link.is_symlink() and link.read_bytes() == b"new"


@pytest.mark.parametrize("func", ["write", "fsync", "replace", "fchmod"])
def test_a_failed_step_leaves_the_old_file_and_no_temp(tmp_path: Path, faults: Faults,
                                                       func: str) -> None:
    target = tmp_path / "f.json"
    target.write_bytes(b"old")
    faults.add(func, 1, errno.ENOSPC)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    faults.clear()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_stale_temps_of_one_file_are_swept_and_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "weigh.json"
    (tmp_path / ".weigh.json.abc123.tmp").write_bytes(b"x")
    (tmp_path / ".other.json.abc.tmp").write_bytes(b"x")
    (tmp_path / "weigh.json.journal").write_bytes(b"")
    remove_stale_temps(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.json.abc.tmp", "weigh.json.journal"]
