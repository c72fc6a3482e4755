"""The member page's profile actions: edit the profile, marketing consent, blacklist (and lift it),
erase on request (PIPL) and export the member's personal data. Each is an ActionDialog: the service
call runs on the worker, a known error shows in the dialog in the user's language and changes
nothing, and `done` tells the page to reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton,
    QVBoxLayout, QWidget,
)

from terminal.services import export, privacy
from ui.manager.base import ActionDialog, ManagerContext
from ui.manager.member_search import alive, phone_text, store_time


class ProfileDialog(ActionDialog):
    """The shared frame: a title line about the member, a form, the inline message, Cancel and OK."""

    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.member_id: str = member["member_id"]
        self.who = QLabel(self._who())
        self.who.setStyleSheet("font-weight: bold;")
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.ok = QPushButton()
        self.ok.setObjectName("dialogOk")
        self.ok.setDefault(True)
        self.cancel = QPushButton()
        self.cancel.setObjectName("dialogCancel")
        self.cancel.setAutoDefault(False)
        self.cancel.clicked.connect(self.reject)
        self.ok.clicked.connect(self.submit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.ok, 2)
        self.notes = QVBoxLayout()
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.who)
        self.body.addLayout(self.notes)
        self.body.addLayout(self.form)
        self.body.addWidget(self.message)
        self.body.addLayout(buttons)
        self.setMinimumWidth(560)

    def _who(self) -> str:
        name = self.member.get("name") or ""
        phone = phone_text(self.mctx.actor, self.member.get("phone"), self.member.get("phone_masked"))
        return "  ".join(x for x in (name, phone) if x)

    def note(self, text: str, *, warn: bool = False) -> QLabel:
        """A line of explanation above the form (wrapped; red for a warning)."""
        label = QLabel(text)
        label.setWordWrap(True)
        if warn:
            label.setStyleSheet("color: #b42318;")
        self.notes.addWidget(label)
        return label

    def set_buttons(self, ok: str, cancel: str | None = None) -> None:
        self.ok.setText(ok)
        self.cancel.setText(cancel or QCoreApplication.translate("ProfileDialog", "Cancel (Esc)"))

    def submit(self) -> None:
        raise NotImplementedError


class EditProfileDialog(ProfileDialog):
    """Name, birthday and phone (privacy.update_profile writes only what changed)."""

    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("editProfileDialog")
        self.setWindowTitle(self.tr("Edit profile"))
        self._phone = phone_text(mctx.actor, member.get("phone"), None)
        self.name = QLineEdit(member.get("name") or "")
        self.name.setObjectName("editName")
        self.name.setMaxLength(50)
        self.phone = QLineEdit(self._phone)
        self.phone.setObjectName("editPhone")
        self.phone.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.birthday = QLineEdit(member.get("birthday") or "")
        self.birthday.setObjectName("editBirthday")
        self.birthday.setPlaceholderText(self.tr("YYYY-MM-DD, empty: none"))
        self.birthday.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Phone"), self.phone)
        self.form.addRow(self.tr("Birthday"), self.birthday)
        self.set_buttons(self.tr("Save (Enter)"))

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.name.setFocus()
        self.name.selectAll()

    def submit(self) -> None:
        t, actor, member_id = self.mctx.t, self.mctx.actor, self.member_id
        name, birthday = self.name.text(), self.birthday.text()
        phone = self.phone.text().strip()
        phone_arg = phone if phone.replace(" ", "") != self._phone.replace(" ", "") else None
        self.call(lambda: privacy.update_profile(t, actor, member_id, name=name, birthday=birthday, phone=phone_arg))


class ConsentDialog(ProfileDialog):
    """Marketing consent, yes or no; the time it was given or withdrawn is recorded."""

    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("consentDialog")
        self.setWindowTitle(self.tr("Marketing consent"))
        current = member.get("marketing_consent")
        when = store_time(member.get("consent_at"), mctx.programme)
        if current is None:
            now_text = self.tr("Not asked yet.")
        elif current:
            now_text = self.tr("Agreed on %1.").replace("%1", when)
        else:
            now_text = self.tr("Declined on %1.").replace("%1", when)
        self.current = self.note(now_text)
        self.question = self.note(self.tr("May we send this member offers (SMS, WeChat)?"))
        self.yes = QRadioButton(self.tr("Yes, the member agrees"))
        self.yes.setObjectName("consentYes")
        self.no = QRadioButton(self.tr("No, the member declines"))
        self.no.setObjectName("consentNo")
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes)
        self.group.addButton(self.no)
        (self.no if current is False else self.yes).setChecked(True)
        self.form.addRow(self.yes)
        self.form.addRow(self.no)
        self.set_buttons(self.tr("Record (Enter)"))

    def submit(self) -> None:
        t, actor, member_id, agreed = self.mctx.t, self.mctx.actor, self.member_id, self.yes.isChecked()
        self.call(lambda: privacy.update_profile(t, actor, member_id, marketing_consent=agreed))


class BlacklistDialog(ProfileDialog):
    """Refuse the member at the checkout, with a reason the cashier is shown."""

    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("blacklistDialog")
        self.setWindowTitle(self.tr("Blacklist"))
        self.note(self.tr("The checkout will refuse this member and show the reason."))
        self.reason = QLineEdit()
        self.reason.setObjectName("blacklistReason")
        self.reason.setMaxLength(privacy.MAX_REASON)
        self.reason.setPlaceholderText(self.tr("Required; do not write the member's name or phone"))
        self.form.addRow(self.tr("Reason"), self.reason)
        self.set_buttons(self.tr("Blacklist (Enter)"))

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.reason.setFocus()

    def submit(self) -> None:
        t, actor, member_id, reason = self.mctx.t, self.mctx.actor, self.member_id, self.reason.text()
        self.call(lambda: privacy.blacklist(t, actor, member_id, reason))


class LiftBlacklistDialog(ProfileDialog):
    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("liftBlacklistDialog")
        self.setWindowTitle(self.tr("Lift blacklist"))
        self.note(self.tr("Blacklisted because: %1").replace("%1", member.get("blacklist_reason") or ""))
        self.note(self.tr("The member can shop, earn and redeem again."))
        self.set_buttons(self.tr("Lift blacklist (Enter)"))

    def submit(self) -> None:
        t, actor, member_id = self.mctx.t, self.mctx.actor, self.member_id
        self.call(lambda: privacy.unblacklist(t, actor, member_id))


class EraseDialog(ProfileDialog):
    """PIPL erasure: a reason, and the last 4 digits of the member's phone typed as confirmation."""

    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("eraseDialog")
        self.setWindowTitle(self.tr("Erase member"))
        masked = member.get("phone_masked") or ""
        self.code = masked[-4:] if masked[-4:].isdigit() else member["member_id"][-4:]
        self.note(self.tr(
            "Erasing removes this member's name, phone and birthday for good, here and (after sync) at head "
            "office. Sales, points and reports keep adding up. This cannot be undone."), warn=True)
        self.reason = QLineEdit()
        self.reason.setObjectName("eraseReason")
        self.reason.setMaxLength(privacy.MAX_REASON)
        self.reason.setPlaceholderText(self.tr("Required, e.g. the member asked in writing"))
        self.confirm = QLineEdit()
        self.confirm.setObjectName("eraseConfirm")
        self.confirm.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.form.addRow(self.tr("Reason"), self.reason)
        self.form.addRow(self.tr("Type %1 to confirm").replace("%1", self.code), self.confirm)
        self.set_buttons(self.tr("Erase for good"))
        self.ok.setStyleSheet("background: #b42318; color: white; font-weight: bold;")
        self.ok.setDefault(False)  # Enter in the reason does not erase; Enter in the confirmation does
        self.ok.setAutoDefault(False)
        self.confirm.returnPressed.connect(self.submit)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.reason.setFocus()

    def submit(self) -> None:
        if self.confirm.text().strip() != self.code:
            self.message.setText(self.tr("To confirm, type %1 (the last 4 digits of the member's phone)").replace(
                "%1", self.code))
            self.confirm.setFocus()
            return
        t, actor, member_id, reason = self.mctx.t, self.mctx.actor, self.member_id, self.reason.text()
        self.call(lambda: privacy.erase(t, actor, member_id, reason))


class ExportDialog(ProfileDialog):
    """Save the member's personal data as JSON (default: DATA_DIR/exports/); the export is audited."""

    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export personal data"))
        self.saved: Path | None = None
        self.note(self.tr(
            "A copy of everything held about this member (profile, cards, coupons, points, sales), for the "
            "member's request. The file holds personal data: hand it over securely. The export is recorded "
            "in the audit log."))
        self.path = QLineEdit()
        self.path.setObjectName("exportPath")
        self.browse = QPushButton(self.tr("Choose…"))
        self.browse.setAutoDefault(False)
        self.browse.clicked.connect(self._choose)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        self.result_label = QLabel()
        self.result_label.setObjectName("exportResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(self.tr("File"), where)
        self.body.insertWidget(self.body.indexOf(self.message) + 1, self.result_label)
        self.set_buttons(self.tr("Export (Enter)"))
        t, member_id = mctx.t, self.member_id
        mctx.runner.run(lambda: str(export.default_path(t, member_id)), self._default_path, lambda _exc: None)

    def _default_path(self, path: str) -> None:
        if alive(self) and not self.path.text():
            self.path.setText(path)

    def _choose(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export personal data"), self.path.text(),
                                              self.tr("JSON files (*.json)"))
        if path:
            self.path.setText(path)

    def submit(self) -> None:
        if self.saved is not None:
            self.accept()
            return
        path = self.path.text().strip()
        if not path:
            self.message.setText(self.tr("Choose where to save the file"))
            return
        t, actor, member_id = self.mctx.t, self.mctx.actor, self.member_id

        def run() -> Path:
            return export.write_json(export.export_member(t, actor, member_id), path)

        self.call(run, self._saved)

    def _saved(self, path: Path) -> None:
        self.saved = path
        self.result_label.setText(self.tr("Saved to %1").replace("%1", str(path)))
        self.set_buttons(self.tr("Close (Enter)"))
        self.path.setEnabled(False)
        self.browse.setEnabled(False)
        self.cancel.hide()
        self.done.emit(path)


def dialog_for(name: str, member: dict[str, Any]) -> type[ProfileDialog] | None:
    """The dialog a profile action opens for this member (blacklist or lift, as the status says)."""
    if name == "blacklist":
        return LiftBlacklistDialog if member.get("status") == "blacklisted" else BlacklistDialog
    return {"edit": EditProfileDialog, "consent": ConsentDialog, "erase": EraseDialog,
            "export": ExportDialog}.get(name)
