"""Realistic terminal event streams for the sync benchmark, made by the real terminal services.

`make_terminals` sets up terminals in temp data dirs and runs a store's days through the services:
registrations (WELCOME coupon; some members get a signed QR card), sales with member lookup,
tier discounts, coupons, points earned and redeemed, monthly bonuses and tier upgrades, refunds
(points reversed and restored) and manager point adjustments; a few phones are registered at two
terminals offline (head office merges them). Every event is the one the service wrote to the
terminal's ledger.

The services write a few hundred events/s here (each sale is one fsync'd transaction), too slow to
make 100,000 events per run; `amplify` therefore repeats a terminal's serviced stream: copy k of an
event gets fresh ids for everything that names a thing (event, member, sale, refund, card, lot ids
and the ids inside card payloads; coupon codes; phone numbers), consistently across the terminals
for one copy, so copy k is a new set of members with the same history shape. Payloads keep their
exact shape; seqs continue gaplessly. The copies are appended to the terminal's own events table
(its outbox), so SyncClient reads them as it reads any event.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Sequence

from terminal.errors import PosError
from terminal.ids import new_id
from terminal.pricing import CartLine
from terminal.services import card_service, checkout, members, refunds, setup
from terminal.services.context import Actor, Terminal, open_terminal
from terminal.store.db import DB_NAME

ADMIN = Actor("admin", "admin", "管理员")
CATEGORIES = ("general", "fresh", "dairy", "bakery", "beverage", "household", "personal_care", "apparel",
              "electronics", "tobacco")
CATEGORY_WEIGHTS = (30, 20, 12, 8, 12, 8, 5, 2, 1, 2)
MOBILE_PREFIXES = ("130", "135", "136", "138", "139", "150", "158", "159", "186", "188", "189", "199")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32, as terminal.coupons makes codes
_EVENT_COLUMNS = ("seq", "event_id", "terminal_id", "kind", "occurred_at", "member_id", "staff_id", "payload")


@dataclass
class Mix:
    """What a store's day looks like (per sale unless said otherwise)."""

    sales_per_member: float = 6.0  # registrations = sales / this
    member_share: float = 0.75  # sales with a member
    coupon_share: float = 0.5  # of member sales where the member holds a usable coupon
    redeem_share: float = 0.15  # of member sales
    refund_share: float = 0.03
    card_share: float = 0.3  # of registrations
    adjust_share: float = 0.01
    twin_phones: int = 2  # phones registered at two terminals offline (merged by head office)


@dataclass
class Generated:
    data_dir: Path
    terminal_id: str
    events: int
    kinds: dict[str, int] = field(default_factory=dict)


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _cart(rng: random.Random) -> tuple[CartLine, ...]:
    return tuple(
        CartLine(rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0], rng.randrange(200, 20_000), rng.choice((1, 1, 1, 2, 3)))
        for _ in range(rng.randint(1, 6))
    )


def _usable_coupon(t: Terminal, member_id: str, when: datetime) -> str | None:
    row = t.store.one("SELECT code FROM coupons WHERE member_id = ? AND used_sale_id IS NULL AND valid_from <= ?"
                      " AND valid_to > ? ORDER BY valid_to LIMIT 1", (member_id, when.isoformat(), when.isoformat()))
    return None if row is None else str(row["code"])


def _sell(t: Terminal, rng: random.Random, member_id: str | None, when: datetime, mix: Mix) -> str | None:
    """One sale through checkout (the app's quote first for the redeem limit); its sale id."""
    cart = _cart(rng)
    coupon = None
    if member_id is not None and rng.random() < mix.coupon_share:
        coupon = _usable_coupon(t, member_id, when)
    redeem = 0
    if member_id is not None and rng.random() < mix.redeem_share:
        try:
            plan = checkout.plan(t, checkout.SaleRequest(lines=cart, member=member_id, coupon=coupon), when)
        except PosError:
            coupon = None
            plan = checkout.plan(t, checkout.SaleRequest(lines=cart, member=member_id), when)
        if plan.limit is not None and plan.limit.max_points >= 100:
            redeem = rng.randrange(1, plan.limit.max_points // 100 + 1) * 100
    for attempt in ((coupon, redeem), (None, redeem), (None, 0)):
        try:
            req = checkout.SaleRequest(lines=cart, member=member_id, coupon=attempt[0], redeem_points=attempt[1])
            return str(checkout.sale(t, ADMIN, req, at=when).document["sale_id"])
        except PosError:
            continue
    return None


def run_store(t: Terminal, rng: random.Random, sales: int, start: datetime, days: float, mix: Mix,
              twins: Sequence[str] = ()) -> None:
    """`sales` sales over `days` from `start`, with registrations, refunds and adjustments mixed in."""
    step = timedelta(days=days) / max(1, sales)
    when = start
    regulars: list[str] = []
    sold: list[str] = []
    twins = list(twins)
    for i in range(sales):
        when = when + step * rng.uniform(0.5, 1.5)
        if not regulars or rng.random() < 1.0 / mix.sales_per_member:
            number = twins.pop() if twins and rng.random() < 0.2 else _phone(rng)
            try:
                reg = members.register(t, ADMIN, number, name=rng.choice(("王芳", "李伟", "张敏", None)), at=when)
            except PosError:  # phone_taken: a random number drawn twice
                continue
            regulars.append(reg.member_id)
            if rng.random() < mix.card_share:
                card_service.issue(t, ADMIN, reg.member_id, at=when + timedelta(seconds=20))
            when = when + timedelta(seconds=30)
        member_id = None
        if rng.random() < mix.member_share:
            # 40% from the loyal fifth registered first, the rest anyone: a loyal member shops
            # about every other day, none dominates
            pool = max(1, len(regulars) // 5) if rng.random() < 0.4 else len(regulars)
            member_id = regulars[rng.randrange(pool)]
        sale_id = _sell(t, rng, member_id, when, mix)
        if sale_id is not None:
            sold.append(sale_id)
        if sold and rng.random() < mix.refund_share:
            try:
                refunds.refund(t, ADMIN, rng.choice(sold[-200:]), at=when + timedelta(seconds=40))
            except PosError:  # already refunded in full
                pass
        if regulars and rng.random() < mix.adjust_share:
            try:
                members.adjust_points(t, ADMIN, rng.choice(regulars), rng.choice((100, 200, 500, -100)), "客诉补偿",
                                      at=when + timedelta(seconds=50))
            except PosError:
                pass
    for number in twins:  # the twins not used yet: registered now
        try:
            members.register(t, ADMIN, number, at=when + timedelta(minutes=1))
        except PosError:
            pass


def make_terminals(folder: Path, count: int, sales: int, *, seed: int = 1, mix: Mix | None = None,
                   end: datetime | None = None, days: float = 20.0,
                   progress: Callable[[str], None] | None = None) -> list[Generated]:
    """`count` set-up terminals in folder/t0.. each having run `sales` sales through the services
    over `days` days ending a day before `end` (default: now)."""
    mix = mix or Mix()
    rng = random.Random(seed)
    twins = [_phone(rng) for _ in range(mix.twin_phones)]
    out: list[Generated] = []
    for i in range(count):
        data_dir = folder / f"t{i}"
        t = open_terminal(data_dir)
        try:
            now = (end or t.clock.now()).astimezone(t.clock.now().tzinfo)
            start = now - timedelta(days=days + 1)
            setup.init(t, store_name=f"门店{i + 1}", admin_pin="1234", at=start - timedelta(days=1))
            run_store(t, random.Random(seed * 1000 + i), sales, start, days, mix, twins if count > 1 else ())
            kinds = {r["kind"]: int(r["n"])
                     for r in t.store.all("SELECT kind, COUNT(*) AS n FROM events GROUP BY kind")}
            out.append(Generated(data_dir, t.terminal_id, sum(kinds.values()), kinds))
        finally:
            t.store.close()
        if progress:
            progress(f"  terminal {i + 1}/{count}: {out[-1].events:,} events through the services")
    return out


# -- amplification -----------------------------------------------------------------------------

class _Renamer:
    """Fresh names for one copy: every id, code and phone of the copy maps to a new one, the same
    new one wherever it appears (all terminals of the copy share the renamer)."""

    def __init__(self, keep: set[str], rng: random.Random) -> None:
        self.keep = keep
        self.rng = rng
        self.ids: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        self.phones: dict[str, str] = {}

    def id(self, value: str) -> str:
        if value in self.keep:
            return value
        new = self.ids.get(value)
        if new is None:
            new = self.ids[value] = new_id()
        return new

    def text(self, value: str) -> str:
        return _UUID.sub(lambda m: self.id(m.group(0)), value)

    def code(self, value: str) -> str:
        new = self.codes.get(value)
        if new is None:
            new = self.codes[value] = "".join(self.rng.choice(_CODE_ALPHABET) for _ in range(len(value)))
        return new

    def phone(self, value: str) -> str:
        new = self.phones.get(value)
        if new is None:
            new = self.phones[value] = value[:6] + "".join(self.rng.choice("0123456789") for _ in range(len(value) - 6))
        return new

    def value(self, name: str, value: Any) -> Any:
        if isinstance(value, str):
            if name in ("code", "coupon_code"):
                return self.code(value)
            if name == "phone":
                return self.phone(value)
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.value(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(name, v) for v in value]
        return value


def read_events(data_dir: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(data_dir / DB_NAME)
    try:
        return conn.execute(f"SELECT {', '.join(_EVENT_COLUMNS)} FROM events ORDER BY seq").fetchall()
    finally:
        conn.close()


def amplify(gens: Sequence[Generated], targets: Sequence[int], *, seed: int = 7) -> list[int]:
    """Append renamed copies of each terminal's serviced stream (the events after its setup) to its
    own events table until it holds at least targets[i] events; returns the new counts."""
    streams = []
    for g in gens:
        rows = read_events(g.data_dir)
        body = [r for r in rows if r[3] != "rules_loaded"]  # setup's own events are not repeated
        streams.append((rows, body))
    keep = {g.terminal_id for g in gens} | {"admin"}
    rng = random.Random(seed)
    counts = [len(rows) for rows, _ in streams]
    appended: list[list[tuple[Any, ...]]] = [[] for _ in gens]
    copy = 0
    while any(counts[i] < targets[i] and streams[i][1] for i in range(len(gens))):
        copy += 1
        names = _Renamer(keep, rng)
        for i, (rows, body) in enumerate(streams):
            if counts[i] >= targets[i] or not body:
                continue
            for r in body:
                if counts[i] >= targets[i]:
                    break
                counts[i] += 1
                payload = json.dumps(names.value("", json.loads(r[7])), ensure_ascii=False, separators=(",", ":"))
                appended[i].append((counts[i], names.id(r[1]), r[2], r[3], r[4],
                                    None if r[5] is None else names.id(r[5]), r[6], payload))
    for g, rows in zip(gens, appended):
        if not rows:
            continue
        conn = sqlite3.connect(g.data_dir / DB_NAME)
        try:
            with conn:
                conn.executemany(f"INSERT INTO events({', '.join(_EVENT_COLUMNS)})"
                                 f" VALUES ({', '.join('?' * len(_EVENT_COLUMNS))})", rows)
        finally:
            conn.close()
        g.events = counts[gens.index(g)]
    return counts
