"""Member snapshots (protocol.MemberSnapshot): whole, built set-wise inside one read transaction
from the projections, bounded by the projector's cursor (projector.py), so a member's data and the
requesting terminal's includes_seq are from one moment.

`docs` builds them as plain data (what a pull sends, serialized in one call); `members_of`
validates them as the protocol's models (the admin commands, the tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from sync import protocol
from sync.headoffice import ledger, members, rulesdb, tiering
from sync.headoffice.projector import applied_upto
from sync.headoffice.timekeys import parse
from terminal import lots, membership, tiers
from terminal.rules import Programme


def points(state: lots.PointsState) -> protocol.PointsSnapshot:
    return protocol.PointsSnapshot.model_validate(_points(state))


def _points(state: lots.PointsState) -> dict[str, Any]:
    return {
        "lots": [{"lot_id": lot.lot_id, "earned_at": lot.earned_at, "expires_at": lot.expires_at, "points": lot.points,
                  "remaining": lot.remaining} for lot in state.lots],
        "deficit": state.deficit,
        "flagged": state.flagged,
        "consumed": {k: [(lot_id, n) for lot_id, n in v] for k, v in state.consumed.items()},
    }


_SNAPSHOTS = TypeAdapter(list[protocol.MemberSnapshot])


def member(tx: Any, canonical: str, includes_seq: int, now: datetime) -> protocol.MemberSnapshot:
    return members_of(tx, [canonical], includes_seq, now)[canonical]


def members_of(tx: Any, canonicals: list[str], includes_seq: int, now: datetime) -> dict[str, protocol.MemberSnapshot]:
    found = docs(tx, canonicals, includes_seq, now)
    return dict(zip(found, _SNAPSHOTS.validate_python(list(found.values()))))


def _by_owner(rows: list[dict[str, Any]], owner: dict[str, str],
              canonicals: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows of many members' groups (one query, in its ORDER BY) split per canonical id, keeping
    the order: each member's part is what its own query with that ORDER BY returns."""
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in canonicals}
    for r in rows:
        out[owner[r["member_id"]]].append(r)
    return out


_ALL = 1 << 30  # one query for a page's ids (SQLite takes 32,766 parameters, PostgreSQL 65,535)


def _tier(m: dict[str, Any], spend_rows: list[dict[str, Any]], grants: list[membership.Grant],
          programme: Programme, now: datetime) -> tuple[str, datetime, str, datetime]:
    """(tier, since, earned tier, since): the tier head office shows now is the stored (earned) tier
    with any retention drop due by now, raised to a paid membership's tier while one is in force
    (from the earliest such grant's start); the earned pair is what a till keeps once it lapses."""
    tier, since = m["tier"], parse(m["tier_since"])
    if tier not in {t.id for t in programme.tiers}:
        return tier, since, tier, since
    keys = [s["occurred_key"] for s in spend_rows]
    zone = tiering.compare_zone(programme, now, keys)
    spend_list = [tiering.spend_of(s["occurred_at"], int(s["qualifying_fen"]), bool(s["is_purchase"]), zone)
                  for s in spend_rows]
    due = tiers.retention(tier, since, spend_list, now, programme)
    if due:
        tier, since = due[-1].to_tier, due[-1].at
    paid = membership.effective_tier(programme, tier, grants, now)
    if paid != tier:
        paid_since = min(g.starts_at for g in grants if g.active(now) and g.tier == paid)
        return paid, paid_since, tier, since
    return tier, since, tier, since


def docs(tx: Any, canonicals: list[str], includes_seq: int, now: datetime) -> dict[str, dict[str, Any]]:
    """Snapshots of many canonical members as plain data (times as datetimes), set-wise: each
    table is read once for all of them."""
    canonicals = list(dict.fromkeys(canonicals))
    upto = applied_upto(tx)
    rows = {r["member_id"]: r for r in tx.all_in("SELECT * FROM members WHERE member_id IN {in}", canonicals,
                                                    chunk=_ALL)}
    group_of = members.groups(tx, canonicals)
    owner = {m: c for c, ids in group_of.items() for m in ids}
    ids = list(owner)

    def read(sql: str) -> dict[str, list[dict[str, Any]]]:
        return _by_owner(tx.all_in(sql, ids, chunk=_ALL), owner, canonicals)

    spends = read("SELECT * FROM spends WHERE member_id IN {in} ORDER BY occurred_key, terminal_id, seq")
    coupons = read("SELECT * FROM coupons WHERE member_id IN {in} ORDER BY issued_at, code")
    cards = read("SELECT * FROM cards WHERE member_id IN {in} ORDER BY issued_at, card_id")
    bonus_rows = read("SELECT member_id, month, points FROM bonus_months WHERE member_id IN {in} ORDER BY month")
    paid_rows = read("SELECT member_id, tier, starts_at, ends_at FROM memberships WHERE member_id IN {in}"
                     " ORDER BY ends_key, event_id")
    point_kinds = set(ledger.POINT_KINDS)
    ledger_rows = ledger.rows_of(tx, group_of, (*ledger.POINT_KINDS, *ledger.SV_KINDS), upto)  # one read
    point_rows = {c: [r for r in rs if r["kind"] in point_kinds] for c, rs in ledger_rows.items()}
    sv_rows = {c: [r for r in rs if r["kind"] not in point_kinds] for c, rs in ledger_rows.items()}
    programme = rulesdb.programme(tx)
    out: dict[str, dict[str, Any]] = {}
    for canonical in canonicals:
        m = rows[canonical]
        bonus: dict[str, int] = {}
        for r in bonus_rows[canonical]:
            bonus[r["month"]] = bonus.get(r["month"], 0) + int(r["points"])
        grants = [membership.Grant(r["tier"], parse(r["starts_at"]), parse(r["ends_at"])) for r in paid_rows[canonical]]
        last_paid = max(paid_rows[canonical], key=lambda r: parse(r["ends_at"]), default=None)
        tier, since, earned, earned_since = _tier(m, spends[canonical], grants, programme, now)
        consent = m["marketing_consent"]
        out[canonical] = {
            "member_id": canonical,
            "aliases": group_of[canonical][1:],
            "phone": m["phone"],
            "name": m["name"],
            "birthday": m["birthday"],
            "tier": tier,
            "tier_since": since,
            "registered_at": parse(m["registered_at"]),
            "status": m["status"] if m["status"] in ("active", "blacklisted", "erased") else "active",
            "blacklist_reason": m["blacklist_reason"],
            "includes_seq": includes_seq,
            "points": _points(ledger.walk(canonical, point_rows[canonical]).state),
            "spends": [{"ref_id": s["ref_id"], "occurred_at": parse(s["occurred_at"]),
                        "qualifying_fen": int(s["qualifying_fen"]), "is_purchase": bool(s["is_purchase"]),
                        "terminal_id": s["terminal_id"]} for s in spends[canonical]],
            "coupons": [{"code": c["code"], "template": c["template"], "issued_at": parse(c["issued_at"]),
                         "valid_from": parse(c["valid_from"]), "valid_to": parse(c["valid_to"]),
                         "used_sale_id": c["used_sale_id"], "used_at": parse(c["used_at"]) if c["used_at"] else None}
                        for c in coupons[canonical]],
            "cards": [{"card_id": c["card_id"], "key_id": c["key_id"], "payload": c["payload"],
                       "issued_at": parse(c["issued_at"]),
                       "revoked_at": parse(c["revoked_at"]) if c["revoked_at"] else None} for c in cards[canonical]],
            "bonus_months": bonus,
            "stored_value_fen": ledger.stored_value_of(sv_rows[canonical]),
            "earned_tier": earned,
            "earned_since": earned_since,
            "paid_tier": last_paid["tier"] if last_paid else None,
            "paid_until": last_paid["ends_at"] if last_paid else None,
            "marketing_consent": None if consent is None else bool(consent),
            "consent_at": m["consent_at"],
        }
    return out
