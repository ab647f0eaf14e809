"""The base of weigh's dialogs: their styles (``forms.tcss``) load with the first one shown.

The workbench's first frame draws no dialog, so it does not parse their rules; Textual
reads a screen's ``CSS_PATH`` when the screen is first pushed, once for the app.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import ClassVar, Generic, TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")

FORMS_TCSS = Path(__file__).parent.parent / "forms.tcss"


class Dialog(ModalScreen[T], Generic[T]):
    """A modal screen over the workbench, styled by ``forms.tcss``."""

    CSS_PATH: ClassVar[list[str | PurePath]] = [FORMS_TCSS]
