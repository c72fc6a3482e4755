"""Every bad request is a 4xx with a Problem {code, reason} and stores nothing."""

from __future__ import annotations

import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol


def refused(ho, call, status, code):
    before = ho.fingerprint()
    response = call()
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert body["code"] == code and body["reason"], body
    protocol.Problem.model_validate(body)
    assert ho.fingerprint() == before
    return body


@pytest.fixture
def till(ho):
    t = ho.till()
    t.register()
    return t


def test_unsigned(ho, till):
    refused(ho, lambda: till.http.post("/v1/events", content=json.dumps({"events": till.log})), 401, "unsigned")
    refused(ho, lambda: till.http.get("/v1/changes"), 401, "unsigned")


def test_wrong_signature(ho, till):
    refused(ho, lambda: till.push(key=Ed25519PrivateKey.generate()), 401, "bad_signature")


def test_signature_over_another_body(ho, till):
    body = json.dumps({"events": till.log}).encode()
    headers = till.headers("POST", "/v1/events", body + b" ")
    refused(ho, lambda: till.send("POST", "/v1/events", body, headers), 401, "bad_signature")


def test_signature_over_another_path(ho, till):
    headers = till.headers("GET", "/v1/changes?cursor=0&limit=100", b"")
    refused(ho, lambda: till.send("GET", "/v1/changes?cursor=5&limit=100", b"", headers), 401, "bad_signature")


def test_stale_timestamp(ho, till):
    old = str(int(time.time()) - protocol.MAX_SKEW_S - 60)
    body = refused(ho, lambda: till.push(ts=old), 401, "stale_timestamp")
    assert "clock" in body["reason"]
    future = str(int(time.time()) + protocol.MAX_SKEW_S + 60)
    refused(ho, lambda: till.push(ts=future), 401, "stale_timestamp")


def test_replayed_nonce(ho, till):
    body = json.dumps({"events": till.log}).encode()
    headers = till.headers("POST", "/v1/events", body)
    assert till.send("POST", "/v1/events", body, headers).status_code == 200
    refused(ho, lambda: till.send("POST", "/v1/events", body, headers), 401, "replayed_nonce")
    pull_headers = till.headers("GET", "/v1/changes?cursor=0&limit=1", b"")
    assert till.send("GET", "/v1/changes?cursor=0&limit=1", b"", pull_headers).status_code == 200
    refused(ho, lambda: till.send("GET", "/v1/changes?cursor=0&limit=1", b"", pull_headers), 401, "replayed_nonce")


def test_unknown_terminal(ho, till):
    from ho_client import Till

    stranger = Till(ho.url)
    stranger.register()
    refused(ho, lambda: stranger.push(), 401, "unknown_terminal")


def test_revoked_terminal(ho, till):
    from sync.headoffice import admin
    from datetime import datetime, timezone

    assert till.push().status_code == 200
    admin.revoke(ho.db, till.terminal_id, datetime.now(timezone.utc))
    till.register()
    refused(ho, lambda: till.push(), 403, "terminal_revoked")
    refused(ho, lambda: till.pull(), 403, "terminal_revoked")


def test_another_terminals_events(ho, till):
    victim = ho.till()
    victim.register()
    forged = [dict(e, terminal_id=victim.terminal_id) for e in till.log]
    body = refused(ho, lambda: till.push(forged), 403, "not_your_events")
    assert victim.terminal_id in body["reason"]
    signed_as_other = lambda: till.push(terminal_id=victim.terminal_id)  # noqa: E731
    refused(ho, signed_as_other, 401, "bad_signature")


def test_seq_gap(ho, till):
    till.register()
    till.register()
    body = refused(ho, lambda: till.push(till.log[1:]), 409, "seq_gap")
    assert body["acked_seq"] == 0 and "resend from 1" in body["reason"]  # what head office holds
    refused(ho, lambda: till.push([till.log[0], till.log[2]]), 409, "seq_gap")
    assert till.push(till.log[:1]).status_code == 200
    assert refused(ho, lambda: till.push(till.log[2:]), 409, "seq_gap")["acked_seq"] == 1


def test_other_problems_carry_no_acked_seq(ho, till):
    body = refused(ho, lambda: till.send("POST", "/v1/events", b'{"events": [nope'), 422, "malformed_json")
    assert set(body) == {"code", "reason"}


def test_same_event_id_with_another_body(ho, till):
    assert till.push().status_code == 200
    changed = [dict(till.log[0], payload={**till.log[0]["payload"], "name": "改"})]
    refused(ho, lambda: till.push(changed), 409, "event_conflict")
    other_id = [dict(till.log[0], event_id="01a20000-0000-7000-8000-000000000001")]
    refused(ho, lambda: till.push(other_id), 409, "event_conflict")


def test_event_id_of_another_terminal(ho, till):
    other = ho.till()
    other.register()
    assert other.push().status_code == 200
    stolen = [dict(till.log[0], event_id=other.log[0]["event_id"])]
    refused(ho, lambda: till.push(stolen), 409, "event_conflict")


def test_malformed_json(ho, till):
    refused(ho, lambda: till.send("POST", "/v1/events", b'{"events": [nope'), 422, "malformed_json")


@pytest.mark.parametrize("doc, where", [
    ({}, "events"),
    ({"events": []}, "events"),
    ({"events": "x"}, "events"),
    ({"events": [{"seq": 1}]}, "events.0"),
    ({"events": [], "extra": 1}, ""),
])
def test_schema_violations(ho, till, doc, where):
    body = refused(ho, lambda: till.send("POST", "/v1/events", json.dumps(doc).encode()), 422, "schema")
    assert where in body["reason"]


def test_bad_field_in_an_event(ho, till):
    bad = [dict(till.log[0], occurred_at="2026-11-02T10:00:00")]  # no offset
    body = refused(ho, lambda: till.push(bad), 422, "schema")
    assert "occurred_at" in body["reason"]


def test_huge_batch(ho, till):
    for _ in range(protocol.MAX_PUSH):
        till.register()
    body = refused(ho, lambda: till.push(), 413, "batch_too_large")
    assert f"{protocol.MAX_PUSH + 1} events" in body["reason"] and str(protocol.MAX_PUSH) in body["reason"]


def test_bad_pull_parameters(ho, till):
    refused(ho, lambda: till.pull(cursor=-1), 422, "schema")
    refused(ho, lambda: till.pull(limit=0), 422, "schema")


def test_unknown_path_is_a_problem_too(ho):
    from ho_client import Till

    response = Till(ho.url).http.get("/v1/nothing")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
