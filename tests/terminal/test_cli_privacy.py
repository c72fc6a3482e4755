"""pos-terminal member edit / blacklist / unblacklist / erase: JSON out, clear refusals, roles."""

from __future__ import annotations

import json
import sqlite3

import pytest
from cli_runner import cli_runner

from terminal.cli import main

PHONE = "13987654321"
NAME = "欧阳娜娜"


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run `pos-terminal --json --data-dir TMP [--staff ID] ...`; returns (exit code, JSON document, stderr)."""
    run = cli_runner(main, tmp_path / "till", monkeypatch, capsys)
    assert run("staff", "add", "c1", "--name", "收银员", "--role", "cashier", "--pin", "1234")[0] == 0
    return run


def _events(cli) -> list[tuple[str, dict]]:
    with sqlite3.connect(cli.data / "terminal.db") as conn:
        return [(k, json.loads(p)) for k, p in conn.execute("SELECT kind, payload FROM events ORDER BY seq")]


def test_edit_profile_and_consent(cli):
    code, member, _ = cli("member", "add", "--phone", PHONE, "--name", NAME, "--at", "2026-10-01T09:00")
    assert code == 0
    code, doc, _ = cli("member", "edit", "4321", "--name", "欧阳娜", "--birthday", "1990-05-06", "--consent", "yes",
                       "--at", "2026-10-02T09:30")
    assert code == 0
    assert (doc["name"], doc["birthday"], doc["marketing_consent"]) == ("欧阳娜", "1990-05-06", True)
    assert doc["consent_at"].startswith("2026-10-02T09:30:00") and doc["member_id"] == member["member_id"]
    assert sorted(doc["changed_fields"]) == ["birthday", "marketing_consent", "name"]
    assert ("member_updated", {"name": "欧阳娜", "birthday": "1990-05-06"}) in _events(cli)
    code, doc, _ = cli("member", "edit", "4321", "--name", "欧阳一", staff="c1")
    assert code == 0 and doc["name"] == "欧阳一"
    code, text, _ = cli("member", "show", "4321", json_out=False)
    assert "欧阳一" in text and "营销同意 是" in text
    code, doc, err = cli("member", "edit", "4321", "--phone", "13612348765", staff="c1")
    assert code == 1 and doc["error"]["code"] == "forbidden"
    code, doc, _ = cli("member", "edit", "4321", "--phone", "13612348765")
    assert code == 0 and doc["phone_masked"] == "136****8765"
    code, doc, _ = cli("member", "edit", "8765")
    assert code == 1 and doc["error"]["code"] == "profile_nothing"


def test_blacklist_refuses_the_sale_with_the_reason_until_lifted(cli):
    cli("member", "add", "--phone", PHONE, "--at", "2026-10-01T09:00")
    code, doc, _ = cli("member", "blacklist", "4321", "--reason", "多次恶意退货")
    assert code == 0 and doc["status"] == "blacklisted" and doc["blacklist_reason"] == "多次恶意退货"
    code, doc, _ = cli("sale", "--member", "4321", "--line", "general:10")
    assert code == 1 and doc["error"]["code"] == "member_blacklisted" and "多次恶意退货" in doc["error"]["message"]
    code, _, err = cli("sale", "--member", "4321", "--line", "general:10", json_out=False)
    assert code == 1 and "多次恶意退货" in err
    code, doc, _ = cli("member", "unblacklist", "4321")
    assert code == 0 and doc == {"member_id": doc["member_id"], "status": "active", "blacklist_reason": None}
    assert cli("sale", "--member", "4321", "--line", "general:10")[0] == 0
    code, doc, _ = cli("member", "unblacklist", "4321")
    assert code == 1 and doc["error"]["code"] == "member_not_blacklisted"


def test_a_cashier_cannot_blacklist_or_erase_through_the_cli(cli):
    cli("member", "add", "--phone", PHONE, "--name", NAME)
    before = _events(cli)
    for args in (("member", "blacklist", "4321", "--reason", "x"), ("member", "unblacklist", "4321"),
                 ("member", "erase", "4321", "--reason", "顾客要求")):
        code, doc, _ = cli(*args, staff="c1")
        assert code == 1 and doc["error"]["code"] == "forbidden", args
    assert _events(cli) == before


def test_erase_through_the_cli(cli):
    code, member, _ = cli("member", "add", "--phone", PHONE, "--name", NAME, "--at", "2026-10-01T09:00")
    cli("sale", "--member", "4321", "--line", "general:100", "--at", "2026-10-02T10:00")
    with pytest.raises(SystemExit):  # --reason is required (argparse)
        cli("member", "erase", "4321")
    code, doc, _ = cli("member", "erase", "4321", "--reason", "本人要求注销", "--at", "2026-10-03T10:00")
    assert code == 0 and doc["status"] == "erased" and doc["member_id"] == member["member_id"]
    assert doc["events_scrubbed"] == 1 and doc["checkpointed"] is True
    assert _events(cli)[-1] == ("member_erased", {"reason": "本人要求注销"})
    code, doc, _ = cli("member", "show", "4321")
    assert code == 1 and doc["error"]["code"] == "member_not_found"
    code, doc, _ = cli("member", "show", member["member_id"])
    assert code == 0 and (doc["status"], doc["name"], doc["phone_masked"]) == ("erased", None, "***")
    assert doc["points_balance"] == 100
    code, doc, _ = cli("sale", "--member", member["member_id"], "--line", "general:10")
    assert code == 1 and doc["error"]["code"] == "member_erased"
    code, doc, _ = cli("member", "erase", member["member_id"], "--reason", "again")
    assert code == 1 and doc["error"]["code"] == "member_erased"
    content = b"".join(p.read_bytes() for p in cli.data.glob("terminal.db*"))
    assert PHONE.encode() not in content and NAME.encode() not in content
