"""The CLI's demo on the demo store: what a cashier sees, until the Qt app opens instead."""

from __future__ import annotations

from typing import Any

from terminal import receipt
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.services import checkout, lookup, members
from terminal.services.context import Actor, Terminal


def walkthrough(t: Terminal, actor: Actor) -> tuple[dict[str, Any], str]:
    parts = ["== 按手机尾号 5678 查找会员 =="]
    try:
        lookup.find_one(t, "5678")
    except PosError as exc:
        parts.append(exc.message())
        for m in exc.params.get("matches", []):
            parts.append(f"  {m['phone_masked']} {m['name'] or ''}")
    member = members.view(t, "13812345678")
    parts += ["", "== 选择会员 ==", f"{member['phone_masked']} {member['name']} 积分 {member['points_balance']}"]
    welcome = next((c["code"] for c in member["coupons"] if c["status"] == "available"), None)
    req = checkout.SaleRequest(
        lines=(CartLine("fresh", 12000), CartLine("general", 8000), CartLine("tobacco", 3000)),
        member=member["member_id"], coupon=welcome)
    doc = checkout.quote(t, actor, req)
    parts += ["", "== 报价（不结算） ==", receipt.render(doc)]
    return {"member": member, "quote": doc}, "\n".join(parts)
