"""The audit log: who did what, hash-chained so a changed or deleted row is detected."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from terminal import clock as clocks
from terminal.services.context import Actor, Terminal

GENESIS = "0" * 64


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
        detail_text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
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
