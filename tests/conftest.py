"""Shared fixtures: the default programme, store-time helpers, a set-up terminal on a fixed clock."""

from __future__ import annotations

import os

os.environ.setdefault("POS_PIN_HASH_FAST", "1")  # argon2 at full cost would make every sign-in slow
os.environ.setdefault("POS_LANG", "zh_CN")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from storetime import TZ, at  # noqa: E402,F401  (tests import them from storetime)
from terminal.clock import FixedClock  # noqa: E402
from terminal.rules import Programme, default_programme  # noqa: E402

PIN = "1234"


@pytest.fixture(scope="session")
def programme() -> Programme:
    return default_programme()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at("2026-11-02 10:00"))


@pytest.fixture
def term(tmp_path: Path, clock: FixedClock):
    """A set-up terminal (default rules, admin PIN 1234) in a temp data dir, on a fixed clock."""
    from terminal.services import setup
    from terminal.services.context import open_terminal

    t = open_terminal(tmp_path / "data", clock)
    setup.init(t, store_name="测试门店", admin_pin=PIN, at=clock.now())
    yield t
    t.store.close()


@pytest.fixture
def admin():
    from terminal.services.context import Actor

    return Actor("admin", "admin", "管理员")


@pytest.fixture
def cashier():
    from terminal.services.context import Actor

    return Actor("c1", "cashier", "收银员")
