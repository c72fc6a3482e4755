"""Exporting a member's personal data (PIPL): everything held about them in one JSON file, recorded
in the audit log without the data itself; a manager's action."""

from __future__ import annotations

import json

import pytest

from storetime import at
from svc_helpers import buy, register
from terminal.errors import PosError
from terminal.services import audit, card_service, export, members, privacy, refunds

PHONE, NAME, BIRTHDAY = "13987654321", "欧阳娜娜", "1990-05-06"


def test_export_holds_profile_cards_coupons_points_and_sales(term, admin, tmp_path):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME, birthday=BIRTHDAY)
    privacy.update_profile(term, admin, member_id, marketing_consent=True, at=at("2026-10-01 09:05"))
    sale = buy(term, admin, member_id, at("2026-10-03 10:00"), ("general", 20000), ("fresh", 5000))
    refunds.refund(term, admin, sale["receipt_no"], [(2, None)], at("2026-10-04 10:00"))
    card = card_service.issue(term, admin, member_id, at=at("2026-10-05 10:00"))
    members.adjust_points(term, admin, member_id, 30, "补偿", at("2026-10-06 10:00"))

    doc = export.export_member(term, admin, "4321", at=at("2026-10-07 10:00"))

    assert doc["format"] == export.FORMAT and doc["exported_at"].startswith("2026-10-07T10:00")
    m = doc["member"]
    assert (m["member_id"], m["phone"], m["name"], m["birthday"]) == (member_id, "+86" + PHONE, NAME, BIRTHDAY)
    assert m["marketing_consent"] is True and m["consent_at"].startswith("2026-10-01T09:05")
    assert [c["card_id"] for c in doc["cards"]] == [card.card_id]
    assert "payload" not in doc["cards"][0]  # the card's signed payload is a credential, not data about them
    assert [c["template"] for c in doc["coupons"]] == ["WELCOME"]
    assert {p["kind"] for p in doc["points_history"]} >= {"points_earned", "points_reversed", "points_adjusted"}
    assert doc["points_balance"] == sum(p["delta"] for p in doc["points_history"])
    (s,) = doc["sales"]
    assert s["receipt_no"] == sale["receipt_no"] and len(s["lines"]) == 2 and s["refunded_fen"] > 0

    path = export.write_json(doc, tmp_path / "out" / "member.json")
    assert json.loads(path.read_text("utf-8")) == json.loads(json.dumps(doc))
    assert NAME in path.read_text("utf-8")  # UTF-8, not \\u escapes: readable by the member

    row = term.store.one("SELECT staff_id, action, detail FROM audit ORDER BY id DESC LIMIT 1")
    assert (row["staff_id"], row["action"]) == ("admin", "member_exported")
    detail = json.loads(row["detail"])
    assert detail["member_id"] == member_id and detail["counts"]["sales"] == 1
    for needle in (PHONE, PHONE[-8:], NAME, BIRTHDAY, str(path)):
        assert needle not in row["detail"]
    assert audit.verify(term) == (True, None)


def test_an_erased_member_exports_without_personal_data(term, admin):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME, birthday=BIRTHDAY)
    buy(term, admin, member_id, at("2026-10-03 10:00"), ("general", 20000))
    privacy.erase(term, admin, member_id, "本人要求", at("2026-10-04 10:00"))
    doc = export.export_member(term, admin, member_id)
    assert doc["member"]["status"] == "erased" and doc["member"]["phone"] is None and len(doc["sales"]) == 1
    text = json.dumps(doc, ensure_ascii=False)
    for needle in (PHONE, NAME, BIRTHDAY):
        assert needle not in text


def test_only_a_manager_exports(term, admin, cashier):
    register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME)
    before = term.store.scalar("SELECT COUNT(*) FROM audit")
    with pytest.raises(PosError) as exc:
        export.export_member(term, cashier, PHONE)
    assert exc.value.code == "forbidden"
    assert term.store.scalar("SELECT COUNT(*) FROM audit") == before


def test_default_path_is_in_the_data_folder_and_names_no_one(term, admin, data_dir_of):
    member_id = register(term, admin, PHONE, at("2026-10-01 09:00"), name=NAME)
    path = export.default_path(term, member_id, at("2026-10-07 10:00"))
    assert path.parent == data_dir_of(term) / "exports"
    assert path.name == f"member-{member_id}-20261007-100000.json"


def test_a_file_that_cannot_be_written_is_a_clear_error(term, admin, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(PosError) as exc:
        export.write_json({"a": 1}, blocker / "member.json")
    assert exc.value.code == "export_write_failed" and "member.json" in exc.value.message()
    assert not list(tmp_path.glob("**/.export-*"))


@pytest.fixture
def data_dir_of():
    from pathlib import Path

    def folder(t):
        return Path(t.store.conn.execute("PRAGMA database_list").fetchone()[2]).parent

    return folder
