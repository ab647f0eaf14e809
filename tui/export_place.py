"""Where the export dialog may write: anywhere, only inside one folder, or nowhere.

In a terminal the person at the keyboard may write where they like. A served
workbench is driven by whoever has its browser tab (read-only tabs included),
and its files are the server's, so `weigh serve` starts each workbench with
``--exports DIR`` (only inside DIR) or ``--no-exports``. Set once, at start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ExportPlace:
    folder: Path | None = None  # exports only inside this folder (symlinks resolved)
    off: bool = False  # no exports at all

    def problem(self, path: Path) -> str | None:
        """Why the dialog may not write ``path`` (an absolute path), or None."""
        if self.off:
            return ("this served workbench writes no files on the server; start "
                    "'weigh serve --exports DIR' to allow exports into DIR")
        if self.folder is None:
            return None
        inside = Path(os.path.realpath(path.parent)).is_relative_to(self.folder)
        if not inside or path.name in ("", ".", ".."):
            return f"this workbench writes exports only into {self.folder}: give a name there"
        return None


_place = ExportPlace()


def export_place() -> ExportPlace:
    """Where exports may go in this process."""
    return _place


def restrict_exports(place: ExportPlace) -> None:
    """Set where exports may go (the `weigh` command does, before the workbench starts)."""
    global _place
    _place = place
