"""Member care and privacy: profile edits, marketing consent, blacklist, and PIPL erasure that leaves
no personal data in the database file while every total still adds up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replica_helpers import member_snapshot
from storetime import at
from svc_helpers import buy, event_count, ledger_points, register
from terminal.errors import PosError
from terminal.services import audit, card_service, lookup, members, privacy, reads, refunds, replica
from terminal.services.context import open_terminal
from terminal.store.db import DB_NAME

PHONE = "13987654321"
NEW_PHONE = "13612348765"
NAME = "欧阳娜娜"
NEW_NAME = "欧阳娜"
BIRTHDAY = "1990-05-06"


def _needles() -> dict[str, bytes]:
    """What must not be found in the file: both phones in E.164 and national form, names, birthday."""
    out = {}
    for number in (PHONE, NEW_PHONE):
        out[number] = number.encode()
        out["+86" + number] = ("+86" + number).encode()
    for name in (NAME, NEW_NAME):
        out[name] = name.encode("utf-8")
    out[BIRTHDAY] = BIRTHDAY.encode()
    return out


def _file_bytes(data_dir: Path) -> dict[str, bytes]:
    files = {}
    for suffix in ("", "-wal", "-journal"):
        path = data_dir / (DB_NAME + suffix)
        if path.exists():
            files[path.name] = path.read_bytes()
    return files


def _totals(t, member_id: str) -> tuple:
    sales = t.store.one("SELECT COUNT(*) AS n, SUM(payable_fen) AS paid, SUM(points_earned) AS pts,"
                        " SUM(subtotal_fen) AS sub FROM sales")
    return (tuple(sales), ledger_points(t, member_id), int(t.store.scalar("SELECT SUM(refund_fen) FROM refunds")),
            int(t.store.scalar("SELECT SUM(qualifying_fen) FROM spends WHERE member_id = ?", (member_id,))))


def test_erase_leaves_no_personal_data_in_the_database_file_and_totals_add_up(term, admin, tmp_path):
    data_dir = tmp_path / "data"
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME, birthday=BIRTHDAY)
    privacy.update_profile(term, admin, member_id, phone=NEW_PHONE, name=NEW_NAME, at=at("2026-10-02 09:00"))
    first = buy(term, admin, NEW_PHONE, at("2026-10-03 10:00"), ("general", 20000))
    buy(term, admin, "8765", at("2026-10-04 10:00"), ("fresh", 5000), ("general", 3000))
    refunds.refund(term, admin, first["sale_id"], [], at("2026-10-05 10:00"))
    card = card_service.issue(term, admin, member_id, at=at("2026-10-05 11:00"))
    members.adjust_points(term, admin, member_id, 50, f"{NEW_NAME} 投诉补偿 {NEW_PHONE}", at("2026-10-06 10:00"))
    privacy.blacklist(term, admin, member_id, f"{NAME}恶意退货", at("2026-10-07 10:00"))
    privacy.unblacklist(term, admin, member_id, at("2026-10-08 10:00"))
    before = _totals(term, member_id)
    balance = reads.points_state(term, member_id).balance(at("2026-10-09 10:00"))
    assert balance > 0

    erased = privacy.erase(term, admin, member_id, "本人要求注销", at("2026-10-09 10:00"))
    assert erased.member_id == member_id and erased.events_scrubbed == 2 and erased.checkpointed
    assert _totals(term, member_id) == before
    assert reads.points_state(term, member_id).balance(at("2026-10-09 10:00")) == balance
    assert audit.verify(term) == (True, None)
    term.store.close()

    files = _file_bytes(data_dir)
    assert DB_NAME in files
    for file_name, content in files.items():
        for label, needle in _needles().items():
            assert needle not in content, f"{label} found in {file_name}"

    again = open_terminal(data_dir, term.clock)
    try:
        assert _totals(again, member_id) == before
        shown = members.view(again, member_id, at("2026-10-09 11:00"))
        assert (shown["status"], shown["name"], shown["birthday"], shown["phone_masked"]) == ("erased", None, None, "***")
        assert shown["points_balance"] == balance
        for query in (PHONE, NEW_PHONE, "8765", "4321"):
            with pytest.raises(PosError) as exc:
                lookup.find_one(again, query)
            assert exc.value.code == "member_not_found"
        for query in (member_id, card.payload):
            with pytest.raises(PosError) as exc:
                buy(again, admin, query, at("2026-10-10 10:00"), ("general", 100))
            assert exc.value.code == "member_erased"
        kinds = [r["kind"] for r in again.store.all("SELECT kind FROM events ORDER BY seq")]
        assert kinds[-1] == "member_erased"
        last = again.store.one("SELECT payload FROM events ORDER BY seq DESC LIMIT 1")
        assert json.loads(last["payload"]) == {"reason": "本人要求注销"}
        registered = again.store.one("SELECT payload FROM events WHERE kind = 'member_registered'")
        assert json.loads(registered["payload"]) == {"phone": None, "name": None, "birthday": None,
                                                     "referrer_id": None, "tier": "regular"}
    finally:
        again.store.close()


def test_audit_details_never_hold_phone_or_name(term, admin):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME)
    privacy.update_profile(term, admin, member_id, name=NEW_NAME, phone=NEW_PHONE, marketing_consent=True,
                           at=at("2026-10-02 09:00"))
    members.adjust_points(term, admin, member_id, 10, f"电话 {NEW_PHONE} 的 {NEW_NAME} 补偿", at("2026-10-02 10:00"))
    privacy.blacklist(term, admin, member_id, f"+86 {NEW_PHONE[:3]} {NEW_PHONE[3:7]} {NEW_PHONE[7:]} 欠款",
                      at("2026-10-03 10:00"))
    details = " ".join(r["detail"] for r in term.store.all("SELECT detail FROM audit"))
    assert "member_updated" in {r["action"] for r in term.store.all("SELECT action FROM audit")}
    for needle in (PHONE, NEW_PHONE, NEW_PHONE[3:7] + " " + NEW_PHONE[7:], NEW_NAME, NAME):
        assert needle not in details
    # points_adjusted's reason keeps its words but not the member's number (masked) ...
    assert "136****8765" in details
    # ... and the blacklist reason drops the member's name and phone before it is written anywhere
    assert term.store.one("SELECT blacklist_reason FROM members")[0].endswith("欠款")


def test_a_cashier_cannot_erase_blacklist_or_change_a_phone(term, admin, cashier):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME)
    privacy.blacklist(term, admin, member_id, "恶意退货", at("2026-10-02 09:00"))
    count = event_count(term)
    attempts = [
        lambda: privacy.erase(term, cashier, member_id, "顾客要求"),
        lambda: privacy.blacklist(term, cashier, member_id, "不喜欢"),
        lambda: privacy.unblacklist(term, cashier, member_id),
        lambda: privacy.update_profile(term, cashier, member_id, phone=NEW_PHONE),
    ]
    for attempt in attempts:
        with pytest.raises(PosError) as exc:
            attempt()
        assert exc.value.code == "forbidden"
    assert event_count(term) == count
    row = term.store.one("SELECT phone, name, status FROM members")
    assert tuple(row) == ("+86" + PHONE, NAME, "blacklisted")
    # a cashier may correct a name and record consent at the till
    done = privacy.update_profile(term, cashier, member_id, name=NEW_NAME, marketing_consent=False)
    assert done.fields == ("name",) and done.consent_changed


def test_blacklisted_member_is_refused_at_checkout_with_the_reason_until_lifted(term, admin):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"))
    with pytest.raises(PosError) as exc:
        privacy.blacklist(term, admin, member_id, "  ")
    assert exc.value.code == "reason_required"
    with pytest.raises(PosError) as exc:
        privacy.unblacklist(term, admin, member_id)
    assert exc.value.code == "member_not_blacklisted"
    done = privacy.blacklist(term, admin, "4321", "多次恶意退货", at("2026-10-02 09:00"))
    assert (done.status, done.reason) == ("blacklisted", "多次恶意退货")
    with pytest.raises(PosError) as exc:
        buy(term, admin, "4321", at("2026-10-03 10:00"), ("general", 1000))
    assert exc.value.code == "member_blacklisted" and "多次恶意退货" in exc.value.message()
    assert members.view(term, member_id)["blacklist_reason"] == "多次恶意退货"
    event = term.store.one("SELECT kind, payload FROM events WHERE kind = 'member_blacklisted'")
    assert json.loads(event["payload"]) == {"reason": "多次恶意退货"}
    privacy.unblacklist(term, admin, member_id, at("2026-10-04 09:00"))
    assert buy(term, admin, "4321", at("2026-10-05 10:00"), ("general", 1000))["payable_fen"] == 1000
    event = term.store.one("SELECT payload FROM events WHERE kind = 'member_unblacklisted'")
    assert json.loads(event["payload"]) == {}


def test_profile_edit_writes_only_what_changed_and_the_last_value_shows(term, admin):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME, birthday=BIRTHDAY)
    privacy.update_profile(term, admin, member_id, name="欧阳一", at=at("2026-10-02 09:00"))
    same = privacy.update_profile(term, admin, member_id, name="欧阳一", birthday=BIRTHDAY, at=at("2026-10-02 10:00"))
    assert same.fields == () and not same.consent_changed
    privacy.update_profile(term, admin, member_id, name="欧阳二", birthday="", phone=NEW_PHONE,
                           at=at("2026-10-03 09:00"))
    shown = members.view(term, "8765")
    assert (shown["name"], shown["birthday"], shown["phone_masked"]) == ("欧阳二", None, "136****8765")
    with pytest.raises(PosError):
        lookup.find_one(term, PHONE)
    payloads = [json.loads(r["payload"]) for r in
                term.store.all("SELECT payload FROM events WHERE kind = 'member_updated' ORDER BY seq")]
    # head office's member_updated: {field: value} over phone, name, birthday only (E.164, ISO date)
    assert payloads == [{"name": "欧阳一"}, {"name": "欧阳二", "birthday": None, "phone": "+86" + NEW_PHONE}]
    with pytest.raises(PosError) as exc:
        privacy.update_profile(term, admin, member_id)
    assert exc.value.code == "profile_nothing"
    other = register(term, admin, "13511112222", at("2026-10-04 09:00"))
    with pytest.raises(PosError) as exc:
        privacy.update_profile(term, admin, other, phone=NEW_PHONE)
    assert exc.value.code == "phone_taken"
    with pytest.raises(PosError) as exc:
        privacy.update_profile(term, admin, other, birthday="2999-01-01")
    assert exc.value.code == "date_invalid"


def test_marketing_consent_is_recorded_with_its_time(term, admin):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"))
    assert members.view(term, member_id)["marketing_consent"] is None
    privacy.update_profile(term, admin, member_id, marketing_consent=True, at=at("2026-10-02 09:30"))
    shown = members.view(term, member_id)
    assert shown["marketing_consent"] is True and shown["consent_at"].startswith("2026-10-02T09:30:00")
    privacy.update_profile(term, admin, member_id, marketing_consent=False, at=at("2026-11-01 18:00"))
    shown = members.view(term, member_id)
    assert shown["marketing_consent"] is False and shown["consent_at"].startswith("2026-11-01T18:00:00")
    rows = term.store.all("SELECT occurred_at, payload FROM events WHERE kind = 'member_consent' ORDER BY seq")
    assert [(r["occurred_at"][:16], json.loads(r["payload"])) for r in rows] == [
        ("2026-10-02T09:30", {"marketing_consent": True}), ("2026-11-01T18:00", {"marketing_consent": False})]


def test_erased_member_is_refused_everywhere_but_shown_by_id(term, admin):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME)
    with pytest.raises(PosError) as exc:
        privacy.erase(term, admin, member_id, "")
    assert exc.value.code == "reason_required"
    privacy.erase(term, admin, PHONE, "顾客要求", at("2026-10-02 09:00"))
    assert members.view(term, member_id)["status"] == "erased"
    for call in (lambda: privacy.erase(term, admin, member_id, "again"),
                 lambda: privacy.update_profile(term, admin, member_id, name="x"),
                 lambda: members.adjust_points(term, admin, member_id, 10, "x"),
                 lambda: card_service.issue(term, admin, member_id)):
        with pytest.raises(PosError) as exc:
            call()
        assert exc.value.code == "member_erased"
    # the phone is free again: the same person may join afresh as a new member
    assert register(term, admin, PHONE, at("2026-10-03 09:00")) != member_id


def test_an_erasure_from_head_office_scrubs_the_local_ledger(term, admin):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME)
    buy(term, admin, member_id, at("2026-10-02 10:00"), ("general", 1000))
    snap = member_snapshot(member_id, None, at("2026-10-01 09:00"), name=None, status="erased",
                           includes_seq=int(term.store.scalar("SELECT MAX(seq) FROM events")))
    assert replica.apply_page(term, [{"id": 1, "kind": "member", "member": snap}], 1) == []
    registered = term.store.one("SELECT payload FROM events WHERE kind = 'member_registered'")
    assert json.loads(registered["payload"])["phone"] is None and json.loads(registered["payload"])["name"] is None
    assert tuple(term.store.one("SELECT phone, name, status FROM members")) == (None, None, "erased")


def test_own_newer_profile_events_stay_over_an_older_snapshot(term, admin):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME)
    includes = int(term.store.scalar("SELECT MAX(seq) FROM events"))
    privacy.update_profile(term, admin, member_id, name=NEW_NAME, at=at("2026-10-02 09:00"))
    privacy.blacklist(term, admin, member_id, "恶意退货", at("2026-10-02 10:00"))
    snap = member_snapshot(member_id, "+86" + PHONE, at("2026-10-01 09:00"), name=NAME, includes_seq=includes)
    assert replica.apply_page(term, [{"id": 1, "kind": "member", "member": snap}], 1) == []
    shown = members.view(term, member_id)
    assert (shown["name"], shown["status"], shown["blacklist_reason"]) == (NEW_NAME, "blacklisted", "恶意退货")
    with pytest.raises(PosError) as exc:
        buy(term, admin, member_id, at("2026-10-03 10:00"), ("general", 1000))
    assert exc.value.code == "member_blacklisted"


def _erase_flow(t, admin) -> str:
    for i in range(5):  # neighbours on the same pages
        register(t, admin, f"1358888{i:04d}", at("2026-09-01 09:00"), name=f"邻居{i}")
    member_id = register(t, admin, PHONE, at("2026-10-01 09:00"), name=NAME, birthday=BIRTHDAY)
    buy(t, admin, member_id, at("2026-10-03 10:00"), ("general", 20000))
    t.store.checkpoint()  # as SQLite's auto-checkpoint would: the member's pages reach the file
    privacy.erase(t, admin, member_id, "本人要求注销", at("2026-10-09 10:00"))
    return member_id


@pytest.mark.parametrize("secure", [True, False])
def test_the_store_zeroes_deleted_bytes_and_the_scan_would_see_them_otherwise(term, admin, tmp_path, secure):
    """secure_delete is set on every connection (some SQLite builds default it on, others off);
    with it off, the same erasure leaves the phone in free space, which the byte scan catches."""
    assert term.store.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    if not secure:
        term.store.conn.execute("PRAGMA secure_delete=OFF")
    _erase_flow(term, admin)
    term.store.close()
    content = b"".join(_file_bytes(tmp_path / "data").values())
    found = [label for label, needle in _needles().items() if needle in content]
    assert (found == []) if secure else found
