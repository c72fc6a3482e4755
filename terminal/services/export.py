"""Exporting a member's personal data on request (PIPL art. 45: a copy of what is held about them).

`export_member` gathers the profile, cards, coupons, points history and lots, sales with their lines
and refunds, tier changes and stored value into one JSON-ready dict. A manager's action; the audit
log records who exported which member id and how much, never the data itself (audit rows are
never rewritten, so they must not hold a phone or name). `write_json` saves it (UTF-8, atomically).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from terminal import clock as clocks, coupons as coupon_rules
from terminal.errors import PosError
from terminal.services import audit, lookup, member_history, reads
from terminal.services.context import Actor, Terminal, require

FORMAT = "pos-member-export/1"
FOLDER = "exports"


def export_member(t: Terminal, actor: Actor, query: str, at: datetime | None = None) -> dict[str, Any]:
    """Everything this terminal holds about one member (any query lookup accepts; an erased member
    by id gives the pseudonymous remainder). Recorded in the audit log without personal data."""
    require(actor, "manager")
    now = t.now(at)
    row = lookup.find_one(t, query, allow_erased=True)
    member_id = row["member_id"]
    full = t.store.one("SELECT * FROM members WHERE member_id = ?", (member_id,))
    assert full is not None
    hist = member_history.read(t, member_id, now)
    ids = reads.member_ids(t, member_id)
    cards = [dict(r) for r in t.store.all(
        "SELECT card_id, key_id, issued_at, revoked_at, replaced_by FROM cards WHERE member_id IN"
        f" ({','.join('?' * len(ids))}) ORDER BY issued_at", ids)]
    member_coupons = [
        {"code": c.code, "template": c.template, "valid_from": clocks.to_text(c.valid_from),
         "valid_to": clocks.to_text(c.valid_to), "used_sale_id": c.used_sale_id,
         "status": coupon_rules.status(c, now)}
        for c in reads.member_coupons(t, member_id)
    ]
    doc = {
        "format": FORMAT,
        "exported_at": clocks.to_text(now),
        "store_name": t.store_name,
        "terminal_id": t.terminal_id,
        "member": {
            "member_id": member_id,
            "phone": full["phone"],
            "name": full["name"],
            "birthday": full["birthday"],
            "registered_at": full["registered_at"],
            "referrer_id": full["referrer_id"],
            "status": full["status"],
            "blacklist_reason": full["blacklist_reason"],
            "marketing_consent": None if full["marketing_consent"] is None else bool(full["marketing_consent"]),
            "consent_at": full["consent_at"],
            "tier": full["tier"],
            "tier_since": full["tier_since"],
            "aliases": list(ids[1:]),
        },
        "points_balance": hist["points_balance"],
        "points_lots": hist["lots"],
        "points_history": hist["points"],
        "coupons": member_coupons,
        "cards": cards,
        "sales": hist["sales"],
        "tier_history": hist["tiers"],
        "stored_value": hist["stored_value"],
        "profile_history": hist["profile_events"],
    }
    audit.record(t, actor, "member_exported", now, member_id=member_id,
                 counts={"sales": len(doc["sales"]), "points_events": len(doc["points_history"]),
                         "coupons": len(member_coupons), "cards": len(cards),
                         "stored_value_events": len(doc["stored_value"])})
    return doc


def default_folder(t: Terminal) -> Path:
    """DATA_DIR/exports (beside the store file); created when first needed."""
    return t.data_dir / FOLDER


def default_path(t: Terminal, member_id: str, at: datetime | None = None) -> Path:
    """A file name with no personal data in it: the member id's first part and the time."""
    stamp = t.now(at).strftime("%Y%m%d-%H%M%S")
    return default_folder(t) / f"member-{member_id}-{stamp}.json"


def write_json(doc: dict[str, Any], path: str | Path) -> Path:
    """Save the export as UTF-8 JSON, whole or not at all (a temp file renamed over the target)."""
    target = Path(path).expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".json", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, indent=2, sort_keys=False)
                fh.write("\n")
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PosError("export_write_failed", path=str(target), detail=exc.strerror or str(exc)) from None
    return target
