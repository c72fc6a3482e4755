"""The projector applies events set-wise in chunks (staged reads and bulk writes, one settle per
chunk): the result must not depend on how a terminal's stream is cut into pushes, nor on how much
the projector applies at a time. A stream that exercises every handler and every in-chunk
interaction (a member registered and sold to in one chunk, a phone registered twice in one chunk
and the alias used right after, a coupon issued and used twice, a card issued and revoked, a sale
id sent twice, two bonuses in a month, overdrafts, erasure, a profile edit that merges, quarantines
of each kind) is pushed whole and applied once, pushed and applied one event at a time, and in
random cuts; statuses, reasons and every projection must come out the same.

Also: the batch's canonical JSON and body hashes equal the one-event definitions, and a payload
string with a lone surrogate is a 422 that stores nothing."""

from __future__ import annotations

import json
import random
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ho_client import EXPIRES, Till, at, random_phone
from sync import protocol
from sync.headoffice import auth, enroll, ingest, ledger, projector, snapshot
from sync.headoffice.db import Database
from sync.headoffice.problems import Refused
from terminal.ids import new_id

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def _till() -> Till:
    return Till("http://127.0.0.1:9")  # only builds events here: nothing is sent over HTTP


def streams() -> tuple[Till, Till]:
    """Two terminals' streams (A then B is the push order), rich in in-batch interactions."""
    a, b = _till(), _till()
    p1, p2, p3, p5, p6 = (random_phone() for _ in range(5))  # (a clash among them: 1 in 10^7)
    m1 = a.register(p1, at(0), name="甲")
    m2 = a.register(p2, at(1), name="乙")
    m3 = a.register(p3, at(2), name="丙")
    a.sale(m1, 150_000, at(3))
    a.earn(m1, 1000, at(3))
    code = "C" + new_id()[-8:].upper()
    a.event("coupon_issued", {"code": code, "template": "WELCOME", "valid_from": at(0).isoformat(),
                              "valid_to": at(60 * 24 * 30).isoformat(), "issue_key": None}, m1, at(4))
    a.event("coupon_issued", {"code": code, "template": "WELCOME", "valid_from": at(0).isoformat(),
                              "valid_to": at(60 * 24 * 30).isoformat(), "issue_key": None}, m2, at(4))  # taken
    s1 = a.sale(m1, 60_000, at(5))
    a.event("coupon_redeemed", {"code": code, "sale_id": s1}, m1, at(5))
    s2 = a.sale(m1, 70_000, at(6))
    a.event("coupon_redeemed", {"code": code, "sale_id": s2}, m1, at(6))  # used twice: flagged
    a.event("coupon_redeemed", {"code": "NOPE" + new_id()[-6:], "sale_id": s2}, m1, at(6))  # unknown coupon
    k1, k2 = new_id(), new_id()
    a.event("card_issued", {"card_id": k1, "key_id": "0123456789abcdef", "payload": "PM1.a"}, m1, at(7))
    a.event("card_issued", {"card_id": k1, "key_id": "0123456789abcdef", "payload": "PM1.a"}, m1, at(7))  # again
    a.event("card_revoked", {"card_id": k1, "replaced_by": k2}, m1, at(8))
    a.event("card_revoked", {"card_id": k1, "replaced_by": None}, m1, at(8))  # already revoked: no change
    a.event("card_issued", {"card_id": k2, "key_id": "0123456789abcdef", "payload": "PM1.b"}, m1, at(8))
    a.event("card_revoked", {"card_id": new_id(), "replaced_by": None}, m1, at(8))  # unknown card
    dup = new_id()
    a.event("sale", {"sale_id": dup, "payable_fen": 100, "points_redeemed": 0, "lines": []}, m2, at(9))
    a.event("sale", {"sale_id": dup, "payable_fen": 100, "points_redeemed": 0, "lines": []}, m2, at(9))  # dup ref
    a.event("refund", {"refund_id": new_id(), "sale_id": s1, "refund_fen": 20_000, "lines": []}, m1, at(10))
    a.redeem(m1, 800, at(11))
    a.redeem(m1, 800, at(12))  # more than left: overdraft
    for minute in (13, 14):
        a.event("bonus_awarded", {"points": 200, "month": "2026-11", "reason": "monthly_bonus", "sale_id": new_id(),
                                  "expires_at": EXPIRES}, m2, at(minute))
    a.event("bonus_awarded", {"points": 200, "month": "11/2026", "reason": "x", "sale_id": new_id(),
                              "expires_at": EXPIRES}, m2, at(14))  # bad month
    m4 = a.register(p1, at(15), name="甲二")  # p1 again, later: merged into m1 inside the batch
    a.sale(m4, 30_000, at(16))  # under the alias, right after the merge
    a.earn(m4, 300, at(16))
    a.register(p6, at(17), member_id=m4)  # the same member id again: quarantined
    m5 = a.register(p5, at(18), name="戊")
    a.earn(m5, 50, at(18))
    a.event("member_updated", {"phone": p2}, m5, at(19))  # takes m2's phone: merged at settle
    a.event("member_updated", {"nickname": "x"}, m5, at(19))  # not a profile field
    a.event("member_blacklisted", {"reason": "fraud"}, m2, at(20))
    a.event("member_erased", {}, m3, at(21))
    a.event("stored_value_topup", {"amount_fen": 10_000}, m1, at(22))
    a.event("stored_value_spent", {"amount_fen": 12_000}, m1, at(23))  # more than held
    a.earn("01a20000-0000-7000-8000-0000000000aa", 100, at(24))  # unknown member
    a.event("points_earned", {"sale_id": "s", "points": "lots"}, m1, at(24))  # not an integer
    a.event("teleported", {}, m1, at(24))  # unknown kind
    a.event("tier_changed", {"from": "regular", "to": "diamond", "reason": "upgrade"}, m1, at(25))
    a.event("rules_loaded", {"version": "x"}, None, at(25))
    a.sale(None, 999, at(26))  # no member
    a.register("12345", at(27))  # not a mobile number
    for i in range(40):  # a busy till: sales, earns, redemptions across the members
        who = (m1, m2, m4, m5)[i % 4]
        a.sale(who, 5_000 + 1_000 * i, at(30 + i))
        a.earn(who, 50 + i, at(30 + i))
        if i % 7 == 3:
            a.redeem(who, 100, at(30 + i))
    # B: a phone registered earlier than A's m2 (B's member wins the merge though pushed later),
    # sales to A's members, a redemption that overdraws A's member, an earlier use of A's coupon.
    m6 = b.register(random_phone(), at(-5), name="己")
    m7 = b.register(p2, at(-3), name="庚")
    b.sale(m1, 80_000, at(40))
    b.redeem(m1, 500, at(41))
    b.sale(m7, 20_000, at(42))
    b.earn(m7, 200, at(42))
    b.sale(m6, 10_000, at(43))
    b.event("coupon_redeemed", {"code": code, "sale_id": new_id()}, m1, at(2))  # earlier use from B
    return a, b


def _enroll(db: Database, till: Till) -> None:
    code = enroll.create_code(db, "店", NOW).code
    enroll.enroll(db, protocol.EnrollRequest(code=code, terminal_id=till.terminal_id, public_key=till.public_hex), NOW)


def _push(db: Database, till: Till, events: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    who = auth.Authenticated(till.terminal_id, "store", secrets.token_hex(16), int(NOW.timestamp()))
    reply = ingest.push(db, who, json.dumps({"events": events}, ensure_ascii=False).encode(), NOW)
    return [(r.status, r.reason) for r in reply.results]


def _statuses(db: Database, till: Till) -> list[tuple[str, str | None]]:
    """(status, reason) of each of the till's events at head office, once applied."""
    with db.read() as tx:
        return [(r["status"], r["reason"]) for r in tx.all(
            "SELECT CASE WHEN q.event_id IS NULL THEN 'stored' ELSE 'quarantined' END AS status, q.reason"
            " FROM events e LEFT JOIN quarantined q ON q.event_id = e.event_id WHERE e.terminal_id = ?"
            " ORDER BY e.seq", (till.terminal_id,))]


def _cuts(n: int, rng: random.Random | None, size: int | None) -> list[tuple[int, int]]:
    if size is not None:
        return [(lo, min(n, lo + size)) for lo in range(0, n, size)]
    assert rng is not None
    out, lo = [], 0
    while lo < n:
        hi = min(n, lo + rng.randint(1, 25))
        out.append((lo, hi))
        lo = hi
    return out


def state(db: Database) -> dict[str, Any]:
    """Every projection, without what depends on when or in how many requests it was written."""
    with db.read() as tx:
        def rows(sql: str) -> list[dict[str, Any]]:
            return tx.all(sql)

        doc = {
            "events": rows("SELECT event_id, terminal_id, seq, kind, occurred_at, occurred_key, member_id, staff_id,"
                           " payload, body_hash, status, reason FROM events ORDER BY terminal_id, seq"),
            "quarantined": rows("SELECT event_id, terminal_id, seq, reason FROM quarantined ORDER BY terminal_id, seq"),
            "members": rows("SELECT member_id, phone, phone_last4, name, birthday, tier, tier_since, tier_key,"
                            " registered_at, reg_key, reg_terminal, reg_seq, reg_tier, referrer_id, status,"
                            " blacklist_reason FROM members ORDER BY member_id"),
            "aliases": rows("SELECT alias_id, canonical_id FROM member_aliases ORDER BY alias_id"),
            "spends": rows("SELECT * FROM spends ORDER BY ref_id"),
            "coupons": rows("SELECT * FROM coupons ORDER BY code"),
            "coupon_uses": rows("SELECT * FROM coupon_uses ORDER BY event_id"),
            "cards": rows("SELECT * FROM cards ORDER BY card_id"),
            "bonus_months": rows("SELECT * FROM bonus_months ORDER BY event_id"),
            "tier_history": rows("SELECT member_id, n, at, from_tier, to_tier, reason FROM tier_history"
                                 " ORDER BY member_id, n"),
            "conflicts": [{**r, "detail": json.loads(r["detail"])} for r in rows(
                "SELECT kind, ref, member_id, detail FROM conflicts ORDER BY kind, ref")],
        }
        canonical_of = {r["alias_id"]: r["canonical_id"] for r in doc["aliases"]}
        # which members the feed names (as canonical ids now): how many rows depends on the cuts
        doc["feed_members"] = sorted({canonical_of.get(r["key"], r["key"])
                                      for r in rows("SELECT key FROM feed WHERE kind = 'member'")})
        for m in doc["members"]:
            if m["status"] == "merged":  # an alias's own tier and profile fields are never read (nor
                m.update(tier=None, tier_since=None, tier_key=None, blacklist_reason=None)  # kept after its merge)
        for c in doc["conflicts"]:
            if c["kind"] == "phone_merged":  # merged into the member that was canonical then: one chunk or two
                c["member_id"] = canonical_of.get(c["member_id"], c["member_id"])  # may see a later merge first
                c["detail"]["kept"] = canonical_of.get(c["detail"]["kept"]["member_id"], c["detail"]["kept"]["member_id"])
        canonicals = [m["member_id"] for m in doc["members"] if m["status"] != "merged"]
        doc["snapshots"] = {c: s.model_dump(mode="json", exclude={"includes_seq"})
                            for c, s in snapshot.members_of(tx, canonicals, 0, NOW).items()}
    return doc


def run(db_url: str, a: Till, b: Till, *, size: int | None = None, seed: int | None = None,
        cold: bool = True, each: bool = True) -> tuple[dict[str, Any], list[list[tuple[str, str | None]]]]:
    """Push the streams in cuts (`size` events, or random with `seed`); the projector applies
    what each push stored right after it (`each`), or everything at the end."""
    if cold:
        ledger._WALKS.clear()
    db = Database(db_url)
    try:
        for till in (a, b):
            _enroll(db, till)
        rng = random.Random(seed) if seed is not None else None
        for till in (a, b):
            for lo, hi in _cuts(len(till.log), rng, size):
                assert {s for s, _ in _push(db, till, till.log[lo:hi])} <= {"stored"}
                if each:
                    projector.catch_up(db, NOW)
        projector.catch_up(db, NOW)
        return state(db), [_statuses(db, till) for till in (a, b)]
    finally:
        db.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def new_url(request, tmp_path):
    """A function making empty databases of the backend."""
    if request.param == "sqlite":
        count = iter(range(100))
        return lambda: str(tmp_path / f"ho-{next(count)}.db")
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database


def test_the_result_does_not_depend_on_how_the_stream_is_cut(new_url):
    a, b = streams()
    whole, whole_statuses = run(new_url(), a, b, size=protocol.MAX_PUSH, each=False)
    single, single_statuses = run(new_url(), a, b, size=1)
    assert whole_statuses == single_statuses
    assert whole == single
    for seed in (1, 2):
        cut, cut_statuses = run(new_url(), a, b, seed=seed, cold=False)
        assert cut_statuses == whole_statuses
        assert cut == whole


def test_the_stream_does_what_each_event_says(new_url):
    """Absolute checks on the same stream (so the comparison above is not of two wrong results)."""
    a, b = streams()
    doc, (sa, sb) = run(new_url(), a, b, size=protocol.MAX_BATCH, each=False)  # one chunk: both tills
    reasons = [r for s, r in sa if s == "quarantined"]
    assert len(reasons) == 12 and sb == [("stored", None)] * len(b.log)
    for needle in ("was already issued", "unknown coupon", "card ", "unknown card", "is already recorded",
                   "month must be YYYY-MM", "member already registered", "member_updated takes", "unknown member",
                   "bad points_earned payload", "unknown event kind", "not a valid mobile number"):
        assert any(needle in r for r in reasons), needle
    kinds = sorted({c["kind"] for c in doc["conflicts"]})
    assert kinds == ["bonus_duplicated", "coupon_reused", "phone_merged", "points_overdraft", "stored_value_overdraft"]
    merged = {r["alias_id"]: r["canonical_id"] for r in doc["aliases"]}
    m1, m2 = a.log[0]["member_id"], a.log[1]["member_id"]
    assert len(merged) == 3  # m4 into m1; m5 into m2; m2 (and m5 with it) into B's earlier m7
    assert m1 not in merged
    assert merged[m2] == b.log[1]["member_id"]
    uses = [u for u in doc["coupon_uses"]]
    assert len(uses) == 3
    coupon = [c for c in doc["coupons"] if c["used_sale_id"] is not None]
    assert len(coupon) == 1 and coupon[0]["used_at"] == at(2).isoformat(timespec="microseconds")  # B's, earliest
    cards = {c["card_id"]: c for c in doc["cards"]}
    assert sum(1 for c in cards.values() if c["revoked_at"] is not None) == 1
    erased = [m for m in doc["members"] if m["status"] == "erased"]
    assert len(erased) == 1 and erased[0]["phone"] is None and erased[0]["name"] is None


def test_batch_hashes_equal_the_one_event_definitions():
    till = _till()
    member = till.register(random_phone(), at(0))
    till.sale(member, 100, at(1))
    till.event("odd", {"nan": float("nan"), "inf": [float("inf"), -float("inf")], "big": 2 ** 70, "f": 1.5,
                       "s": "中文\u2028\"\\", "nested": {"b": [1, {"z": None, "a": True}], "a": "NaN"}}, member,
               datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc))
    till.event("odd", {"x": 1}, None, datetime(2026, 11, 2, 2, 0, 0, 123, tzinfo=timezone(timedelta(hours=-3.5))))
    till.log[-1]["staff_id"] = None
    req = protocol.PushRequest.model_validate({"events": till.log})
    assert ingest.texts_and_hashes(req.events) == [(ingest.canonical_json(e.payload), ingest.body_hash(e))
                                                    for e in req.events]


def test_a_lone_surrogate_is_refused_and_stores_nothing(ho):
    till = ho.till()
    till.register()
    till.event("sale", {"sale_id": "x\ud800", "payable_fen": 1}, None)
    body = json.dumps({"events": till.log}).encode()  # ensure_ascii: the surrogate travels as \\ud800
    before = ho.fingerprint()
    response = till.send("POST", "/v1/events", body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "schema" and "surrogate" in response.json()["reason"]
    after = ho.fingerprint()
    assert after == before


@pytest.mark.parametrize("where", ["payload value", "payload key", "staff_id"])
def test_a_nul_character_is_refused_and_stores_nothing(ho, where):
    """PostgreSQL text cannot hold NUL: refused (422) on both backends, nothing stored (it was a
    500 on PostgreSQL when a NUL reached a projection column such as a coupon code)."""
    till = ho.till()
    member = till.register()
    code = {"code": "AB\x00C", "template": "WELCOME", "valid_from": at(0).isoformat(),
            "valid_to": at(60).isoformat(), "issue_key": None}
    if where == "payload key":
        code = {**code, "x\x00": 1}
    till.event("coupon_issued", code if where != "staff_id" else {**code, "code": "ABC"}, member)
    if where == "staff_id":
        till.log[-1]["staff_id"] = "s\x00"
    before = ho.fingerprint()
    response = till.push()
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "schema" and "NUL" in response.json()["reason"]
    assert ho.fingerprint() == before


def test_an_amount_too_large_for_64_bits_is_quarantined(ho):
    """It used to fail the whole push (500: the spends column is 64-bit), jamming the queue."""
    till = ho.till()
    member = till.register()
    till.sale(member, 2**64, at(1))
    till.earn(member, 10, at(2))
    response = till.push()
    assert response.status_code == 200, response.text
    statuses = [(r["status"], r["reason"]) for r in ho.events_of(till)]
    assert statuses[1][0] == "quarantined" and "payable_fen" in statuses[1][1]
    assert statuses[2] == ("stored", None)


def test_a_payload_holding_nan_is_stored_and_applied_like_any_other(ho):
    """json.loads takes NaN and the standard library writes it back: the stored payload then holds a
    NaN, which orjson refuses; the projector reads it as json does (before, it failed the chunk)."""
    till = ho.till()
    member = till.register()
    till.event("note", {"x": float("nan")}, member, at(1))
    till.earn(member, 10, at(2))
    response = till.push()
    assert response.status_code == 200, response.text
    statuses = [(r["status"], r["reason"]) for r in ho.events_of(till)]
    assert statuses[1] == ("quarantined", "unknown event kind 'note'")
    assert statuses[0] == statuses[2] == ("stored", None)


def test_refused_in_process_too():
    till = _till()
    till.event("sale", {"sale_id": "x\ud800", "payable_fen": 1}, None)
    req = protocol.PushRequest.model_validate({"events": till.log})
    with pytest.raises(Refused) as err:
        ingest.texts_and_hashes(req.events)
    assert err.value.status == 422
