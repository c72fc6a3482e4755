"""Issuing, replacing and verifying member cards. A member holds one valid card: issuing a new one
revokes the old, everywhere once synced."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from terminal import cards, clock as clocks, phone
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import audit, lookup
from terminal.services.context import Actor, Terminal, require


@dataclass(frozen=True)
class CardIssued:
    member_id: str
    card_id: str
    payload: str
    revoked: tuple[str, ...]
    file: str | None = None
    changed: frozenset[str] = field(default=frozenset({"cards"}))


# What draws a card file (terminal.cards.render_card's signature). The core's own draws with PIL;
# the `pos-terminal` console script puts Qt's in its place (ui.manager.card_print.render_file: the
# PDF then embeds the CJK font as text, the same card the manager's station prints).
renderer: Callable[..., Path] = cards.render_card


def issue(t: Terminal, actor: Actor, query: str, *, out: Path | None = None, at: datetime | None = None) -> CardIssued:
    require(actor, "manager")
    if out is not None and Path(out).suffix.lower() not in (".png", ".pdf"):
        raise PosError("out_file_type")  # before anything is issued
    now = t.now(at)
    member = lookup.find_one(t, query)
    key = t.device_key()
    card_id = new_id()
    payload = cards.sign_card(key, card_id, member["member_id"], int(now.timestamp()))
    with t.store.write() as conn:
        old = [r[0] for r in conn.execute(
            "SELECT card_id FROM cards WHERE member_id = ? AND revoked_at IS NULL", (member["member_id"],))]
        for old_id in old:
            conn.execute("UPDATE cards SET revoked_at = ?, replaced_by = ? WHERE card_id = ?",
                         (clocks.to_text(now), card_id, old_id))
            t.emit("card_revoked", now, actor, member["member_id"], {"card_id": old_id, "replaced_by": card_id})
        conn.execute("INSERT INTO cards(card_id, member_id, key_id, payload, issued_at) VALUES (?, ?, ?, ?, ?)",
                     (card_id, member["member_id"], key.key_id, payload, clocks.to_text(now)))
        t.emit("card_issued", now, actor, member["member_id"],
               {"card_id": card_id, "key_id": key.key_id, "payload": payload})
        if old:
            audit.record(t, actor, "card_replaced", now, member_id=member["member_id"], revoked=old)
    written = None
    if out is not None:
        tier = t.programme.tier(member["tier"]).name
        written = str(renderer(payload, Path(out), store_name=t.store_name,
                                        phone_masked=phone.mask(member["phone"]), tier_name=tier))
    return CardIssued(member["member_id"], card_id, payload, tuple(old), written)


def verify(t: Terminal, payload: str) -> dict[str, Any]:
    """Who a scanned card belongs to, or the reason it is refused (PosError)."""
    member = lookup.find_one(t, payload)
    conn = t.store.conn
    # A card this terminal holds (issued here or pulled from head office) stays valid after its
    # issuing terminal is revoked; an unknown card must be signed by a key still in good standing.
    known = conn.execute("SELECT 1 FROM cards WHERE payload = ?", (payload.strip(),)).fetchone() is not None
    claims = cards.verify_card(
        payload.strip(),
        {r[0]: bytes.fromhex(r[1]) for r in conn.execute(
            "SELECT key_id, public_key FROM card_keys WHERE revoked = 0 OR ?", (known,))},
        {r[0] for r in conn.execute("SELECT card_id FROM cards WHERE revoked_at IS NOT NULL")},
    )
    return {"valid": True, "card_id": claims.card_id, "member_id": member["member_id"],
            "phone_masked": phone.mask(member["phone"]), "key_id": claims.key_id,
            "issued_at": clocks.to_text(datetime.fromtimestamp(claims.issued_unix, t.tz))}


def current(t: Terminal, query: str) -> dict[str, Any] | None:
    """The member's valid card (card_id, payload, issued_at), or None: what a replacement revokes,
    and what a manager may print again without replacing it."""
    member = lookup.find_one(t, query)
    row = t.store.conn.execute(
        "SELECT card_id, payload, issued_at FROM cards WHERE member_id = ? AND revoked_at IS NULL"
        " ORDER BY issued_at DESC LIMIT 1", (member["member_id"],)).fetchone()
    if row is None:
        return None
    return {"card_id": row[0], "payload": row[1], "issued_at": row[2], "member_id": member["member_id"]}
