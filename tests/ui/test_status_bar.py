"""The status bar: offline when head office is unreachable and the last sync is old; events
waiting; standalone when no head office is set up; a StatusSource can be plugged in."""

from __future__ import annotations

import socket
from datetime import timedelta

from terminal import clock as clocks
from terminal.services import members
from ui.sync_status import store_status


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_when_head_office_is_unreachable(qtbot, term, admin, clock, window):
    members.register(term, admin, "13812345678")  # events not yet sent
    term.store.set_setting("headoffice_url", f"http://127.0.0.1:{unused_port()}")
    term.store.set_setting("last_sync_at", clocks.to_text(clock.now() - timedelta(hours=3)))
    term.store.set_setting("acked_seq", "0")
    waiting = term.store.scalar("SELECT COUNT(*) FROM events")
    window.status.poll()
    qtbot.waitUntil(lambda: "离线" in window.status.online.text())
    assert window.status.online.objectName() == "statusOffline"
    assert window.status.waiting.text() == f"待上传：{waiting:,} 条"
    assert window.status.last_sync.text() == "上次同步：3 小时前"
    status = store_status(term, clock.now())
    assert status["online"] is False and status["events_waiting"] == waiting > 0


def test_online_after_a_recent_sync(qtbot, term, clock, window):
    term.store.set_setting("headoffice_url", "http://127.0.0.1:1")
    term.store.set_setting("last_sync_at", clocks.to_text(clock.now() - timedelta(minutes=2)))
    window.status.poll()
    qtbot.waitUntil(lambda: window.status.online.text() == "● 在线")
    assert window.status.last_sync.text() == "上次同步：2 分钟前"


def test_standalone_without_a_head_office(qtbot, window):
    qtbot.waitUntil(lambda: "单机" in window.status.online.text())
    assert window.status.last_sync.text() == "上次同步：从未"


def test_a_status_source_can_be_plugged_in(qtbot, window, clock):
    window.status.set_source(lambda: {"online": True, "events_waiting": 7,
                                      "last_success": clock.now() - timedelta(days=2), "last_error": None})
    qtbot.waitUntil(lambda: window.status.waiting.text() == "待上传：7 条")
    assert window.status.online.text() == "● 在线" and window.status.last_sync.text() == "上次同步：2 天前"


def test_the_sync_replicas_status_shape_is_shown(qtbot, window, clock):
    """replica.status gives last_success as ISO text and last_error as {code, message, at}."""
    window.status.set_source(lambda: {
        "online": False, "events_waiting": 3, "configured": True,
        "last_success": clocks.to_text(clock.now() - timedelta(minutes=30)),
        "last_error": {"code": "unreachable", "message": "连接总部失败", "at": clocks.to_text(clock.now())}})
    qtbot.waitUntil(lambda: window.status.waiting.text() == "待上传：3 条")
    assert "离线" in window.status.online.text() and window.status.online.toolTip() == "连接总部失败"
    assert window.status.last_sync.text() == "上次同步：30 分钟前"
