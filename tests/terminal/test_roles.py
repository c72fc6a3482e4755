"""A cashier cannot reach any manager action: every manager service refuses a cashier with
`forbidden` and writes nothing (no event, no audit row), and so does every manager CLI command.
The UI side (no station for a cashier, F9 refused) is in tests/ui/test_station.py."""

from __future__ import annotations

import sqlite3

import pytest

from cli_runner import cli_runner
from terminal.cli import main
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.rules import default_rules_text
from terminal.services import (
    audit, card_service, checkout, export, maintenance, member_history, member_search, members, privacy,
    products, refunds, setup, staff,
)

PHONE = "13987654321"


def _counts(t) -> tuple[int, int]:
    return (int(t.store.scalar("SELECT COUNT(*) FROM events")), int(t.store.scalar("SELECT COUNT(*) FROM audit")))


MANAGER_SERVICES = {
    "search members": lambda t, a, m, s: member_search.search(t, a, PHONE),
    "member history": lambda t, a, m, s: member_history.history(t, a, m),
    "export personal data": lambda t, a, m, s: export.export_member(t, a, PHONE),
    "change a phone": lambda t, a, m, s: privacy.update_profile(t, a, PHONE, phone="13612348765"),
    "blacklist": lambda t, a, m, s: privacy.blacklist(t, a, PHONE, "测试"),
    "lift a blacklist": lambda t, a, m, s: privacy.unblacklist(t, a, PHONE),
    "erase": lambda t, a, m, s: privacy.erase(t, a, PHONE, "顾客要求"),
    "issue or replace a card": lambda t, a, m, s: card_service.issue(t, a, PHONE),
    "adjust points": lambda t, a, m, s: members.adjust_points(t, a, PHONE, 100, reason="补积分"),
    "give a coupon": lambda t, a, m, s: members.give_coupon(t, a, PHONE, "RECALL"),
    "refund": lambda t, a, m, s: refunds.refund(t, a, s),
    "maintain": lambda t, a, m, s: maintenance.maintain(t, a),
    "import products": lambda t, a, m, s: products.import_csv(t, a, "/nonexistent.csv"),
    "load rules": lambda t, a, m, s: setup.load_rules(t, a, default_rules_text()),
    "list staff": lambda t, a, m, s: staff.list_staff(t, a),
    "add staff": lambda t, a, m, s: staff.add_staff(t, a, "c2", "小王", "cashier", "2468"),
    "reset a PIN": lambda t, a, m, s: staff.reset_pin(t, a, "admin", "9999"),
    "change a role": lambda t, a, m, s: staff.set_role(t, a, "c1", "manager"),
    "deactivate staff": lambda t, a, m, s: staff.set_active(t, a, "admin", False),
    "read the audit log": lambda t, a, m, s: audit.recent(t, a),
    "check the audit chain": lambda t, a, m, s: audit.check(t, a),
}


@pytest.fixture
def shop(term, admin):
    staff.add_staff(term, admin, "c1", "小李", "cashier", "5678")
    member = members.register(term, admin, PHONE, name="欧阳娜娜").member_id
    sale = checkout.sale(term, admin, checkout.SaleRequest((CartLine("general", 10_000),), member)).document
    return member, sale["receipt_no"]


@pytest.mark.parametrize("action", sorted(MANAGER_SERVICES))
def test_every_manager_service_refuses_a_cashier_and_changes_nothing(term, cashier, shop, action):
    member, receipt = shop
    before = _counts(term)
    with pytest.raises(PosError) as refused:
        MANAGER_SERVICES[action](term, cashier, member, receipt)
    assert refused.value.code == "forbidden"
    assert "店长" in refused.value.message("zh") or "管理员" in refused.value.message("zh")
    assert _counts(term) == before


def test_the_same_services_work_for_a_manager(term, admin, shop):
    """The refusals above are about the role, not about a call that could never work."""
    member, receipt = shop
    staff.add_staff(term, admin, "m1", "店长", "manager", "1357")
    manager = staff.sign_in(term, "m1", "1357")
    assert member_search.search(term, manager, PHONE)[0]["member_id"] == member
    assert member_history.history(term, manager, member)["sales"]
    assert members.adjust_points(term, manager, PHONE, 100, reason="补积分").delta == 100
    assert card_service.issue(term, manager, PHONE).payload
    assert refunds.refund(term, manager, receipt)
    assert [s["staff_id"] for s in staff.list_staff(term, manager)]


MANAGER_COMMANDS = [
    ("member", "blacklist", PHONE, "--reason", "x"),
    ("member", "unblacklist", PHONE),
    ("member", "erase", PHONE, "--reason", "顾客要求"),
    ("member", "export", PHONE),
    ("member", "edit", PHONE, "--phone", "13612348765"),
    ("points", "adjust", PHONE, "100", "--reason", "补积分"),
    ("coupon", "issue", PHONE, "RECALL"),
    ("card", "issue", PHONE),
    ("maintain",),
    ("staff", "add", "c2", "--name", "小王", "--role", "cashier", "--pin", "2468"),
    ("staff", "list",),
    ("staff", "reset-pin", "admin", "--pin", "9999"),
    ("staff", "set-role", "c1", "manager"),
]


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    run = cli_runner(main, tmp_path / "till", monkeypatch, capsys)
    assert run("staff", "add", "c1", "--name", "收银员", "--role", "cashier", "--pin", "1234")[0] == 0
    assert run("member", "add", "--phone", PHONE, "--name", "欧阳娜娜")[0] == 0
    return run


def _db_counts(cli) -> tuple[int, int]:
    with sqlite3.connect(cli.data / "terminal.db") as conn:
        return tuple(conn.execute("SELECT (SELECT COUNT(*) FROM events),"  # each command signs in (audited)
                                  " (SELECT COUNT(*) FROM audit WHERE action != 'sign_in')").fetchone())


def test_every_manager_command_refuses_a_cashier_and_changes_nothing(cli):
    code, sale, _ = cli("sale", "--member", PHONE, "--line", "general:100")
    assert code == 0
    for args in (*MANAGER_COMMANDS, ("refund", sale["receipt_no"])):
        before = _db_counts(cli)
        code, doc, _ = cli(*args, staff="c1")
        assert code == 1 and doc["error"]["code"] == "forbidden", args
        assert _db_counts(cli) == before, args
    assert not (cli.data / "exports").exists()


def test_export_through_the_cli_writes_the_file_and_an_audit_row_without_the_phone(cli, tmp_path):
    out = tmp_path / "export.json"
    code, doc, _ = cli("member", "export", PHONE, "--out", str(out))
    assert code == 0 and doc["file"] == str(out)
    assert PHONE in out.read_text("utf-8")
    with sqlite3.connect(cli.data / "terminal.db") as conn:
        rows = conn.execute("SELECT action, detail FROM audit WHERE action = 'member_exported'").fetchall()
    assert len(rows) == 1 and PHONE not in rows[0][1]
