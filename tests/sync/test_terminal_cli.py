"""`pos-terminal enroll / sync / status` (sync/terminal_cli.py), and every other command still
delegated to terminal.cli unchanged."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from cli_runner import cli_runner

from stub_headoffice import StubHeadOffice
from sync.terminal_cli import STATUS_KEYS, main


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    return cli_runner(main, tmp_path / "till", monkeypatch, capsys)


@pytest.fixture
def office():
    with StubHeadOffice() as stub:
        yield stub


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_status_of_a_standalone_terminal(cli):
    assert cli("member", "add", "--phone", "13812345678")[0] == 0
    code, doc, _ = cli("status")
    assert code == 0 and set(doc) == set(STATUS_KEYS)
    assert doc["online"] is False and doc["headoffice_url"] is None and doc["events_waiting"] > 0
    code, text, _ = cli("status", json_out=False)
    assert code == 0 and "未登记总部" in text


def test_sync_before_enroll_is_refused_clearly(cli):
    code, doc, err = cli("sync", "--once")
    assert code == 1 and doc["error"]["code"] == "not_enrolled"


def test_enroll_sync_status(cli, office):
    code, doc, _ = cli("enroll", office.url, office.code)
    assert code == 0 and doc["store_name"] == "总部登记门店" and doc["headoffice_url"] == office.url
    assert cli("member", "add", "--phone", "13812345678", "--name", "张伟")[0] == 0
    code, doc, _ = cli("sync", "--once")
    assert code == 0 and doc["pushed"] > 0 and doc["events_waiting"] == 0 and doc["online"] is True
    code, doc, _ = cli("status")
    assert code == 0 and doc["online"] is True and doc["acked_seq"] > 0 and doc["last_error"] is None
    code, text, _ = cli("status", json_out=False)
    assert text.startswith("在线")


def test_enroll_needs_the_admin_pin_and_a_good_code(cli, office, monkeypatch):
    monkeypatch.setenv("POS_PIN", "9999")
    assert cli("enroll", office.url, office.code)[1]["error"]["code"] == "pin_wrong"
    monkeypatch.setenv("POS_PIN", "1234")
    code, doc, _ = cli("enroll", office.url, "NOT-THE-CODE")
    assert code == 1 and doc["error"]["code"] == "sync_refused"
    code, doc, _ = cli("enroll", "ftp://example", office.code)
    assert code == 1 and doc["error"]["code"] == "input_invalid"


def test_sync_once_exits_nonzero_with_one_line_when_head_office_is_unreachable(cli, office):
    assert cli("enroll", office.url, office.code)[0] == 0
    office.__exit__()
    code, out, err = cli("sync", "--once", json_out=False)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "无法连接总部" in err and "Traceback" not in err
    code, doc, _ = cli("status")
    assert doc["online"] is False and doc["last_error"]["code"] == "headoffice_unreachable"


def test_the_other_commands_are_unchanged(cli):
    code, doc, _ = cli("member", "add", "--phone", "13812345678", "--at", "2026-10-01T09:00")
    assert code == 0 and doc["phone_masked"] == "138****5678"
    code, doc, _ = cli("sale", "--member", "5678", "--line", "general:100", "--at", "2026-11-02T10:00")
    assert code == 0 and doc["payable_fen"] == 10000


def test_sync_loop_runs_until_interrupted(cli, office):
    assert cli("enroll", office.url, office.code)[0] == 0
    env = {**os.environ, "POS_DATA_DIR": str(cli.data), "POS_LANG": "zh_CN"}
    # started with SIGINT ignored, as under nohup or a pytest-xdist worker: the loop must still stop
    proc = subprocess.Popen([sys.executable, "-m", "sync.terminal_cli", "--json", "sync", "--interval", "60"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        deadline = time.monotonic() + 90  # a loaded CI machine starts Python slowly
        while not any(r[1].startswith("/v1/changes") for r in office.requests) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any(r[1].startswith("/v1/changes") for r in office.requests), "the loop never pulled"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    doc = json.loads(out)
    assert doc["online"] is True and doc["events_waiting"] == 0
