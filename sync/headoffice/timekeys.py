"""Time as head office stores it: ISO 8601 text with offset for display, and a sortable UTC key."""

from __future__ import annotations

from datetime import datetime, timezone


def key(moment: datetime) -> str:
    """A fixed-width UTC text that sorts in time order: '2026-11-21T02:00:00.000000'."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")


def text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.isoformat(timespec="microseconds")


def parse(value: object) -> datetime:
    """ISO text (with offset) -> aware datetime; ValueError otherwise."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value)
    else:
        raise ValueError(f"not a time: {value!r}")
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone offset: {value!r}")
    return moment


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
