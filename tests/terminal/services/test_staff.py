"""Managing staff: who may do what (checked in the service, whatever a screen shows), PIN resets
that take effect at once, the last admin kept, every change audited with no PIN in it."""

from __future__ import annotations

import json

import pytest

from storetime import at
from terminal.errors import PosError
from terminal.services import audit, staff

NOW = at("2026-11-02 10:00")


def code(fn, *args, **kw) -> str:
    with pytest.raises(PosError) as err:
        fn(*args, **kw)
    return err.value.code


@pytest.fixture
def team(term, admin):
    staff.add_staff(term, admin, "m01", "王店长", "manager", "4321")
    staff.add_staff(term, admin, "c01", "小李", "cashier", "5678")
    return {"admin": admin, "manager": staff.sign_in(term, "m01", "4321"), "cashier": staff.sign_in(term, "c01", "5678")}


def test_list_shows_roles_active_and_locked(term, team):
    for _ in range(5):
        with pytest.raises(PosError):
            staff.sign_in(term, "c01", "0000")
    rows = {r["staff_id"]: r for r in staff.list_staff(term, team["manager"])}
    assert set(rows) == {"admin", "m01", "c01"}
    assert rows["c01"]["locked"] and rows["c01"]["locked_until"] and not rows["admin"]["locked"]
    assert rows["m01"]["role"] == "manager" and rows["m01"]["name"] == "王店长" and rows["m01"]["active"]
    # a manager manages cashiers only; an admin everyone
    assert [rows[s]["manageable"] for s in ("admin", "m01", "c01")] == [False, False, True]
    assert all(r["manageable"] for r in staff.list_staff(term, team["admin"]))
    assert all("pin" not in k for r in rows.values() for k in r)


def test_a_cashier_cannot_manage_staff(term, team):
    c = team["cashier"]
    assert code(staff.list_staff, term, c) == "forbidden"
    assert code(staff.add_staff, term, c, "c02", "小张", "cashier", "1111") == "forbidden"
    assert code(staff.reset_pin, term, c, "c01", "9999") == "forbidden"
    assert code(staff.set_role, term, c, "c01", "manager") == "forbidden"
    assert code(staff.set_active, term, c, "m01", False) == "forbidden"
    assert staff.sign_in(term, "c01", "5678").role == "cashier"


def test_a_manager_manages_cashiers_only(term, team):
    m = team["manager"]
    staff.add_staff(term, m, "c02", "小张", "cashier", "1111")
    assert code(staff.add_staff, term, m, "m02", "赵", "manager", "1111") == "forbidden"
    assert code(staff.add_staff, term, m, "a02", "钱", "admin", "1111") == "forbidden"
    assert code(staff.set_role, term, m, "c02", "manager") == "forbidden"  # no promoting
    assert code(staff.set_role, term, m, "admin", "cashier") == "forbidden"  # nor demoting above
    assert code(staff.reset_pin, term, m, "admin", "9999") == "forbidden"
    staff.reset_pin(term, m, "c02", "2222")
    staff.set_active(term, m, "c02", False)
    assert code(staff.sign_in, term, "c02", "2222") == "staff_unknown"


def test_only_an_admin_creates_or_promotes_an_admin(term, team):
    a = team["admin"]
    staff.add_staff(term, a, "a02", "钱", "admin", "1111")
    staff.set_role(term, a, "m01", "admin")
    assert staff.sign_in(term, "m01", "4321").role == "admin"


def test_reset_pin_new_signs_in_old_refused_and_lockout_lifted(term, team):
    for _ in range(5):
        with pytest.raises(PosError):
            staff.sign_in(term, "c01", "0000")
    assert code(staff.sign_in, term, "c01", "5678") == "pin_locked"
    staff.reset_pin(term, team["manager"], "c01", "8765")
    assert staff.sign_in(term, "c01", "8765").staff_id == "c01"
    assert code(staff.sign_in, term, "c01", "5678") == "pin_wrong"
    assert code(staff.reset_pin, term, team["manager"], "c01", "12ab") == "pin_invalid"
    assert code(staff.reset_pin, term, team["manager"], "nobody", "1234") == "staff_not_found"


def test_the_last_admin_stays(term, team):
    a = team["admin"]
    assert code(staff.set_active, term, a, "admin", False) == "staff_self"
    staff.add_staff(term, a, "a02", "钱", "admin", "1111")
    a2 = staff.sign_in(term, "a02", "1111")
    staff.set_role(term, a2, "admin", "manager")  # two admins: one may step down
    assert code(staff.set_role, term, a2, "a02", "manager") == "last_admin"
    staff.set_role(term, a2, "admin", "admin")
    staff.set_active(term, a2, "admin", False)
    assert code(staff.set_active, term, a2, "a02", False) == "staff_self"
    assert [r["staff_id"] for r in staff.list_staff(term, a2) if r["role"] == "admin" and r["active"]] == ["a02"]


def test_a_deactivated_or_demoted_manager_loses_authority_at_once(term, team):
    stale = team["manager"]  # signed in before the change
    staff.set_role(term, team["admin"], "m01", "cashier")
    assert code(staff.add_staff, term, stale, "c03", "孙", "cashier", "1111") == "forbidden"
    staff.set_role(term, team["admin"], "m01", "manager")
    staff.set_active(term, team["admin"], "m01", False)
    assert code(staff.list_staff, term, stale) == "forbidden"
    staff.set_active(term, team["admin"], "m01", True)
    assert staff.sign_in(term, "m01", "4321").role == "manager"


def test_changes_are_audited_without_any_pin(term, team):
    a = team["admin"]
    staff.add_staff(term, a, "c09", "周", "cashier", "97531")
    staff.reset_pin(term, a, "c09", "86420")
    staff.set_role(term, a, "c09", "manager")
    staff.set_active(term, a, "c09", False)
    rows = term.store.all("SELECT staff_id, action, detail FROM audit WHERE action LIKE 'staff_%' ORDER BY id")
    tail = [(r["staff_id"], r["action"], json.loads(r["detail"])) for r in rows][-4:]
    assert tail == [
        ("admin", "staff_added", {"staff_id": "c09", "role": "cashier"}),
        ("admin", "staff_pin_reset", {"staff_id": "c09"}),
        ("admin", "staff_role_changed", {"staff_id": "c09", "old_role": "cashier", "role": "manager"}),
        ("admin", "staff_deactivated", {"staff_id": "c09"}),
    ]
    everything = json.dumps([dict(r) for r in term.store.all("SELECT * FROM audit")])
    assert "97531" not in everything and "86420" not in everything and "argon2" not in everything
    assert audit.verify(term) == (True, None)


def test_bad_input_changes_nothing(term, team):
    a = team["admin"]
    before = term.store.scalar("SELECT COUNT(*) FROM audit")
    assert code(staff.add_staff, term, a, "c01", "重复", "cashier", "1111") == "staff_exists"
    assert code(staff.add_staff, term, a, "c 2", "空格", "cashier", "1111") == "input_invalid"
    assert code(staff.add_staff, term, a, "c02", "  ", "cashier", "1111") == "staff_name_invalid"
    assert code(staff.add_staff, term, a, "c02", "x", "owner", "1111") == "input_invalid"
    assert code(staff.set_role, term, a, "c01", "owner") == "input_invalid"
    assert term.store.scalar("SELECT COUNT(*) FROM audit") == before


def test_cli_staff_list_reset_pin_set_role(tmp_path, monkeypatch, capsys):
    from cli_runner import cli_runner
    from terminal.cli import main

    run = cli_runner(main, tmp_path / "cli", monkeypatch, capsys)
    assert run("staff", "add", "c1", "--name", "收银员", "--role", "cashier", "--pin", "5678")[0] == 0
    code_, doc, _ = run("staff", "list")
    assert code_ == 0 and [(r["staff_id"], r["role"], r["active"], r["locked"]) for r in doc["staff"]] == [
        ("admin", "admin", True, False), ("c1", "cashier", True, False)]
    assert run("staff", "reset-pin", "c1", "--pin", "2468")[0] == 0
    monkeypatch.setenv("POS_PIN", "5678")
    code_, doc, _ = run("staff", "list", staff="c1")
    assert code_ == 1 and doc["error"]["code"] == "pin_wrong"
    monkeypatch.setenv("POS_PIN", "2468")
    code_, doc, _ = run("staff", "list", staff="c1")
    assert code_ == 1 and doc["error"]["code"] == "forbidden"  # a cashier
    monkeypatch.setenv("POS_PIN", "1234")
    assert run("staff", "set-role", "c1", "manager")[1] == {"staff_id": "c1", "role": "manager"}
    assert run("staff", "set-role", "admin", "cashier")[1]["error"]["code"] == "last_admin"
    code_, text, _ = run("staff", "list", json_out=False)
    assert code_ == 0 and "c1" in text and "manager" in text
    assert run("staff", "deactivate", "c1")[0] == 0
    monkeypatch.setenv("POS_PIN", "2468")
    assert run("staff", "list", staff="c1")[1]["error"]["code"] == "staff_unknown"


def test_audit_recent_and_check_for_a_screen(term, team):
    a = team["admin"]
    rows = audit.recent(term, a, 3)
    assert len(rows) == 3 and rows[0]["id"] > rows[1]["id"] > rows[2]["id"]  # newest first
    assert rows[0]["action"] == "sign_in" and rows[0]["staff_id"] == "c01" and rows[0]["staff_name"] == "小李"
    assert code(audit.recent, term, team["cashier"]) == "forbidden"
    assert code(audit.check, term, team["cashier"]) == "forbidden"
    ok = audit.check(term, team["manager"])
    assert ok["intact"] and ok["first_bad"] is None and ok["rows"] == term.store.scalar("SELECT COUNT(*) FROM audit")
    victim = rows[1]["id"]
    term.store.conn.execute("UPDATE audit SET detail = 'not json' WHERE id = ?", (victim,))
    bad = audit.check(term, team["manager"])
    assert not bad["intact"] and bad["first_bad_id"] == victim and bad["first_bad"]["detail"] == "not json"
    term.store.conn.execute("DELETE FROM audit WHERE id = ?", (victim,))
    gone = audit.check(term, team["manager"])
    assert gone["first_bad_id"] == victim + 1 and not gone["intact"]
