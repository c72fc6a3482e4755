"""The child process of test_crash.py: a fork server whose workers ring up sales (and some refunds,
referral registrations, stored-value top-ups and paid memberships) on a data directory until they
are SIGKILLed, reporting each committed operation as one JSON line on stdout.

    python crash_child.py DATA_DIR        (stdin: "go SEED" / "reap PID" lines)

Importing the terminal takes ~0.5 s of CPU; paying that 200 times would dominate the test. So this
process imports once and forks a fresh worker process for each kill. The worker is an ordinary
process with its own SQLite connection, opened after the fork; the parent test kills it by pid.

Lines (one JSON object each, one write(2) each):
  {"op": "loaded"}                            server: imports done, waiting for commands
  {"op": "ready", "pid": P, "now": ...}       worker P: store opened (recovered after the last kill)
  {"op": "begin", "kind": K, "i": n}          worker: about to call the service for operation n
  {"op": "sale" | "refund" | "member" | "topup" | "membership", ...}
                                              worker: the service call returned, so it committed
  {"op": "refused", "kind": K, "code": C}     worker: the service refused (PosError), nothing written
  {"op": "reaped", "pid": P, "signal": S}     server: worker P is gone (S 9 for SIGKILL)
Nothing is reported before a service call returns, so each "sale" line promises a committed sale.
"""

from __future__ import annotations

import os

os.environ.setdefault("POS_PIN_HASH_FAST", "1")

import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from typing import Any  # noqa: E402

from terminal import clock as clocks, pricing  # noqa: E402
from terminal.errors import PosError  # noqa: E402
from terminal.services import checkout, members, membership, refunds, stored_value  # noqa: E402
from terminal.services.context import Actor, Terminal, open_terminal  # noqa: E402

ADMIN = Actor("admin", "admin", "crash-test")
CATEGORIES = ("general", "fresh", "dairy", "bakery", "beverage", "household", "tobacco", "apparel")


def say(**obj: Any) -> None:
    """One line, one write(2): a pipe write under PIPE_BUF is atomic, so a kill never cuts a line,
    and lines of the server and its workers never interleave. Nothing is buffered across a fork."""
    data = (json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n").encode()
    assert len(data) < 4096
    os.write(1, data)


def usable_coupon(t: Terminal, member_id: str, now: datetime) -> str | None:
    now_text = clocks.to_text(now)
    row = t.store.one(
        "SELECT code FROM coupons WHERE member_id = ? AND used_sale_id IS NULL"
        " AND valid_from <= ? AND valid_to > ? ORDER BY issued_at, code LIMIT 1",
        (member_id, now_text, now_text),
    )
    return None if row is None else row["code"]


def do_sale(t: Terminal, rng: random.Random, now: datetime, i: int) -> None:
    lines = tuple(
        pricing.CartLine(rng.choice(CATEGORIES), rng.randint(50, 30000), rng.randint(1, 3))
        for _ in range(rng.randint(1, 4))
    )
    member_id = coupon = None
    redeem = 0
    if rng.random() < 0.85:
        ids = [r[0] for r in t.store.conn.execute("SELECT member_id FROM members ORDER BY member_id")]
        member_id = rng.choice(ids)
        if rng.random() < 0.5:
            coupon = usable_coupon(t, member_id, now)
        if rng.random() < 0.5:
            try:
                p = checkout.plan(t, checkout.SaleRequest(lines, member=member_id, coupon=coupon), at=now)
            except PosError:
                coupon = None  # e.g. under the coupon's threshold: sell without it
                p = checkout.plan(t, checkout.SaleRequest(lines, member=member_id), at=now)
            step = t.programme.redeem.step
            if p.limit is not None and p.limit.max_points >= step:
                redeem = rng.randint(1, p.limit.max_points // step) * step
    req = checkout.SaleRequest(lines, member=member_id, coupon=coupon, redeem_points=redeem,
                               pay_method=rng.choice(checkout.PAY_METHODS))
    say(op="begin", kind="sale", i=i)
    try:
        doc = checkout.sale(t, ADMIN, req, at=now).document
    except PosError as exc:
        say(op="refused", kind="sale", i=i, code=exc.code)
        return
    say(op="sale", i=i, sale_id=doc["sale_id"], receipt_no=doc["receipt_no"], member_id=member_id,
        lines=len(doc["lines"]), subtotal_fen=doc["subtotal_fen"], payable_fen=doc["payable_fen"],
        points_earned=doc["points_earned"], points_redeemed=doc["points_redeemed"],
        bonus_points=doc["bonus_points"], coupon_code=doc["coupon_code"],
        stored_value_fen=doc["stored_value_paid_fen"])


def do_refund(t: Terminal, rng: random.Random, now: datetime, i: int) -> None:
    row = t.store.one(
        "SELECT sale_id, line_no FROM sale_lines WHERE refunded_qty < qty ORDER BY random() LIMIT 1"
    )
    if row is None:
        return
    wanted = () if rng.random() < 0.5 else ((row["line_no"], 1),)
    say(op="begin", kind="refund", i=i)
    try:
        doc = refunds.refund(t, ADMIN, row["sale_id"], wanted, at=now).document
    except PosError as exc:
        say(op="refused", kind="refund", i=i, code=exc.code)
        return
    say(op="refund", i=i, refund_id=doc["refund_id"], sale_id=doc["sale_id"], refund_fen=doc["refund_fen"],
        points_reversed=doc["points_reversed"], points_restored=doc["points_restored"],
        lines=[[ln["line_no"], ln["qty"]] for ln in doc["lines"]])


def _any_member(t: Terminal) -> str:
    return str(t.store.scalar("SELECT member_id FROM members ORDER BY random() LIMIT 1"))


def do_topup(t: Terminal, rng: random.Random, now: datetime, i: int) -> None:
    member_id = _any_member(t)
    say(op="begin", kind="topup", i=i)
    try:
        doc = stored_value.topup(t, ADMIN, member_id, rng.randint(10_000, 300_000),
                                 rng.choice(stored_value.TOPUP_PAY_METHODS), at=now).document
    except PosError as exc:
        say(op="refused", kind="topup", i=i, code=exc.code)
        return
    say(op="topup", i=i, event_id=doc["event_id"], member_id=member_id, amount_fen=doc["amount_fen"])


def do_membership(t: Terminal, rng: random.Random, now: datetime, i: int) -> None:
    member_id = _any_member(t)
    say(op="begin", kind="membership", i=i)
    try:
        doc = membership.buy(t, ADMIN, member_id, "cash", at=now).document
    except PosError as exc:
        say(op="refused", kind="membership", i=i, code=exc.code)
        return
    say(op="membership", i=i, event_id=doc["event_id"], member_id=member_id, ends_at=doc["ends_at"])


def do_register(t: Terminal, rng: random.Random, now: datetime, i: int) -> None:
    referrer = t.store.scalar("SELECT member_id FROM members ORDER BY random() LIMIT 1")
    number = f"139{rng.randrange(10**8):08d}"
    say(op="begin", kind="member", i=i)
    try:
        reg = members.register(t, ADMIN, number, name=f"会员{i}", referrer=referrer, at=now)
    except PosError as exc:
        say(op="refused", kind="member", i=i, code=exc.code)
        return
    say(op="member", i=i, member_id=reg.member_id, referrer_id=referrer,
        coupons=[c["code"] for c in reg.coupons], referrer_coupons=[c["code"] for c in reg.referrer_coupons])


def work(data_dir: str, seed: int) -> None:
    """One worker's life: open the store (recovering it), then operate until killed."""
    t = open_terminal(data_dir)
    rng = random.Random(seed)
    # Store time moves on a few seconds an operation, from the latest event this store holds.
    now = clocks.from_text(t.store.scalar("SELECT MAX(occurred_at) FROM events"))
    say(op="ready", pid=os.getpid(), now=clocks.to_text(now))
    for i in range(10**9):
        now += timedelta(seconds=rng.randint(1, 20))
        roll = rng.random()
        if roll < 0.10:
            do_refund(t, rng, now, i)
        elif roll < 0.13:
            do_register(t, rng, now, i)
        elif roll < 0.17:
            do_topup(t, rng, now, i)
        elif roll < 0.18:
            do_membership(t, rng, now, i)
        else:
            do_sale(t, rng, now, i)


def serve(data_dir: str) -> None:
    """The fork server: the imports are paid once; each "go SEED" line forks a worker, each
    "reap PID" line waits for that (killed) worker and reports how it ended."""
    say(op="loaded")
    for line in sys.stdin:
        command, arg = line.split()
        if command == "go":
            if os.fork() == 0:  # the worker: never returns into this loop
                try:
                    work(data_dir, int(arg))
                except BaseException:
                    traceback.print_exc()
                    sys.stderr.flush()
                finally:
                    os._exit(70)
        elif command == "reap":
            pid, status = os.waitpid(int(arg), 0)
            say(op="reaped", pid=pid, signal=os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                exit=os.WEXITSTATUS(status) if os.WIFEXITED(status) else None)


if __name__ == "__main__":
    serve(sys.argv[1])
