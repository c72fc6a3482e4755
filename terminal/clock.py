"""Time: an injected clock, the store time zone, and parsing of the CLI's ISO 8601 TIME."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from terminal.errors import PosError

DEFAULT_TZ = "Asia/Shanghai"


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class SystemClock:
    """Wall-clock time in the store's zone."""

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))

    def now(self) -> datetime:
        return datetime.now(self.tz)


@dataclass
class FixedClock:
    """A clock for tests and for entering paper slips after an outage: always `at`."""

    at: datetime

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + timedelta(**delta)


def parse_time(text: str, tz: ZoneInfo) -> datetime:
    """ISO 8601 date or date-time; without an offset it is store time. Returns an aware datetime."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise PosError("date_invalid", text=text) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(tz)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PosError("date_invalid", text=text) from None


def to_text(moment: datetime) -> str:
    """The stored form of a moment: ISO 8601 with offset, microseconds kept."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)
