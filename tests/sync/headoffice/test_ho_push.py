"""Push: stored once per event_id, answered with the highest contiguous seq, resends harmless,
quarantine acknowledges and never jams the queue (the terminal learns it from its next pull)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from ho_client import at


def test_push_stores_and_acks(ho):
    till = ho.till()
    member = till.register()
    till.sale(member, 12_000)
    till.earn(member, 120)
    response = till.push()
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["acked_seq"] == 3
    assert [r["status"] for r in doc["results"]] == ["stored"] * 3
    rows = ho.events_of(till)
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert [r["event_id"] for r in rows] == [e["event_id"] for e in till.log]


def test_resend_is_duplicate_and_changes_nothing(ho):
    till = ho.till()
    member = till.register()
    till.earn(member, 500)
    assert till.push().status_code == 200
    before = ho.fingerprint()
    response = till.push(till.log)
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["duplicate", "duplicate"]
    assert response.json()["acked_seq"] == 2
    after = ho.fingerprint()
    # the resend's nonce is the one thing recorded
    assert after["counts"].pop("nonces") == before["counts"].pop("nonces") + 1
    assert after == before


def test_overlapping_batch_stores_only_the_new_part(ho):
    till = ho.till()
    member = till.register()
    assert till.push().status_code == 200
    till.earn(member, 10)
    till.earn(member, 20)
    response = till.push(till.log)
    assert [r["status"] for r in response.json()["results"]] == ["duplicate", "stored", "stored"]
    assert response.json()["acked_seq"] == 3


def test_quarantine_acknowledges_and_does_not_jam(ho):
    till = ho.till()
    member = till.register()
    till.earn("01a20000-0000-7000-8000-0000000000aa", 100)  # unknown member
    till.event("points_earned", {"sale_id": "s", "points": "lots"}, member)  # not an integer
    till.event("teleported", {}, member)  # a kind head office does not know
    till.earn(member, 300)
    response = till.push()
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["acked_seq"] == 5
    assert [(r["status"], r["reason"]) for r in doc["results"]] == [("stored", None)] * 5  # stored, applied later
    snapshot = till.member(member)  # a pull: every pushed event applied first
    assert sum(lot["remaining"] for lot in snapshot["points"]["lots"]) == 300  # quarantined points don't count
    assert sorted(till.quarantined) == [2, 3, 4] and all(till.quarantined.values())
    assert "unknown member" in till.quarantined[2] and "unknown event kind" in till.quarantined[4]
    assert [r["status"] for r in ho.events_of(till)] == ["stored", "quarantined", "quarantined", "quarantined",
                                                         "stored"]
    till.quarantined.clear()
    till.sync_pull()
    assert till.quarantined == {}  # each reported once, in the feed's order
    again = till.push(till.log).json()["results"]
    assert again[1]["status"] == "duplicate" and "unknown member" in again[1]["reason"]


def test_another_terminals_quarantines_are_not_reported(ho):
    a, b = ho.till(), ho.till()
    a.earn("01a20000-0000-7000-8000-0000000000aa", 100)
    assert a.push().status_code == 200
    b.sync_pull()
    a.sync_pull()
    assert b.quarantined == {} and list(a.quarantined) == [1]


def test_acked_seq_is_highest_contiguous_and_survives_batches(ho):
    till = ho.till()
    member = till.register()
    for i in range(9):
        till.earn(member, i + 1)
    assert till.push(till.log[:4]).json()["acked_seq"] == 4
    assert till.push(till.log[2:7]).json()["acked_seq"] == 7
    assert till.push(till.log[7:]).json()["acked_seq"] == 10
    assert till.push(till.log[:1]).json()["acked_seq"] == 10


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    n=st.integers(min_value=1, max_value=14),
    plan=st.lists(st.tuples(st.integers(0, 13), st.integers(1, 8)), min_size=1, max_size=8),
)
def test_any_resend_pattern_stores_each_event_once(ho_session, n, plan):
    """Batches that start anywhere at or below the next expected seq, overlap, repeat: the result
    is each event stored once, acked through the last seq, and the same projections as one push."""
    ho = ho_session
    till = ho.till()
    member = till.register()
    for i in range(n):
        if i % 3 == 2:
            till.redeem(member, 5, at(i + 1))
        else:
            till.earn(member, 10 + i, at(i + 1))
    total = len(till.log)
    for start, size in plan:
        first = min(start, till.acked, total - 1)  # never past the next expected seq
        response = till.push(till.log[first:first + size])
        assert response.status_code == 200, response.text
    while till.acked < total:
        assert till.push(till.log[till.acked:till.acked + 3]).status_code == 200
    rows = ho.events_of(till)
    assert [r["seq"] for r in rows] == list(range(1, total + 1))
    assert [r["event_id"] for r in rows] == [e["event_id"] for e in till.log]
    state = till.member(member)
    earned = sum(10 + i for i in range(n) if i % 3 != 2)
    redeemed = 5 * sum(1 for i in range(n) if i % 3 == 2)
    balance = sum(lot["remaining"] for lot in state["points"]["lots"]) + state["points"]["deficit"]
    assert balance == earned - redeemed
    assert state["includes_seq"] == total
    before = ho.fingerprint()
    till.push(till.log[: min(total, 50)])
    after = ho.fingerprint()
    after["counts"].pop("nonces"), before["counts"].pop("nonces")
    assert after == before


def test_a_push_reply_is_the_json_of_its_results():
    import orjson

    from sync.headoffice.ingest import Pushed

    rows = [("01a20611-4015-708b-8998-5baa4416cf2a", 7, "stored", None),
            ("01a20611-4015-708b-8998-5baa4416cf2b", 8, "duplicate", 'quarantined: "中" \\ x')]
    reply = Pushed(8, rows)
    assert reply.json() == orjson.dumps({"acked_seq": 8, "results": [
        {"event_id": e, "seq": s, "status": st, "reason": r} for e, s, st, r in rows]})
    assert orjson.dumps({"acked_seq": 0, "results": []}) == Pushed(0, []).json()
