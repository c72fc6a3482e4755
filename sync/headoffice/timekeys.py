"""Time as head office stores it: ISO 8601 text with offset for display, and a sortable UTC key.

parse() remembers what it parsed (head office reads the same members' histories batch after batch),
and gives every fixed offset one shared tzinfo instance: two datetimes with the same tzinfo object
compare by their fields (~10x faster than across tzinfo objects, which calls utcoffset() on both),
and for a fixed offset that is exactly the comparison of the instants. Nothing else changes: same
instant, same offset, same isoformat().
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

_SHARED: dict[timedelta, timezone] = {}


def key(moment: datetime) -> str:
    """A fixed-width UTC text that sorts in time order: '2026-11-21T02:00:00.000000'."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds")


def text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.isoformat(timespec="microseconds")


def shared(moment: datetime) -> datetime:
    """The same moment with the one shared tzinfo instance of its fixed offset."""
    tz = moment.tzinfo
    if type(tz) is not timezone:
        return moment
    offset = tz.utcoffset(None)
    one = _SHARED.setdefault(offset, tz)
    return moment if one is tz else moment.replace(tzinfo=one)


@lru_cache(maxsize=1 << 17)
def _parse_text(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone offset: {value!r}")
    return shared(moment)


def parse(value: object) -> datetime:
    """ISO text (with offset) -> aware datetime; ValueError otherwise."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        return _parse_text(value)
    else:
        raise ValueError(f"not a time: {value!r}")
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone offset: {value!r}")
    return moment


@lru_cache(maxsize=16)
def fixed_offset(zone_key: str) -> timedelta | None:
    """The zone's UTC offset if it never changed from 1992 to 2100 (no DST, no new standard time:
    Asia/Shanghai since 1991), else None. Sampled weekly: any DST period or change lasts longer."""
    zone = ZoneInfo(zone_key)
    start = datetime(1992, 1, 1, tzinfo=timezone.utc)
    offset = start.astimezone(zone).utcoffset()
    for week in range(0, 109 * 53):
        if (start + timedelta(weeks=week)).astimezone(zone).utcoffset() != offset:
            return None
    return offset


FIXED_YEARS = (1995, 2098)  # moments within these years, and windows of a year or two around them


@lru_cache(maxsize=1 << 17)
def zoned(value: str, zone_key: str) -> datetime:
    """parse(value) in the zone (a ZoneInfo), for comparing with that zone's datetimes by fields."""
    return _parse_text(value).astimezone(ZoneInfo(zone_key))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_DUMPED = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2})(:[0-9]{2})(\.[0-9]{6})?(Z|[+-][0-9]{2}:[0-9]{2})")


@lru_cache(maxsize=1 << 16)
def _utc_minute(minute: str, offset: str) -> str:
    moment = datetime.fromisoformat(minute + offset)
    return moment.astimezone(timezone.utc).isoformat()[:16]


def text_and_key(dumped: str, moment: datetime) -> tuple[str, str]:
    """(text(moment), key(moment)) from the moment's JSON text as pydantic writes it
    ('2026-11-21T10:00:00+08:00', '...00.000123Z'): cut and pasted, the minute turned to UTC once
    per minute and offset (formatting a datetime costs more than the rest of storing an event)."""
    if len(dumped) == 32 and dumped[19] == "." and dumped[26] in "+-" and dumped[29] == ":":
        # '2026-11-21T10:00:00.000123+08:00', the common shape: cut without the regex
        return dumped, _utc_minute(dumped[:16], dumped[26:]) + dumped[16:26]
    m = _DUMPED.fullmatch(dumped)
    if m is None:
        return text(moment), key(moment)
    minute, seconds, fraction, offset = m.groups()
    fraction = fraction or ".000000"
    if offset == "Z":
        offset = "+00:00"
    return minute + seconds + fraction + offset, _utc_minute(minute, offset) + seconds + fraction
