"""The garbage collector paused around one unit of bulk work (a pulled page applied at a till; a pull
page built or a projector chunk applied at head office).

Such work makes tens of thousands of short-lived rows and documents in no reference cycle, which
reference counting frees. The cyclic collector, set off by every 700 of them, went through them
and through everything older (a helper's caches, a till's data) again and again: measured, about a
fifth of applying a pulled page at a till and a quarter of building one. It runs again after the
work, without going through what the work left alive (see gc_paused).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def _promote_young() -> None:
    """Every object the collector tracks moved to the oldest generation, unexamined (freeze() then
    unfreeze(): two list splices), and the young generation's count reset. Without it the first
    allocation after the pause ran a young collection over everything made in it that was still
    alive (a built page, a chunk's rows, about to be dropped): measured, half a second of a
    catch-up's projector. What is garbage among them is freed by reference counting as usual, or
    found by the next full collection if it is in a cycle. (Nothing here uses gc.freeze() for
    itself: it would be undone.)"""
    gc.freeze()
    gc.unfreeze()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Automatic collection off inside, back on after (if it was on: nested or in several threads
    at once, the one that found it on turns it back on), with what the work made promoted to the
    oldest generation unexamined."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        _promote_young()
        gc.enable()
