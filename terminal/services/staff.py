"""Staff: sign-in with PIN and lockout; adding staff (admin)."""

from __future__ import annotations

from datetime import datetime

from terminal import auth, clock as clocks
from terminal.errors import PosError
from terminal.services import audit
from terminal.services.context import Actor, Terminal, require


def sign_in(t: Terminal, staff_id: str, pin: str, at: datetime | None = None) -> Actor:
    """The actor for a right PIN. Wrong PINs count; the fifth in a row locks the account."""
    now = t.now(at)
    row = t.store.one("SELECT * FROM staff WHERE staff_id = ? AND active = 1", (staff_id,))
    if row is None:
        auth.pin_matches(_DUMMY_HASH(), pin)  # same cost as a real check: no staff-id probing
        raise PosError("staff_unknown")
    last = clocks.from_text(row["last_failure_at"]) if row["last_failure_at"] else None
    until = auth.locked_until(row["failures"], last)
    if until is not None and now < until:
        raise PosError("pin_locked", until=until.strftime("%H:%M"))
    failures = 0 if until is not None else row["failures"]  # a lock that ran out starts afresh
    if not auth.pin_matches(row["pin_hash"], pin):
        failures += 1
        with t.store.write() as conn:
            conn.execute(
                "UPDATE staff SET failures = ?, last_failure_at = ? WHERE staff_id = ?",
                (failures, clocks.to_text(now), staff_id),
            )
            audit.record(t, None, "sign_in_failed", now, staff_id=staff_id, failures=failures)
        lock = auth.locked_until(failures, now)
        if lock is not None:
            raise PosError("pin_locked", until=lock.strftime("%H:%M"))
        raise PosError("pin_wrong", left=auth.MAX_FAILURES - failures)
    actor = Actor(staff_id=row["staff_id"], role=row["role"], name=row["name"])
    with t.store.write() as conn:
        conn.execute("UPDATE staff SET failures = 0, last_failure_at = NULL WHERE staff_id = ?", (staff_id,))
        audit.record(t, actor, "sign_in", now)
    return actor


def add_staff(
    t: Terminal, actor: Actor | None, staff_id: str, name: str, role: str, pin: str, at: datetime | None = None
) -> None:
    """Add a staff member. `actor` None only while setting up the first admin."""
    if actor is not None:
        require(actor, "admin")
    if role not in auth.ROLES:
        raise PosError("input_invalid", detail=f"role {role!r}")
    auth.check_pin_format(pin)
    if not staff_id or len(staff_id) > 32 or not staff_id.replace("-", "").replace("_", "").isalnum():
        raise PosError("input_invalid", detail=f"staff id {staff_id!r}")
    now = t.now(at)
    with t.store.write() as conn:
        if conn.execute("SELECT 1 FROM staff WHERE staff_id = ?", (staff_id,)).fetchone():
            raise PosError("staff_exists", staff_id=staff_id)
        conn.execute(
            "INSERT INTO staff(staff_id, name, role, pin_hash) VALUES (?, ?, ?, ?)",
            (staff_id, name, role, auth.hash_pin(pin)),
        )
        audit.record(t, actor, "staff_added", now, staff_id=staff_id, role=role)


_dummy: list[str] = []


def _DUMMY_HASH() -> str:
    if not _dummy:
        _dummy.append(auth.hash_pin("000000"))
    return _dummy[0]
