"""What the status bar shows about sync, behind one small interface.

A StatusSource is any callable returning {online, events_waiting, last_success, last_error}; it
is called on the worker thread (ui.ops), never on the GUI thread. The sync loop plugs its own in
(`lambda: replica.status(t, t.now())`); until then `store_status` reads what the store records.
An extra key `configured` (False: no head office set up, a standalone till) is optional.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from terminal import clock as clocks
from terminal.services.context import Terminal

StatusSource = Callable[[], dict[str, Any]]


def events_waiting(t: Terminal) -> int:
    acked = int(t.store.setting("acked_seq", "0") or 0)
    return int(t.store.scalar("SELECT COUNT(*) FROM events WHERE seq > ?", (acked,)) or 0)


def store_status(t: Terminal, now: datetime) -> dict[str, Any]:
    """Online = a head office is set up and the last successful sync is within the offline limit
    (the same test the offline redemption cap uses)."""
    url = t.store.setting("headoffice_url")
    last = t.store.setting("last_sync_at")
    last_success = clocks.from_text(last) if last else None
    online = url is not None and not t.is_offline(now)
    return {
        "online": online,
        "events_waiting": events_waiting(t),
        "last_success": last_success,
        "last_error": None if online or url is None else t.store.setting("last_sync_error"),
        "configured": url is not None,
    }


def default_source(t: Terminal) -> StatusSource:
    return lambda: store_status(t, t.now())
