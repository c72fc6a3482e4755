"""Human-readable output of the CLI (Chinese, like the till; the stored-value and paid-membership
texts also in English with POS_LANG=en). Machines use --json."""

from __future__ import annotations

from typing import Any

from terminal.errors import current_language
from terminal.money import format_fen
from terminal.receipt import PAY_NAMES, TIER_NAMES

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
        f"  储值 {format_fen(doc.get('stored_value_fen') or 0)}",
        f"  近365天消费 {format_fen(doc['qualifying_fen'])}",
    ]
    if doc.get("paid_until"):
        lines.append(f"  付费会员 {TIER_NAMES.get(doc['paid_tier'], doc['paid_tier'])} 至 {doc['paid_until'][:10]}")
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
    if doc.get("points_restored_expired"):
        text += f"（其中 {doc['points_restored_expired']} 分已过有效期，不计入余额）"
    if doc.get("points_balance") is not None:
        text += f"，积分余额 {doc['points_balance']}"
        if doc["balance_negative"]:
            text += "（为负）"
    return text


def maintained(doc: dict[str, Any]) -> str:
    return (f"过期积分 {doc['points_expired']}（{doc['lots_expired']} 笔），等级调整 {doc['tier_changes']}，"
            f"生日券 {doc['birthday_coupons']}")


_PAY_EN = {"cash": "cash", "card": "bank card", "wechat": "WeChat Pay", "alipay": "Alipay", "other": "other",
           "stored_value": "stored value"}
_SV_KINDS = {"stored_value_topup": ("充值", "top-up"), "stored_value_spent": ("消费", "spent"),
             "stored_value_refunded": ("退回", "refunded")}


def _en() -> bool:
    return current_language() == "en"


def sv_topup(doc: dict[str, Any]) -> str:
    paid, bonus, total = format_fen(doc["paid_fen"]), format_fen(doc["bonus_fen"]), format_fen(doc["amount_fen"])
    balance = format_fen(doc["stored_value_fen"])
    if _en():
        extra = f" + bonus {bonus}" if doc["bonus_fen"] else ""
        return (f"Topped up {doc['phone_masked']}: paid {paid} by {_PAY_EN.get(doc['pay_method'], doc['pay_method'])}"
                f"{extra}, credited {total}; stored value now {balance}")
    extra = f"，赠送 {bonus}" if doc["bonus_fen"] else ""
    return (f"会员 {doc['phone_masked']} 充值 {paid}（{PAY_NAMES.get(doc['pay_method'], doc['pay_method'])}）"
            f"{extra}，到账 {total}，储值余额 {balance}")


def sv_show(doc: dict[str, Any]) -> str:
    en = _en()
    head = (f"Member {doc['phone_masked']}: stored value {format_fen(doc['stored_value_fen'])}" if en
            else f"会员 {doc['phone_masked']}  储值余额 {format_fen(doc['stored_value_fen'])}")
    lines = [head]
    if doc.get("offline_left_fen") is not None:
        left = format_fen(doc["offline_left_fen"])
        lines.append(f"  offline: {left} may still be spent today" if en else f"  离线中：今日还可用储值 {left}")
    for h in doc["history"]:
        name = _SV_KINDS.get(h["kind"], (h["kind"], h["kind"]))[1 if en else 0]
        amount = format_fen(abs(h["amount_fen"]))
        sign = "-" if h["amount_fen"] < 0 else "+"
        ref = f"  {h['sale_id']}" if h.get("sale_id") else ""
        lines.append(f"  {h['occurred_at'][:16].replace('T', ' ')}  {name}  {sign}{amount}{ref}")
    return "\n".join(lines)


def membership_bought(doc: dict[str, Any]) -> str:
    tier = TIER_NAMES.get(doc["tier"], doc["tier"])
    if _en():
        verb = "Renewed" if doc["renewal"] else "Bought"
        return (f"{verb} {doc['name_en']} ({doc['tier']}) for {doc['phone_masked']}: fee {format_fen(doc['fee_fen'])}, "
                f"valid {doc['starts_at'][:10]} to {doc['ends_at'][:10]}")
    verb = "续费" if doc["renewal"] else "开通"
    return (f"会员 {doc['phone_masked']} 已{verb}{doc['name']}（{tier}），费用 {format_fen(doc['fee_fen'])}，"
            f"有效期 {doc['starts_at'][:10]} 至 {doc['ends_at'][:10]}")


def membership_show(doc: dict[str, Any]) -> str:
    en = _en()
    tier, earned = doc["tier"], doc["earned_tier"]
    if en:
        lines = [f"Member {doc['phone_masked']}: served as {tier} (earned {earned})"]
        lines.append(f"  paid {doc['paid_tier']} until {doc['paid_until'][:10]}" if doc["paid_until"]
                     else "  no paid membership in force")
    else:
        lines = [f"会员 {doc['phone_masked']}  当前等级 {TIER_NAMES.get(tier, tier)}（消费等级 {TIER_NAMES.get(earned, earned)}）"]
        lines.append(f"  付费会员 {TIER_NAMES.get(doc['paid_tier'], doc['paid_tier'])} 至 {doc['paid_until'][:10]}"
                     if doc["paid_until"] else "  未开通付费会员")
    for g in doc["grants"]:
        lines.append(f"  {g['starts_at'][:10]} ~ {g['ends_at'][:10]}  {g['tier']}  {g['status']}")
    return "\n".join(lines)
