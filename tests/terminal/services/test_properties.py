"""Invariants over random days at the till (hypothesis): the balance is the sum of its events,
quote == sale, lots stay non-negative unless a refund flagged a deficit, maintenance is idempotent."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings, strategies as st

from storetime import at
from terminal.clock import FixedClock
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.services import checkout, maintenance, members, reads, refunds, setup
from terminal.services.context import Actor, open_terminal

from svc_helpers import event_count, ledger_points

ADMIN = Actor("admin", "admin")
CATEGORIES = ("general", "fresh", "tobacco", "dairy")

line = st.tuples(st.sampled_from(CATEGORIES), st.integers(1, 300_00), st.integers(1, 3))
op = st.one_of(
    st.tuples(st.just("sale"), st.lists(line, min_size=1, max_size=4), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("refund"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("adjust"), st.integers(-500, 2000)),
    st.tuples(st.just("maintain"),),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.integers(1, 40), op), min_size=1, max_size=25))
def test_a_random_history_keeps_the_books_straight(tmp_path_factory, ops):
    clock = FixedClock(at("2026-01-05 10:00"))
    t = open_terminal(tmp_path_factory.mktemp("p"), clock)
    setup.init(t, store_name="p", admin_pin="1234", at=clock.now())
    member = members.register(t, ADMIN, "13812345678", birthday="1990-03-10", at=clock.now()).member_id
    sales: list[str] = []
    now = clock.now()
    for days, action in ops:
        now = now + timedelta(days=days, minutes=7)
        try:
            if action[0] == "sale":
                _, lines, redeem_hundreds, use_coupon = action
                coupon = next((c["code"] for c in members.view(t, member, now)["coupons"]
                               if c["status"] == "available"), None) if use_coupon else None
                req = checkout.SaleRequest(tuple(CartLine(*ln) for ln in lines), member, coupon, redeem_hundreds * 100)
                quoted = checkout.quote(t, ADMIN, req, now)
                sold = checkout.sale(t, ADMIN, req, now).document
                assert {k: v for k, v in quoted.items() if k not in ("sale_id", "receipt_no")} == {
                    k: v for k, v in sold.items() if k not in ("sale_id", "receipt_no")}
                sales.append(sold["sale_id"])
            elif action[0] == "refund" and sales:
                refunds.refund(t, ADMIN, sales[action[1] % len(sales)], [(1, 1)] if action[2] else [], now)
            elif action[0] == "adjust" and action[1]:
                members.adjust_points(t, ADMIN, member, action[1], "测试调整", now)
            elif action[0] == "maintain":
                maintenance.maintain(t, ADMIN, now)
                events = event_count(t)
                maintenance.maintain(t, ADMIN, now)
                assert event_count(t) == events  # idempotent
        except PosError:
            pass  # refused requests (over cap, used coupon, nothing left to refund...) are fine
        state = reads.points_state(t, member)
        assert all(lot.remaining >= 0 for lot in state.lots)
        if state.deficit < 0:
            assert state.flagged
    maintenance.maintain(t, ADMIN, now)
    assert members.view(t, member, now)["points_balance"] == ledger_points(t, member)
    seqs = [r[0] for r in t.store.conn.execute("SELECT seq FROM events ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    t.store.close()
