"""canonical.stored reads what json.loads reads; walk() of dict rows, walk_tuples() of tuples,
folded() and a fold step by step with lots.apply agree (state, redemptions seen, over-redemptions),
walked from the start or resumed; tuples_of() gives each group's ledger in head office order."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest

from sync.headoffice import canonical, ledger
from sync.headoffice.db import Database
from terminal import lots

TEXTS = [
    '{"points":5,"expires_at":"2027-12-01T00:00:00.000000+08:00"}',
    '{"a":123456789012345678901234567890}',
    '{"a":-123456789012345678901234567890,"b":[1,{"c":18446744073709551616}]}',
    '{"a":18446744073709551615,"b":-9223372036854775808}',
    '{"a":1.5,"b":1e400,"c":-0.0}',
    '{"a":NaN}',
    '{"a":Infinity,"b":-Infinity}',
    '{"a":1,"a":2}',
    '{"s":"\\ud800"}',
    '[1,2,3.0]',
    '"x"',
    '{"deep":' + "[" * 600 + "]" * 600 + "}",
]


@pytest.mark.parametrize("text", TEXTS)
def test_loads_reads_what_json_reads(text):
    got, want = canonical.stored(text), json.loads(text)
    assert repr(got) == repr(want)  # NaN != NaN: compare the spelling
    assert json.dumps(got) == json.dumps(want)


@pytest.mark.parametrize("text", ["{", '{"a":1,}', "nul", ""])
def test_loads_refuses_what_json_refuses(text):
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        canonical.stored(text)


BASE = datetime(2026, 1, 1, 1, 0, tzinfo=timezone.utc)


def ledger_rows(rng: random.Random, n: int) -> list[dict]:
    rows, earned, redeemed = [], [], []
    for i in range(n):
        when = (BASE + timedelta(days=i * rng.randint(1, 40))).astimezone(timezone(timedelta(hours=8)))
        kind = rng.choice(["points_earned", "bonus_awarded", "points_adjusted", "points_redeemed",
                           "points_redeemed", "points_reversed", "points_restored", "points_expired"])
        eid = f"e{i:03d}"
        expiry = (when + timedelta(days=rng.randint(1, 400))).isoformat(timespec="microseconds")
        if kind in ("points_earned", "bonus_awarded"):
            payload = {"points": rng.randint(1, 500), "expires_at": expiry}
            earned.append(eid)
        elif kind == "points_adjusted":
            payload = {"delta": rng.randint(-300, 300), "expires_at": expiry, "reason": "x"}
        elif kind == "points_redeemed":
            payload = {"points": rng.randint(1, 600), "sale_id": "s"}
            redeemed.append(eid)
        elif kind == "points_reversed":
            payload = {"points": rng.randint(1, 300), "lot_id": rng.choice(earned or ["none"])}
        elif kind == "points_restored":
            payload = {"points": rng.randint(1, 300), "redemption_id": rng.choice(redeemed or ["none"])}
            if rng.random() < 0.5:
                payload["expires_at"] = expiry
        else:
            payload = {"points": rng.randint(1, 300), "lot_id": rng.choice(earned or ["none"])}
        rows.append({"event_id": eid, "terminal_id": "t1", "seq": i + 1, "kind": kind,
                     "occurred_at": when.isoformat(timespec="microseconds"),
                     "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))})
    return rows


def reference(rows: list[dict]) -> tuple:
    """walk() as it was: lots.apply step by step, json.loads of each payload."""
    state, seen, over = lots.PointsState(), [], []
    for r in rows:
        p = json.loads(r["payload"])
        if isinstance(p.get("expires_at"), str):
            p["expires_at"] = datetime.fromisoformat(p["expires_at"])
        event = lots.from_ledger(r["event_id"], r["kind"], datetime.fromisoformat(r["occurred_at"]), p)
        if event is None:
            continue
        if r["kind"] == "points_redeemed":
            before = state.balance(event.occurred_at)
            seen.append({"event_id": r["event_id"], "terminal_id": r["terminal_id"], "seq": r["seq"],
                         "occurred_at": r["occurred_at"], "points": -event.delta, "at": event.occurred_at})
            if -event.delta > before:
                over.append((seen[-1], before))
        state = lots.apply(state, event)
    return state, tuple(seen), tuple(over)


@pytest.mark.parametrize("seed", range(40))
def test_walks_agree_with_folding_step_by_step(seed):
    rng = random.Random(seed)
    rows = ledger_rows(rng, rng.randint(0, 40))
    want = reference(rows)
    ledger._WALKS.pop(f"m{seed}", None)
    cut = rng.randint(0, len(rows))
    ledger.walk(f"m{seed}", rows[:cut])  # remembered: the next walk resumes from it
    resumed = ledger.walk(f"m{seed}", rows)
    ledger._WALKS.pop(f"m{seed}", None)
    fresh = ledger.walk_tuples(f"m{seed}", [tuple(r[c] for c in ledger.WALK_COLUMNS) + ("k", "m") for r in rows])
    ledger._WALKS.pop(f"m{seed}", None)
    as_tuples = [tuple(r[c] for c in ledger.WALK_COLUMNS) for r in rows]
    assert ledger.folded(f"m{seed}", as_tuples) == want[0]  # alone
    assert f"m{seed}" not in ledger._WALKS  # a lone fold is not remembered
    ledger.walk(f"m{seed}", rows[:cut])
    assert ledger.folded(f"m{seed}", as_tuples) == want[0]  # resumed
    ledger._WALKS.pop(f"m{seed}", None)
    for walked in (resumed, fresh):
        assert walked.ids == tuple(r["event_id"] for r in rows)
        assert (walked.state, walked.seen, walked.over) == want
        assert list(walked.state.consumed.items()) == list(want[0].consumed.items())
    assert ledger.points_events(rows) == [e for e in (lots.from_ledger(
        r["event_id"], r["kind"], datetime.fromisoformat(r["occurred_at"]),
        {**json.loads(r["payload"]), **({"expires_at": datetime.fromisoformat(json.loads(r["payload"])["expires_at"])}
                                        if "expires_at" in json.loads(r["payload"]) else {})}) for r in rows) if e]


def test_stored_value_of_tuples_is_stored_value_of():
    rows = [{"event_id": f"e{i}", "terminal_id": "t", "seq": i, "kind": kind, "occurred_at": "x",
             "payload": json.dumps({"amount_fen": amount})}
            for i, (kind, amount) in enumerate([("stored_value_topup", 500), ("stored_value_spent", 120),
                                                ("stored_value_refunded", 20), ("stored_value_spent", 1.5)])]
    tuples = [tuple(r[c] for c in ledger.WALK_COLUMNS) for r in rows]
    assert ledger.stored_value_of_tuples(tuples) == ledger.stored_value_of(rows) == 500 - 120 + 20 - 1


def test_tuples_of_gives_each_member_its_ledger_in_head_office_order(fresh_db_url):
    """Each group's rows (a member and its aliases) in (occurred_at, terminal_id, seq) order, on both
    backends: ties in time broken by terminal then seq (numerically: seq 10 after 9), an alias's
    events between its member's, other kinds and other members left out."""
    rng = random.Random(7)
    db = Database(fresh_db_url)
    keys = [f"2026-11-0{d}T0{h}:00:00.000000" for d in (1, 2) for h in (1, 2)]
    rows = []
    for n in range(120):
        member = rng.choice(["m1", "m1-alias", "m2", "m3"])
        terminal = rng.choice(["t1", "t2"])
        kind = rng.choice(["points_earned", "points_redeemed", "sale"])
        rows.append((f"e{n:03d}", terminal, n + 1, kind, rng.choice(keys), member))
    with db.write(only="ingest") as tx:
        for event_id, terminal, seq, kind, key, member in rows:
            tx.execute("INSERT INTO events(event_id, terminal_id, seq, kind, occurred_at, occurred_key, member_id,"
                       " payload, body_hash, status, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', 'h', 'stored', ?)",
                       (event_id, terminal, seq, kind, key + "+00:00", key, member, key + "+00:00"))
    groups = {"m1": ["m1", "m1-alias"], "m2": ["m2"]}
    with db.read() as tx:
        got = ledger.tuples_of(tx, groups, ("points_earned", "points_redeemed"), 10**9, chunk=2)
    db.close()
    for member, ids in groups.items():
        want = sorted((r for r in rows if r[5] in ids and r[3] != "sale"), key=lambda r: (r[4], r[1], r[2]))
        assert [(r[0], r[7]) for r in got[member]] == [(r[0], r[5]) for r in want]
        assert len(want) > 10
