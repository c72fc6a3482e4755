"""The actions the member page offers, by key. Each is an ActionDialog built as
`Dialog(mctx, member_view, parent)`; it runs its service call off the GUI thread and emits
`done(result)` on success (the page then reloads the member).

    card        issue or replace the QR member card; show, print or save it
    adjust      points correction with a reason (members.adjust_points)
    coupon      give a coupon from the programme's templates (members.give_coupon)
    topup       stored-value top-up with the programme's bonus (stored_value.topup)
    membership  sell or renew paid membership (membership.buy)
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ui.manager.base import ActionDialog
from ui.manager.card_dialog import CardDialog
from ui.manager.money_dialogs import MembershipDialog, TopUpDialog
from ui.manager.points_dialogs import AdjustPointsDialog, GiveCouponDialog

ACTIONS: dict[str, type[ActionDialog]] = {
    "card": CardDialog,
    "adjust": AdjustPointsDialog,
    "coupon": GiveCouponDialog,
    "topup": TopUpDialog,
    "membership": MembershipDialog,
}


def action_title(key: str) -> str:
    """A button's text for an action, in the UI's language."""
    titles = {
        "card": QCoreApplication.translate("MemberActions", "Member card"),
        "adjust": QCoreApplication.translate("MemberActions", "Adjust points"),
        "coupon": QCoreApplication.translate("MemberActions", "Give a coupon"),
        "topup": QCoreApplication.translate("MemberActions", "Top up stored value"),
        "membership": QCoreApplication.translate("MemberActions", "Paid membership"),
    }
    return titles.get(key, key)
