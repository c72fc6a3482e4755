"""What a pull returns: whole snapshots (member, terminal key, rules) built in one read
transaction, so a member's data and the requesting terminal's acked seq are from one moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sync import protocol
from sync.headoffice import feed, ledger, members, rulesdb
from sync.headoffice.db import Database
from sync.headoffice.timekeys import parse
from terminal import lots, tiers


def points(state: lots.PointsState) -> protocol.PointsSnapshot:
    return protocol.PointsSnapshot(
        lots=[protocol.PointsLot(lot_id=lot.lot_id, earned_at=lot.earned_at, expires_at=lot.expires_at,
                                 points=lot.points, remaining=lot.remaining) for lot in state.lots],
        deficit=state.deficit,
        flagged=state.flagged,
        consumed={k: [(lot_id, n) for lot_id, n in v] for k, v in state.consumed.items()},
    )


def member(tx: Any, canonical: str, includes_seq: int, now: datetime) -> protocol.MemberSnapshot:
    m = tx.one("SELECT * FROM members WHERE member_id = ?", (canonical,))
    ids = members.group(tx, canonical)
    where = f"member_id IN {members.marks(ids)}"
    spends = tx.all(f"SELECT * FROM spends WHERE {where} ORDER BY occurred_key, terminal_id, seq", ids)
    coupons = tx.all(f"SELECT * FROM coupons WHERE {where} ORDER BY issued_at, code", ids)
    cards = tx.all(f"SELECT * FROM cards WHERE {where} ORDER BY issued_at, card_id", ids)
    bonus: dict[str, int] = {}
    for r in tx.all(f"SELECT month, points FROM bonus_months WHERE {where} ORDER BY month", ids):
        bonus[r["month"]] = bonus.get(r["month"], 0) + int(r["points"])
    tier, since = m["tier"], parse(m["tier_since"])
    programme = rulesdb.programme(tx)
    spend_list = [tiers.Spend(parse(s["occurred_at"]), int(s["qualifying_fen"]), bool(s["is_purchase"])) for s in spends]
    if tier in {t.id for t in programme.tiers}:  # a retention drop due by now shows before it is stored
        due = tiers.retention(tier, since, spend_list, now, programme)
        if due:
            tier, since = due[-1].to_tier, due[-1].at
    return protocol.MemberSnapshot(
        member_id=canonical,
        aliases=ids[1:],
        phone=m["phone"],
        name=m["name"],
        birthday=m["birthday"],
        tier=tier,
        tier_since=since,
        registered_at=parse(m["registered_at"]),
        status=m["status"] if m["status"] in ("active", "blacklisted", "erased") else "active",
        blacklist_reason=m["blacklist_reason"],
        includes_seq=includes_seq,
        points=points(ledger.points_state(tx, ids)),
        spends=[protocol.SpendRecord(ref_id=s["ref_id"], occurred_at=parse(s["occurred_at"]),
                                     qualifying_fen=int(s["qualifying_fen"]), is_purchase=bool(s["is_purchase"]),
                                     terminal_id=s["terminal_id"]) for s in spends],
        coupons=[protocol.CouponRecord(
            code=c["code"], template=c["template"], issued_at=parse(c["issued_at"]),
            valid_from=parse(c["valid_from"]), valid_to=parse(c["valid_to"]), used_sale_id=c["used_sale_id"],
            used_at=parse(c["used_at"]) if c["used_at"] else None) for c in coupons],
        cards=[protocol.CardRecord(card_id=c["card_id"], key_id=c["key_id"], payload=c["payload"],
                                   issued_at=parse(c["issued_at"]),
                                   revoked_at=parse(c["revoked_at"]) if c["revoked_at"] else None) for c in cards],
        bonus_months=bonus,
        stored_value_fen=ledger.stored_value_fen(tx, ids),
    )


def terminal_key(tx: Any, terminal_id: str) -> protocol.TerminalKey | None:
    row = tx.one("SELECT terminal_id, key_id, public_key, revoked_at FROM terminals WHERE terminal_id = ?",
                 (terminal_id,))
    if row is None:
        return None
    return protocol.TerminalKey(terminal_id=row["terminal_id"], key_id=row["key_id"], public_key=row["public_key"],
                                revoked=row["revoked_at"] is not None)


def changes(db: Database, terminal_id: str, cursor: int, limit: int, now: datetime) -> protocol.PullResponse:
    with db.read() as tx:
        includes = int(tx.scalar("SELECT acked_seq FROM terminals WHERE terminal_id = ?", (terminal_id,)) or 0)
        rows, more = feed.after(tx, cursor, limit)
        out: list[protocol.Change] = []
        sent: set[tuple[str, str]] = set()
        for r in rows:
            kind, k = r["kind"], r["key"]
            if kind == "member":
                k = members.resolve(tx, k) or k
            if (kind, k) in sent:
                continue
            sent.add((kind, k))
            change = _change(tx, int(r["last_id"]), kind, k, includes, now)
            if change is not None:
                out.append(change)
    next_cursor = int(rows[-1]["last_id"]) if rows else cursor
    return protocol.PullResponse(cursor=next_cursor, more=more, changes=out)


def _change(tx: Any, change_id: int, kind: str, k: str, includes: int, now: datetime) -> protocol.Change | None:
    if kind == "member":
        if tx.one("SELECT 1 AS x FROM members WHERE member_id = ?", (k,)) is None:
            return None
        return protocol.Change(id=change_id, kind="member", member=member(tx, k, includes, now))
    if kind == "terminal_key":
        key = terminal_key(tx, k)
        return None if key is None else protocol.Change(id=change_id, kind="terminal_key", terminal_key=key)
    version, toml = rulesdb.active(tx)
    return protocol.Change(id=change_id, kind="rules", rules=protocol.RulesChange(version=version, toml=toml))
