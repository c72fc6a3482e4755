"""The sync client against a stub head office on 127.0.0.1: signing, enroll, push in batches, pull
in pages, known errors, the offline redemption cap lifting after a sync, and the background loop."""

from __future__ import annotations

import socket
import threading

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from replica_helpers import at, buy, lot, member_snapshot, points_json, register
from stub_headoffice import StubHeadOffice
from sync import protocol
from sync.client import SyncClient, sign_request
from sync.loop import SyncLoop, backoff_delay
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import members, replica, setup
from terminal.services.context import open_terminal

PHONE = "+8613912345678"


@pytest.fixture
def office():
    with StubHeadOffice() as stub:
        yield stub


@pytest.fixture
def enrolled(term, office):
    SyncClient(term, office.url).enroll(office.code)
    return term


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _max_seq(t) -> int:
    return int(t.store.scalar("SELECT COALESCE(MAX(seq), 0) FROM events"))


def test_a_signed_request_verifies_with_the_device_public_key(term):
    key = term.device_key()
    body = b'{"events":[]}'
    headers = sign_request(key, term.terminal_id, "POST", "/v1/events", body, timestamp=1_800_000_000)
    assert headers[protocol.HEADER_TERMINAL] == term.terminal_id
    assert headers[protocol.HEADER_TIMESTAMP] == "1800000000"
    nonce = headers[protocol.HEADER_NONCE]
    assert len(nonce) == 32 and int(nonce, 16) >= 0
    public = Ed25519PublicKey.from_public_bytes(key.public_raw)
    signature = protocol.unb64url(headers[protocol.HEADER_SIGNATURE])
    public.verify(signature, protocol.signing_message("POST", "/v1/events", body, "1800000000", nonce))
    for method, path, other_body in (("POST", "/v1/events", b"{}"), ("GET", "/v1/events", body),
                                     ("POST", "/v1/changes", body)):
        with pytest.raises(InvalidSignature):
            public.verify(signature, protocol.signing_message(method, path, other_body, "1800000000", nonce))
    assert sign_request(key, term.terminal_id, "GET", "/", b"")[protocol.HEADER_NONCE] != nonce


def test_enroll_stores_head_office_store_and_rules(term, office):
    doc = SyncClient(term, office.url + "/").enroll(office.code)
    assert doc["headoffice_url"] == office.url and doc["store_id"] == "store-1"
    assert term.store.setting("headoffice_url") == office.url and term.store_name == "总部登记门店"
    assert office.keys[term.terminal_id] == term.device_key().public_raw
    status = replica.status(term, term.now())
    assert status["enrolled"] and not status["online"] and status["offline_for_redeem"]  # never synced yet
    with pytest.raises(PosError) as exc:
        SyncClient(term, office.url).enroll("WRONG-CODE")
    assert exc.value.code == "sync_refused" and "enrollment code" in exc.value.message("en")


def test_sync_once_pushes_everything_and_records_success(enrolled, office, admin):
    member = register(enrolled, admin, when=at("2026-11-02 09:00"))
    buy(enrolled, admin, member, at("2026-11-02 10:00"), ("general", 10000))
    result = SyncClient(enrolled).sync_once()
    last = _max_seq(enrolled)
    assert result["pushed"] == last and result["events_waiting"] == 0 and result["acked_seq"] == last
    held = office.events[enrolled.terminal_id]
    assert sorted(held) == list(range(1, last + 1))
    assert [held[s]["event_id"] for s in sorted(held)] == [
        r[0] for r in enrolled.store.conn.execute("SELECT event_id FROM events ORDER BY seq")]
    status = replica.status(enrolled, enrolled.now())
    assert status["online"] and status["last_success"] is not None and status["last_error"] is None
    assert SyncClient(enrolled).sync_once()["pushed"] == 0  # nothing left to send


def _notes(t, n: int) -> None:
    with t.store.write():
        for i in range(n):
            t.emit("note_added", at("2026-11-02 09:00"), None, None, {"n": i})


def test_push_sends_up_to_max_push_events_a_request(enrolled, office):
    _notes(enrolled, protocol.MAX_PUSH + 10)
    assert SyncClient(enrolled).push() == protocol.MAX_PUSH + 10
    assert [r for r in office.requests if r[1] == "/v1/events"] == [("POST", "/v1/events")] * 2
    assert replica.acked_seq(enrolled) == _max_seq(enrolled)


def test_a_batch_read_ahead_is_sent_only_if_the_reply_acknowledged_through_the_one_before(enrolled, office):
    """While a batch is on its way the next one is read; head office acknowledging less than the
    batch it got (it lost the tail, say) makes the terminal read again from what it acknowledged."""
    _notes(enrolled, protocol.MAX_PUSH * 2 + 10)
    original, calls = office.push, []

    def forgetful(terminal_id, body):
        status, doc = original(terminal_id, body)
        calls.append([e["seq"] for e in body["events"]])
        if len(calls) == 1:  # holds all but the last 10 of the first batch
            held = office.events[terminal_id]
            for seq in range(doc["acked_seq"] - 9, doc["acked_seq"] + 1):
                del held[seq]
            doc = {**doc, "acked_seq": doc["acked_seq"] - 10}
        return status, doc

    office.push = forgetful
    last = _max_seq(enrolled)
    SyncClient(enrolled).push()
    office.push = original
    first = calls[0]
    assert calls[1][0] == first[-1] - 9  # from what head office said it holds, not the batch read ahead
    assert len(calls) == 3 and calls[2][-1] == _max_seq(enrolled)
    assert sorted(office.events[enrolled.terminal_id]) == list(range(1, last + 1))
    assert replica.acked_seq(enrolled) == last


def test_push_falls_back_to_max_batch_for_an_older_head_office(enrolled, office):
    office.max_batch = protocol.MAX_BATCH  # protocol v1's first limit: more is a 413
    _notes(enrolled, protocol.MAX_BATCH * 2 + 10)
    client = SyncClient(enrolled)
    assert client.push() == protocol.MAX_BATCH * 2 + 10
    assert client.batch == protocol.MAX_BATCH
    assert [r for r in office.requests if r[1] == "/v1/events"] == [("POST", "/v1/events")] * 4  # one refused
    assert replica.acked_seq(enrolled) == _max_seq(enrolled)


def test_a_seq_gap_resends_from_head_offices_acked_seq(enrolled, office):
    """Head office holds less than this till was told (the till restored from a backup that was
    taken after a push head office later lost, say): the 409 says what it holds; the till resends."""
    _notes(enrolled, 10)
    SyncClient(enrolled).push()
    held = office.events[enrolled.terminal_id]
    for seq in range(6, 11):
        del held[seq]
    _notes(enrolled, 2)
    assert SyncClient(enrolled).push() == 7  # 6..12
    assert sorted(held) == list(range(1, 13)) and replica.acked_seq(enrolled) == 12


def test_a_seq_gap_without_acked_seq_is_refused(enrolled, office):
    _notes(enrolled, 3)
    SyncClient(enrolled).push()
    enrolled.store.set_setting("acked_seq", "5")  # more than exists: mark_acked keeps it in range
    office.events[enrolled.terminal_id].clear()
    _notes(enrolled, 3)
    original = office.push
    office.push = lambda tid, body: (409, {"code": "seq_gap", "reason": "old server"})  # says no acked_seq
    with pytest.raises(PosError) as exc:
        SyncClient(enrolled).push()
    office.push = original
    assert exc.value.code == "sync_refused" and exc.value.params["problem"] == "seq_gap"


def test_pull_applies_pages_and_a_pulled_member_can_buy(enrolled, office, admin, programme, tmp_path, clock):
    member_id = new_id()
    earned = lot(new_id(), at("2026-10-10 10:00"), 900, programme)
    office.add_change("member", member_snapshot(member_id, PHONE, at("2026-10-01 09:00"),
                                                points=points_json(None, earned)))
    other = open_terminal(tmp_path / "other", clock)
    setup.init(other, store_name="别店", admin_pin="1234", at=clock.now())
    key = other.device_key()
    office.add_change("terminal_key", {"terminal_id": other.terminal_id, "key_id": key.key_id,
                                       "public_key": key.public_raw.hex(), "revoked": False})
    office.add_change("member", member_snapshot(new_id(), "+8613700001111", at("2026-10-02 09:00")))
    assert SyncClient(enrolled).pull() == 3
    assert replica.pull_cursor(enrolled) == 3
    assert [r for r in office.requests if r[1].startswith("/v1/changes")] == [
        ("GET", "/v1/changes?cursor=0&limit=500"), ("GET", "/v1/changes?cursor=2&limit=500")]
    assert enrolled.store.scalar("SELECT 1 FROM card_keys WHERE key_id = ?", (key.key_id,)) == 1
    doc = buy(enrolled, admin, "13912345678", at("2026-11-02 10:00"), ("general", 10000), redeem=500)
    assert doc["member"]["member_id"] == member_id and doc["points_redeemed"] == 500
    assert SyncClient(enrolled).pull() == 0
    other.store.close()


def test_a_malformed_snapshot_is_skipped_alone_and_the_feed_moves_on(enrolled, office):
    """The terminal checks a page's envelope; a change it cannot apply is skipped by itself (before,
    a page failing the whole model was refused, and the feed stopped there)."""
    good = new_id()
    office.add_change("member", {"member_id": new_id(), "tier": 5, "registered_at": "not a time"})
    office.add_change("member", member_snapshot(good, "+8613700002222", at("2026-10-02 09:00")))
    assert SyncClient(enrolled).pull() == 1
    assert replica.pull_cursor(enrolled) == 2
    assert enrolled.store.scalar("SELECT phone FROM members WHERE member_id = ?", (good,)) == "+8613700002222"


def test_a_pull_checkpoints_the_store_once_after_its_pages(enrolled, office, monkeypatch):
    """Pages commit one by one, but the WAL is copied into the database file after the last one,
    not page by page; and the store checkpoints as before afterwards, even after a failed pull."""
    for i in range(3):
        office.add_change("member", member_snapshot(new_id(), f"+861370000{i:04d}", at("2026-10-02 09:00")))
    seen = []
    apply_page = replica.apply_page

    def recording(t, changes, cursor):
        seen.append(t.store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        return apply_page(t, changes, cursor)

    monkeypatch.setattr(replica, "apply_page", recording)
    office.page_size = 1
    assert SyncClient(enrolled).pull() == 3
    assert seen and set(seen) == {0}  # no checkpoint by the pages' commits
    conn = enrolled.store.conn
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and frames == copied  # everything was copied already
    office.changes = lambda query: (200, {"cursor": "x", "more": False, "changes": []})
    with pytest.raises(PosError):
        SyncClient(enrolled).pull()
    assert conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000


def test_a_page_that_is_not_a_page_is_a_bad_reply(enrolled, office):
    office.changes = lambda query: (200, {"cursor": "x", "more": False, "changes": []})
    with pytest.raises(PosError) as exc:
        SyncClient(enrolled).pull()
    assert exc.value.code == "headoffice_bad_reply"
    assert replica.pull_cursor(enrolled) == 0


def test_unreachable_head_office_is_a_known_error_and_recorded(term):
    term.store.set_setting("headoffice_url", _closed_port_url())
    with pytest.raises(PosError) as exc:
        SyncClient(term).sync_once()
    assert exc.value.code == "headoffice_unreachable" and "connection refused" in exc.value.message("en")
    status = replica.status(term, term.now())
    assert status["online"] is False and status["last_error"]["code"] == "headoffice_unreachable"


@pytest.mark.parametrize("http_status, code", [(503, "headoffice_unreachable"), (500, "headoffice_unreachable"),
                                              (403, "sync_refused"), (422, "sync_refused")])
def test_5xx_is_unreachable_and_4xx_is_refused_with_the_reason(enrolled, office, http_status, code):
    office.fail_with = http_status
    with pytest.raises(PosError) as exc:
        SyncClient(enrolled).sync_once()
    assert exc.value.code == code
    if code == "sync_refused":
        assert "told to fail" in exc.value.message("en") and exc.value.params["problem"] == "stub_failure"


def test_not_enrolled_is_a_known_error(term):
    with pytest.raises(PosError) as exc:
        SyncClient(term).sync_once()
    assert exc.value.code == "not_enrolled"


def test_offline_cap_applies_until_a_sync_and_again_once_it_is_old(enrolled, admin, clock):
    member = register(enrolled, admin, when=at("2026-10-01 09:00"))
    members.adjust_points(enrolled, admin, member, 5000, "迁移旧积分", at=at("2026-10-02 09:00"))

    def redeem(points: int) -> dict:
        return buy(enrolled, admin, member, clock.now(), ("general", 20000), redeem=points)

    with pytest.raises(PosError) as exc:  # enrolled, never synced: offline
        redeem(3000)
    assert exc.value.code == "redeem_over_cap" and "offline" in exc.value.message("en")
    SyncClient(enrolled).sync_once()
    assert enrolled.store.setting("last_sync_at") is not None
    assert redeem(3000)["offline"] is False  # the cap lifted
    clock.advance(minutes=9)
    assert enrolled.is_offline(clock.now()) is False
    clock.advance(minutes=2)  # the last success is now 11 minutes old
    with pytest.raises(PosError) as exc:
        redeem(2100)
    assert exc.value.code == "redeem_over_cap"
    assert redeem(2000)["offline"] is True


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap():
    assert backoff_delay(1, 5, 300, lambda: 0.0) == 2.5
    assert backoff_delay(1, 5, 300, lambda: 0.999999) == pytest.approx(5, abs=1e-3)
    assert backoff_delay(3, 5, 300, lambda: 0.0) == 10
    assert backoff_delay(20, 5, 300, lambda: 0.0) == 150
    delays = {backoff_delay(4, 5, 300) for _ in range(20)}
    assert len(delays) > 1 and all(20 <= d < 40 for d in delays)


def test_the_loop_syncs_in_its_own_thread_and_reports_status(enrolled, office, admin, tmp_path, clock):
    register(enrolled, admin, when=at("2026-11-02 09:00"))
    seen: list[dict] = []
    got = threading.Event()
    threads: set[str] = set()

    def on_status(status: dict) -> None:
        threads.add(threading.current_thread().name)
        seen.append(status)
        got.set()

    loop = SyncLoop(lambda: open_terminal(tmp_path / "data", clock), interval=60, on_status=on_status)
    loop.start()
    try:
        assert got.wait(20)
    finally:
        loop.stop()
    assert not loop.running and threads == {"pos-sync"}
    assert seen[-1]["online"] is True and seen[-1]["events_waiting"] == 0
    assert replica.acked_seq(enrolled) == _max_seq(enrolled)


def test_the_loop_backs_off_while_head_office_is_unreachable(term, tmp_path, clock):
    term.store.set_setting("headoffice_url", _closed_port_url())
    got = threading.Event()
    loop = SyncLoop(lambda: open_terminal(tmp_path / "data", clock), interval=60, retry_base=5,
                    on_status=lambda s: got.set())
    loop.start()
    try:
        assert got.wait(20)
        assert loop.failures == 1 and 2.5 <= loop.next_delay() < 5
        assert loop.status["last_error"]["code"] == "headoffice_unreachable"
    finally:
        loop.stop()
