"""Staff PINs (argon2, slow on purpose) and the lockout rule; roles and their order."""

from __future__ import annotations

from datetime import datetime

ROLES = ("cashier", "manager", "admin")
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def check_pin_format(pin: str) -> None:
    """PosError('pin_invalid') unless 4 to 12 ASCII digits."""
    raise NotImplementedError


def hash_pin(pin: str) -> str:
    raise NotImplementedError


def pin_matches(pin_hash: str, pin: str) -> bool:
    raise NotImplementedError


def locked_until(failures: int, last_failure_at: datetime | None) -> datetime | None:
    """After MAX_FAILURES consecutive failures the account is locked LOCKOUT_MINUTES from the last."""
    raise NotImplementedError
