"""The garbage collector paused around one unit of bulk work (a pulled page applied at a till; a pull
page built or a projector chunk applied at head office).

Such work makes tens of thousands of short-lived rows and documents in no reference cycle, which
reference counting frees. The cyclic collector, set off by every 700 of them, went through them
and through everything older (a helper's caches, a till's data) again and again: measured, about a
fifth of applying a pulled page at a till and a quarter of building one. It runs again after the
work, and finds what little the work left.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Automatic collection off inside, back on after (if it was on: nested or in several threads
    at once, the one that found it on turns it back on)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
