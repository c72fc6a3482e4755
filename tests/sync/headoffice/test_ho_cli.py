"""`pos-headoffice` admin commands: --db or POS_HEADOFFICE_DB, --json, errors as JSON with exit 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from ho_client import Till, at, random_phone
from sync.headoffice.cli import main
from sync.headoffice.db import Database
from sync.headoffice.ingest import push
from sync.headoffice import auth

ROOT = Path(__file__).resolve().parents[3]


def run(capsys, *args: str) -> tuple[int, dict]:
    code = main(list(args))
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_enroll_code_creates_the_store_and_works_once(fresh_db_url, capsys):
    code, doc = run(capsys, "enroll-code", "--store", "静安店", "--ttl", "5", "--db", fresh_db_url, "--json")
    assert code == 0 and doc["store"] == "静安店" and len(doc["code"]) == 14
    code, again = run(capsys, "--db", fresh_db_url, "--json", "enroll-code", "--store", "静安店")
    assert again["store_id"] == doc["store_id"] and again["code"] != doc["code"]


def test_terminals_list_and_revoke(fresh_db_url, capsys, monkeypatch):
    from datetime import datetime, timezone

    from sync import protocol
    from sync.headoffice import enroll

    monkeypatch.setenv("POS_HEADOFFICE_DB", fresh_db_url)
    db = Database(fresh_db_url)
    till = Till("http://unused")
    now = datetime.now(timezone.utc)
    c = enroll.create_code(db, "一号店", now)
    enroll.enroll(db, protocol.EnrollRequest(code=c.code, terminal_id=till.terminal_id, public_key=till.public_hex,
                                             name="收银1"), now)
    code, doc = run(capsys, "terminals", "--json")
    assert code == 0 and [t["terminal_id"] for t in doc["terminals"]] == [till.terminal_id]
    assert doc["terminals"][0]["store"] == "一号店" and doc["terminals"][0]["revoked_at"] is None
    code, doc = run(capsys, "terminals", "revoke", till.terminal_id, "--json")
    assert code == 0 and doc["revoked_at"]
    code, doc = run(capsys, "terminals", "revoke", "01a20000-0000-7000-8000-000000000000", "--json")
    assert code == 1 and doc["error"]["code"] == "terminal_not_found"
    db.close()


def test_rules_load(fresh_db_url, capsys, tmp_path):
    from terminal.rules import default_rules_text

    good = tmp_path / "rules.toml"
    good.write_text(default_rules_text().replace('version = "default-2026.1"', 'version = "chain-2027"'), "utf-8")
    code, doc = run(capsys, "rules", "load", str(good), "--db", fresh_db_url, "--json")
    assert (code, doc) == (0, {"version": "chain-2027", "active": True})
    bad = tmp_path / "bad.toml"
    bad.write_text("version = 1\n[tiers", "utf-8")
    code, doc = run(capsys, "rules", "load", str(bad), "--db", fresh_db_url, "--json")
    assert code == 1 and doc["error"]["code"] == "rules_invalid" and doc["error"]["message"]
    db = Database(fresh_db_url)
    with db.read() as tx:
        assert tx.scalar("SELECT version FROM rules WHERE active = 1") == "chain-2027"
    db.close()


def _member_with_conflict(db_url: str) -> tuple[str, str]:
    """Two tills redeem the same points (straight through the ingest layer): a conflict."""
    from datetime import datetime, timezone

    from sync import protocol
    from sync.headoffice import enroll

    db = Database(db_url)
    now = datetime.now(timezone.utc)
    phone = random_phone()
    tills = []
    for _ in range(2):
        till = Till("http://unused")
        c = enroll.create_code(db, "一号店", now)
        enroll.enroll(db, protocol.EnrollRequest(code=c.code, terminal_id=till.terminal_id,
                                                 public_key=till.public_hex), now)
        tills.append(till)
    member = tills[0].register(phone)
    tills[0].earn(member, 100)
    tills[0].redeem(member, 100)
    tills[1].redeem(member, 100, at(3))
    for till in tills:
        who = auth.Authenticated(till.terminal_id, "", "0" * 32, int(now.timestamp()))
        push(db, who, json.dumps({"events": till.log}).encode(), now)
    db.close()
    return member, phone


def test_conflicts_and_members_show(fresh_db_url, capsys):
    member, phone = _member_with_conflict(fresh_db_url)
    code, doc = run(capsys, "conflicts", "--db", fresh_db_url, "--json")
    assert code == 0 and [c["kind"] for c in doc["conflicts"]] == ["points_overdraft"]
    assert doc["conflicts"][0]["member_id"] == member
    for query in (phone, phone[-4:], member):
        code, doc = run(capsys, "members", "show", query, "--db", fresh_db_url, "--json")
        assert code == 0 and member in [m["member_id"] for m in doc["members"]]
    shown = [m for m in doc["members"] if m["member_id"] == member][0]
    assert shown["points_balance"] == -100
    code, doc = run(capsys, "members", "show", "01a20000-0000-7000-8000-000000000000", "--db", fresh_db_url, "--json")
    assert code == 1 and doc["error"]["code"] == "member_not_found"
    code, doc = run(capsys, "members", "show", "not a phone", "--db", fresh_db_url, "--json")
    assert code == 1 and doc["error"]["code"] == "input_invalid"


def test_text_output_and_unusable_database(tmp_path, capsys):
    db_url = str(tmp_path / "ho.db")
    assert main(["enroll-code", "--store", "一号店", "--db", db_url]) == 0
    assert "store: 一号店" in capsys.readouterr().out
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, doc = run(capsys, "conflicts", "--db", str(blocker / "ho.db"), "--json")
    assert code == 1 and doc["error"]["code"] == "db_unavailable"


def test_serve_and_the_console_script(tmp_path):
    """The real entry point serves /docs and the OpenAPI document with the v1 paths."""
    from ho_servers import HeadOffice

    server = HeadOffice(str(tmp_path / "ho.db"), tmp_path)
    try:
        spec = httpx.get(server.url + "/openapi.json").json()
        assert {"/v1/enroll", "/v1/events", "/v1/changes", "/v1/health"} <= set(spec["paths"])
        assert httpx.get(server.url + "/docs").status_code == 200
    finally:
        server.stop()
    result = subprocess.run([sys.executable, "-m", "sync.headoffice.cli", "--help"], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0 and "enroll-code" in result.stdout
