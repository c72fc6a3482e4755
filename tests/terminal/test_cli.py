"""The pos-terminal CLI: the JSON contract, the worked example end to end, and clean refusals."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import cli_runner

from terminal.cli import main

SALE_KEYS = {"sale_id", "receipt_no", "occurred_at", "member", "lines", "subtotal_fen", "tier_discount_fen",
             "coupon_discount_fen", "points_redeemed", "points_value_fen", "payable_fen", "points_earned",
             "bonus_points", "points_balance", "next_tier", "to_next_tier_fen", "nudge", "expiring_points"}
LINE_KEYS = {"category", "qty", "unit_price_fen", "amount_fen", "tier_discount_fen", "coupon_discount_fen",
             "points_value_fen", "points"}
MEMBER_KEYS = {"member_id", "phone_masked", "name", "tier", "tier_since", "points_balance", "lifecycle", "at_risk",
               "coupons"}


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run `pos-terminal --json --data-dir TMP ...`; returns (exit code, JSON document, stderr)."""
    return cli_runner(main, tmp_path / "till", monkeypatch, capsys)


def _events(cli) -> int:
    with sqlite3.connect(cli.data / "terminal.db") as conn:
        return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]


def test_worked_example_through_the_cli(cli):
    code, member, _ = cli("member", "add", "--phone", "13812345678", "--name", "张伟", "--at", "2026-10-01T09:00")
    assert code == 0 and MEMBER_KEYS <= member.keys()
    code, first, _ = cli("sale", "--member", "5678", "--line", "general:2000", "--at", "2026-11-01T10:00")
    assert code == 0 and first["member"]["tier_after"] == "silver"
    code, coupon, _ = cli("coupon", "issue", "13812345678", "RECALL", "--at", "2026-11-10T09:00")
    assert code == 0
    args = ["--member", "138 1234 5678", "--line", "fresh:120", "--line", "general:80.00", "--line", "tobacco:¥30",
            "--coupon", coupon["code"], "--redeem", "500", "--at", "2026-11-21T10:00"]
    code, quoted, _ = cli("quote", *args)
    assert code == 0 and quoted["sale_id"] is None
    code, sale, _ = cli("sale", *args)
    assert code == 0
    assert SALE_KEYS <= sale.keys() and all(LINE_KEYS <= line.keys() for line in sale["lines"])
    assert sale["occurred_at"].startswith("2026-11-21T10:00:00") and sale["occurred_at"].endswith("+08:00")
    assert sale["member"]["tier_before"] == "silver" and sale["member"]["phone_masked"] == "138****5678"
    assert [(ln["tier_discount_fen"], ln["coupon_discount_fen"], ln["points_value_fen"]) for ln in sale["lines"]] == [
        (600, 1800, 253), (400, 1200, 168), (0, 0, 79)]
    assert sale["payable_fen"] == 18500 and sale["points_earned"] == 486 and sale["points_redeemed"] == 500
    assert sale["next_tier"] == "gold" and sale["to_next_tier_fen"] == 1000000 - 200000 - 18500
    assert quoted["payable_fen"] == sale["payable_fen"] and quoted["points_balance"] == sale["points_balance"]
    code, shown, _ = cli("member", "show", member["member_id"], "--at", "2026-11-21T11:00")
    assert shown["points_balance"] == sale["points_balance"]
    assert {c["template"]: c["status"] for c in shown["coupons"]} == {"RECALL": "used", "WELCOME": "expired"}


def test_text_output_is_a_receipt(cli):
    cli("member", "add", "--phone", "13812345678", "--at", "2026-11-01T09:00")
    code, text, _ = cli("sale", "--member", "13812345678", "--line", "fresh:50x2", "--at", "2026-11-03T10:00",
                        json_out=False)
    assert code == 0 and "小票号" in text and "¥100.00" in text and "138****5678" in text


def test_a_refund_says_which_points_given_back_had_expired(cli):
    cli("member", "add", "--phone", "13812345678", "--at", "2025-09-01T09:00")
    cli("points", "adjust", "13812345678", "1000", "--reason", "迁移旧积分", "--at", "2025-09-01T10:00")
    code, sale, _ = cli("sale", "--member", "5678", "--line", "general:50", "--redeem", "300",
                        "--at", "2026-08-20T10:00")
    assert code == 0 and sale["points_redeemed"] == 300
    code, done, _ = cli("maintain", "--at", "2026-10-01T12:00")  # the adjusted points' lot has expired by then
    assert code == 0 and done["points_expired"] == 700
    code, text, _ = cli("refund", sale["receipt_no"], "--at", "2026-10-02T10:00", json_out=False)
    assert code == 0 and "退回积分 300（其中 300 分已过有效期，不计入余额），积分余额 0" in text


def test_several_matches_for_last_four_are_listed_not_guessed(cli):
    cli("member", "add", "--phone", "13812345678")
    cli("member", "add", "--phone", "13912345678")
    code, doc, err = cli("member", "show", "5678")
    assert code == 1 and doc["error"]["code"] == "member_ambiguous"
    assert [m["phone_masked"] for m in doc["error"]["matches"]] == ["138****5678", "139****5678"]
    code, _, err = cli("member", "show", "5678", json_out=False)
    assert "138****5678" in err and "139****5678" in err


BAD = [
    (("member", "add", "--phone", "1381234"), "phone_invalid"),
    (("member", "add", "--phone", "+86 138 1234 567a"), "phone_invalid"),
    (("sale", "--line", "snacks:10"), "category_unknown"),
    (("sale", "--line", "general:-10"), "amount_invalid"),
    (("sale", "--line", "general:99999999999"), "amount_out_of_range"),
    (("sale", "--line", "general:0"), "amount_out_of_range"),
    (("sale", "--line", "general:10x0"), "quantity_invalid"),
    (("sale", "--line", "general"), "line_invalid"),
    (("sale", "--line", "general:10", "--at", "yesterday"), "date_invalid"),
    (("sale", "--member", "13812345678", "--line", "general:100", "--redeem", "5100"), "redeem_over_cap"),
    (("sale", "--member", "13812345678", "--line", "general:100", "--redeem", "150"), "redeem_step"),
    (("sale", "--member", "13812345678", "--line", "general:100", "--coupon", "NOSUCHCODE"), "coupon_not_found"),
    (("card", "verify", "PM1.0000000000000000.x.y.1.zz"), "card_malformed"),
    (("refund", "NOPE-000001"), "sale_not_found"),
    (("points", "adjust", "13812345678", "50", "--reason", " "), "adjust_reason_required"),
]


@pytest.mark.parametrize("args, code", BAD, ids=[c for _, c in BAD])
def test_bad_input_is_refused_with_one_clear_line_and_changes_nothing(cli, args, code):
    cli("member", "add", "--phone", "13812345678", "--at", "2026-11-01T09:00")
    cli("points", "adjust", "13812345678", "10000", "--reason", "测试")
    before = _events(cli)
    exit_code, doc, err = cli(*args)
    assert exit_code == 1 and doc["error"]["code"] == code
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _events(cli) == before


def test_a_tampered_card_is_refused(cli, tmp_path):
    cli("member", "add", "--phone", "13812345678")
    cli("member", "add", "--phone", "13912345678")
    code, card, _ = cli("card", "issue", "13812345678", "--out", str(tmp_path / "card.png"))
    assert code == 0 and (tmp_path / "card.png").stat().st_size > 1000
    code, ok, _ = cli("card", "verify", card["payload"])
    assert code == 0 and ok["member_id"] == card["member_id"]
    flipped = card["payload"][:-3] + ("A" if card["payload"][-3] != "A" else "B") + card["payload"][-2:]
    code, doc, _ = cli("card", "verify", flipped)
    assert code == 1 and doc["error"]["code"] in ("card_forged", "card_malformed")


def test_wrong_pin_then_lockout(cli, monkeypatch):
    monkeypatch.setenv("POS_PIN", "9999")
    codes = [cli("member", "show", "13812345678")[1]["error"]["code"] for _ in range(5)]
    assert codes == ["pin_wrong"] * 4 + ["pin_locked"]
    monkeypatch.setenv("POS_PIN", "1234")
    assert cli("member", "add", "--phone", "13812345678")[1]["error"]["code"] == "pin_locked"


def test_a_corrupt_rules_file_changes_nothing(cli, tmp_path):
    bad = tmp_path / "rules.toml"
    for text in ("this is [not toml", 'version = "x"\ncategories = []', "\xff\xfe".encode("latin-1").decode("latin-1")):
        bad.write_text(text, encoding="utf-8")
        code, doc, _ = cli("rules", "load", str(bad))
        assert code == 1 and doc["error"]["code"] == "rules_invalid"
    assert cli("rules", "show")[1]["version"] == "default-2026.1"


def test_rules_load_takes_effect(cli, tmp_path):
    from terminal.rules import default_rules_text

    text = default_rules_text().replace('version = "default-2026.1"', 'version = "double-2026.2"').replace(
        'fen_per_point = 100', 'fen_per_point = 50')
    (tmp_path / "r.toml").write_text(text, encoding="utf-8")
    assert cli("rules", "load", str(tmp_path / "r.toml"))[1]["version"] == "double-2026.2"
    cli("member", "add", "--phone", "13812345678")
    sale = cli("sale", "--member", "13812345678", "--line", "general:10", "--at", "2026-11-03T10:00")[1]
    assert sale["points_earned"] == 20


def test_init_is_idempotent(cli):
    code, doc, _ = cli("init", "--admin-pin", "1234")
    assert code == 0 and doc["created"] is False


def test_the_console_script_runs_in_a_fresh_process(tmp_path):
    env = {**os.environ, "POS_PIN": "4321", "POS_PIN_HASH_FAST": "1", "POS_DATA_DIR": str(tmp_path / "d")}
    exe = Path(sys.executable).parent / "pos-terminal"
    run = lambda *a: subprocess.run([str(exe), "--json", *a], env=env, capture_output=True, text=True, timeout=60)  # noqa: E731
    assert run("init", "--demo").returncode == 0
    shown = run("member", "show", "13812345678")
    assert shown.returncode == 0 and json.loads(shown.stdout)["phone_masked"] == "138****5678"
    failed = run("member", "show", "13700001111")
    assert failed.returncode == 1 and json.loads(failed.stdout)["error"]["code"] == "member_not_found"
