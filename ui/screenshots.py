"""Screenshots of the real app for docs/: `python -m ui.screenshots --out docs`.

Runs the app on a demo store in a temporary folder, on the X server in DISPLAY (starting Xvfb :99
when there is none), drives it as a cashier would and grabs the screen: sign-in, checkout with a
member and a live quote (zh_CN and en), and the receipt after payment.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("POS_PIN_HASH_FAST", "1")

SIZE = (1280, 800)


def _xvfb() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        raise SystemExit("no DISPLAY and no Xvfb: apt-get install xvfb")
    proc = subprocess.Popen(["Xvfb", ":99", "-screen", "0", f"{SIZE[0]}x{SIZE[1]}x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ["DISPLAY"] = ":99"
    for _ in range(50):
        if Path("/tmp/.X11-unix/X99").exists():
            break
        time.sleep(0.1)
    return proc


def _demo_store(folder: Path) -> dict[str, str]:
    """The demo store, with 张伟 a silver member close to gold holding a RECALL coupon and a card."""
    from terminal.pricing import CartLine
    from terminal.services import card_service, checkout, members, setup
    from terminal.services.context import Actor, open_terminal

    t = open_terminal(folder)
    setup.init(t, store_name="朝阳门店", admin_pin="1234", demo=True)
    admin = Actor("admin", "admin", "管理员")
    now = t.now()
    for days, fen in ((200, 350000), (120, 300000), (40, 230000)):
        checkout.sale(t, admin, checkout.SaleRequest(lines=(CartLine("general", fen),), member="13812345678"),
                      at=now - timedelta(days=days))
    coupon = members.give_coupon(t, admin, "13812345678", "RECALL")
    second = members.give_coupon(t, admin, "13812345678", "RECALL")  # the en pass uses its own
    card = card_service.issue(t, admin, "13812345678")
    t.store.close()
    return {"coupon": coupon["code"], "coupon_en": second["code"], "card": card.payload, "member_id": card.member_id}


def _wait(app: object, until: Callable[[], bool], seconds: float = 10.0) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while not until():
        if time.monotonic() > end:
            raise TimeoutError("the app did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def _settle(seconds: float = 0.4) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def _shot(window: object, path: Path) -> Path:
    """The screen as the cashier sees it (the X screen under xcb; the window when offscreen)."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    _settle()
    if QGuiApplication.platformName() == "xcb":
        pixmap = QGuiApplication.primaryScreen().grabWindow(0)
    else:
        target = QApplication.activeModalWidget() or window
        pixmap = target.grab()  # type: ignore[attr-defined]
    pixmap.save(str(path))
    print(f"saved {path}")
    return path


def _member_page(application: object, w: object, member_id: str, path: Path) -> Path:
    """The manager's station with the demo member's page open (F9 from the checkout)."""
    w.open_station(member_id)  # type: ignore[attr-defined]
    page = w.station.members.page  # type: ignore[attr-defined]
    _wait(application, lambda: page.member_id == member_id and not w.runner.busy)  # type: ignore[attr-defined]
    return _shot(w, path)


def _printed_card(t: object, demo: dict[str, str], folder: Path, path: Path) -> Path:
    """The card as printed: the PDF the card dialog writes, rasterized as a printer would."""
    from terminal.services import members
    from ui.manager import card_print

    view = members.view(t, demo["member_id"])  # type: ignore[arg-type]
    face = card_print.CardFace(demo["card"], t.store_name, view["phone_masked"], view["tier_name"])  # type: ignore[attr-defined]
    pdf = card_print.write_pdf(face, folder / "card.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(path.with_suffix(""))], check=True)
    print(f"saved {path}")
    return path


def take(out: Path) -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from terminal.services.context import open_terminal
    from ui import app as qtapp, i18n
    from ui.main_window import MainWindow

    out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="pos-shots-"))
    demo = _demo_store(folder)
    application = qtapp.create_app()
    t = open_terminal(folder)
    ctx = qtapp.make_context(folder, t)
    ctx.settings.setValue("receipts/auto_print", "false")
    shots: list[Path] = []
    try:
        for lang in ("zh_CN", "en"):
            i18n.install(lang)
            window = MainWindow(ctx)
            window.setGeometry(0, 0, *SIZE)
            window.show()
            window.activateWindow()
            _wait(application, window.isVisible)
            w = window
            if lang == "zh_CN":
                w.signin.staff.setText("admin")
                w.signin.pin.setFocus()
                shots.append(_shot(w, out / "signin.png"))
            w.signin.staff.setText("admin")
            w.signin.pin.setText("1234")
            w.signin.submit()
            _wait(application, lambda: w.stack.currentWidget() is w.page)
            w.session.scan(demo["card"])
            _wait(application, lambda: w.session.member is not None)
            for category, fen, qty in (("fresh", 12000, 1), ("dairy", 1850, 2), ("general", 8000, 1),
                                       ("tobacco", 3000, 1)):
                from ui.calls import Line

                w.session.add_line(Line(category, fen, qty))
            w.session.set_coupon(demo["coupon"] if lang == "zh_CN" else demo["coupon_en"])
            w.session.set_redeem(500)
            _wait(application, lambda: w.session.settled and w.session.outcome is not None)
            w.page.cart.focus_amount()
            shots.append(_shot(w, out / f"checkout-{lang}.png"))
            if lang == "zh_CN":
                w.open_pay()
                _wait(application, lambda: QApplication.activeModalWidget() is not None)
                pay = QApplication.activeModalWidget()
                _wait(application, lambda: QApplication.focusWidget() is pay.cash)  # type: ignore[union-attr]
                QTest.keyClicks(pay.cash, "500")  # type: ignore[union-attr]
                shots.append(_shot(w, out / "pay.png"))
                QTest.keyClick(pay.cash, Qt.Key.Key_Return)  # type: ignore[union-attr]
                _wait(application, lambda: pay.pages.currentIndex() == 1)  # type: ignore[union-attr]
                shots.append(_shot(w, out / "receipt.png"))
                pay.accept()  # type: ignore[union-attr]
                _settle(0.3)
                shots.append(_member_page(application, w, demo["member_id"], out / "member-page.png"))
                shots.append(_printed_card(t, demo, folder, out / "printed-card.png"))
            w.close()
            ctx.runner.wait()
            _settle(0.2)
    finally:
        ctx.runner.wait()
        t.store.close()
        shutil.rmtree(folder, ignore_errors=True)
    return shots


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", type=Path, default=Path("docs"))
    args = p.parse_args(argv)
    server = _xvfb()
    try:
        take(args.out)
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
