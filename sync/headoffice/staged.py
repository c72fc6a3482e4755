"""A projector chunk's view of the projections its events apply to: read set-wise, written in bulk.

`prepare(events)` loads, in a handful of queries for the whole batch, everything the apply handlers
will look at: which member ids are known and their canonical ids, the phones being registered, the
sale/refund ids already spent, coupons and their uses, cards, and the bonus months of the members'
groups. The handlers then read and write this in memory, in arrival order, so an event sees what the
events before it in the chunk did, exactly as if each had been applied to the database one by one.
`flush()` writes the buffered rows (members, spends, coupons and their uses, cards, bonus months,
memberships, conflicts) in bulk, in an order that gives the same final rows as the event-by-event
writes.

Every lookup falls back to one query when its key was not prepared, so correctness never depends on
`prepare` having guessed the keys. A rare path that must run on the database itself (registering a
phone another member already has: a merge) calls `flush()` first, runs the database code, and then
`reset()` drops every cached read, to be prepared again for the rest of the batch.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from sync.headoffice import conflicts, members

MEMBER_COLUMNS = ("member_id", "phone", "phone_last4", "name", "birthday", "tier", "tier_since", "registered_at",
                  "reg_key", "reg_terminal", "reg_seq", "reg_tier", "referrer_id", "status", "updated_at")
SPEND_COLUMNS = ("ref_id", "member_id", "occurred_at", "occurred_key", "qualifying_fen", "is_purchase",
                 "terminal_id", "seq")
COUPON_COLUMNS = ("code", "member_id", "template", "issued_at", "valid_from", "valid_to", "issue_key", "terminal_id")
USE_COLUMNS = ("event_id", "code", "sale_id", "member_id", "terminal_id", "seq", "occurred_at", "occurred_key")
CARD_COLUMNS = ("card_id", "member_id", "key_id", "payload", "issued_at", "terminal_id")
BONUS_COLUMNS = ("event_id", "member_id", "month", "points", "terminal_id", "seq")
MEMBERSHIP_COLUMNS = ("event_id", "member_id", "tier", "fee_fen", "starts_at", "ends_at", "ends_key", "terminal_id",
                      "seq")


def _texts(values: Iterable[Any]) -> list[str]:
    """The distinct str values (a payload field may hold anything: only text can match a key)."""
    return sorted({v for v in values if isinstance(v, str) and v})


def _use_order(u: dict[str, Any]) -> tuple[str, str, int]:
    return (u["occurred_key"], u["terminal_id"], int(u["seq"]))


class Staged:
    """The batch's reads (cached, set-wise) and writes (buffered) of the projections apply touches."""

    def __init__(self, tx: Any) -> None:
        self.tx = tx
        self.stale = False  # set by a rare path that wrote to the database directly
        self.reset()
        self._pending()

    # -- cached reads -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every read (the database changed under them); pending writes are kept."""
        self.stale = False
        self._canonical: dict[str, str | None] = {}  # member id -> canonical id, None if unknown
        self._groups: dict[str, list[str]] = {}  # canonical id -> [canonical, *aliases by id]
        self._live_phone: dict[str, dict[str, Any] | None] = {}  # e164 -> live (not merged) member row
        self._spent: dict[str, bool] = {}  # spends.ref_id -> recorded
        self._coupons: dict[str, dict[str, Any] | None] = {}  # code -> {"member_id"}
        self._uses: dict[str, list[dict[str, Any]]] = {}  # code -> coupon_uses rows, head office order
        self._cards: dict[str, dict[str, Any] | None] = {}  # card_id -> {"revoked_at"}
        self._bonus: dict[tuple[str, str], list[dict[str, Any]]] = {}  # (member id, month) -> rows
        self._fresh: set[str] = set()  # members added by this batch since the last reset: no rows in the database

    def _pending(self) -> None:
        self.members: list[dict[str, Any]] = []
        self.spends: list[tuple[Any, ...]] = []
        self.coupons: list[tuple[Any, ...]] = []
        self.coupon_used: dict[str, tuple[Any, Any]] = {}  # code -> (used_sale_id, used_at)
        self.uses: list[tuple[Any, ...]] = []
        self.cards: list[tuple[Any, ...]] = []
        self.revoked: dict[str, tuple[Any, Any]] = {}  # card_id -> (revoked_at, replaced_by)
        self.bonus: list[tuple[Any, ...]] = []
        self.memberships: list[tuple[Any, ...]] = []
        self.conflicts: list[tuple[Any, ...]] = []

    def prepare(self, events: Sequence[Any]) -> None:
        """Load what `events` will look at, set-wise (a few queries for the whole batch)."""
        tx = self.tx
        kinds: dict[str, list[dict[str, Any]]] = {}
        for ev in events:
            kinds.setdefault(ev.kind, []).append(ev.payload)
        codes = _texts(p.get("code") for k in ("coupon_issued", "coupon_redeemed") for p in kinds.get(k, ()))
        codes = [c for c in codes if c not in self._coupons]
        for row in tx.all_in("SELECT code, member_id FROM coupons WHERE code IN {in}", codes):
            self._coupons[row["code"]] = {"member_id": row["member_id"]}
        for c in codes:
            self._coupons.setdefault(c, None)
        redeemed = [c for c in _texts(p.get("code") for p in kinds.get("coupon_redeemed", ())) if c not in self._uses]
        if redeemed:
            for c in redeemed:
                self._uses[c] = []
            for row in tx.all_in("SELECT * FROM coupon_uses WHERE code IN {in}", redeemed):
                self._uses[row["code"]].append(row)
            for c in redeemed:
                self._uses[c].sort(key=_use_order)
        ids = {ev.member_id for ev in events if ev.member_id is not None}
        ids.update(c["member_id"] for c in self._coupons.values() if c is not None)
        self.resolve_many(ids)
        refs = _texts([p.get("sale_id") for p in kinds.get("sale", ())]
                      + [p.get("refund_id") for p in kinds.get("refund", ())])
        refs = [r for r in refs if r not in self._spent]
        found = {r["ref_id"] for r in tx.all_in("SELECT ref_id FROM spends WHERE ref_id IN {in}", refs)}
        self._spent.update((r, r in found) for r in refs)
        card_ids = _texts(p.get("card_id") for k in ("card_issued", "card_revoked") for p in kinds.get(k, ()))
        card_ids = [c for c in card_ids if c not in self._cards]
        for row in tx.all_in("SELECT card_id, revoked_at FROM cards WHERE card_id IN {in}", card_ids):
            self._cards[row["card_id"]] = {"revoked_at": row["revoked_at"]}
        for c in card_ids:
            self._cards.setdefault(c, None)
        numbers = {members.e164_or_none(str(p.get("phone"))) for p in kinds.get("member_registered", ())}
        numbers = {n for n in numbers if n is not None} - set(self._live_phone)
        for row in tx.all_in("SELECT * FROM members WHERE phone IN {in} AND status <> 'merged'", sorted(numbers)):
            self._live_phone[row["phone"]] = row
        for n in numbers:
            self._live_phone.setdefault(n, None)
        bonus = [ev for ev in events if ev.kind == "bonus_awarded" and ev.member_id is not None]
        canon = {c for c in (self._canonical.get(ev.member_id) for ev in bonus) if c is not None}
        self.groups_many(canon)
        months = _texts(ev.payload.get("month") for ev in bonus)
        group_ids = sorted({m for c in canon for m in self._groups[c]})
        wanted = [(m, month) for m in group_ids for month in months if (m, month) not in self._bonus]
        if wanted:
            for pair in wanted:
                self._bonus[pair] = []
            for row in tx.all_in("SELECT event_id, member_id, month, terminal_id, seq, points FROM bonus_months"
                                 " WHERE member_id IN {in} AND month IN (" + ",".join("?" * len(months)) + ")",
                                 group_ids, months):
                self._bonus.setdefault((row["member_id"], row["month"]), []).append(row)

    @staticmethod
    def when(ev: Any) -> tuple[str, str]:
        """(timekeys.text, timekeys.key) of the event's occurred_at, as stored with it."""
        return ev.at, ev.at_key

    # -- members --------------------------------------------------------------------------------
    def resolve_many(self, ids: Iterable[str]) -> None:
        todo = [i for i in set(ids) if i not in self._canonical]
        if todo:
            self._canonical.update(members.resolve_many(self.tx, todo))

    def resolve(self, member_id: str) -> str | None:
        """members.resolve: the canonical id for a member id or alias; None if unknown."""
        if member_id not in self._canonical:
            self.resolve_many([member_id])
        return self._canonical[member_id]

    def groups_many(self, canonicals: Iterable[str]) -> None:
        todo = [c for c in set(canonicals) if c not in self._groups]
        if todo:
            self._groups.update(members.groups(self.tx, todo))

    def group(self, canonical: str) -> list[str]:
        """members.group: the canonical id first, then its aliases."""
        self.groups_many([canonical])
        return self._groups[canonical]

    def live_member_with_phone(self, e164: str) -> dict[str, Any] | None:
        if e164 not in self._live_phone:
            self._live_phone[e164] = self.tx.one("SELECT * FROM members WHERE phone = ? AND status <> 'merged'",
                                                 (e164,))
        return self._live_phone[e164]

    def add_member(self, row: dict[str, Any]) -> None:
        """A new canonical member (no other live member has its phone)."""
        self.members.append(row)
        self._fresh.add(row["member_id"])
        self._canonical[row["member_id"]] = row["member_id"]
        self._groups[row["member_id"]] = [row["member_id"]]
        if row["phone"] is not None:
            self._live_phone[row["phone"]] = row

    # -- spends, coupons, cards, bonus months ---------------------------------------------------
    def spend(self, row: tuple[Any, ...]) -> bool:
        """INSERT spends ... ON CONFLICT (ref_id) DO NOTHING: False if the ref is already there."""
        ref = row[0]
        if ref not in self._spent:
            self._spent[ref] = self.tx.one("SELECT 1 AS x FROM spends WHERE ref_id = ?", (ref,)) is not None
        if self._spent[ref]:
            return False
        self._spent[ref] = True
        self.spends.append(row)
        return True

    def coupon(self, code: str) -> dict[str, Any] | None:
        if code not in self._coupons:
            row = self.tx.one("SELECT member_id FROM coupons WHERE code = ?", (code,))
            self._coupons[code] = None if row is None else {"member_id": row["member_id"]}
        return self._coupons[code]

    def add_coupon(self, row: tuple[Any, ...]) -> None:
        self.coupons.append(row)
        self._coupons[row[0]] = {"member_id": row[1]}

    def use_coupon(self, use: dict[str, Any]) -> list[dict[str, Any]]:
        """Record a use; returns every use of the code in head office order, and sets the coupon's
        use to the earliest."""
        code = use["code"]
        if code not in self._uses:
            self._uses[code] = sorted(self.tx.all("SELECT * FROM coupon_uses WHERE code = ?", (code,)), key=_use_order)
        self.uses.append(tuple(use[c] for c in USE_COLUMNS))
        uses = self._uses[code]
        uses.append(use)
        uses.sort(key=_use_order)
        self.coupon_used[code] = (uses[0]["sale_id"], uses[0]["occurred_at"])
        return list(uses)

    def card(self, card_id: str) -> dict[str, Any] | None:
        if card_id not in self._cards:
            row = self.tx.one("SELECT revoked_at FROM cards WHERE card_id = ?", (card_id,))
            self._cards[card_id] = None if row is None else {"revoked_at": row["revoked_at"]}
        return self._cards[card_id]

    def add_card(self, row: tuple[Any, ...]) -> None:
        self.cards.append(row)
        self._cards[row[0]] = {"revoked_at": None}

    def revoke_card(self, card_id: str, at: str, replaced_by: str | None) -> None:
        self.revoked[card_id] = (at, replaced_by)
        self._cards[card_id] = {"revoked_at": at}

    def bonus_awards(self, ids: Sequence[str], month: str) -> list[dict[str, Any]]:
        """bonus_months rows of these member ids in this month (by member id, then as written)."""
        out: list[dict[str, Any]] = []
        for m in sorted(ids):
            if (m, month) not in self._bonus:
                if m in self._fresh:  # a member new in this batch: its rows, if any, are in the cache
                    self._bonus[(m, month)] = []
                    continue
                self._bonus[(m, month)] = self.tx.all(
                    "SELECT event_id, member_id, month, terminal_id, seq, points FROM bonus_months"
                    " WHERE member_id = ? AND month = ?", (m, month))
            out.extend(self._bonus[(m, month)])
        return out

    def add_bonus(self, row: tuple[Any, ...]) -> None:
        record = dict(zip(BONUS_COLUMNS, row))
        self.bonus_awards([record["member_id"]], record["month"])  # what the table holds, read first
        self.bonus.append(row)
        self._bonus[(record["member_id"], record["month"])].append(record)

    def add_membership(self, row: tuple[Any, ...]) -> None:
        """A memberships row (MEMBERSHIP_COLUMNS): a paid membership bought."""
        self.memberships.append(row)

    def conflict(self, row: tuple[Any, ...]) -> None:
        """A conflicts row (kind, ref, member_id, detail, created_at), inserted in this order."""
        self.conflicts.append(row)

    # -- writing --------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write every buffered row (the same rows the event-by-event writes would leave)."""
        tx = self.tx
        if self.members:
            tx.insert_rows("members", MEMBER_COLUMNS, [tuple(m[c] for c in MEMBER_COLUMNS) for m in self.members])
        tx.insert_rows("spends", SPEND_COLUMNS, self.spends)
        tx.insert_rows("coupons", COUPON_COLUMNS, self.coupons)
        tx.insert_rows("coupon_uses", USE_COLUMNS, self.uses)
        tx.update_rows("coupons", "code", ("used_sale_id", "used_at"),
                       [(sale, at, code) for code, (sale, at) in self.coupon_used.items()])
        tx.insert_rows("cards", CARD_COLUMNS, self.cards)
        tx.update_rows("cards", "card_id", ("revoked_at", "replaced_by"),
                       [(at, by, card) for card, (at, by) in self.revoked.items()])
        tx.insert_rows("bonus_months", BONUS_COLUMNS, self.bonus)
        tx.insert_rows("memberships", MEMBERSHIP_COLUMNS, self.memberships)
        tx.many(conflicts.INSERT, self.conflicts)
        self._pending()
