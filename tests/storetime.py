"""Store time for tests: `at('2026-11-21 10:00')` in Asia/Shanghai. A module of its own because
tests/sync has conftest.py files too, so `from conftest import ...` can find the wrong one."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """'2026-11-21 10:00' in store time."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)
