"""Names the cashier reads, in the UI's language: categories, tiers, tenders, lifecycle, coupons,
sync age. Money is shown with terminal.money.format_fen only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from terminal.money import format_fen
from terminal.rules import CouponTemplate, Programme
from ui import i18n


def category_name(category: str) -> str:
    names = {
        "general": QCoreApplication.translate("Labels", "General"),
        "fresh": QCoreApplication.translate("Labels", "Fresh"),
        "tobacco": QCoreApplication.translate("Labels", "Tobacco"),
        "dairy": QCoreApplication.translate("Labels", "Dairy"),
        "bakery": QCoreApplication.translate("Labels", "Bakery"),
        "beverage": QCoreApplication.translate("Labels", "Beverages"),
        "household": QCoreApplication.translate("Labels", "Household"),
        "personal_care": QCoreApplication.translate("Labels", "Personal care"),
        "apparel": QCoreApplication.translate("Labels", "Apparel"),
        "electronics": QCoreApplication.translate("Labels", "Electronics"),
    }
    return names.get(category, category)


def pay_method_name(method: str) -> str:
    names = {
        "cash": QCoreApplication.translate("Labels", "Cash"),
        "card": QCoreApplication.translate("Labels", "Bank card"),
        "wechat": QCoreApplication.translate("Labels", "WeChat Pay"),
        "alipay": QCoreApplication.translate("Labels", "Alipay"),
        "stored_value": QCoreApplication.translate("Labels", "Stored value"),
        "other": QCoreApplication.translate("Labels", "Other"),
    }
    return names.get(method, method)


def lifecycle_name(stage: str) -> str:
    names = {
        "new": QCoreApplication.translate("Labels", "New"),
        "active": QCoreApplication.translate("Labels", "Active"),
        "dormant": QCoreApplication.translate("Labels", "Dormant"),
        "lost": QCoreApplication.translate("Labels", "Lapsed"),
    }
    return names.get(stage, stage)


def role_name(role: str) -> str:
    names = {
        "cashier": QCoreApplication.translate("Labels", "Cashier"),
        "manager": QCoreApplication.translate("Labels", "Manager"),
        "admin": QCoreApplication.translate("Labels", "Administrator"),
    }
    return names.get(role, role)


def tier_name(programme: Programme | None, tier_id: str | None) -> str:
    if not tier_id:
        return ""
    if programme is None:
        return tier_id
    try:
        tier = programme.tier(tier_id)
    except KeyError:
        return tier_id
    return tier.name_en if i18n.current() == "en" else tier.name


def _yuan(fen: int) -> str:
    return str(fen // 100) if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def coupon_rule_en(template: CouponTemplate) -> str:
    if template.kind == "amount_off":
        text = f"¥{_yuan(template.off_fen)} off"
    else:
        text = f"{template.percent.normalize():f}% off"
        if template.max_off_fen is not None:
            text += f" (max ¥{_yuan(template.max_off_fen)})"
    if template.threshold_fen:
        text += f" over ¥{_yuan(template.threshold_fen)}"
    return text


def coupon_text(programme: Programme | None, coupon: dict[str, Any]) -> str:
    """'WELCOME 新会员礼券 满50减20 (to 12-01)' / 'WELCOME ¥20 off over ¥50 (to 12-01)'."""
    template = None
    if programme is not None:
        try:
            template = programme.coupon_template(coupon["template"])
        except KeyError:
            template = None
    if template is None:
        rule = coupon["template"]
    elif i18n.current() == "en":
        rule = f"{template.template} {coupon_rule_en(template)}"
    else:
        rule = template.name
    valid_to = coupon.get("valid_to", "")[5:10]
    return QCoreApplication.translate("Labels", "%1 (to %2)").replace("%1", rule).replace("%2", valid_to) if valid_to else rule


def explanation_text(exp: dict[str, Any]) -> str:
    return exp["text_en"] if i18n.current() == "en" else exp["text"]


def redeem_why(redeem_max: dict[str, Any]) -> str:
    return redeem_max["why_en"] if i18n.current() == "en" else redeem_max["why"]


def nudge(programme: Programme | None, doc: dict[str, Any]) -> str | None:
    """The 'spend X more' nudge when the core says it is due, in the UI's language."""
    if not doc.get("nudge"):
        return None
    if i18n.current() != "en" or programme is None or not doc.get("next_tier"):
        return str(doc["nudge"])
    amount = format_fen(int(doc["to_next_tier_fen"]))
    return QCoreApplication.translate("Labels", "Spend %1 more to reach %2").replace("%1", amount).replace("%2", tier_name(programme, doc["next_tier"]))


class Counts(QObject):
    """Phrases with a number in them (plural forms in en.ts). Methods of a QObject, so lupdate's
    Python parser sees them as numerus messages."""

    def points(self, n: int) -> str:
        return self.tr("%n point(s)", "", n)

    def minutes_ago(self, n: int) -> str:
        return self.tr("%n min ago", "", n)

    def hours_ago(self, n: int) -> str:
        return self.tr("%n hour(s) ago", "", n)

    def days_ago(self, n: int) -> str:
        return self.tr("%n day(s) ago", "", n)


_counts: Counts | None = None


def counts() -> Counts:
    global _counts
    if _counts is None:
        _counts = Counts()
    return _counts


def points(n: int) -> str:
    return counts().points(n)


def age(since: datetime | None, now: datetime) -> str:
    """How long ago, for the status bar: 'just now', '5 min ago', '3 h ago', '2 days ago', 'never'."""
    if since is None:
        return QCoreApplication.translate("Labels", "never")
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return QCoreApplication.translate("Labels", "just now")
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if seconds < 3600:
        return counts().minutes_ago(minutes)
    if seconds < 86400:
        return counts().hours_ago(hours)
    return counts().days_ago(days)


def money(fen: int) -> str:
    return format_fen(fen)
