"""`pos-terminal card issue --out FILE.pdf` (the console script) writes the same card the manager's
station prints: the CJK font embedded as text, the QR decoding to exactly the signed payload; a file
type it cannot write is refused before any card is issued."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from test_manager_actions import decode_pdf_qr


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "POS_DATA_DIR": str(data), "POS_PIN": "1234", "POS_PIN_HASH_FAST": "1"}
    env.pop("DISPLAY", None)
    return subprocess.run([sys.executable, "-m", "ui.entry", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_the_cli_card_pdf_embeds_the_font_and_scans_back(tmp_path):
    data = tmp_path / "till"
    assert _cli(data, "init", "--admin-pin", "1234", "--store-name", "朝阳门店").returncode == 0
    assert _cli(data, "member", "add", "--phone", "13812345678", "--name", "张伟").returncode == 0
    pdf = tmp_path / "card.pdf"
    done = _cli(data, "--json", "card", "issue", "5678", "--out", str(pdf))
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)["payload"]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert any("CJK" in line and " yes " in line for line in fonts.splitlines()), fonts
    assert decode_pdf_qr(pdf, tmp_path) == [payload]
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "138****5678" in text


def test_a_file_type_it_cannot_write_is_refused_before_issuing(tmp_path):
    data = tmp_path / "till"
    _cli(data, "init", "--admin-pin", "1234")
    _cli(data, "member", "add", "--phone", "13812345678")
    done = _cli(data, "card", "issue", "5678", "--out", str(tmp_path / "card.txt"))
    assert done.returncode == 1 and ".pdf" in done.stderr
    with sqlite3.connect(data / "terminal.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 0
