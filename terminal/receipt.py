"""The receipt as text (Chinese, 32 columns wide for 58 mm paper): each discount with its rule,
points earned and redeemed, balance, tier progress, points expiring soon, masked phone; stored value
paid and the balance after; a paid membership's end date."""

from __future__ import annotations

import unicodedata
from typing import Any

from terminal.money import format_fen

WIDTH = 32
CATEGORY_NAMES = {
    "general": "百货", "fresh": "生鲜", "tobacco": "烟草", "dairy": "乳品", "bakery": "烘焙",
    "beverage": "饮料", "household": "家清", "personal_care": "个护", "apparel": "服饰", "electronics": "电器",
}
TIER_NAMES = {"regular": "普通会员", "silver": "银卡会员", "gold": "金卡会员", "diamond": "钻石会员"}
PAY_NAMES = {"cash": "现金", "card": "银行卡", "wechat": "微信支付", "alipay": "支付宝", "other": "其他",
             "stored_value": "储值卡"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _row(left: str, right: str) -> str:
    gap = max(1, WIDTH - _width(left) - _width(right))
    return left + " " * gap + right


def _center(text: str) -> str:
    return " " * max(0, (WIDTH - _width(text)) // 2) + text


def render(doc: dict[str, Any], *, title: str | None = None) -> str:
    rule = "-" * WIDTH
    out = [_center(title or doc.get("store_name") or "")]
    if doc.get("receipt_no"):
        out.append(f"小票号 {doc['receipt_no']}")
    else:
        out.append("报价（未结算）")
    out.append(doc["occurred_at"][:19].replace("T", " "))
    member = doc.get("member")
    if member:
        out.append(f"会员 {member['phone_masked']}  {TIER_NAMES.get(member['tier_before'], member['tier_before'])}")
    out.append(rule)
    for line in doc["lines"]:
        name = CATEGORY_NAMES.get(line["category"], line["category"])
        qty = f" x{line['qty']}" if line["qty"] != 1 else ""
        out.append(_row(f"{line['line_no']}. {name}{qty}", format_fen(line["amount_fen"])))
    out.append(rule)
    out.append(_row("合计", format_fen(doc["subtotal_fen"])))
    for exp in doc.get("explanations", []):
        if exp["step"] == "points_earned":
            continue
        out.append(_row(exp["text"], "-" + format_fen(-exp["amount_fen"]) if exp["amount_fen"] < 0 else format_fen(exp["amount_fen"])))
    out.append(_row("应付", format_fen(doc["payable_fen"])))
    if doc.get("receipt_no"):
        out.append(_row("支付方式", PAY_NAMES.get(doc["pay_method"], doc["pay_method"])))
    if doc.get("stored_value_paid_fen"):
        out.append(_row("储值支付", format_fen(doc["stored_value_paid_fen"])))
    if member and (doc.get("stored_value_paid_fen") or doc.get("stored_value_balance_fen")):
        out.append(_row("储值余额", format_fen(doc["stored_value_balance_fen"])))
    if member:
        out.append(rule)
        earned = [e for e in doc.get("explanations", []) if e["step"] == "points_earned"]
        out.append(_row("本单积分", f"+{doc['points_earned']}"))
        for exp in earned:
            out.append(f"  {exp['text']}")
        if doc.get("bonus_points"):
            out.append(_row("月度满额奖励", f"+{doc['bonus_points']}"))
        if doc.get("points_redeemed"):
            out.append(_row("积分抵现", f"-{doc['points_redeemed']}"))
        out.append(_row("积分余额", str(doc["points_balance"])))
        tier = member.get("tier_after") or member["tier_before"]
        if doc.get("tier_changed"):
            out.append(f"恭喜升级为{TIER_NAMES.get(tier, tier)}！")
        out.append(_row("会员等级", TIER_NAMES.get(tier, tier)))
        if member.get("paid_until"):
            out.append(_row("付费会员有效期至", member["paid_until"][:10]))
        if doc.get("nudge"):
            out.append(doc["nudge"])
        elif doc.get("next_tier") and doc.get("to_next_tier_fen"):
            nxt = TIER_NAMES.get(doc["next_tier"], doc["next_tier"])
            out.append(f"距{nxt}还差 {format_fen(doc['to_next_tier_fen'])}")
        for item in doc.get("expiring_points", []):
            out.append(f"{item['points']}分将于{item['expires_on']}过期")
    out.append(rule)
    out.append(_center("谢谢惠顾"))
    return "\n".join(out)
