"""The terminal's local store: SQLite through sqlite-utils, every change an event."""

from terminal.store.db import Store, open_store

__all__ = ["Store", "open_store"]
