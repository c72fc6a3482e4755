"""Member snapshots (protocol.MemberSnapshot): whole, built set-wise inside one read transaction
from the projections, bounded by the projector's cursor (projector.py), so a member's data and the
requesting terminal's includes_seq are from one moment.

`docs` builds them as plain data (what a pull sends, serialized in one call); `members_of`
validates them as the protocol's models (the admin commands, the tests)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


def _by_owner(rows: list[tuple[Any, ...]], owner: dict[str, str],
              canonicals: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of many members' groups (one query, in its ORDER BY; member_id first) split per
    canonical id, keeping the order: each member's part is what its own query with that ORDER BY
    returns."""
    out: dict[str, list[tuple[Any, ...]]] = {c: [] for c in canonicals}
    for r in rows:
        out[owner[r[0]]].append(r)
    return out


_ALL = 1 << 30  # one query for a page's ids (SQLite takes 32,766 parameters, PostgreSQL 65,535)


class _Spends(Sequence[tiers.Spend]):
    """A member's spends as terminal.tiers takes them, made when first read: retention reads them
    only at an anniversary that is due (most members have none yet)."""

    def __init__(self, rows: list[tuple[Any, ...]], programme: Programme, now: datetime) -> None:
        self._rows, self._programme, self._now = rows, programme, now
        self._made: list[tiers.Spend] | None = None

    def _list(self) -> list[tiers.Spend]:
        if self._made is None:
            rows = self._rows
            zone = tiering.compare_zone(self._programme, self._now, [s[3] for s in rows])
            self._made = [tiering.spend_of(s[2], int(s[4]), bool(s[5]), zone) for s in rows]
        return self._made

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i: Any) -> Any:
        return self._list()[i]

    def __iter__(self) -> Iterator[tiers.Spend]:
        return iter(self._list())


def _tier(tier: str, tier_since: str, spend_rows: list[tuple[Any, ...]], grants: list[membership.Grant],
          programme: Programme, tier_ids: set[str], now: datetime) -> tuple[str, datetime, str, datetime]:
    """(tier, since, earned tier, since): the tier head office shows now is the stored (earned) tier
    with any retention drop due by now, raised to a paid membership's tier while one is in force
    (from the earliest such grant's start); the earned pair is what a till keeps once it lapses.
    spend_rows: (member_id, ref_id, occurred_at, occurred_key, qualifying_fen, is_purchase, ...)."""
    since = parse(tier_since)
    if tier not in tier_ids:
        return tier, since, tier, since
    if tier != programme.tiers[0].id:  # the entry tier has no lower tier: retention drops nothing
        due = tiers.retention(tier, since, _Spends(spend_rows, programme, now), now, programme)
        if due:
            tier, since = due[-1].to_tier, due[-1].at
    if not grants:  # effective_tier() of a known tier and no grant: that tier
        return tier, since, tier, since
    paid = membership.effective_tier(programme, tier, grants, now)
    if paid != tier:
        paid_since = min(g.starts_at for g in grants if g.active(now) and g.tier == paid)
        return paid, paid_since, tier, since
    return tier, since, tier, since


def docs(tx: Any, canonicals: list[str], includes_seq: int, now: datetime) -> dict[str, dict[str, Any]]:
    """Snapshots of many canonical members as plain data (times as datetimes), set-wise: each
    table is read once for all of them (rows as tuples, the columns named in each query)."""
    canonicals = list(dict.fromkeys(canonicals))
    tx.plan_for_lookups()  # PostgreSQL: index lookups for the page's member ids (db.py)
    upto = applied_upto(tx)
    rows = {r[0]: r for r in tx.tuples_in(
        "SELECT member_id, phone, name, birthday, tier, tier_since, registered_at, status, blacklist_reason,"
        " marketing_consent, consent_at FROM members WHERE member_id IN {in}", canonicals, chunk=_ALL)}
    group_of = members.groups(tx, canonicals)
    owner = {m: c for c, ids in group_of.items() for m in ids}
    ids = list(owner)

    def read(sql: str) -> dict[str, list[tuple[Any, ...]]]:
        return _by_owner(tx.tuples_in(sql, ids, chunk=_ALL), owner, canonicals)

    spends = read("SELECT member_id, ref_id, occurred_at, occurred_key, qualifying_fen, is_purchase, terminal_id"
                  " FROM spends WHERE member_id IN {in} ORDER BY occurred_key, terminal_id, seq")
    coupons = read("SELECT member_id, code, template, issued_at, valid_from, valid_to, used_sale_id, used_at"
                   " FROM coupons WHERE member_id IN {in} ORDER BY issued_at, code")
    cards = read("SELECT member_id, card_id, key_id, payload, issued_at, revoked_at"
                 " FROM cards WHERE member_id IN {in} ORDER BY issued_at, card_id")
    bonus_rows = read("SELECT member_id, month, points FROM bonus_months WHERE member_id IN {in} ORDER BY month")
    paid_rows = read("SELECT member_id, tier, starts_at, ends_at FROM memberships WHERE member_id IN {in}"
                     " ORDER BY ends_key, event_id")
    point_kinds = set(ledger.POINT_KINDS)
    ledger_rows = ledger.tuples_of(tx, group_of, (*ledger.POINT_KINDS, *ledger.SV_KINDS), upto, chunk=_ALL)
    programme = rulesdb.programme(tx)
    tier_ids = {t.id for t in programme.tiers}
    fold, stored_value = ledger.folded, ledger.stored_value_of_tuples
    out: dict[str, dict[str, Any]] = {}
    for canonical in canonicals:
        (_, phone, name, birthday, tier, tier_since, registered_at, status, blacklist_reason, consent,
         consent_at) = rows[canonical]
        bonus: dict[str, int] = {}
        for _, month, bonus_points in bonus_rows[canonical]:
            bonus[month] = bonus.get(month, 0) + int(bonus_points)
        paid = paid_rows[canonical]
        grants = [membership.Grant(r[1], parse(r[2]), parse(r[3])) for r in paid] if paid else []
        last_paid = max(paid, key=lambda r: parse(r[3])) if paid else None
        spent = spends[canonical]
        tier, since, earned, earned_since = _tier(tier, tier_since, spent, grants, programme, tier_ids, now)
        ledger_of = ledger_rows[canonical]
        point_rows = [r for r in ledger_of if r[3] in point_kinds]
        sv_rows = [r for r in ledger_of if r[3] not in point_kinds] if len(point_rows) != len(ledger_of) else []
        out[canonical] = {
            "member_id": canonical,
            "aliases": group_of[canonical][1:],
            "phone": phone,
            "name": name,
            "birthday": birthday,
            "tier": tier,
            "tier_since": since,
            "registered_at": parse(registered_at),
            "status": status if status in ("active", "blacklisted", "erased") else "active",
            "blacklist_reason": blacklist_reason,
            "includes_seq": includes_seq,
            "points": _points(fold(canonical, point_rows)),
            "spends": [{"ref_id": s[1], "occurred_at": parse(s[2]), "qualifying_fen": int(s[4]),
                        "is_purchase": bool(s[5]), "terminal_id": s[6]} for s in spent],
            "coupons": [{"code": c[1], "template": c[2], "issued_at": parse(c[3]),
                         "valid_from": parse(c[4]), "valid_to": parse(c[5]),
                         "used_sale_id": c[6], "used_at": parse(c[7]) if c[7] else None}
                        for c in coupons[canonical]],
            "cards": [{"card_id": c[1], "key_id": c[2], "payload": c[3], "issued_at": parse(c[4]),
                       "revoked_at": parse(c[5]) if c[5] else None} for c in cards[canonical]],
            "bonus_months": bonus,
            "stored_value_fen": stored_value(sv_rows),
            "earned_tier": earned,
            "earned_since": earned_since,
            "paid_tier": last_paid[1] if last_paid else None,
            "paid_until": last_paid[3] if last_paid else None,
            "marketing_consent": None if consent is None else bool(consent),
            "consent_at": consent_at,
        }
    return out
