"""What a pull returns: whole snapshots (member, terminal key, rules) built in one read
transaction, so a member's data and the requesting terminal's acked seq are from one moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import TypeAdapter

from sync import protocol
from sync.headoffice import feed, ledger, members, rulesdb, tiering
from sync.headoffice.db import Database
from sync.headoffice.timekeys import parse
from terminal import lots, tiers


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


def _by_owner(rows: list[dict[str, Any]], owner: dict[str, str],
              canonicals: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Rows of many members' groups (one query, in its ORDER BY) split per canonical id, keeping
    the order: each member's part is what its own query with that ORDER BY returns."""
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in canonicals}
    for r in rows:
        out[owner[r["member_id"]]].append(r)
    return out


_ALL = 1 << 30  # one query for a page's ids (SQLite takes 32,766 parameters, PostgreSQL 65,535)


def members_of(tx: Any, canonicals: list[str], includes_seq: int, now: datetime) -> dict[str, protocol.MemberSnapshot]:
    """Snapshots of many canonical members, set-wise: each table is read once for all of them, and
    the snapshots are built as plain data and validated in one call."""
    canonicals = list(dict.fromkeys(canonicals))
    rows = {r["member_id"]: r for r in tx.all_in("SELECT * FROM members WHERE member_id IN {in}", canonicals,
                                                    chunk=_ALL)}
    group_of = members.groups(tx, canonicals)
    owner = {m: c for c, ids in group_of.items() for m in ids}
    ids = list(owner)
    spends = _by_owner(tx.all_in("SELECT * FROM spends WHERE member_id IN {in} ORDER BY occurred_key, terminal_id, seq",
                                 ids, chunk=_ALL), owner, canonicals)
    coupons = _by_owner(tx.all_in("SELECT * FROM coupons WHERE member_id IN {in} ORDER BY issued_at, code", ids,
                                  chunk=_ALL), owner, canonicals)
    cards = _by_owner(tx.all_in("SELECT * FROM cards WHERE member_id IN {in} ORDER BY issued_at, card_id", ids,
                                chunk=_ALL), owner, canonicals)
    bonus_rows = _by_owner(tx.all_in("SELECT member_id, month, points FROM bonus_months WHERE member_id IN {in}"
                                     " ORDER BY month", ids, chunk=_ALL), owner, canonicals)
    point_rows = ledger.rows_of(tx, group_of, ledger.POINT_KINDS)
    sv_rows = ledger.rows_of(tx, group_of, ledger.SV_KINDS)
    programme = rulesdb.programme(tx)
    known = {t.id for t in programme.tiers}
    docs: list[dict[str, Any]] = []
    for canonical in canonicals:
        m = rows[canonical]
        bonus: dict[str, int] = {}
        for r in bonus_rows[canonical]:
            bonus[r["month"]] = bonus.get(r["month"], 0) + int(r["points"])
        tier, since = m["tier"], parse(m["tier_since"])
        if tier in known:  # a retention drop due by now shows before it is stored
            keys = [s["occurred_key"] for s in spends[canonical]]
            zone = tiering.compare_zone(programme, now, keys)
            spend_list = [tiering.spend_of(s["occurred_at"], int(s["qualifying_fen"]), bool(s["is_purchase"]), zone)
                          for s in spends[canonical]]
            due = tiers.retention(tier, since, spend_list, now, programme)
            if due:
                tier, since = due[-1].to_tier, due[-1].at
        docs.append({
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
        })
    return dict(zip(canonicals, _SNAPSHOTS.validate_python(docs)))


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
        resolved = members.resolve_many(tx, [r["key"] for r in rows if r["kind"] == "member"])
        picked: list[tuple[int, str, str]] = []
        sent: set[tuple[str, str]] = set()
        for r in rows:
            kind, k = r["kind"], r["key"]
            if kind == "member":
                k = resolved[k] or k
            if (kind, k) in sent:
                continue
            sent.add((kind, k))
            picked.append((int(r["last_id"]), kind, k))
        # a member key that resolves to no member row is left out, as _change() does
        existing = {c for c in resolved.values() if c is not None}
        wanted = [k for _, kind, k in picked if kind == "member" and k in existing]
        snaps = members_of(tx, wanted, includes, now) if wanted else {}
        out: list[protocol.Change] = []
        for change_id, kind, k in picked:
            if kind == "member":
                if k in snaps:
                    out.append(protocol.Change(id=change_id, kind="member", member=snaps[k]))
                continue
            change = _change(tx, change_id, kind, k, includes, now)
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
