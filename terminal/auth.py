"""Staff PINs (argon2, slow on purpose) and the lockout rule; roles and their order."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from terminal.errors import PosError

ROLES = ("cashier", "manager", "admin")
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
_PIN_RE = re.compile(r"[0-9]{4,12}")


def make_hasher(fast: bool = False) -> PasswordHasher:
    """argon2id with the library's (slow) defaults; `fast` is for tests only, never for real PINs."""
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


# Used by hash_pin. POS_PIN_HASH_FAST=1 at import (or swapping this attribute) makes it cheap for
# tests; pin_matches reads the cost from each stored hash, so hashes of either kind verify.
HASHER: PasswordHasher = make_hasher(os.environ.get("POS_PIN_HASH_FAST") == "1")


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def check_pin_format(pin: str) -> None:
    """PosError('pin_invalid') unless 4 to 12 ASCII digits."""
    if not isinstance(pin, str) or not _PIN_RE.fullmatch(pin):
        raise PosError("pin_invalid")


def hash_pin(pin: str) -> str:
    """An argon2id hash of a well-formed PIN (PosError pin_invalid otherwise)."""
    check_pin_format(pin)
    return HASHER.hash(pin)


def pin_matches(pin_hash: str, pin: str) -> bool:
    """True only for the right PIN; False (never an exception) for a wrong PIN or a damaged hash."""
    if not isinstance(pin_hash, str) or not isinstance(pin, str):
        return False
    try:
        return HASHER.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError, ValueError, UnicodeError):
        return False


def locked_until(failures: int, last_failure_at: datetime | None) -> datetime | None:
    """After MAX_FAILURES consecutive failures the account is locked LOCKOUT_MINUTES from the last."""
    if failures >= MAX_FAILURES and last_failure_at is not None:
        return last_failure_at + timedelta(minutes=LOCKOUT_MINUTES)
    return None
