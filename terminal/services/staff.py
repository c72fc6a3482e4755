"""Staff: sign-in with PIN and lockout; managing staff.

Who manages whom (checked here, whatever the screens show): an admin manages everyone; a manager
manages cashiers only (adds them, resets their PINs, deactivates them), so only an admin creates or
promotes an admin or a manager. Nobody deactivates or demotes the last active admin, and nobody
deactivates themselves. Every change is audited; no PIN (nor its hash) is ever in the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
    if role not in auth.ROLES:
        raise PosError("input_invalid", detail=f"role {role!r}")
    if actor is not None:
        _require_manages(t, actor, role)
    auth.check_pin_format(pin)
    if not staff_id or len(staff_id) > 32 or not staff_id.replace("-", "").replace("_", "").isalnum() \
            or not staff_id.isascii():
        raise PosError("input_invalid", detail=f"staff id {staff_id!r}")
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise PosError("staff_name_invalid", max=MAX_NAME)
    now = t.now(at)
    with t.store.write() as conn:
        if conn.execute("SELECT 1 FROM staff WHERE staff_id = ?", (staff_id,)).fetchone():
            raise PosError("staff_exists", staff_id=staff_id)
        conn.execute(
            "INSERT INTO staff(staff_id, name, role, pin_hash) VALUES (?, ?, ?, ?)",
            (staff_id, name, role, auth.hash_pin(pin)),
        )
        audit.record(t, actor, "staff_added", now, staff_id=staff_id, role=role)


MAX_NAME = 50


def manages(actor: Actor, role: str) -> bool:
    """May `actor` manage staff of `role`: an admin anyone, a manager cashiers."""
    return auth.role_at_least(actor.role, "admin") or (actor.role == "manager" and role == "cashier")


def _authority(t: Terminal, actor: Actor) -> Actor:
    """The actor as the staff table says now: a manager demoted or deactivated since signing in
    no longer manages staff from a screen left open."""
    row = t.store.one("SELECT role FROM staff WHERE staff_id = ? AND active = 1", (actor.staff_id,))
    if row is None:
        raise PosError("forbidden", role="manager")
    role = min(row["role"], actor.role, key=auth.ROLES.index)
    return Actor(actor.staff_id, role, actor.name)


def _require_manages(t: Terminal, actor: Actor, role: str) -> None:
    actor = _authority(t, actor)
    require(actor, "manager")
    if not manages(actor, role):
        raise PosError("forbidden", role="admin")


def _target(t: Terminal, staff_id: str) -> Any:
    row = t.store.one("SELECT staff_id, name, role, active, failures, last_failure_at FROM staff WHERE staff_id = ?",
                      ((staff_id or "").strip(),))
    if row is None:
        raise PosError("staff_not_found", staff_id=staff_id)
    return row


def _active_admins(t: Terminal) -> int:
    return int(t.store.scalar("SELECT COUNT(*) FROM staff WHERE role = 'admin' AND active = 1"))


def list_staff(t: Terminal, actor: Actor, at: datetime | None = None) -> list[dict[str, Any]]:
    """Every staff member (active first, then by id), with whether the account is locked now and
    whether `actor` may manage them. Managers and admins only."""
    require(actor, "manager")
    actor = _authority(t, actor)
    require(actor, "manager")
    now = t.now(at)
    out = []
    for row in t.store.all(
        "SELECT staff_id, name, role, active, failures, last_failure_at FROM staff ORDER BY active DESC, staff_id"
    ):
        last = clocks.from_text(row["last_failure_at"]) if row["last_failure_at"] else None
        until = auth.locked_until(row["failures"], last)
        locked = until is not None and now < until
        out.append({
            "staff_id": row["staff_id"], "name": row["name"], "role": row["role"], "active": bool(row["active"]),
            "locked": locked, "locked_until": clocks.to_text(until) if locked and until else None,
            "failures": row["failures"], "manageable": manages(actor, row["role"]),
        })
    return out


def reset_pin(t: Terminal, actor: Actor, staff_id: str, pin: str, at: datetime | None = None) -> None:
    """Set a new PIN (and lift any lockout): the old PIN stops working at once."""
    _require_manages(t, actor, _target(t, staff_id)["role"])
    pin_hash = auth.hash_pin(pin)  # slow on purpose: before the write transaction
    now = t.now(at)
    with t.store.write() as conn:
        row = _target(t, staff_id)
        _require_manages(t, actor, row["role"])
        conn.execute("UPDATE staff SET pin_hash = ?, failures = 0, last_failure_at = NULL WHERE staff_id = ?",
                     (pin_hash, row["staff_id"]))
        audit.record(t, actor, "staff_pin_reset", now, staff_id=row["staff_id"])


def set_role(t: Terminal, actor: Actor, staff_id: str, role: str, at: datetime | None = None) -> None:
    """Change a role. The actor must manage both the old and the new role; the last active admin
    stays an admin."""
    if role not in auth.ROLES:
        raise PosError("input_invalid", detail=f"role {role!r}")
    now = t.now(at)
    with t.store.write() as conn:
        row = _target(t, staff_id)
        _require_manages(t, actor, row["role"])
        _require_manages(t, actor, role)
        if row["role"] == role:
            return
        if row["role"] == "admin" and row["active"] and _active_admins(t) <= 1:
            raise PosError("last_admin")
        conn.execute("UPDATE staff SET role = ? WHERE staff_id = ?", (role, row["staff_id"]))
        audit.record(t, actor, "staff_role_changed", now, staff_id=row["staff_id"], old_role=row["role"],
                     role=role)


def set_active(t: Terminal, actor: Actor, staff_id: str, active: bool, at: datetime | None = None) -> None:
    """Deactivate (the account can no longer sign in; its history stays) or reactivate."""
    now = t.now(at)
    with t.store.write() as conn:
        row = _target(t, staff_id)
        _require_manages(t, actor, row["role"])
        if bool(row["active"]) == bool(active):
            return
        if not active and row["staff_id"] == actor.staff_id:
            raise PosError("staff_self")
        if not active and row["role"] == "admin" and _active_admins(t) <= 1:
            raise PosError("last_admin")
        conn.execute("UPDATE staff SET active = ?, failures = 0, last_failure_at = NULL WHERE staff_id = ?",
                     (1 if active else 0, row["staff_id"]))
        audit.record(t, actor, "staff_reactivated" if active else "staff_deactivated", now, staff_id=row["staff_id"])


_dummy: list[str] = []


def _DUMMY_HASH() -> str:
    if not _dummy:
        _dummy.append(auth.hash_pin("000000"))
    return _dummy[0]
