"""The programme rules: loaded from TOML, validated with pydantic, immutable afterwards.

Head office can replace the rules; terminals keep the active version's TOML text in their store.
Ratios and multipliers must be decimal strings ("1.2"), never TOML floats, so nothing is binary.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from terminal.errors import PosError


def _exact_decimal(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("write ratios and multipliers as strings, e.g. \"1.2\", not floats")
    if isinstance(value, (str, int)):
        return Decimal(str(value))
    return value


Exact = Annotated[Decimal, BeforeValidator(_exact_decimal)]
NonNegExact = Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0)]
Fen = Annotated[int, Field(ge=0, le=1_000_000_000)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class Tier(_Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    name_en: str
    threshold_fen: Fen
    monthly_purchases: int | None = Field(default=None, ge=1)
    discount_percent: Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0, le=100)]
    points_multiplier: NonNegExact
    benefits: tuple[str, ...] = ()


class TierRules(_Frozen):
    window_days: int = Field(ge=1)
    retention_ratio: Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0, le=1)]
    at_risk_days: int = Field(ge=0)
    nudge_ratio: Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0, le=1)]


class Earn(_Frozen):
    fen_per_point: int = Field(ge=1)
    weekend_days: tuple[int, ...] = ()
    weekend_multiplier: NonNegExact = Decimal(1)
    birthday_month_multiplier: NonNegExact = Decimal(1)
    category_multipliers: dict[str, NonNegExact] = {}

    @model_validator(mode="after")
    def _days(self) -> Earn:
        if any(d < 1 or d > 7 for d in self.weekend_days):
            raise ValueError("weekend_days are ISO weekdays 1 (Monday) to 7 (Sunday)")
        return self


class Bonus(_Frozen):
    monthly_spend_fen: Fen
    points: int = Field(ge=0)


class Redeem(_Frozen):
    point_value_fen: int = Field(ge=1)
    step: int = Field(ge=1)
    max_ratio: Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0, le=1)]
    offline_cap_points: int = Field(ge=0)
    offline_after_minutes: int = Field(ge=0)


class Expiry(_Frozen):
    months: int = Field(ge=1, le=120)


class Lifecycle(_Frozen):
    active_days: int = Field(ge=1)
    lost_days: int = Field(ge=1)


class HighValue(_Frozen):
    recent_days: int = Field(ge=1)
    window_days: int = Field(ge=1)
    min_purchases_per_month: int = Field(ge=0)
    min_avg_ticket_fen: Fen


class CouponTemplate(_Frozen):
    template: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str
    kind: Literal["amount_off", "percent_off"]
    threshold_fen: Fen = 0
    off_fen: Fen = 0
    percent: Annotated[Decimal, BeforeValidator(_exact_decimal), Field(ge=0, le=100)] = Decimal(0)
    max_off_fen: Fen | None = None
    valid_days: int | None = Field(default=None, ge=1)
    validity: Literal["days", "birthday_month"] = "days"
    issue_on: Literal["registration", "referral", "birthday_month", "manual"] = "manual"

    @model_validator(mode="after")
    def _shape(self) -> CouponTemplate:
        if self.kind == "amount_off" and self.off_fen <= 0:
            raise ValueError(f"{self.template}: an amount_off coupon needs off_fen > 0")
        if self.kind == "percent_off" and self.percent <= 0:
            raise ValueError(f"{self.template}: a percent_off coupon needs percent > 0")
        if self.validity == "days" and not self.valid_days:
            raise ValueError(f"{self.template}: needs valid_days")
        return self


class TopupBonus(_Frozen):
    """充500送50: a top-up of at least min_fen is credited bonus_fen more (the highest step reached)."""

    min_fen: Fen = Field(gt=0)
    bonus_fen: Fen


class StoredValue(_Frozen):
    """储值: prepaid balance held for the member (real money: never below zero on a till)."""

    enabled: bool = True
    min_topup_fen: Fen = 100
    max_topup_fen: Fen = 5_000_000
    max_balance_fen: Fen = 10_000_000
    bonus: tuple[TopupBonus, ...] = ()
    offline_cap_fen: Fen = 50_000       # spend per member, per terminal, per day, while offline

    @model_validator(mode="after")
    def _steps(self) -> StoredValue:
        mins = [b.min_fen for b in self.bonus]
        if mins != sorted(mins) or len(set(mins)) != len(mins):
            raise ValueError("stored_value.bonus steps must have strictly rising min_fen")
        if self.min_topup_fen > self.max_topup_fen:
            raise ValueError("stored_value.min_topup_fen is above max_topup_fen")
        return self


class PaidMembership(_Frozen):
    """付费会员: an annual fee that grants a tier for a period, renewable."""

    enabled: bool = False
    tier: str = ""
    fee_fen: Fen = 0
    months: int = Field(default=12, ge=1, le=60)
    name: str = "付费会员"
    name_en: str = "Paid membership"


class Programme(_Frozen):
    version: str = Field(min_length=1)
    timezone: str = "Asia/Shanghai"
    categories: tuple[str, ...] = Field(min_length=1)
    excluded_categories: tuple[str, ...] = ()
    tier_rules: TierRules
    tiers: tuple[Tier, ...] = Field(min_length=1)
    earn: Earn
    bonus: Bonus
    redeem: Redeem
    expiry: Expiry
    lifecycle: Lifecycle
    high_value: HighValue
    coupons: tuple[CouponTemplate, ...] = ()
    stored_value: StoredValue = StoredValue()
    paid_membership: PaidMembership = PaidMembership()

    @model_validator(mode="after")
    def _consistent(self) -> Programme:
        ids = [t.id for t in self.tiers]
        if len(set(ids)) != len(ids):
            raise ValueError("tier ids must be unique")
        if self.tiers[0].threshold_fen != 0:
            raise ValueError("the first tier is the entry tier: threshold_fen = 0")
        thresholds = [t.threshold_fen for t in self.tiers]
        if thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
            raise ValueError("tiers must be listed with strictly rising threshold_fen")
        known = set(self.categories)
        for name in (*self.excluded_categories, *self.earn.category_multipliers):
            if name not in known:
                raise ValueError(f"category {name!r} is not in categories")
        templates = [c.template for c in self.coupons]
        if len(set(templates)) != len(templates):
            raise ValueError("coupon templates must be unique")
        paid = self.paid_membership
        if paid.enabled and (paid.tier not in ids or paid.fee_fen <= 0):
            raise ValueError("paid_membership needs a known tier and fee_fen > 0 when enabled")
        if self.lifecycle.lost_days <= self.lifecycle.active_days:
            raise ValueError("lifecycle.lost_days must be above active_days")
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(self.timezone)
        except Exception:
            raise ValueError(f"unknown time zone {self.timezone!r}") from None
        return self

    # -- lookups used everywhere ------------------------------------------------------------
    def tier(self, tier_id: str) -> Tier:
        for t in self.tiers:
            if t.id == tier_id:
                return t
        raise KeyError(tier_id)

    def tier_index(self, tier_id: str) -> int:
        return [t.id for t in self.tiers].index(tier_id)

    def next_tier(self, tier_id: str) -> Tier | None:
        i = self.tier_index(tier_id)
        return self.tiers[i + 1] if i + 1 < len(self.tiers) else None

    def lower_tier(self, tier_id: str) -> Tier | None:
        i = self.tier_index(tier_id)
        return self.tiers[i - 1] if i > 0 else None

    @property
    def entry_tier(self) -> Tier:
        return self.tiers[0]

    def coupon_template(self, template: str) -> CouponTemplate:
        for c in self.coupons:
            if c.template == template:
                return c
        raise KeyError(template)

    def templates_issued_on(self, event: str) -> tuple[CouponTemplate, ...]:
        return tuple(c for c in self.coupons if c.issue_on == event)

    def is_excluded(self, category: str) -> bool:
        return category in self.excluded_categories


def parse_rules(text: str) -> Programme:
    """TOML text -> Programme, or PosError('rules_invalid') with what is wrong and where."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PosError("rules_invalid", detail=f"TOML: {exc}") from None
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise PosError("rules_invalid", detail=f"{where}: {first['msg']}") from None


def default_rules_text() -> str:
    return resources.files("terminal").joinpath("default_rules.toml").read_text("utf-8")


def default_programme() -> Programme:
    return parse_rules(default_rules_text())
