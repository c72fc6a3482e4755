"""Enrollment: a one-time, short-lived code; the terminal's key is registered and published."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ho_client import Till
from terminal.rules import parse_rules


def test_enroll_returns_store_and_active_rules(ho):
    till = Till(ho.url)
    response = till.enroll(ho.code("南京东路店"))
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["terminal_id"] == till.terminal_id and doc["store_name"] == "南京东路店"
    assert parse_rules(doc["rules_toml"]).version == doc["rules_version"]
    keys = [c["terminal_key"] for c in till.pull_all()[0] if c["kind"] == "terminal_key"]
    mine = [k for k in keys if k["terminal_id"] == till.terminal_id]
    assert mine and mine[0]["public_key"] == till.public_hex and mine[0]["revoked"] is False


def test_code_works_once(ho):
    code = ho.code()
    first, second = Till(ho.url), Till(ho.url)
    assert first.enroll(code).status_code == 200
    before = ho.fingerprint()
    response = second.enroll(code)
    assert response.status_code == 403 and response.json()["code"] == "enroll_code_used"
    assert ho.fingerprint() == before


def test_lost_answer_retry_gets_the_same_answer(ho):
    code = ho.code()
    till = Till(ho.url)
    first = till.enroll(code)
    again = till.enroll(code)
    assert again.status_code == 200 and again.json()["store_id"] == first.json()["store_id"]


def test_expired_code_is_refused(ho):
    code = ho.code(ttl=1, now=datetime.now(timezone.utc) - timedelta(minutes=5))
    before = ho.fingerprint()
    response = Till(ho.url).enroll(code)
    assert response.status_code == 403 and response.json()["code"] == "enroll_code_expired"
    assert "expired" in response.json()["reason"]
    assert ho.fingerprint() == before


def test_wrong_code_is_refused(ho):
    ho.code()
    before = ho.fingerprint()
    response = Till(ho.url).enroll("ZZZZ-ZZZZ-ZZZZ")
    assert response.status_code == 403 and response.json()["code"] == "enroll_code_invalid"
    assert ho.fingerprint() == before


def test_malformed_enroll_is_422_with_reason(ho):
    response = Till(ho.url).http.post("/v1/enroll", json={"code": "ABCDEF", "terminal_id": "nope",
                                                          "public_key": "00"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "schema" and "terminal_id" in body["reason"]


def test_same_terminal_id_twice_is_refused(ho):
    till = ho.till()
    other = Till(ho.url)
    other.terminal_id = till.terminal_id
    response = other.enroll(ho.code())
    assert response.status_code == 409 and response.json()["code"] == "terminal_exists"


def test_code_is_stored_only_as_a_hash(ho):
    code = ho.code()
    with ho.db.read() as tx:
        hashes = [r["code_hash"] for r in tx.all("SELECT code_hash FROM enroll_codes")]
    assert code not in hashes and code.replace("-", "") not in hashes and len(hashes[0]) == 64


def test_an_enroll_body_that_is_not_utf8_is_422_malformed_json(ho):
    before = ho.fingerprint()
    response = Till(ho.url).http.post("/v1/enroll", content=b"&\xbe", headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["code"] == "malformed_json"
    assert ho.fingerprint() == before
