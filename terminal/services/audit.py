"""The audit log: who did what, hash-chained so a changed or deleted row is detected.

Rows are never rewritten, so they must never hold a member's personal data (an erased member's
phone or name could not be removed): details carry ids and amounts, free text (reasons) is
redacted by the caller of the member's own name and phone, and any mobile number that still
slips into a detail is masked here."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from terminal import clock as clocks, phone
from terminal.services.context import Actor, Terminal, require

GENESIS = "0" * 64
REDACTED = "***"
# A Chinese mobile number, bare or +86/86-prefixed, not part of a longer run of letters or digits.
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?(1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})(?![0-9A-Za-z])")


def mask_phones(value: Any) -> Any:
    """Every mobile number inside a detail value (text, lists, dicts) as 138****5678."""
    if isinstance(value, str):
        return _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", value)
    if isinstance(value, (list, tuple)):
        return [mask_phones(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_phones(v) for k, v in value.items()}
    return value


def pii_strings(values: Iterable[str | None]) -> tuple[str, ...]:
    """A member's texts to redact from free text: each name, and each phone in E.164, national
    and last-8 forms; longest first."""
    out: set[str] = set()
    for v in values:
        if not v:
            continue
        out.add(v)
        if v.startswith("+"):
            try:
                national = phone.national(v)
            except Exception:  # noqa: BLE001 - not a parseable phone: the raw text is enough
                continue
            out.update({national, national[-8:]} if len(national) >= 8 else {national})
    return tuple(sorted(out, key=len, reverse=True))


def redact(text: str, pii: Iterable[str]) -> str:
    """`text` without any of `pii` (each replaced by ***), and with any mobile number masked."""
    for value in pii:
        if value:
            text = text.replace(value, REDACTED)
    return mask_phones(text)


def _digest(prev_hash: str, at: str, staff_id: str | None, action: str, detail: str) -> str:
    body = json.dumps([prev_hash, at, staff_id, action, detail], ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def record(t: Terminal, actor: Actor | None, action: str, now: datetime, **detail: Any) -> None:
    """Append one audit row inside the caller's transaction (or its own)."""
    with t.store.write() as conn:
        prev = conn.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        prev_hash = prev[0] if prev else GENESIS
        at = clocks.to_text(now)
        staff_id = actor.staff_id if actor else None
        detail_text = json.dumps(mask_phones(detail), ensure_ascii=False, sort_keys=True)
        conn.execute(
            "INSERT INTO audit(at, staff_id, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
            (at, staff_id, action, detail_text, prev_hash, _digest(prev_hash, at, staff_id, action, detail_text)),
        )


def verify(t: Terminal) -> tuple[bool, int | None]:
    """(intact, first bad row id). Any edit, insertion or deletion breaks the chain."""
    prev_hash = GENESIS
    expected_id = None
    for row in t.store.all("SELECT id, at, staff_id, action, detail, prev_hash, hash FROM audit ORDER BY id"):
        if expected_id is not None and row["id"] != expected_id:
            return False, row["id"]
        if row["prev_hash"] != prev_hash or row["hash"] != _digest(
            prev_hash, row["at"], row["staff_id"], row["action"], row["detail"]
        ):
            return False, row["id"]
        prev_hash = row["hash"]
        expected_id = row["id"] + 1
    return True, None


def _row(row: Any) -> dict[str, Any]:
    try:
        detail: Any = json.loads(row["detail"])
    except (TypeError, ValueError):
        detail = row["detail"]  # a damaged row is shown as it is
    return {"id": row["id"], "at": row["at"], "staff_id": row["staff_id"], "staff_name": row["staff_name"],
            "action": row["action"], "detail": detail}


_ROWS = ("SELECT a.id, a.at, a.staff_id, s.name AS staff_name, a.action, a.detail FROM audit a"
         " LEFT JOIN staff s ON s.staff_id = a.staff_id")


def recent(t: Terminal, actor: Actor, limit: int = 200) -> list[dict[str, Any]]:
    """The latest audit rows, newest first (managers and admins)."""
    require(actor, "manager")
    return [_row(r) for r in t.store.all(f"{_ROWS} ORDER BY a.id DESC LIMIT ?", (max(1, int(limit)),))]


def check(t: Terminal, actor: Actor) -> dict[str, Any]:
    """verify() for a screen: intact or not, how many rows were checked, and the first bad row."""
    require(actor, "manager")
    intact, bad_id = verify(t)
    bad = t.store.one(f"{_ROWS} WHERE a.id = ?", (bad_id,)) if bad_id is not None else None
    return {"intact": intact, "first_bad_id": bad_id, "rows": int(t.store.scalar("SELECT COUNT(*) FROM audit")),
            "first_bad": _row(bad) if bad is not None else None}
