"""Nothing touches a widget off the GUI thread: operations run on the worker, results come back
on the GUI thread, and every slot the checkout's session drives runs there."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QThread, Qt

from ui.ops import Runner, on_gui_thread
from ui_helpers import key, settle, type_text


def test_runner_runs_off_the_gui_thread_and_delivers_on_it(qtbot, qapp):
    runner = Runner()
    main = threading.get_native_id()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = threading.get_native_id()
        seen["worker_is_gui"] = on_gui_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["slot_is_gui"] = QThread.currentThread() is QCoreApplication.instance().thread()

    with qtbot.waitSignal(runner.delivered, timeout=5000):
        runner.run(work, done)
    assert seen["value"] == 42 and seen["worker"] != main
    assert seen["worker_is_gui"] is False and seen["slot_is_gui"] is True

    errors: list[tuple[BaseException, bool]] = []
    with qtbot.waitSignal(runner.delivered, timeout=5000):
        runner.run(lambda: 1 / 0, done, lambda exc: errors.append((exc, on_gui_thread())))
    assert isinstance(errors[0][0], ZeroDivisionError) and errors[0][1] is True
    runner.wait()


def test_runner_runs_operations_one_at_a_time_in_order(qtbot, qapp):
    runner = Runner()
    order: list[int] = []
    for i in range(5):
        runner.run(lambda i=i: i, order.append)
    qtbot.waitUntil(lambda: len(order) == 5)
    assert order == [0, 1, 2, 3, 4] and len(runner.worker_threads) == 1
    runner.wait()


def test_checkout_slots_run_on_the_gui_thread(qtbot, signed_in):
    w = signed_in
    s = w.session
    threads: list[bool] = []
    for signal in (s.member_changed, s.lines_changed, s.quote_changed, s.busy_changed, s.lookup_failed):
        signal.connect(lambda *_: threads.append(on_gui_thread()))
    key(Qt.Key.Key_F2)
    type_text("12.5", 10)
    key(Qt.Key.Key_Return)
    w.page.member.focus_query()
    type_text("0000", 10)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.page.member.message.text() != "")
    settle(qtbot, w)
    assert len(threads) >= 4 and all(threads)
    assert threading.get_native_id() not in w.runner.worker_threads
    assert s.outcome.doc["payable_fen"] == 1250


def test_emitting_a_signal_keeps_the_interpreter_sound(qapp):
    """PySide6 6.12.0's SignalInstance.emit returned True without a reference (Python 3.11): every
    emit took one from True until the interpreter aborted ('deallocating True'). Pinned to 6.11.3;
    this guards an upgrade."""
    import sys

    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        changed = Signal(object)

    emitter = Emitter()
    emitter.changed.connect(lambda _value: None)
    before = sys.getrefcount(True)
    for _ in range(100):
        emitter.changed.emit(1)
    assert sys.getrefcount(True) >= before
