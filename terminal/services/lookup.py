"""Finding a member: full phone, last four digits, a scanned card payload, or a member id.

Several members sharing the last four digits are all returned, never guessed between.
A card whose exact payload this terminal holds is known genuine; any other card is verified
against the (not revoked) signing keys the terminal knows.
Head office merges members (same phone registered at two stores): a merged id is an alias whose row
points at the canonical member (merged_into); its id and cards find the canonical member, and a
last-4 search lists canonical members only.
"""

from __future__ import annotations

import re
import sqlite3

from terminal import cards, phone
from terminal.errors import PosError
from terminal.services.context import Terminal

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CN_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")
_SEPARATORS = str.maketrans("", "", " -()")
_CN_MOBILE_E164 = re.compile(r"\+861[3-9]\d{9}")

MEMBER_COLUMNS = ("member_id, phone, phone_last4, name, birthday, tier, tier_since, registered_at, status,"
                  " blacklist_reason, marketing_consent, consent_at")
LIST_COLUMNS = "member_id, phone, name, tier, status"  # what a pick list shows (see m005)
_CANONICAL = "(SELECT COALESCE(merged_into, member_id) FROM members WHERE member_id = ?)"


def canonical_phone(text: str) -> str:
    """Typed phone -> E.164. The common Chinese mobile shape skips the full parser (lookups are hot);
    anything else goes through phonenumbers and is refused if not valid."""
    compact = text.translate(_SEPARATORS)
    match = _CN_MOBILE.match(compact)
    if match:
        return "+86" + match.group(1)
    return phone.normalize(text)


def mask(e164: str | None) -> str:
    """phone.mask, without the full parser for the common Chinese mobile (a last-4 query at a big
    store masks ~100 matches; phonenumbers.parse costs ~50 us each): '+8613812345678' -> '138****5678'."""
    if e164 and _CN_MOBILE_E164.fullmatch(e164):
        return e164[3:6] + "****" + e164[-4:]
    return phone.mask(e164)


def find(t: Terminal, query: str, *, include_erased: bool = False) -> list[sqlite3.Row]:
    """Every member the query names (usually one)."""
    q = (query or "").strip()
    if not q:
        raise PosError("member_not_found", query=query)
    conn = t.store.conn
    conn.row_factory = sqlite3.Row
    try:
        if cards.looks_like_card(q):
            rows = [_by_card(t, q)]
        elif q.isdigit() and len(q) == 4:
            # the pick list comes from the covering index alone; one match is then read whole
            rows = conn.execute(
                f"SELECT {LIST_COLUMNS} FROM members WHERE phone_last4 = ? AND merged_into IS NULL"
                " ORDER BY registered_at", (q,)
            ).fetchall()
            if len(rows) == 1:
                rows = conn.execute(f"SELECT {MEMBER_COLUMNS} FROM members WHERE member_id = ?",
                                    (rows[0]["member_id"],)).fetchall()
        elif _UUID.match(q.lower()):
            rows = conn.execute(f"SELECT {MEMBER_COLUMNS} FROM members WHERE member_id = {_CANONICAL}",
                                (q.lower(),)).fetchall()
        elif phone.looks_like_phone(q):
            rows = conn.execute(
                f"SELECT {MEMBER_COLUMNS} FROM members WHERE phone = ? AND merged_into IS NULL", (canonical_phone(q),)
            ).fetchall()
        else:
            raise PosError("member_not_found", query=q)
    finally:
        conn.row_factory = None
    if not include_erased:
        rows = [r for r in rows if r["status"] != "erased"]
    return rows


def find_one(t: Terminal, query: str, *, for_sale: bool = False, allow_erased: bool = False) -> sqlite3.Row:
    """Exactly one member, or a clear error (not found / several: pick one / blacklisted at a sale).
    An erased member has no phone, so only its id or card finds it: refused (member_erased) unless
    `allow_erased` (the member view shows it as erased)."""
    rows = find(t, query, include_erased=True)
    live = [r for r in rows if r["status"] != "erased"]
    if not live and rows:
        if allow_erased:
            return rows[0]
        raise PosError("member_erased")
    rows = live
    if not rows:
        raise PosError("member_not_found", query=query)
    if len(rows) > 1:
        raise PosError("member_ambiguous", query=query, matches=[
            {"member_id": r["member_id"], "phone_masked": mask(r["phone"]), "name": r["name"], "tier": r["tier"]}
            for r in rows
        ])
    row = rows[0]
    if for_sale and row["status"] == "blacklisted":
        raise PosError("member_blacklisted", reason=row["blacklist_reason"] or "")
    return row


def _by_card(t: Terminal, payload: str) -> sqlite3.Row:
    conn = t.store.conn
    known = conn.execute(
        f"SELECT c.revoked_at, {', '.join('m.' + c for c in MEMBER_COLUMNS.split(', '))} FROM cards c"
        " JOIN members a ON a.member_id = c.member_id"
        " JOIN members m ON m.member_id = COALESCE(a.merged_into, a.member_id) WHERE c.payload = ?",
        (payload,),
    ).fetchone()
    if known is not None:
        if known["revoked_at"] is not None:
            raise PosError("card_revoked")
        return known
    keys = {r[0]: bytes.fromhex(r[1])
            for r in conn.execute("SELECT key_id, public_key FROM card_keys WHERE revoked = 0")}
    revoked = {r[0] for r in conn.execute("SELECT card_id FROM cards WHERE revoked_at IS NOT NULL")}
    claims = cards.verify_card(payload, keys, revoked)
    row = conn.execute(f"SELECT {MEMBER_COLUMNS} FROM members WHERE member_id = {_CANONICAL}",
                       (claims.member_id,)).fetchone()
    if row is None:
        raise PosError("member_not_found", query=claims.member_id)
    return row
