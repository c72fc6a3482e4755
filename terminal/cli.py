"""`pos-terminal`: the headless shell over the services, for store IT scripts and for entering
paper slips after an outage. `--json` prints exactly one JSON document per command."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
import uuid
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

import platformdirs

from terminal import clock as clocks
from terminal.errors import PosError
from terminal.services import (
    audit, card_service, checkout, export, maintenance, members, membership, privacy, refunds, setup, staff, stored_value,
)
from terminal.services.context import Actor, Terminal, open_terminal

log = logging.getLogger("pos-terminal")


def default_data_dir() -> Path:
    return Path(os.environ.get("POS_DATA_DIR") or platformdirs.user_data_dir("pos-terminal", "pos-membership"))


Extend = Callable[[Any], None]  # gets the subparsers action, adds commands
Runner = Callable[[argparse.Namespace, Terminal], tuple[Any, str]]


def build_parser(extend: Extend | None = None) -> argparse.ArgumentParser:
    """The parser; `extend` adds commands of a layer above (sync's enroll, sync and status)."""
    p = argparse.ArgumentParser(prog="pos-terminal", description="POS membership terminal")
    p.add_argument("--data-dir", type=Path, default=None, help="data folder (env POS_DATA_DIR)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--staff", default="admin", help="staff id (PIN from env POS_PIN or a prompt)")
    sub = p.add_subparsers(dest="command")

    init = sub.add_parser("init", help="set up this terminal (idempotent)")
    init.add_argument("--store-name")
    init.add_argument("--admin-pin")
    init.add_argument("--demo", action="store_true", help="add demo members and products")

    member = sub.add_parser("member").add_subparsers(dest="action", required=True)
    add = member.add_parser("add")
    add.add_argument("--phone", required=True)
    add.add_argument("--name")
    add.add_argument("--birthday")
    add.add_argument("--referrer")
    add.add_argument("--at")
    show = member.add_parser("show")
    show.add_argument("query")
    show.add_argument("--at")
    edit = member.add_parser("edit", help="correct the profile (a phone change needs a manager)")
    edit.add_argument("query")
    edit.add_argument("--name", help='new name ("" clears it)')
    edit.add_argument("--birthday", help='YYYY-MM-DD ("" clears it)')
    edit.add_argument("--phone")
    edit.add_argument("--consent", choices=("yes", "no"), help="marketing consent, recorded with its time")
    edit.add_argument("--at")
    ban = member.add_parser("blacklist", help="refuse the member at the checkout (manager)")
    ban.add_argument("query")
    ban.add_argument("--reason", required=True)
    ban.add_argument("--at")
    unban = member.add_parser("unblacklist", help="lift a blacklist (manager)")
    unban.add_argument("query")
    unban.add_argument("--at")
    erase = member.add_parser("erase", help="erase name, phone and birthday for good (PIPL; manager)")
    erase.add_argument("query")
    erase.add_argument("--reason", required=True)
    erase.add_argument("--at")
    export = member.add_parser("export", help="the member's personal data as a JSON file (manager; audited)")
    export.add_argument("query")
    export.add_argument("--out", type=Path, help="file to write (default: DATA_DIR/exports/member-ID-TIME.json)")
    export.add_argument("--at")

    for name in ("quote", "sale"):
        s = sub.add_parser(name)
        s.add_argument("--member")
        s.add_argument("--line", action="append", default=[], required=True, metavar="CATEGORY:AMOUNT[xQTY]")
        s.add_argument("--coupon")
        s.add_argument("--redeem", type=int, default=0, metavar="POINTS")
        s.add_argument("--pay", default="cash", choices=checkout.PAY_METHODS)
        s.add_argument("--at")

    refund = sub.add_parser("refund")
    refund.add_argument("sale")
    refund.add_argument("--line", action="append", default=[], metavar="N[:QTY]")
    refund.add_argument("--at")

    pts = sub.add_parser("points").add_subparsers(dest="action", required=True)
    adjust = pts.add_parser("adjust")
    adjust.add_argument("query")
    adjust.add_argument("delta", type=int)
    adjust.add_argument("--reason", required=True)
    adjust.add_argument("--at")

    coupon = sub.add_parser("coupon").add_subparsers(dest="action", required=True)
    give = coupon.add_parser("issue", help="give a member a coupon from a template (manager)")
    give.add_argument("query")
    give.add_argument("template")
    give.add_argument("--at")

    sv = sub.add_parser("sv", help="stored value (储值)").add_subparsers(dest="action", required=True)
    topup = sv.add_parser("topup", help="take money and credit it, with the programme's bonus")
    topup.add_argument("query")
    topup.add_argument("amount", metavar="AMOUNT", help="yuan paid, e.g. 500 or 499.99")
    topup.add_argument("--pay", default="cash", choices=stored_value.TOPUP_PAY_METHODS)
    topup.add_argument("--at")
    sv_show = sv.add_parser("show", help="balance and history")
    sv_show.add_argument("query")
    sv_show.add_argument("--at")

    paid = sub.add_parser("membership", help="paid membership (付费会员)").add_subparsers(
        dest="action", required=True)
    buy = paid.add_parser("buy", help="sell or renew the paid tier for its fee")
    buy.add_argument("query")
    buy.add_argument("--pay", default="cash", choices=membership.PAY_METHODS)
    buy.add_argument("--at")
    paid_show = paid.add_parser("show")
    paid_show.add_argument("query")
    paid_show.add_argument("--at")

    maintain = sub.add_parser("maintain")
    maintain.add_argument("--at")

    card = sub.add_parser("card").add_subparsers(dest="action", required=True)
    issue = card.add_parser("issue")
    issue.add_argument("query")
    issue.add_argument("--out", type=Path)
    issue.add_argument("--at")
    verify = card.add_parser("verify")
    verify.add_argument("payload")

    rules = sub.add_parser("rules").add_subparsers(dest="action", required=True)
    rules.add_parser("show")
    load = rules.add_parser("load")
    load.add_argument("file", type=Path)

    staff_cmd = sub.add_parser("staff").add_subparsers(dest="action", required=True)
    staff_add = staff_cmd.add_parser("add")
    staff_add.add_argument("staff_id")
    staff_add.add_argument("--name", required=True)
    staff_add.add_argument("--role", choices=("cashier", "manager", "admin"), required=True)
    staff_add.add_argument("--pin", required=True)
    staff_cmd.add_parser("list", help="every staff member: role, active, locked (manager)")
    reset_pin = staff_cmd.add_parser("reset-pin", help="set a new PIN and lift a lockout (manager: cashiers)")
    reset_pin.add_argument("staff_id")
    reset_pin.add_argument("--pin", required=True, help="the new PIN")
    set_role = staff_cmd.add_parser("set-role", help="change a role (admin; a manager: cashiers only)")
    set_role.add_argument("staff_id")
    set_role.add_argument("role", choices=("cashier", "manager", "admin"))
    for name in ("deactivate", "reactivate"):
        staff_cmd.add_parser(name, help=f"{name} a staff account").add_argument("staff_id")

    aud = sub.add_parser("audit").add_subparsers(dest="action", required=True)
    aud.add_parser("verify")
    sub.add_parser("demo", help="walk through the worked example on the demo store")
    if extend is not None:
        extend(sub)
    return p


def _pin() -> str:
    pin = os.environ.get("POS_PIN")
    if pin is not None:
        return pin
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("PIN: ")
    raise PosError("pin_required")


def signed_in(t: Terminal, args: argparse.Namespace) -> Actor:
    """The staff member named by --staff, signed in with the PIN (env POS_PIN or a prompt)."""
    if not t.initialized:
        raise PosError("not_initialized")
    return staff.sign_in(t, args.staff, _pin())


def _at(t: Terminal, args: argparse.Namespace) -> Any:
    text = getattr(args, "at", None)
    return clocks.parse_time(text, t.tz) if text else None


def run(args: argparse.Namespace, t: Terminal) -> tuple[Any, str]:
    """Run one command: (JSON document, human text)."""
    from terminal import cli_args, cli_text

    cmd, action = args.command, getattr(args, "action", None)
    if cmd == "init":
        pin = args.admin_pin or (os.environ.get("POS_PIN") if not t.initialized else None)
        r = setup.init(t, store_name=args.store_name, admin_pin=pin, demo=args.demo)
        doc = {"created": r.created, "terminal_id": r.terminal_id, "store_name": r.store_name,
               "rules_version": r.rules_version, "demo_members": r.demo_members}
        return doc, cli_text.init(doc)
    if cmd == "card" and action == "verify":
        doc = card_service.verify(t, args.payload)
        return doc, cli_text.card(doc)
    if cmd == "rules" and action == "show":
        text = setup.rules_text(t)
        return {"version": t.programme.version, "rules": t.programme.model_dump(mode="json"), "toml": text}, text
    if cmd == "audit":
        intact, bad = audit.verify(t)
        return {"intact": intact, "first_bad_id": bad}, "审计日志完整" if intact else f"审计日志第 {bad} 行被改动"
    actor = signed_in(t, args)
    at = _at(t, args)
    if cmd == "member" and action == "add":
        reg = members.register(t, actor, args.phone, name=args.name, birthday=args.birthday,
                               referrer=args.referrer, at=at)
        doc = members.view(t, reg.member_id, at)
        doc["coupons_issued"] = list(reg.coupons)
        return doc, cli_text.member(doc)
    if cmd == "member" and action == "show":
        doc = members.view(t, args.query, at)
        return doc, cli_text.member(doc)
    if cmd == "member" and action == "edit":
        consent = None if args.consent is None else args.consent == "yes"
        u = privacy.update_profile(t, actor, args.query, name=args.name, birthday=args.birthday,
                                   phone=args.phone, marketing_consent=consent, at=at)
        doc = members.view(t, u.member_id, at)
        doc["changed_fields"] = list(u.fields) + (["marketing_consent"] if u.consent_changed else [])
        return doc, cli_text.member(doc)
    if cmd == "member" and action in ("blacklist", "unblacklist"):
        if action == "blacklist":
            r = privacy.blacklist(t, actor, args.query, args.reason, at)
        else:
            r = privacy.unblacklist(t, actor, args.query, at)
        doc = {"member_id": r.member_id, "status": r.status, "blacklist_reason": r.reason}
        return doc, f"已列入黑名单：{r.reason}" if r.reason else "已移出黑名单"
    if cmd == "member" and action == "erase":
        e = privacy.erase(t, actor, args.query, args.reason, at)
        doc = {"member_id": e.member_id, "status": "erased", "events_scrubbed": e.events_scrubbed,
               "checkpointed": e.checkpointed}
        return doc, f"会员 {e.member_id} 的姓名、手机号、生日已永久删除"
    if cmd == "member" and action == "export":
        data = export.export_member(t, actor, args.query, at)
        member_id = data["member"]["member_id"]
        path = export.write_json(data, args.out or export.default_path(t, member_id, at))
        return {"member_id": member_id, "file": str(path)}, f"已导出会员资料到 {path}"
    if cmd in ("quote", "sale"):
        req = checkout.SaleRequest(
            lines=tuple(cli_args.parse_line(x) for x in args.line), member=args.member,
            coupon=args.coupon, redeem_points=args.redeem, pay_method=args.pay)
        if cmd == "quote":
            doc = checkout.quote(t, actor, req, at)
        else:
            doc = checkout.sale(t, actor, req, at).document
        from terminal.receipt import render

        return doc, render(doc)
    if cmd == "refund":
        lines = [cli_args.parse_refund_line(x) for x in args.line]
        doc = refunds.refund(t, actor, args.sale, lines, at).document
        return doc, cli_text.refund(doc)
    if cmd == "points":
        r = members.adjust_points(t, actor, args.query, args.delta, args.reason, at)
        doc = {"member_id": r.member_id, "delta": r.delta, "points_balance": r.points_balance}
        return doc, f"积分已调整 {r.delta:+d}，余额 {r.points_balance}"
    if cmd == "coupon":
        doc = members.give_coupon(t, actor, args.query, args.template.upper(), at)
        return doc, f"已发放优惠券 {doc['code']}（{doc['template']}，至 {doc['valid_to'][:10]}）"
    if cmd == "sv" and action == "topup":
        from terminal.money import parse_fen

        doc = stored_value.topup(t, actor, args.query, parse_fen(args.amount, allow_zero=False), args.pay, at).document
        return doc, cli_text.sv_topup(doc)
    if cmd == "sv" and action == "show":
        doc = stored_value.show(t, args.query, at)
        return doc, cli_text.sv_show(doc)
    if cmd == "membership" and action == "buy":
        doc = membership.buy(t, actor, args.query, args.pay, at).document
        return doc, cli_text.membership_bought(doc)
    if cmd == "membership" and action == "show":
        doc = membership.show(t, args.query, at)
        return doc, cli_text.membership_show(doc)
    if cmd == "maintain":
        m = maintenance.maintain(t, actor, at)
        doc = {"points_expired": m.points_expired, "lots_expired": m.lots_expired,
               "members_expired": m.members_expired, "tier_changes": m.tier_changes,
               "birthday_coupons": m.birthday_coupons}
        return doc, cli_text.maintained(doc)
    if cmd == "card" and action == "issue":
        c = card_service.issue(t, actor, args.query, out=args.out, at=at)
        doc = {"member_id": c.member_id, "card_id": c.card_id, "payload": c.payload,
               "revoked": list(c.revoked), "file": c.file}
        return doc, c.payload + (f"\n已写入 {c.file}" if c.file else "")
    if cmd == "rules" and action == "load":
        try:
            text = args.file.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PosError("rules_invalid", detail=str(exc)) from None
        version = setup.load_rules(t, actor, text, at)
        return {"version": version}, f"已启用会员规则 {version}"
    if cmd == "staff" and action == "list":
        rows = staff.list_staff(t, actor, at)
        text = "\n".join(f"{r['staff_id']:<12} {r['name']:<10} {r['role']:<8}"
                         f"{'' if r['active'] else ' 已停用'}{' 已锁定' if r['locked'] else ''}" for r in rows)
        return {"staff": rows}, text
    if cmd == "staff" and action == "reset-pin":
        staff.reset_pin(t, actor, args.staff_id, args.pin, at)
        return {"staff_id": args.staff_id}, f"已重置员工 {args.staff_id} 的密码"
    if cmd == "staff" and action == "set-role":
        staff.set_role(t, actor, args.staff_id, args.role, at)
        return {"staff_id": args.staff_id, "role": args.role}, f"员工 {args.staff_id} 的角色已改为 {args.role}"
    if cmd == "staff" and action in ("deactivate", "reactivate"):
        staff.set_active(t, actor, args.staff_id, action == "reactivate", at)
        return ({"staff_id": args.staff_id, "active": action == "reactivate"},
                f"已{'启用' if action == 'reactivate' else '停用'}员工 {args.staff_id}")
    if cmd == "staff":
        staff.add_staff(t, actor, args.staff_id, args.name, args.role, args.pin)
        return {"staff_id": args.staff_id, "role": args.role}, f"已添加员工 {args.staff_id}"
    if cmd == "demo":
        from terminal import demo

        return demo.walkthrough(t, actor)
    raise PosError("input_invalid", detail=f"command {cmd}")


def _logging(data_dir: Path) -> None:
    try:
        (data_dir / "logs").mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(data_dir / "logs" / "pos-terminal.log", maxBytes=1_000_000, backupCount=5,
                                      encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
    except OSError:
        pass


def main(argv: list[str] | None = None, *, extend: Extend | None = None, runner: Runner | None = None) -> int:
    """Parse, run one command, print; `extend` and `runner` let a layer above add commands."""
    parser = build_parser(extend)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    data_dir = args.data_dir or default_data_dir()
    _logging(data_dir)
    try:
        t = open_terminal(data_dir)
        try:
            doc, text = (runner or run)(args, t)
        finally:
            t.store.close()
    except PosError as exc:
        if args.json:
            print(json.dumps(exc.to_json(), ensure_ascii=False))
        print(f"错误: {exc.message()}" if not args.json else exc.message(), file=sys.stderr)
        if not args.json:
            for m in exc.params.get("matches", []):
                print(f"  {m['phone_masked']}  {m['name'] or ''}  {m['member_id']}", file=sys.stderr)
        return 1
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("unexpected error, reference %s", ref)
        message = f"抱歉，出现内部错误（参考号 {ref}），详情已记录在日志中"
        if args.json:
            print(json.dumps({"error": {"code": "internal", "message": message, "reference": ref}}, ensure_ascii=False))
        print(message, file=sys.stderr)
        return 70
    print(json.dumps(doc, ensure_ascii=False) if args.json else text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
