"""weigh and its tests use the libraries' public API only, and never meet their private names.

A minor release of Textual, Rich, pydantic or TinyDB may change anything behind an
underscore, so code that reads it (a screen's compositor, an app's driver) or a widget
whose own private attribute happens to share a name with its Textual base's (the footer
once did) breaks on an upgrade nobody announced. Every module is read from disk, so a
new one is covered the day it is added, deferred imports included.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from functools import cache
from pathlib import Path

import textual

from tests.conftest import ROOT

LIBRARIES = ("textual", "textual_serve", "rich", "pydantic", "pydantic_core", "tinydb")
#: textual-serve has no public hook for the two things ``weigh serve`` adds (waiting for a
#: workbench's process, guarding the aiohttp app); tui/serve.py uses these and pyproject
#: pins textual-serve to the minor release they were read from.
PINNED = {("tui.serve", "Workbench"): {"_process"}, ("tui.serve", "GuardedServer"): {"_make_app"}}
_IMPORT = re.compile(rf"^\s*(?:from|import)\s+((?:{'|'.join(LIBRARIES)})(?:\.\w+)+)", re.M)
#: What a piece of source defines behind an underscore: ``self._x`` set, ``def _x``, ``_x = ``.
_DEFINED = re.compile(r"self\.(_[a-z]\w*)\s*(?::[^=\n]*)?=(?!=)|def (_[a-z]\w*)|^\s+(_[a-z]\w*)\s*[:=]",
                      re.M)
_READ = re.compile(r"\.(_[a-z]\w*)\b")


def _defined(source: str) -> set[str]:
    return {next(name for name in match.groups() if name) for match in _DEFINED.finditer(source)}


@cache
def _our_sources() -> tuple[tuple[Path, str], ...]:
    """weigh's modules and its tests' (this file aside: it names what it refuses)."""
    here = Path(__file__).resolve()
    return tuple((path, path.read_text(encoding="utf-8"))
                 for package in ("tui", "evidence", "hypotheses", "tests")
                 for path in sorted((ROOT / package).rglob("*.py")) if path != here)


@cache
def _textual_private() -> frozenset[str]:
    return frozenset().union(*(_defined(path.read_text(encoding="utf-8"))
                               for path in Path(textual.__file__).parent.rglob("*.py")))


@cache
def _defined_by(base: type) -> frozenset[str]:
    """The private names a library class's own source defines (none if built in C)."""
    try:
        return frozenset(_defined(inspect.getsource(base)))
    except (OSError, TypeError):
        return frozenset()


def test_no_private_module_of_a_library_is_imported() -> None:
    found = [f"{path.relative_to(ROOT)} imports {module}"
             for path, source in _our_sources() for module in _IMPORT.findall(source)
             if any(part.startswith("_") for part in module.split(".")[1:])]
    assert not found, "\n".join(found)


def test_no_private_attribute_of_textual_is_read() -> None:
    """A name behind an underscore that Textual defines and weigh does not, read anywhere."""
    ours = set().union(*(_defined(source) for _, source in _our_sources()))
    textual_only = _textual_private() - ours
    found = [f"{path.relative_to(ROOT)} reads Textual's {name}"
             for path, source in _our_sources() for name in set(_READ.findall(source))
             if name in textual_only]
    assert not found, "\n".join(found)


def test_the_guard_knows_textuals_private_screen_names() -> None:
    """The names tests once read are among those the check above refuses."""
    assert {"_compositor", "_display", "_driver", "_batch_count", "_notifications",
            "_background_screens"} <= _textual_private()


def test_no_widget_of_ours_reuses_a_private_name_of_its_library_base() -> None:
    import tui

    clashes = []
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        module = importlib.import_module(info.name)
        for name, cls in vars(module).items():
            if not inspect.isclass(cls) or cls.__module__ != module.__name__:
                continue
            bases = [b for b in cls.__mro__[1:] if b.__module__.split(".")[0] in LIBRARIES]
            theirs = frozenset().union(*(_defined_by(base) for base in bases))
            clash = (_defined(inspect.getsource(cls)) & theirs) - PINNED.get((info.name, name), set())
            if clash:
                clashes.append(f"{info.name}.{name}: {sorted(clash)}")
    assert not clashes, "\n".join(clashes)
