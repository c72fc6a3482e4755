"""Known errors: things a cashier or manager can act on, with a message in their language.

Anything that is not a `PosError` is a bug. Messages live in one catalogue keyed by a stable
`code` (scripts match on the code, people read the message).
"""

from __future__ import annotations

import os
from typing import Any

# code -> (zh_CN template, en template). Templates use str.format(**params).
MESSAGES: dict[str, tuple[str, str]] = {
    "phone_invalid": ("手机号无效：{phone}", "Not a valid mobile number: {phone}"),
    "phone_taken": ("该手机号已注册会员：{phone}", "A member with this phone already exists: {phone}"),
    "amount_invalid": ("金额无效：{text}", "Not a valid amount: {text}"),
    "amount_out_of_range": ("金额超出范围：{text}", "Amount out of range: {text}"),
    "quantity_invalid": ("数量无效：{text}", "Not a valid quantity: {text}"),
    "line_invalid": ("商品行格式应为 品类:金额[x数量]：{text}", "A line is CATEGORY:AMOUNT[xQTY]: {text}"),
    "category_unknown": ("未知品类：{category}", "Unknown category: {category}"),
    "cart_empty": ("购物车为空", "The cart is empty"),
    "date_invalid": ("日期/时间无效：{text}", "Not a valid date or time: {text}"),
    "member_not_found": ("未找到会员：{query}", "No member found for: {query}"),
    "member_ambiguous": ("尾号 {query} 匹配多位会员，请选择", "Several members match {query}; pick one"),
    "member_erased": ("该会员已注销", "This member has been erased"),
    "member_blacklisted": ("该会员已被列入黑名单：{reason}", "This member is blacklisted: {reason}"),
    "member_not_blacklisted": ("该会员不在黑名单中", "This member is not blacklisted"),
    "reason_required": ("必须填写原因", "A reason is required"),
    "profile_nothing": ("没有要修改的会员资料", "Nothing to change in the member's profile"),
    "referrer_not_found": ("未找到推荐人：{query}", "Referrer not found: {query}"),
    "coupon_not_found": ("未找到优惠券：{code}", "No such coupon: {code}"),
    "coupon_not_owned": ("该优惠券不属于此会员：{code}", "This coupon belongs to another member: {code}"),
    "coupon_used": ("优惠券已使用：{code}", "Coupon already used: {code}"),
    "coupon_expired": ("优惠券已过期：{code}（有效期至 {valid_to}）", "Coupon expired: {code} (valid to {valid_to})"),
    "coupon_not_yet_valid": ("优惠券尚未生效：{code}", "Coupon not valid yet: {code}"),
    "coupon_threshold": (
        "优惠券 {code} 需满 {threshold}，当前可用金额 {subtotal}",
        "Coupon {code} needs {threshold}; eligible subtotal is {subtotal}",
    ),
    "coupon_needs_member": ("使用优惠券需要会员", "A coupon needs a member"),
    "coupon_no_eligible": (
        "优惠券 {code} 不适用：本单没有可用券的商品（烟草等不参与）",
        "Coupon {code} does not apply: nothing in this sale is eligible (tobacco is excluded)",
    ),
    "birthday_required": (
        "该会员未登记生日，无法发放生日券",
        "This member has no birthday on file, so a birthday coupon cannot be issued",
    ),
    "redeem_needs_member": ("积分抵现需要会员", "Redeeming points needs a member"),
    "redeem_step": (
        "积分须按 {step} 的倍数使用，最多可用 {max_points} 分",
        "Redeem points in steps of {step}; at most {max_points} allowed",
    ),
    "redeem_over_cap": (
        "积分抵现超出上限：最多可用 {max_points} 分（{why}）",
        "Too many points: at most {max_points} allowed ({why_en})",
    ),
    "redeem_negative": ("积分数不能为负", "Points cannot be negative"),
    "sale_not_found": ("未找到销售单：{sale}", "No such sale: {sale}"),
    "refund_line_invalid": ("退货行无效：{text}", "Not a valid refund line: {text}"),
    "refund_qty_exceeds": (
        "第 {line} 行最多可退 {remaining} 件",
        "Line {line}: at most {remaining} can be refunded",
    ),
    "refund_nothing": ("该销售单已全部退货", "This sale has been fully refunded"),
    "adjust_reason_required": ("调整积分必须填写原因", "A points adjustment needs a reason"),
    "adjust_zero": ("调整数不能为 0", "An adjustment cannot be zero"),
    "adjust_below_zero": (
        "调整后积分将为负数（当前 {balance} 分）",
        "The balance would go below zero (now {balance} points)",
    ),
    "stored_value_disabled": ("本店未开通储值", "Stored value is not offered here"),
    "stored_value_needs_member": ("储值支付需要会员", "Paying by stored value needs a member"),
    "stored_value_insufficient": (
        "储值余额不足：余额 {balance}，应付 {payable}",
        "Not enough stored value: balance {balance}, to pay {payable}",
    ),
    "stored_value_offline_cap": (
        "离线时每位会员每天最多用储值支付 {cap}，今日还可用 {left}",
        "While offline a member may pay at most {cap} a day by stored value; {left} left today",
    ),
    "stored_value_topup_min": ("单次充值至少 {min}", "A top-up is at least {min}"),
    "stored_value_topup_max": ("单次充值最多 {max}", "A top-up is at most {max}"),
    "stored_value_balance_max": (
        "充值后储值余额将超过上限 {max}（当前余额 {balance}，本次到账 {credit}）",
        "The stored value would exceed its limit of {max} (balance {balance}, this top-up credits {credit})",
    ),
    "membership_disabled": ("本店未开通付费会员", "Paid membership is not offered here"),
    "card_malformed": ("会员卡无法识别", "This is not a member card"),
    "card_forged": ("会员卡签名无效（伪造或被篡改）", "Member card signature is not valid (forged or altered)"),
    "card_unknown_key": ("会员卡由未知终端签发：{key_id}", "Member card signed by an unknown terminal: {key_id}"),
    "card_revoked": ("会员卡已挂失/作废，请使用新卡", "This member card has been revoked; use the new card"),
    "staff_unknown": ("员工号或密码错误", "Wrong staff id or PIN"),
    "pin_wrong": ("员工号或密码错误（还可尝试 {left} 次）", "Wrong staff id or PIN ({left} tries left)"),
    "pin_locked": ("账号已锁定，请于 {until} 后重试", "Account locked until {until}"),
    "pin_invalid": ("密码须为 4-12 位数字", "A PIN is 4 to 12 digits"),
    "pin_required": ("需要输入密码（环境变量 POS_PIN）", "A PIN is needed (env POS_PIN)"),
    "staff_exists": ("员工号已存在：{staff_id}", "Staff id already exists: {staff_id}"),
    "staff_not_found": ("未找到员工：{staff_id}", "No staff member with id {staff_id}"),
    "staff_name_invalid": ("员工姓名须为 1-{max} 个字", "A staff name is 1 to {max} characters"),
    "last_admin": ("不能停用或降级最后一位管理员", "The last administrator cannot be deactivated or demoted"),
    "staff_self": ("不能停用自己的账号", "You cannot deactivate your own account"),
    "forbidden": ("权限不足：需要{role}权限", "Not allowed: needs the {role} role"),
    "rules_invalid": ("会员规则文件无效：{detail}", "The rules file is not valid: {detail}"),
    "not_initialized": ("终端尚未初始化，请先运行 init", "This terminal is not set up; run init first"),
    "store_corrupt": ("数据文件损坏或不可读：{detail}", "The data file is damaged or unreadable: {detail}"),
    "input_invalid": ("输入无效：{detail}", "Invalid input: {detail}"),
    "export_write_failed": ("无法保存导出文件 {path}：{detail}", "Could not save the export to {path}: {detail}"),
    "out_file_type": ("输出文件须为 .png 或 .pdf", "The output file must be .png or .pdf"),
    "headoffice_unreachable": (
        "无法连接总部（{url}）：{detail}；销售可离线继续",
        "Head office unreachable ({url}): {detail}; sales go on offline",
    ),
    "headoffice_bad_reply": ("总部返回了无法识别的应答：{detail}", "Head office sent a reply that makes no sense: {detail}"),
    "sync_refused": ("总部拒绝了同步请求：{reason}", "Head office refused the sync request: {reason}"),
    "not_enrolled": ("本终端尚未登记到总部，请先运行 enroll", "This terminal is not enrolled with a head office; run enroll"),
}


# Parameter values that are codes (a role) shown in Chinese in Chinese messages.
ZH_VALUES: dict[str, dict[str, str]] = {"role": {"cashier": "收银员", "manager": "店长", "admin": "管理员"}}


def current_language() -> str:
    """'zh' or 'en' from POS_LANG, then LANG; Chinese unless English is asked for."""
    lang = os.environ.get("POS_LANG") or os.environ.get("LANG") or "zh_CN"
    return "en" if lang.lower().startswith("en") else "zh"


class PosError(Exception):
    """An error the user can act on. `code` is stable; `message()` is for people."""

    def __init__(self, code: str, /, **params: Any) -> None:
        # Positional-only: coupon messages format a `code` parameter of their own.
        if code not in MESSAGES:
            raise KeyError(f"no message for error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        zh, en = MESSAGES[self.code]
        if (lang or current_language()) == "en":
            return en.format(**self.params)
        params = {k: ZH_VALUES.get(k, {}).get(v, v) if isinstance(v, str) else v for k, v in self.params.items()}
        return zh.format(**params)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message(lang)}
        if "matches" in self.params:
            body["matches"] = self.params["matches"]
        return {"error": body}
