"""Crash test: a child process doing sales is SIGKILLed at random moments (POS_CRASH_KILLS times,
200 by default); every sale it reported committed is whole in the store, none is partial.

The child (crash_child.py) rings up sales for a few members - with coupons, points redeemed, monthly
bonuses, tier upgrades and payment by stored value along the way - plus some refunds, referral
registrations, stored-value top-ups and paid memberships, and prints one JSON line after each service
call returns. The parent kills it a random 3-150 ms after it opened the
store, then opens the store itself (recovering the WAL the kill left behind) and checks:

- every operation the child reported is in the store, whole and as reported;
- globally, nothing is partial: each sale has its lines, its 'sale' event, its points, coupon, bonus
  and tier events, its spends row, and nothing refers to a sale that is not there; the same for
  refunds and registrations; the event seq is gapless; the receipt counter matches the receipts;
  integrity_check and foreign_key_check pass; the audit chain verifies; each member's balance from
  the lots fold equals the sum of the signed point deltas of their events and the points the
  sales/refunds tables account for; each member's stored value equals the sum of its events and what
  the sales/refunds tables account for, and is never below zero; each paid membership has its grant.

The next child then runs on the same data directory, so recovery after a kill is exercised each time.
Importing the terminal costs ~0.5 s, so crash_child.py is a fork server started once with
sys.executable: it imports, then forks a fresh worker process per kill, which opens its own SQLite
connection and does the sales; the parent SIGKILLs that worker by pid. 200 kills take ~70 s.

The test was checked by breaking atomicity in a scratch copy (commit between the sales row and its
events; coupon marked used in a second transaction; receipt number taken in its own transaction;
each event committed as it is appended; a refund's quantities committed before its row): each was
caught within the first ten kills.
"""

from __future__ import annotations

import os

os.environ.setdefault("POS_PIN_HASH_FAST", "1")

import json  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

import pytest  # noqa: E402

from terminal import clock as clocks, lots  # noqa: E402
from terminal import stored_value as sv  # noqa: E402
from terminal.services import audit, members, reads, setup, stored_value  # noqa: E402
from terminal.services.context import Actor, Terminal, open_terminal  # noqa: E402

CHILD = Path(__file__).with_name("crash_child.py")
BASE = datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ADMIN = Actor("admin", "admin", "crash-test")
MIN_DELAY, MAX_DELAY = 0.003, 0.150
LINE_FIELDS = ("line_no", "category", "qty", "unit_price_fen", "amount_fen", "tier_discount_fen",
               "coupon_discount_fen", "points_value_fen", "paid_fen", "points")
SALE_FIELDS = ("receipt_no", "pay_method", "offline", "subtotal_fen", "tier_discount_fen", "coupon_code",
               "coupon_discount_fen", "points_redeemed", "points_value_fen", "payable_fen", "points_earned",
               "bonus_points", "tier_before", "tier_after")
SALE_CHILD_EVENTS = ("points_earned", "points_redeemed", "coupon_redeemed", "bonus_awarded", "stored_value_spent")


# -- the store before the first child --------------------------------------------------------------


def make_store(data_dir: Path) -> None:
    t = open_terminal(data_dir, clock=clocks.FixedClock(BASE))
    setup.init(t, store_name="崩溃测试店", admin_pin="135790", at=BASE)
    first = None
    for i in range(8):
        reg = members.register(t, ADMIN, f"1381234{i:04d}", name=f"会员{i}", referrer=first, at=BASE)
        first = first or reg.member_id
        members.adjust_points(t, ADMIN, reg.member_id, 50_000 + 1_000 * i, "crash test float", at=BASE)
        stored_value.topup(t, ADMIN, reg.member_id, 1_000_000, "cash", at=BASE)
    t.store.close()


# -- the child: a fork server and its workers -------------------------------------------------------


class Children:
    """crash_child.py started with sys.executable; it forks one worker per kill (see its docstring)."""

    def __init__(self, data_dir: Path, stderr_path: Path) -> None:
        env = {**os.environ, "POS_PIN_HASH_FAST": "1"}
        self.stderr_path = stderr_path
        self._stderr = stderr_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(data_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env,
        )
        self.worker: int | None = None
        self.read("loaded")

    def read(self, op: str) -> list[dict[str, Any]]:
        """Lines up to and including the first with this op."""
        assert self.proc.stdout is not None
        got = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait(timeout=10)
                pytest.fail(f"crash child ended (rc {self.proc.returncode}) before {op!r}; got {got[-3:]}\n"
                            + self.stderr_path.read_text())
            got.append(json.loads(line))
            if got[-1]["op"] == op:
                return got

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def start_worker(self, seed: int) -> None:
        self.send(f"go {seed}")
        (ready,) = self.read("ready")
        self.worker = ready["pid"]

    def kill_worker(self) -> list[dict[str, Any]]:
        """SIGKILL the worker; everything it reported since it was ready."""
        assert self.worker is not None
        pid, self.worker = self.worker, None
        os.kill(pid, signal.SIGKILL)
        self.send(f"reap {pid}")
        *lines, reaped = self.read("reaped")
        assert reaped["pid"] == pid
        assert reaped["signal"] == signal.SIGKILL, (
            f"worker died by itself ({reaped}); last lines {lines[-3:]}\n" + self.stderr_path.read_text())
        return lines

    def close(self) -> None:
        if self.worker is not None:
            os.kill(self.worker, signal.SIGKILL)
            self.send(f"reap {self.worker}")
            self.worker = None
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._stderr.close()


# -- what the parent knows ------------------------------------------------------------------------


@dataclass
class Reported:
    sales: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    topups: dict[str, dict[str, Any]] = field(default_factory=dict)
    memberships: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)  # where each kill landed
    refused: Counter[str] = field(default_factory=Counter)  # PosError codes (nothing written)


def check_reported(t: Terminal, rep: Reported, new_lines: list[dict[str, Any]]) -> None:
    """Every operation the child said it committed is there, as it said."""
    for obj in new_lines:
        if obj["op"] == "sale":
            rep.sales[obj["sale_id"]] = obj
        elif obj["op"] == "refund":
            rep.refunds[obj["refund_id"]] = obj
        elif obj["op"] == "member":
            rep.members[obj["member_id"]] = obj
        elif obj["op"] == "topup":
            rep.topups[obj["event_id"]] = obj
        elif obj["op"] == "membership":
            rep.memberships[obj["event_id"]] = obj
        elif obj["op"] == "refused":
            rep.refused[obj["code"]] += 1
    store = t.store
    # Everything ever reported (earlier children's too: a later kill must not lose a commit).
    sales = {r["sale_id"]: r for r in store.all("SELECT * FROM sales")}
    for sale_id, obj in rep.sales.items():
        row = sales.get(sale_id)
        assert row is not None, f"reported sale {obj} is missing from the store"
        for key in ("receipt_no", "member_id", "subtotal_fen", "payable_fen", "points_earned",
                    "points_redeemed", "bonus_points", "coupon_code", "stored_value_fen"):
            assert row[key] == obj[key], (key, dict(row), obj)
        n_lines = store.scalar("SELECT COUNT(*) FROM sale_lines WHERE sale_id = ?", (sale_id,))
        assert n_lines == obj["lines"], (sale_id, n_lines, obj)
    refund_rows = {r["refund_id"]: r for r in store.all("SELECT * FROM refunds")}
    for refund_id, obj in rep.refunds.items():
        row = refund_rows.get(refund_id)
        assert row is not None, f"reported refund {obj} is missing from the store"
        assert (row["sale_id"], row["refund_fen"], row["points_reversed"], row["points_restored"]) == (
            obj["sale_id"], obj["refund_fen"], obj["points_reversed"], obj["points_restored"]), (dict(row), obj)
        assert [[p["line_no"], p["qty"]] for p in json.loads(row["lines"])] == obj["lines"]
    for event_id, obj in rep.topups.items():
        row = store.one("SELECT member_id, payload FROM events WHERE event_id = ?", (event_id,))
        assert row is not None and row["member_id"] == obj["member_id"], obj
        assert json.loads(row["payload"])["amount_fen"] == obj["amount_fen"], obj
    for event_id, obj in rep.memberships.items():
        row = store.one("SELECT member_id, ends_at FROM membership_grants WHERE grant_id = ?", (event_id,))
        assert row is not None and (row["member_id"], row["ends_at"]) == (obj["member_id"], obj["ends_at"]), obj
    for member_id, obj in rep.members.items():
        assert store.one("SELECT 1 FROM members WHERE member_id = ?", (member_id,)), obj
        for code in obj["coupons"]:
            assert store.scalar("SELECT member_id FROM coupons WHERE code = ?", (code,)) == member_id, obj
        for code in obj["referrer_coupons"]:
            assert store.scalar("SELECT member_id FROM coupons WHERE code = ?", (code,)) == obj["referrer_id"]


# -- nothing partial, anywhere ----------------------------------------------------------------------


@dataclass
class Seen:
    """What earlier checks parsed: payloads by seq (reused only while the text is unchanged), and the
    last seq whose members' balances were folded."""

    payloads: dict[int, tuple[str, Any]] = field(default_factory=dict)
    folded_through: int = 0


def check_whole(t: Terminal, seen: Seen, *, fold_all: bool) -> dict[str, int]:
    """Nothing partial anywhere in the store. Balances are folded for the members with new events
    (for every member with fold_all)."""
    store = t.store
    conn = store.conn
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert audit.verify(t) == (True, None)

    # The event log: gapless seq from 1, unique ids.
    events = store.all("SELECT seq, event_id, kind, occurred_at, member_id, payload FROM events ORDER BY seq")
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1)), "event seq has a gap"
    payloads = {}
    for e in events:
        text = e["payload"]
        cached = seen.payloads.get(e["seq"])
        if cached is None or cached[0] != text:
            cached = seen.payloads[e["seq"]] = (text, json.loads(text))
        payloads[e["seq"]] = cached[1]
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for e in events:
        by_kind[e["kind"]].append(e)

    def keyed(kind: str, key: str) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = defaultdict(list)
        for e in by_kind[kind]:
            if key in payloads[e["seq"]]:
                out[payloads[e["seq"]][key]].append(e)
        return out

    # -- sales ---------------------------------------------------------------------------------
    sales = {r["sale_id"]: r for r in store.all("SELECT * FROM sales")}
    lines: dict[str, list[Any]] = defaultdict(list)
    for r in store.all("SELECT * FROM sale_lines ORDER BY sale_id, line_no"):
        lines[r["sale_id"]].append(r)
    assert set(lines) <= set(sales), "sale lines without their sale"
    sale_events = keyed("sale", "sale_id")
    assert len(by_kind["sale"]) == sum(len(v) for v in sale_events.values())
    assert set(sale_events) == set(sales), (
        f"sales without a 'sale' event: {sorted(set(sales) - set(sale_events))[:3]}; "
        f"'sale' events without a sale: {sorted(set(sale_events) - set(sales))[:3]}")
    children = {kind: keyed(kind, "sale_id") for kind in SALE_CHILD_EVENTS}
    for kind, found in children.items():
        assert set(found) <= set(sales), f"{kind} events for sales that are not there"
        assert all(len(v) == 1 for v in found.values()), f"a sale with two {kind} events"
    upgrades = keyed("tier_changed", "sale_id")
    assert set(upgrades) <= set(sales)
    spends = {r["ref_id"]: r for r in store.all("SELECT * FROM spends")}
    coupons = {r["code"]: r for r in store.all("SELECT * FROM coupons")}
    used = {r["used_sale_id"]: r for r in coupons.values() if r["used_sale_id"] is not None}
    assert set(used) <= set(sales), "a coupon used by a sale that is not there"
    lot_index = {r["lot_id"]: r for r in store.all("SELECT * FROM lot_index")}
    bonus_months = {(r["member_id"], r["month"]): r["points"] for r in store.all("SELECT * FROM bonus_months")}
    grants = {r["grant_id"]: r for r in store.all("SELECT * FROM membership_grants")}
    paid_members = {g["member_id"] for g in grants.values()}

    for sale_id, s in sales.items():
        ls = lines[sale_id]
        assert ls, f"sale {sale_id} has no lines"
        assert [ln["line_no"] for ln in ls] == list(range(1, len(ls) + 1))
        for ln in ls:
            assert ln["amount_fen"] == ln["unit_price_fen"] * ln["qty"]
            assert ln["paid_fen"] == (ln["amount_fen"] - ln["tier_discount_fen"] - ln["coupon_discount_fen"]
                                      - ln["points_value_fen"])
        for total, part in (("subtotal_fen", "amount_fen"), ("tier_discount_fen", "tier_discount_fen"),
                            ("coupon_discount_fen", "coupon_discount_fen"),
                            ("points_value_fen", "points_value_fen"), ("payable_fen", "paid_fen"),
                            ("points_earned", "points")):
            assert s[total] == sum(ln[part] for ln in ls), (sale_id, total)
        assert s["payable_fen"] == (s["subtotal_fen"] - s["tier_discount_fen"] - s["coupon_discount_fen"]
                                    - s["points_value_fen"])
        (event,) = sale_events[sale_id]
        p = payloads[event["seq"]]
        assert event["member_id"] == s["member_id"] and event["occurred_at"] == s["occurred_at"]
        assert {k: p[k] for k in SALE_FIELDS} == {k: s[k] for k in SALE_FIELDS}, sale_id
        assert p["lines"] == [{k: ln[k] for k in LINE_FIELDS} for ln in ls], sale_id

        member_id = s["member_id"]
        earned = children["points_earned"].get(sale_id, [])
        redeemed = children["points_redeemed"].get(sale_id, [])
        coupon_ev = children["coupon_redeemed"].get(sale_id, [])
        bonus = children["bonus_awarded"].get(sale_id, [])
        spent = children["stored_value_spent"].get(sale_id, [])
        assert s["stored_value_fen"] == (s["payable_fen"] if s["pay_method"] == "stored_value" else 0), sale_id
        if member_id is None:
            assert not (earned or redeemed or coupon_ev or bonus or spent or sale_id in spends or sale_id in used)
            assert s["stored_value_fen"] == 0
            assert s["points_earned"] == s["points_redeemed"] == s["bonus_points"] == 0 and not s["coupon_code"]
            continue
        # points earned: the event, its id on the sale, its lot
        assert len(earned) == (1 if s["points_earned"] else 0), sale_id
        if earned:
            assert earned[0]["event_id"] == s["earn_event_id"] and earned[0]["member_id"] == member_id
            assert payloads[earned[0]["seq"]]["points"] == s["points_earned"]
            assert earned[0]["event_id"] in lot_index
        else:
            assert s["earn_event_id"] is None
        assert len(redeemed) == (1 if s["points_redeemed"] else 0), sale_id
        if redeemed:
            assert redeemed[0]["event_id"] == s["redeem_event_id"] and redeemed[0]["member_id"] == member_id
            assert payloads[redeemed[0]["seq"]]["points"] == s["points_redeemed"]
        else:
            assert s["redeem_event_id"] is None
        # the coupon: marked used by this sale, and its event
        if s["coupon_code"]:
            assert coupons[s["coupon_code"]]["used_sale_id"] == sale_id, sale_id
            assert coupons[s["coupon_code"]]["used_at"] == s["occurred_at"]
            assert len(coupon_ev) == 1 and payloads[coupon_ev[0]["seq"]]["code"] == s["coupon_code"]
        else:
            assert not coupon_ev and sale_id not in used
        # the monthly bonus: event, lot, month row
        assert len(bonus) == (1 if s["bonus_points"] else 0), sale_id
        if bonus:
            bp = payloads[bonus[0]["seq"]]
            assert bp["points"] == s["bonus_points"] and bonus[0]["event_id"] in lot_index
            assert bonus_months[(member_id, bp["month"])] == s["bonus_points"]
        # paid by stored value: the event, as much as the sale row says
        assert len(spent) == (1 if s["stored_value_fen"] else 0), sale_id
        if spent:
            assert spent[0]["member_id"] == member_id
            assert payloads[spent[0]["seq"]]["amount_fen"] == s["stored_value_fen"]
        # the qualifying spend
        spend = spends.get(sale_id)
        assert spend is not None, f"sale {sale_id} has no spends row"
        assert (spend["member_id"], spend["qualifying_fen"], spend["is_purchase"], spend["occurred_at"]) == (
            member_id, s["payable_fen"], 1, s["occurred_at"])
        if "seq" in spend.keys():  # schema m003: the own event that wrote the row
            assert spend["seq"] == event["seq"], sale_id
        # a tier upgrade made by this sale
        # (the tiers on the sale are those it was served at: an upgrade of the earned tier below
        # a paid one changes neither)
        if s["tier_after"] != s["tier_before"]:
            (up,) = upgrades[sale_id]
            assert payloads[up["seq"]]["to"] == s["tier_after"]
        else:
            assert sale_id not in upgrades or member_id in paid_members, sale_id
    assert len(bonus_months) == len(by_kind["bonus_awarded"])

    # Receipts: one counter tick per committed sale, numbered 1..N.
    prefix = store.setting("receipt_prefix")
    counter = int(store.setting("receipt_counter", "0") or 0)
    assert counter == len(sales), f"receipt counter {counter} but {len(sales)} sales"
    assert {s["receipt_no"] for s in sales.values()} == {f"{prefix}-{n:06d}" for n in range(1, counter + 1)}

    # -- refunds -------------------------------------------------------------------------------
    refund_rows = {r["refund_id"]: r for r in store.all("SELECT * FROM refunds")}
    refund_events = keyed("refund", "refund_id")
    assert set(refund_events) == set(refund_rows), "refund rows and refund events disagree"
    reversed_ev = keyed("points_reversed", "refund_id")
    restored_ev = keyed("points_restored", "refund_id")
    refunded_ev = keyed("stored_value_refunded", "refund_id")
    assert set(refunded_ev) <= set(refund_rows)
    assert set(reversed_ev) | set(restored_ev) <= set(refund_rows)
    refunded_qty: Counter[tuple[str, int]] = Counter()
    for refund_id, r in refund_rows.items():
        (ev,) = refund_events[refund_id]
        p = payloads[ev["seq"]]
        parts = json.loads(r["lines"])
        assert (p["sale_id"], p["refund_fen"], p["lines"]) == (r["sale_id"], r["refund_fen"], parts)
        assert r["refund_fen"] == sum(x["refund_fen"] for x in parts)
        for x in parts:
            refunded_qty[(r["sale_id"], x["line_no"])] += x["qty"]
        member_id = sales[r["sale_id"]]["member_id"]
        for found, total in ((reversed_ev, r["points_reversed"]), (restored_ev, r["points_restored"])):
            evs = found.get(refund_id, [])
            assert len(evs) == (1 if total and member_id else 0), refund_id
            assert sum(payloads[e["seq"]]["points"] for e in evs) == (total if member_id else 0)
        back = refunded_ev.get(refund_id, [])
        assert len(back) == (1 if r["stored_value_fen"] else 0), refund_id
        assert sum(payloads[e["seq"]]["amount_fen"] for e in back) == r["stored_value_fen"]
        assert r["stored_value_fen"] <= r["refund_fen"] and (r["stored_value_fen"] in (0, r["refund_fen"]))
        spend = spends.get(refund_id)
        if member_id is None:
            assert spend is None
        else:
            assert spend is not None and spend["qualifying_fen"] == -r["refund_fen"] and spend["is_purchase"] == 0
            if "seq" in spend.keys():
                assert spend["seq"] == ev["seq"], refund_id
    for sale_id, ls in lines.items():
        for ln in ls:
            assert ln["refunded_qty"] == refunded_qty[(sale_id, ln["line_no"])], (sale_id, ln["line_no"])
    assert set(spends) == {k for k, s in sales.items() if s["member_id"]} | {
        k for k, r in refund_rows.items() if sales[r["sale_id"]]["member_id"]}

    # -- members and coupons ---------------------------------------------------------------------
    member_rows = {r["member_id"]: r for r in store.all("SELECT * FROM members")}
    registered = Counter(e["member_id"] for e in by_kind["member_registered"])
    assert set(registered) == set(member_rows) and max(registered.values()) == 1
    assert {e["member_id"] for e in events if e["member_id"]} <= set(member_rows)
    issued = keyed("coupon_issued", "code")
    assert set(issued) == set(coupons) and all(len(v) == 1 for v in issued.values())
    for code, c in coupons.items():
        assert issued[code][0]["member_id"] == c["member_id"]
    redeemed_codes = Counter(payloads[e["seq"]]["code"] for e in by_kind["coupon_redeemed"])
    assert set(redeemed_codes) == {c["code"] for c in coupons.values() if c["used_sale_id"]}
    assert max(redeemed_codes.values(), default=1) == 1, "a coupon redeemed twice"
    entry_tier = t.programme.entry_tier.id
    last_tier: dict[str, str] = {}
    for e in by_kind["tier_changed"]:
        last_tier[e["member_id"]] = payloads[e["seq"]]["to"]
    for member_id, m in member_rows.items():
        assert m["tier"] == last_tier.get(member_id, entry_tier), member_id

    # -- paid memberships: one grant per purchase, in the same transaction ------------------------
    purchases = {e["event_id"]: e for e in by_kind["membership_purchased"]}
    assert set(grants) == set(purchases), "grants and membership_purchased events disagree"
    for grant_id, g in grants.items():
        p = payloads[purchases[grant_id]["seq"]]
        assert (g["member_id"], g["tier"], g["starts_at"], g["ends_at"], g["seq"]) == (
            purchases[grant_id]["member_id"], p["tier"], p["starts_at"], p["ends_at"], purchases[grant_id]["seq"])

    # -- stored value: sum of events = what the tables account for, never below zero -------------
    sv_events: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for kind in sv.KINDS:
        for e in by_kind[kind]:
            sv_events[e["member_id"]].append((kind, payloads[e["seq"]]))
    sv_tables: Counter[str] = Counter()
    for e in by_kind["stored_value_topup"]:
        sv_tables[e["member_id"]] += payloads[e["seq"]]["amount_fen"]
    for s in sales.values():
        if s["member_id"]:
            sv_tables[s["member_id"]] -= s["stored_value_fen"]
    for r in refund_rows.values():
        if sales[r["sale_id"]]["member_id"]:
            sv_tables[sales[r["sale_id"]]["member_id"]] += r["stored_value_fen"]
    for member_id in member_rows:
        from_events = sv.balance(sv_events[member_id])
        assert from_events == sv_tables[member_id] == stored_value.balance(t, member_id) >= 0, member_id

    # -- points: ledger fold = sum of deltas = what the tables account for -----------------------
    lot_events = {e["event_id"] for kind in ("points_earned", "bonus_awarded") for e in by_kind[kind]}
    lot_events |= {e["event_id"] for e in by_kind["points_adjusted"] if payloads[e["seq"]]["delta"] > 0}
    assert set(lot_index) == lot_events, "lot index and lot-creating events disagree"
    deltas: Counter[str] = Counter()
    latest = BASE
    for e in events:
        when = clocks.from_text(e["occurred_at"])
        latest = max(latest, when)
        pe = lots.from_ledger(e["event_id"], e["kind"], when, payloads[e["seq"]])
        if pe is not None:
            deltas[e["member_id"]] += pe.delta
    from_tables: Counter[str] = Counter()
    for s in sales.values():
        if s["member_id"]:
            from_tables[s["member_id"]] += s["points_earned"] + s["bonus_points"] - s["points_redeemed"]
    for r in refund_rows.values():
        member_id = sales[r["sale_id"]]["member_id"]
        if member_id:
            from_tables[member_id] += r["points_restored"] - r["points_reversed"]
    for e in by_kind["points_adjusted"]:
        from_tables[e["member_id"]] += payloads[e["seq"]]["delta"]
    as_of = latest + timedelta(seconds=1)  # nothing expires within a test run
    fold = set(member_rows) if fold_all else {
        e["member_id"] for e in events[seen.folded_through:] if e["member_id"]}
    seen.folded_through = len(events)
    for member_id in sorted(fold):
        balance = reads.points_state(t, member_id).balance(as_of)
        assert balance == deltas[member_id] == from_tables[member_id], (
            member_id, balance, deltas[member_id], from_tables[member_id])

    return {"sales": len(sales), "refunds": len(refund_rows), "members": len(member_rows), "events": len(events)}


# -- the test -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_during_sales_never_leaves_a_partial_sale(tmp_path: Path) -> None:
    kills = int(os.environ.get("POS_CRASH_KILLS", "200"))
    seed = int(os.environ.get("POS_CRASH_SEED", "20260610"))
    rng = random.Random(seed)
    data_dir = tmp_path / "store"
    make_store(data_dir)
    rep = Reported()
    known_sales: set[str] = set()
    started = time.monotonic()
    children = Children(data_dir, tmp_path / "child-stderr.txt")
    counts: dict[str, int] = {}
    seen = Seen()
    try:
        for n in range(1, kills + 1):
            children.start_worker(rng.randrange(2**32))
            time.sleep(rng.uniform(MIN_DELAY, MAX_DELAY))
            new_lines = children.kill_worker()

            t = open_terminal(data_dir)  # the first to open the store after the kill: recovers the WAL
            try:
                check_reported(t, rep, new_lines)
                counts = check_whole(t, seen, fold_all=n % 25 == 0 or n == kills)
                in_store = {r[0] for r in t.store.conn.execute("SELECT sale_id FROM sales")}
            except AssertionError as exc:
                raise AssertionError(
                    f"after kill {n} of {kills} (seed {seed}); the worker's last lines: {new_lines[-2:]}\n{exc}"
                ) from exc
            finally:
                t.store.close()
            # Where did the kill land? "committed, not reported": in COMMIT (WAL write + fsync, ~40% of
            # a sale's time) or in building the receipt after it; "rolled back": inside the open
            # transaction (BEGIN IMMEDIATE, plan, writes).
            unreported = in_store - known_sales - set(rep.sales)
            assert len(unreported) <= 1, "more than one sale committed without being reported"
            last = new_lines[-1] if new_lines else {"op": "none"}
            if last["op"] == "begin":
                if last["kind"] == "sale":
                    rep.outcomes["in sale(): committed, not reported" if unreported
                                 else "in sale(): rolled back"] += 1
                else:
                    rep.outcomes[f"in {last['kind']}"] += 1
            else:
                assert not unreported, "a sale committed that the child never began"
                rep.outcomes["between operations" if new_lines else "before the first operation"] += 1
            known_sales = in_store
    finally:
        children.close()
    elapsed = time.monotonic() - started
    summary = (f"crash test: {kills} kills in {elapsed:.1f} s; store {counts}; "
               f"reported {len(rep.sales)} sales, {len(rep.refunds)} refunds, {len(rep.members)} members, "
               f"{len(rep.topups)} top-ups, {len(rep.memberships)} paid memberships; "
               f"refused {dict(rep.refused)}; kills landed: {dict(rep.outcomes)}")
    print(summary)
    assert len(rep.sales) >= kills // 2, summary  # the workers did real work between kills
    if kills >= 50:
        in_sale = sum(count for k, count in rep.outcomes.items() if k.startswith("in sale()"))
        assert in_sale >= kills // 4, summary
