"""Human-readable output of the CLI (Chinese, like the till). Machines use --json."""

from __future__ import annotations

from typing import Any

from terminal.money import format_fen
from terminal.receipt import TIER_NAMES

LIFECYCLE = {"new": "新会员", "active": "活跃", "dormant": "沉睡", "lost": "流失"}
COUPON_STATUS = {"available": "可用", "used": "已使用", "expired": "已过期", "not_yet_valid": "未生效"}


def init(doc: dict[str, Any]) -> str:
    head = "终端已初始化" if doc["created"] else "终端已存在，未作改动"
    extra = f"，新增演示会员 {doc['demo_members']} 位" if doc["demo_members"] else ""
    return f"{head}：{doc['store_name']}（规则 {doc['rules_version']}）{extra}"


def member(doc: dict[str, Any]) -> str:
    lines = [
        f"会员 {doc['phone_masked']}  {doc['name'] or ''}".rstrip(),
        f"  编号 {doc['member_id']}",
        f"  等级 {TIER_NAMES.get(doc['tier'], doc['tier'])}（自 {doc['tier_since'][:10]}）"
        f"  状态 {LIFECYCLE.get(doc['lifecycle'], doc['lifecycle'])}"
        + ("  ⚠保级风险" if doc["at_risk"] else "")
        + ("  ★高价值" if doc.get("high_value") else ""),
        f"  积分 {doc['points_balance']}" + ("（为负：退货冲减）" if doc.get("points_negative") else ""),
        f"  近365天消费 {format_fen(doc['qualifying_fen'])}",
    ]
    if doc.get("status") == "blacklisted":
        lines.append(f"  已列入黑名单：{doc.get('blacklist_reason') or ''}".rstrip("："))
    elif doc.get("status") == "erased":
        lines.append("  已注销（个人信息已删除）")
    if doc.get("marketing_consent") is not None:
        lines.append(f"  营销同意 {'是' if doc['marketing_consent'] else '否'}（{(doc.get('consent_at') or '')[:16]}）")
    if doc.get("nudge"):
        lines.append(f"  {doc['nudge']}")
    for item in doc.get("expiring_points", []):
        lines.append(f"  {item['points']} 分将于 {item['expires_on']} 过期")
    for c in doc.get("coupons", []):
        lines.append(f"  券 {c['code']} {c['template']} 至 {c['valid_to'][:10]} {COUPON_STATUS.get(c['status'], c['status'])}")
    return "\n".join(lines)


def card(doc: dict[str, Any]) -> str:
    return f"会员卡有效：{doc['phone_masked']}（卡号 {doc['card_id']}）"


def refund(doc: dict[str, Any]) -> str:
    text = (f"已退货 {doc['receipt_no']}：退款 {format_fen(doc['refund_fen'])}，"
            f"扣回积分 {doc['points_reversed']}，退回积分 {doc['points_restored']}")
    if doc.get("points_balance") is not None:
        text += f"，积分余额 {doc['points_balance']}"
        if doc["balance_negative"]:
            text += "（为负）"
    return text


def maintained(doc: dict[str, Any]) -> str:
    return (f"过期积分 {doc['points_expired']}（{doc['lots_expired']} 笔），等级调整 {doc['tier_changes']}，"
            f"生日券 {doc['birthday_coupons']}")
