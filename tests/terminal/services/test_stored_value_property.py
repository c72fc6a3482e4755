"""Stored value over random days at the till (hypothesis): the local balance never goes below zero,
it always equals the sum of its events, a refused payment changes nothing, refunds never return
more than the sale took, and quote == sale for stored-value payments."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, event, given, settings, strategies as st

from storetime import at
from terminal.clock import FixedClock
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.services import checkout, members, refunds, setup, stored_value
from terminal.services.context import Actor, open_terminal

from svc_helpers import event_count, ledger_stored_value

ADMIN = Actor("admin", "admin")
CATEGORIES = ("general", "fresh", "tobacco")

line = st.tuples(st.sampled_from(CATEGORIES), st.integers(1, 150_00), st.integers(1, 3))
op = st.one_of(
    st.tuples(st.just("topup"), st.one_of(st.integers(50, 150), st.integers(10_000, 200_000))),
    st.tuples(st.just("sale"), st.lists(line, min_size=1, max_size=3), st.booleans(), st.integers(0, 5)),
    st.tuples(st.just("refund"), st.integers(0, 50), st.booleans()),
    st.tuples(st.just("offline"), st.booleans()),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.sampled_from([0, 5_000, 60_000, 500_000]),
       ops=st.lists(st.tuples(st.integers(0, 3), op), min_size=1, max_size=25))
def test_the_local_stored_value_never_goes_below_zero(tmp_path_factory, start, ops):
    clock = FixedClock(at("2026-03-02 10:00"))
    t = open_terminal(tmp_path_factory.mktemp("sv"), clock)
    setup.init(t, store_name="p", admin_pin="1234", at=clock.now())
    member = members.register(t, ADMIN, "13812345678", at=clock.now()).member_id
    members.adjust_points(t, ADMIN, member, 3_000, "测试", clock.now())
    if start:
        stored_value.topup(t, ADMIN, member, start, "card", clock.now())
    sales: list[str] = []
    now = clock.now()
    for days, action in ops:
        now = now + timedelta(days=days, minutes=11)
        before, events = stored_value.balance(t, member), event_count(t)
        try:
            if action[0] == "topup":
                stored_value.topup(t, ADMIN, member, action[1], "cash", now)
            elif action[0] == "sale":
                _, lines, by_stored_value, redeem = action
                req = checkout.SaleRequest(tuple(CartLine(*ln) for ln in lines), member, redeem_points=redeem * 100,
                                           pay_method="stored_value" if by_stored_value else "cash")
                quoted = checkout.quote(t, ADMIN, req, now)
                sold = checkout.sale(t, ADMIN, req, now).document
                assert {k: v for k, v in quoted.items() if k not in ("sale_id", "receipt_no")} == {
                    k: v for k, v in sold.items() if k not in ("sale_id", "receipt_no")}
                paid = sold["payable_fen"] if by_stored_value else 0
                assert sold["stored_value_paid_fen"] == paid
                assert stored_value.balance(t, member) == sold["stored_value_balance_fen"] == before - paid
                sales.append(sold["sale_id"])
                event("stored-value sale" if by_stored_value else "cash sale")
            elif action[0] == "refund" and sales:
                doc = refunds.refund(t, ADMIN, sales[action[1] % len(sales)], [(1, 1)] if action[2] else [],
                                     now).document
                assert 0 <= doc["stored_value_refunded_fen"] <= doc["refund_fen"]
                assert stored_value.balance(t, member) == before + doc["stored_value_refunded_fen"]
            elif action[0] == "offline":
                t.store.set_setting("headoffice_url", "http://127.0.0.1:9")
                if action[1]:
                    t.store.set_setting("last_sync_at", "2000-01-01T00:00:00.000000+08:00")  # long ago: offline
                else:
                    with t.store.write() as conn:
                        conn.execute("DELETE FROM settings WHERE key IN ('headoffice_url', 'last_sync_at')")
        except PosError as exc:
            event(f"refused: {exc.code}")
            assert stored_value.balance(t, member) == before and event_count(t) == events
        balance = stored_value.balance(t, member)
        assert balance >= 0
        assert balance == ledger_stored_value(t, member)
    for sale_id in sales:  # each sale's refunds give back at most what it took
        taken = t.store.scalar("SELECT stored_value_fen FROM sales WHERE sale_id = ?", (sale_id,))
        back = t.store.scalar("SELECT COALESCE(SUM(stored_value_fen), 0) FROM refunds WHERE sale_id = ?", (sale_id,))
        fully = t.store.scalar("SELECT SUM(qty) = SUM(refunded_qty) FROM sale_lines WHERE sale_id = ?", (sale_id,))
        assert back <= taken and (not fully or back == taken)
    t.store.close()
