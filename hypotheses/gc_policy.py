"""weigh's one garbage-collector policy: when the cyclic collector is paused, frozen or run.

weigh builds many objects that live as long as a case stays open (modules,
pydantic validators, the case's models). The collector finds next to no
garbage among them but walks them again and again, so:

- a bulk build (a database loading, a summary's rows) runs with it paused
  (:func:`paused`); reference counting still frees memory meanwhile;
- start-up pauses it until the first frame (:func:`pause` / :func:`resume`),
  then freezes what start-up built out of its way;
- an opened case is frozen too (:func:`settle`), and the collector's own full
  passes are replaced by the same pass run between keys
  (:func:`collect_after_frame`), never in the middle of one.

It lives in the lowest package so the analysis, the store and the workbench
all call the same code.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FULL_PASS_EVERY = 10  # middle-generation passes between full ones (CPython's own default)
_NEVER = 1 << 30


@contextmanager
def paused() -> Iterator[None]:
    """Hold off the collector while many long-lived objects are built; restore it after."""
    was_enabled = pause()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def paused_then_frozen() -> Iterator[None]:
    """Build with the collector paused, then freeze what was built out of its way."""
    was_enabled = pause()
    try:
        yield
    finally:
        resume(was_enabled)


def pause() -> bool:
    """Stop the collector; returns whether it was running (give that to :func:`resume`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    return was_enabled


def resume(was_enabled: bool) -> None:
    """End a :func:`pause`: freeze what was built meanwhile and run the collector again."""
    if was_enabled:
        gc.freeze()
        gc.enable()


def settle(collect: bool = True) -> None:
    """A case was opened: keep the collector from walking its models on every pass.

    What an earlier freeze kept that is garbage now (the last case, a closed
    dialog) is collected first, unless ``collect`` is false (the first case
    shown: what is frozen is start-up's, next to no garbage, and a full pass
    over it would delay the first frame). The collector's own full passes are
    turned off: they started in the middle of whichever key crossed the
    threshold; :func:`collect_after_frame` runs the same pass as often, once
    that key's frame is on screen.
    """
    if collect and gc.get_freeze_count():
        gc.unfreeze()
        gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, _NEVER)


def collect_after_frame() -> None:
    """The full pass the collector would have run by now (see :func:`settle`),
    between keys instead of inside one."""
    if gc.get_count()[2] >= FULL_PASS_EVERY:
        gc.collect()
