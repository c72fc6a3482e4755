"""Staff PINs: argon2id hashes, strict PIN format, lockout after five failures."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from terminal import auth
from terminal.auth import LOCKOUT_MINUTES, check_pin_format, hash_pin, locked_until, pin_matches
from terminal.errors import PosError

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fast_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "HASHER", auth.make_hasher(fast=True))


def test_right_pin_matches_and_wrong_ones_do_not() -> None:
    stored = hash_pin("482913")
    assert pin_matches(stored, "482913")
    for wrong in ["482914", "48291", "4829130", "", "0482913", "482913 ", "３８２９１３"]:
        assert not pin_matches(stored, wrong), wrong


def test_hash_is_salted_argon2id_and_hides_the_pin() -> None:
    first, second = hash_pin("1234"), hash_pin("1234")
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second and "1234" not in first.split("$", 4)[-1]
    assert pin_matches(first, "1234") and pin_matches(second, "1234")


def test_real_hasher_is_slow_on_purpose_and_reads_old_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    slow = auth.make_hasher()
    assert slow.time_cost >= 3 and slow.memory_cost >= 64 * 1024
    fast_hash = hash_pin("2468")
    monkeypatch.setattr(auth, "HASHER", slow)
    stored = hash_pin("1357")
    assert "m=65536" in stored and pin_matches(stored, "1357") and not pin_matches(stored, "1358")
    assert pin_matches(fast_hash, "2468")  # cost lives in each hash


@pytest.mark.parametrize(
    "damaged",
    ["", "1234", "argon2id", "$argon2id$", "$argon2id$v=19$m=1024,t=1,p=1$", "$bcrypt$xyz", "\x00"],
)
def test_damaged_hash_never_matches_and_never_raises(damaged: str) -> None:
    assert pin_matches(damaged, "1234") is False


def test_truncated_or_tampered_hash_never_matches() -> None:
    stored = hash_pin("1234")
    for damaged in [stored[:-4], stored[:-1] + ("A" if stored[-1] != "A" else "B"), stored + "é"]:
        assert pin_matches(damaged, "1234") is False


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_pin_matches_on_any_text_is_false_without_raising(damaged: str, pin: str) -> None:
    assert pin_matches(damaged, pin) is False


@pytest.mark.parametrize("pin", ["1234", "0000", "123456789012", "000123"])
def test_pin_of_4_to_12_digits_is_accepted(pin: str) -> None:
    check_pin_format(pin)
    assert pin_matches(hash_pin(pin), pin)


@pytest.mark.parametrize(
    "pin",
    ["", "123", "1234567890123", "12a4", " 1234", "1234\n", "12 34", "-123", "12.4", "１２３４", "١٢٣٤", "²³⁴⁵"],
)
def test_pin_that_is_not_4_to_12_ascii_digits_is_refused(pin: str) -> None:
    with pytest.raises(PosError) as err:
        check_pin_format(pin)
    assert err.value.code == "pin_invalid"
    with pytest.raises(PosError):
        hash_pin(pin)


def test_four_failures_do_not_lock_the_fifth_does() -> None:
    last = datetime(2026, 11, 21, 10, 0, tzinfo=TZ)
    assert locked_until(0, None) is None
    assert locked_until(4, last) is None
    assert locked_until(5, last) == datetime(2026, 11, 21, 10, 15, tzinfo=TZ)
    assert locked_until(6, last) == last + timedelta(minutes=LOCKOUT_MINUTES)
    assert locked_until(5, None) is None
