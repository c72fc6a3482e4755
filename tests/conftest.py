"""Shared fixtures: the default programme, store-time helpers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from terminal.rules import Programme, default_programme

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    """'2026-11-21 10:00' in store time."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture(scope="session")
def programme() -> Programme:
    return default_programme()
