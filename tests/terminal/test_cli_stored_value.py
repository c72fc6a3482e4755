"""The CLI of stored value and paid membership: `sv topup|show`, `sale --pay stored_value`,
`membership buy|show`, the new member-view fields, and clean refusals in both languages."""

from __future__ import annotations

import sqlite3

import pytest
from cli_runner import cli_runner

from terminal.cli import main


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    run = cli_runner(main, tmp_path / "till", monkeypatch, capsys)
    assert run("member", "add", "--phone", "13812345678", "--name", "张伟", "--at", "2026-11-01T09:00")[0] == 0
    assert run("staff", "add", "c1", "--name", "收银员", "--role", "cashier", "--pin", "1234")[0] == 0
    return run


def _events(cli) -> int:
    with sqlite3.connect(cli.data / "terminal.db") as conn:
        return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def test_top_up_pay_and_show(cli):
    code, topped, _ = cli("sv", "topup", "5678", "500", "--pay", "wechat", "--at", "2026-11-02T10:00", staff="c1")
    assert code == 0
    assert (topped["paid_fen"], topped["bonus_fen"], topped["amount_fen"], topped["stored_value_fen"]) == (
        50_000, 5_000, 55_000, 55_000)
    assert topped["pay_method"] == "wechat" and topped["phone_masked"] == "138****5678"
    code, sale, _ = cli("sale", "--member", "5678", "--line", "general:120", "--pay", "stored_value",
                        "--at", "2026-11-03T10:00", staff="c1")
    assert code == 0 and sale["pay_method"] == "stored_value"
    assert sale["stored_value_paid_fen"] == sale["payable_fen"] == 12_000
    assert sale["stored_value_balance_fen"] == 43_000
    code, shown, _ = cli("sv", "show", "5678", "--at", "2026-11-03T11:00")
    assert code == 0 and shown["stored_value_fen"] == 43_000
    assert [(h["kind"], h["amount_fen"]) for h in shown["history"]] == [
        ("stored_value_topup", 55_000), ("stored_value_spent", -12_000)]
    code, member, _ = cli("member", "show", "5678", "--at", "2026-11-03T11:00")
    assert member["stored_value_fen"] == 43_000 and member["paid_tier"] is None and member["paid_until"] is None
    code, refund, _ = cli("refund", sale["receipt_no"], "--at", "2026-11-04T10:00")
    assert code == 0 and refund["stored_value_refunded_fen"] == 12_000 and refund["stored_value_balance_fen"] == 55_000


def test_text_output(cli):
    code, text, _ = cli("sv", "topup", "5678", "499.99", "--at", "2026-11-02T10:00", json_out=False)
    assert code == 0 and "充值 ¥499.99" in text and "赠送" not in text and "储值余额 ¥499.99" in text
    code, text, _ = cli("sale", "--member", "5678", "--line", "general:100", "--pay", "stored_value",
                        "--at", "2026-11-03T10:00", json_out=False)
    assert code == 0 and "储值卡" in text and "储值支付" in text and "¥399.99" in text
    code, text, _ = cli("sv", "show", "5678", json_out=False)
    assert code == 0 and "储值余额 ¥399.99" in text and "消费  -¥100.00" in text
    code, text, _ = cli("membership", "buy", "5678", "--at", "2026-11-03T11:00", json_out=False)
    assert code == 0 and "已开通付费会员（金卡会员）" in text and "2027-11-03" in text
    code, text, _ = cli("member", "show", "5678", "--at", "2026-11-03T12:00", json_out=False)
    assert "等级 金卡会员" in text and "储值 ¥399.99" in text and "付费会员 金卡会员 至 2027-11-03" in text


def test_paid_membership_through_the_cli(cli):
    code, bought, _ = cli("membership", "buy", "13812345678", "--pay", "card", "--at", "2026-11-02T10:00",
                          staff="c1")
    assert code == 0 and bought["tier"] == "gold" and bought["fee_fen"] == 19_900 and bought["renewal"] is False
    code, renewed, _ = cli("membership", "buy", "5678", "--at", "2027-10-01T10:00")
    assert code == 0 and renewed["renewal"] is True and renewed["starts_at"] == bought["ends_at"]
    code, shown, _ = cli("membership", "show", "5678", "--at", "2027-10-02T10:00")
    assert code == 0 and shown["paid_until"] == renewed["ends_at"] and len(shown["grants"]) == 2
    code, member, _ = cli("member", "show", "5678", "--at", "2026-11-03T10:00")
    assert (member["tier"], member["earned_tier"], member["paid_tier"]) == ("gold", "regular", "gold")
    code, sale, _ = cli("sale", "--member", "5678", "--line", "general:100", "--at", "2026-11-03T10:00")
    assert sale["tier_discount_fen"] == 1_000 and sale["member"]["tier_before"] == "gold"


def test_refusals_exit_1_and_change_nothing(cli, monkeypatch):
    cli("sv", "topup", "5678", "10", "--at", "2026-11-02T10:00")
    events = _events(cli)
    code, err, _ = cli("sale", "--member", "5678", "--line", "general:10.01", "--pay", "stored_value",
                       "--at", "2026-11-03T10:00")
    assert code == 1 and err["error"]["code"] == "stored_value_insufficient" and "¥10.00" in err["error"]["message"]
    code, err, _ = cli("sv", "topup", "5678", "0.99")
    assert code == 1 and err["error"]["code"] == "stored_value_topup_min"
    code, err, _ = cli("sv", "topup", "5678", "abc")
    assert code == 1 and err["error"]["code"] == "amount_invalid"
    monkeypatch.setenv("POS_LANG", "en")
    code, _, stderr = cli("sale", "--member", "5678", "--line", "general:20", "--pay", "stored_value",
                          json_out=False)
    assert code == 1 and "Not enough stored value" in stderr
    code, text, _ = cli("sv", "show", "5678", json_out=False)
    assert code == 0 and "stored value ¥10.00" in text
    assert _events(cli) == events
