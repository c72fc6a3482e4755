"""Core benchmark: member lookup and checkout through the services vs the raw SQLite they wrap.

    .venv/bin/python bench/bench_core.py [--members N] [--keep PATH] [--keys K] [--checkouts C]

Builds a terminal store of N members (default 1,000,000) with the real schema (open_store +
setup.init for the terminal identity and device key), bulk-inserting members, their cards, a
WELCOME coupon each and the ledger events a registration writes (member_registered, coupon_issued,
card_issued), one transaction per 50,000 members. Ids are UUIDv7 (terminal.ids.new_id); phones are
Chinese mobiles, so at 1M members each last-4 value is shared by ~100 members, as in reality.

Cards: every card that is looked up is genuinely signed with the terminal's device key
(terminal.cards.sign_card) and stored. Signing costs ~0.25 ms here, so by default only a sample is
signed (--signed, default 2 x --keys); the other cards get a payload of the same shape and length
under a key id this terminal does not know ("issued by another terminal"), never looked up.
--sign-all signs every card.

Then it measures, over --keys random distinct keys each:
- lookup by full phone (typed as the cashier types it: 11 digits), by last 4 digits, by card
  payload, through terminal.services.lookup.find_one as the cashier's app calls it (a last-4 query
  matching several members ends in member_ambiguous with the masked choices, which the app shows),
  vs the raw indexed query returning the same rows;
- a checkout commit through checkout.sale (a member with a short history, 1-6 lines, a coupon
  sometimes, points redeemed sometimes; the app's quote first, untimed) vs one raw transaction
  writing the same rows (BEGIN IMMEDIATE; settings upsert; sales row; its sale_lines; as many
  events rows; spends row; lot_index rows; coupon/bonus/tier updates; COMMIT) on the same
  connection, so the same pragmas (WAL, synchronous=FULL).

Targets (the issue): lookup median ratio service/raw <= 3 and p99 <= 1 ms; checkout median ratio
<= 3 and p99 <= 5 ms. Ratios of the p99s are printed too, for information.
"""

from __future__ import annotations

import os

os.environ.setdefault("POS_PIN_HASH_FAST", "1")  # before terminal.auth is imported

import argparse  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable, Sequence  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):  # the project, and the bench modules beside this script
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from terminal import cards, clock as clocks  # noqa: E402
from terminal.errors import PosError  # noqa: E402
from terminal.ids import new_id  # noqa: E402
from terminal.pricing import CartLine  # noqa: E402
from terminal.services import checkout, lookup  # noqa: E402
from terminal.services.context import Actor, Terminal, open_terminal  # noqa: E402
from terminal.store.db import DB_NAME  # noqa: E402

from bench_report import Comparison, _timed, format_comparison, machine, percentile, summary_table  # noqa: E402,F401
from bench_store import CASHIER, CATEGORIES, CATEGORY_WEIGHTS, BuildInfo, prepare_store  # noqa: E402,F401

LOOKUP_P99_MS = 1.0
CHECKOUT_P99_MS = 5.0
MAX_RATIO = 3.0


@dataclass(frozen=True)
class LookupKeys:
    phones_typed: list[str]  # as typed at the till: 11 digits
    phones_e164: list[str]
    last4: list[str]
    cards: list[str]


def pick_keys(t: Terminal, k: int, rng: random.Random) -> LookupKeys:
    """k random distinct members by phone, k distinct last-4 values, k genuinely signed cards."""
    conn = t.store.conn
    max_rowid = int(t.store.scalar("SELECT MAX(rowid) FROM members") or 0)
    phones: list[str] = []
    seen: set[str] = set()
    while len(phones) < k and len(seen) < max_rowid:
        rowid = rng.randint(1, max_rowid)
        row = conn.execute("SELECT phone FROM members WHERE rowid = ? AND status = 'active'", (rowid,)).fetchone()
        if row and row[0] and row[0] not in seen:
            seen.add(row[0])
            phones.append(row[0])
    all_last4 = [r[0] for r in conn.execute("SELECT DISTINCT phone_last4 FROM members WHERE status = 'active'"
                                            " AND phone_last4 IS NOT NULL")]
    last4 = rng.sample(all_last4, min(k, len(all_last4)))
    key_id = t.device_key().key_id
    genuine = [r[0] for r in conn.execute(
        "SELECT c.payload FROM cards c JOIN members m ON m.member_id = c.member_id"
        " WHERE c.key_id = ? AND c.revoked_at IS NULL AND m.status = 'active'", (key_id,))]
    card_keys = rng.sample(genuine, min(k, len(genuine)))
    public = {key_id: t.device_key().public_raw}
    for payload in card_keys:  # every card looked up is genuine
        cards.verify_card(payload, public)
    return LookupKeys([p[3:] for p in phones], phones, last4, card_keys)


_COLS = lookup.MEMBER_COLUMNS
_RAW_PHONE = f"SELECT {_COLS} FROM members WHERE phone = ?"
# the same pick list the service reads: the covering index of migration m005
_RAW_LAST4 = (f"SELECT {lookup.LIST_COLUMNS} FROM members WHERE phone_last4 = ? AND merged_into IS NULL"
              " ORDER BY registered_at")
_RAW_CARD = (f"SELECT c.revoked_at, {', '.join('m.' + c for c in _COLS.split(', '))} FROM cards c"
             " JOIN members m ON m.member_id = c.member_id WHERE c.payload = ?")


def _app_find_one(t: Terminal, query: str) -> Any:
    """As the cashier's app calls it: one member, or the list of matches to pick from."""
    try:
        return lookup.find_one(t, query)
    except PosError as exc:
        if exc.code != "member_ambiguous":
            raise
        return exc.params["matches"]


def bench_lookups(t: Terminal, keys: LookupKeys, *, rounds: int = 2) -> list[Comparison]:
    """Service vs raw per kind of key. Each round walks all keys twice at once, in two independent
    random orders, timing raw(order A[i]) and service(order B[i]) alternately (which goes first
    alternates too): both see the same machine load and the same (cold-ish) page cache, and neither
    gets the other's freshly read pages for the same key."""
    conn = t.store.conn
    cases = [
        ("lookup phone", keys.phones_typed, keys.phones_e164,
         lambda q: _app_find_one(t, q), lambda q: conn.execute(_RAW_PHONE, (q,)).fetchone()),
        ("lookup last4", keys.last4, keys.last4,
         lambda q: _app_find_one(t, q), lambda q: conn.execute(_RAW_LAST4, (q,)).fetchall()),
        ("lookup card", keys.cards, keys.cards,
         lambda q: _app_find_one(t, q), lambda q: conn.execute(_RAW_CARD, (q,)).fetchone()),
    ]
    rng = random.Random(7)
    results = []
    for name, service_keys, raw_keys, service, raw in cases:
        result = Comparison(name, p99_target_ms=LOOKUP_P99_MS, ratio_target=MAX_RATIO)
        pairs = list(zip(service_keys, raw_keys))
        for s, r in pairs:  # correctness and warm-up: both find the same member(s)
            found, expected = service(s), raw(r)
            assert expected, f"{name}: raw query found nothing for {r!r}"
            _check_same(name, found, expected)
        for _ in range(rounds):
            raw_order = [r for _, r in pairs]
            service_order = [s for s, _ in pairs]
            rng.shuffle(raw_order)
            rng.shuffle(service_order)
            for i, (r, s) in enumerate(zip(raw_order, service_order)):
                if i % 2:
                    result.raw_us.append(_timed(lambda: raw(r)))
                    result.service_us.append(_timed(lambda: service(s)))
                else:
                    result.service_us.append(_timed(lambda: service(s)))
                    result.raw_us.append(_timed(lambda: raw(r)))
        results.append(result)
    last4_sizes = [len(conn.execute(_RAW_LAST4, (q,)).fetchall()) for q in keys.last4]
    results[1].note = f"{statistics.mean(last4_sizes):.0f} members per last-4 on average (max {max(last4_sizes)})"
    return results


def _check_same(name: str, found: Any, expected: Any) -> None:
    if isinstance(found, list):  # the ambiguous matches the app shows
        ids = [m["member_id"] for m in found]
        assert ids == [r[0] for r in expected], name
    elif isinstance(expected, list):
        assert len(expected) == 1 and found["member_id"] == expected[0][0], name
    else:
        offset = 1 if name == "lookup card" else 0
        assert found["member_id"] == expected[offset], name


# --- checkout -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckoutStats:
    sales: int
    with_coupon: int
    with_redeem: int
    lines: int
    events: int
    history_sales: int


def _cart(rng: random.Random) -> tuple[CartLine, ...]:
    return tuple(
        CartLine(rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0], rng.randrange(200, 20_000), rng.choice((1, 1, 1, 2, 3)))
        for _ in range(rng.randint(1, 6))
    )


def _pick_checkout_members(t: Terminal, n: int, rng: random.Random, now: datetime) -> list[tuple[str, str | None]]:
    """(member_id, an unused WELCOME code still valid or None): half recent members (a coupon to
    use), half anyone."""
    conn = t.store.conn
    recent_from = clocks.to_text(now - timedelta(days=25))
    recent = [tuple(r) for r in conn.execute(
        "SELECT m.member_id, c.code FROM members m JOIN coupons c ON c.member_id = m.member_id"
        " WHERE m.registered_at >= ? AND m.status = 'active' AND c.template = 'WELCOME'"
        " AND c.used_sale_id IS NULL AND c.valid_to > ?", (recent_from, clocks.to_text(now)))]
    picked: dict[str, str | None] = {}
    for member_id, code in rng.sample(recent, min(len(recent), n // 2)):
        picked[member_id] = code
    max_rowid = int(t.store.scalar("SELECT MAX(rowid) FROM members") or 0)
    attempts = 0
    while len(picked) < n and attempts < 20 * n:
        attempts += 1
        row = conn.execute("SELECT member_id FROM members WHERE rowid = ? AND status = 'active'",
                           (rng.randint(1, max_rowid),)).fetchone()
        if row and row[0] not in picked:
            picked[row[0]] = None
    out = list(picked.items())
    rng.shuffle(out)
    return out


def seed_history(t: Terminal, actor: Actor, member_ids: Sequence[str], rng: random.Random, now: datetime,
                 mean_sales: float) -> int:
    """Past purchases through the service (dated with `at`), so checkout members have a realistic
    spend and points history to read. Returns how many sales were made."""
    made = 0
    for member_id in member_ids:
        registered = clocks.from_text(str(t.store.scalar(
            "SELECT registered_at FROM members WHERE member_id = ?", (member_id,))))
        first = max(registered + timedelta(hours=1), now - timedelta(days=330))
        last = now - timedelta(hours=2)
        if first >= last:
            continue
        count = rng.randint(0, max(0, round(2 * mean_sales)))
        seconds = int((last - first).total_seconds())
        for offset in sorted(rng.randrange(seconds) for _ in range(count)):
            req = checkout.SaleRequest(lines=_cart(rng), member=member_id)
            checkout.sale(t, actor, req, at=first + timedelta(seconds=offset))
            made += 1
    return made


@dataclass
class _Written:
    """The rows one service sale wrote, to be written again by the raw transaction."""

    sale: tuple[Any, ...]
    lines: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]  # (kind, occurred_at, member_id, staff_id, payload)
    spends: list[tuple[Any, ...]]  # (member_id, occurred_at, qualifying_fen, is_purchase)
    lots: list[tuple[Any, ...]]  # (member_id, expires_at)
    coupon: tuple[Any, ...] | None  # (used_sale_id, used_at, code)
    bonus: tuple[Any, ...] | None
    tier: tuple[Any, ...] | None  # (tier, tier_since, member_id)


def _written_by(t: Terminal, sale_id: str, seq_before: int) -> _Written:
    conn = t.store.conn
    sale = conn.execute("SELECT * FROM sales WHERE sale_id = ?", (sale_id,)).fetchone()
    lines = conn.execute("SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no", (sale_id,)).fetchall()
    events = conn.execute("SELECT event_id, kind, occurred_at, member_id, staff_id, payload FROM events"
                          " WHERE seq > ? ORDER BY seq", (seq_before,)).fetchall()
    spends = conn.execute("SELECT member_id, occurred_at, qualifying_fen, is_purchase FROM spends WHERE ref_id = ?",
                          (sale_id,)).fetchall()
    lots = conn.execute(
        f"SELECT member_id, expires_at FROM lot_index WHERE lot_id IN ({','.join('?' * len(events))})",
        [e[0] for e in events]).fetchall()
    member_id, occurred_at, coupon_code = sale[2], sale[4], sale[7]
    coupon = conn.execute("SELECT used_sale_id, used_at, code FROM coupons WHERE code = ?",
                          (coupon_code,)).fetchone() if coupon_code else None
    bonus = conn.execute("SELECT * FROM bonus_months WHERE member_id = ? AND month = ?",
                         (member_id, occurred_at[:7])).fetchone() if sale[13] else None
    tier = None
    if any(e[1] == "tier_changed" for e in events):
        tier = conn.execute("SELECT tier, tier_since, member_id FROM members WHERE member_id = ?",
                            (member_id,)).fetchone()
    return _Written(tuple(sale), [tuple(r) for r in lines], [tuple(e[1:]) for e in events],
                    [tuple(s) for s in spends], [tuple(x) for x in lots], coupon, bonus, tier)


def _raw_plan(t: Terminal, w: _Written) -> Callable[[], None]:
    """The raw transaction writing the same rows again: new ids prepared beforehand (untimed).
    Its events get kinds prefixed 'bench_raw_' (same row count and size give or take 10 bytes) and
    its lot_index rows are closed, so the copies never move anyone's points; the coupon, bonus and
    tier rows are rewritten with the values the service wrote; its receipt counter is its own key."""
    conn = t.store.conn
    terminal_id = t.terminal_id
    sale_id = new_id()
    n = int(t.store.setting("bench_raw_receipt_counter", "0") or 0) + 1  # as the service numbers receipts
    sale = (sale_id, f"RAW-{n:07d}", *w.sale[2:])
    lines = [(sale_id, *ln[1:]) for ln in w.lines]
    event_ids = [new_id() for _ in w.events]
    events = [(eid, terminal_id, "bench_raw_" + e[0], *e[1:]) for eid, e in zip(event_ids, w.events)]
    sale_event = next((eid for eid, e in zip(event_ids, w.events) if e[0] == "sale"), event_ids[0])
    spends = [(*s, sale_id, sale_event) for s in w.spends]
    lots = [(eid, m, exp) for eid, (m, exp) in zip(event_ids, w.lots)]
    counter = str(n)
    sale_sql = f"INSERT INTO sales VALUES ({', '.join('?' * len(sale))})"
    line_sql = f"INSERT INTO sale_lines VALUES ({', '.join('?' * (len(lines[0]) if lines else 12))})"

    def run() -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            write()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def write() -> None:
        conn.execute("INSERT INTO settings(key, value) VALUES ('bench_raw_receipt_counter', ?)"
                     " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (counter,))
        conn.execute(sale_sql, sale)
        conn.executemany(line_sql, lines)
        conn.executemany("INSERT INTO events(event_id, terminal_id, kind, occurred_at, member_id, staff_id,"
                         " payload) VALUES (?, ?, ?, ?, ?, ?, ?)", events)
        if w.coupon:
            conn.execute("UPDATE coupons SET used_sale_id = ?, used_at = ? WHERE code = ?", w.coupon)
        if lots:
            conn.executemany("INSERT INTO lot_index(lot_id, member_id, expires_at, open) VALUES (?, ?, ?, 0)", lots)
        if w.bonus:
            conn.execute("INSERT OR REPLACE INTO bonus_months VALUES (?, ?, ?)", w.bonus)
        conn.executemany("INSERT INTO spends(member_id, occurred_at, qualifying_fen, is_purchase, ref_id, seq)"
                         " VALUES (?, ?, ?, ?, ?, (SELECT seq FROM events WHERE event_id = ?))", spends)
        if w.tier:
            conn.execute("UPDATE members SET tier = ?, tier_since = ? WHERE member_id = ?", w.tier)

    return run


def _clear_service_caches() -> None:
    """Forget whatever the services memoise (functools caches in terminal.services.*)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("terminal.services."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def bench_checkout(t: Terminal, n: int, rng: random.Random, *, history: float = 3.0, cold: bool = False,
                   progress: Callable[[str], None] | None = None) -> tuple[Comparison, CheckoutStats]:
    """n sales through checkout.sale (quote first, as the app does, untimed), each followed by the
    raw transaction writing the same rows. `cold`: the services' memo caches are cleared before
    each timed sale, so it gets nothing from the quote before it (information, no target)."""
    now = t.now()
    actor = Actor(CASHIER[0], CASHIER[2], CASHIER[1])
    chosen = _pick_checkout_members(t, n, rng, now)
    started = time.perf_counter()
    made = seed_history(t, actor, [m for m, _ in chosen], rng, now, history)
    if progress:
        progress(f"  history: {made:,} past sales for {len(chosen):,} members in {time.perf_counter() - started:.1f} s")
    if cold:
        result = Comparison("checkout cold")
    else:
        result = Comparison("checkout sale", p99_target_ms=CHECKOUT_P99_MS, ratio_target=MAX_RATIO)
    with_coupon = with_redeem = lines = events = 0
    step = t.programme.redeem.step
    for member_id, code in chosen:
        cart = _cart(rng)
        coupon = code if code and rng.random() < 0.6 else None
        if coupon:
            try:
                checkout.quote(t, actor, checkout.SaleRequest(lines=cart, member=member_id, coupon=coupon))
            except PosError:  # below the threshold, or nothing eligible: no coupon this time
                coupon = None
        doc = checkout.quote(t, actor, checkout.SaleRequest(lines=cart, member=member_id, coupon=coupon))
        redeem = 0
        max_points = doc["redeem_max"]["max_points"]
        if max_points >= step and rng.random() < 0.5:
            redeem = step * rng.randint(1, max_points // step)
        req = checkout.SaleRequest(lines=cart, member=member_id, coupon=coupon, redeem_points=redeem)
        seq_before = int(t.store.scalar("SELECT MAX(seq) FROM events"))
        box: list[checkout.SaleResult] = []
        if cold:
            _clear_service_caches()
        result.service_us.append(_timed(lambda: box.append(checkout.sale(t, actor, req))))
        written = _written_by(t, box[0].document["sale_id"], seq_before)
        raw = _raw_plan(t, written)
        result.raw_us.append(_timed(raw))
        with_coupon += bool(written.coupon)
        with_redeem += bool(redeem)
        lines += len(written.lines)
        events += len(written.events)
    stats = CheckoutStats(len(chosen), with_coupon, with_redeem, lines, events, made)
    result.note = (f"{stats.sales:,} sales, {stats.lines / stats.sales:.1f} lines and {stats.events / stats.sales:.1f}"
                   f" events each; coupon in {stats.with_coupon:,}, points redeemed in {stats.with_redeem:,}"
                   + ("; service caches cleared before each sale (information, no target)" if cold else ""))
    return result, stats


def run(args: argparse.Namespace, out: Callable[[str], None] = print) -> tuple[BuildInfo, list[Comparison]]:
    total = time.perf_counter()
    tmp = None
    if args.keep:
        data_dir = Path(args.keep)
    else:
        tmp = tempfile.mkdtemp(prefix="pos-bench-")
        data_dir = Path(tmp)
    try:
        out(f"store: {data_dir / DB_NAME}   ({machine()})")
        info = prepare_store(data_dir, args.members, seed=args.seed, signed=args.signed or 2 * args.keys,
                             sign_all=args.sign_all, progress=out)
        if info.built:
            out(f"build: {info.members:,} members (+ card, WELCOME coupon, 3 ledger events each;"
                f" {info.signed_cards:,} cards genuinely signed) in {info.seconds:.1f} s")
        else:
            out(f"build: reused the store at {data_dir} ({info.members:,} members, {info.signed_cards:,}"
                " genuinely signed cards)")
        out(f"db size: {info.db_bytes / 1e6:,.1f} MB")
        t = open_terminal(data_dir)
        try:
            rng = random.Random(args.seed + 1)
            keys = pick_keys(t, args.keys, rng)
            out(f"keys: {len(keys.phones_typed):,} phones, {len(keys.last4):,} last-4 values,"
                f" {len(keys.cards):,} signed cards")
            results = bench_lookups(t, keys, rounds=args.rounds)
            for r in results:
                out(format_comparison(r))
            checkout_result, _ = bench_checkout(t, args.checkouts, rng, history=args.history, progress=out)
            out(format_comparison(checkout_result))
            results.append(checkout_result)
            cold_result, _ = bench_checkout(t, max(1, args.checkouts // 4), rng, history=args.history, cold=True,
                                            progress=out)
            out(format_comparison(cold_result))
            results.append(cold_result)
            t.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            t.store.close()
        out("")
        out(f"summary ({info.members:,} members; build {info.seconds:.1f} s; db {info.db_bytes / 1e6:,.1f} MB;"
            " times in ms, ratio = service / raw)")
        out(summary_table(results))
        missed = [c.name for c in results if not c.passed]
        out(f"overall: {'PASS' if not missed else 'MISS (' + ', '.join(missed) + ')'}"
            f"   total run {time.perf_counter() - total:.1f} s   ({machine()})")
        return info, results
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--members", type=int, default=1_000_000, help="members in the store (default 1,000,000)")
    p.add_argument("--keep", metavar="PATH", help="data dir to build the store in and keep (reused if present)")
    p.add_argument("--keys", type=int, default=3000, help="distinct keys per lookup kind (default 3000)")
    p.add_argument("--rounds", type=int, default=2, help="timed passes over the keys (default 2)")
    p.add_argument("--checkouts", type=int, default=2000, help="sales to time (default 2000)")
    p.add_argument("--history", type=float, default=3.0, help="mean past sales per checkout member (default 3)")
    p.add_argument("--signed", type=int, default=0, help="cards genuinely signed at build (default 2 x --keys)")
    p.add_argument("--sign-all", action="store_true", help="sign every card (slow: ~0.25 ms each)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    _, results = run(args)
    return 1 if args.strict and not all(c.passed for c in results) else 0


if __name__ == "__main__":
    sys.exit(main())
