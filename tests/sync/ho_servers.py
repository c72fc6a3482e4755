"""Real servers for the sync tests: a private PostgreSQL cluster (initdb/pg_ctl as the postgres user
when run as root, data dir and socket in a temp folder, 127.0.0.1 on a free port) and head office
processes (`python -m sync.headoffice.cli serve` under uvicorn) on SQLite or PostgreSQL."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin holding initdb, or initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PgCluster:
    """initdb + pg_ctl start on a free port; stop() shuts it down and removes everything."""

    def __init__(self) -> None:
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (make test installs the Debian package)")
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="pos-pg-"))
        self.data, self.sock = self.base / "data", self.base / "sock"
        self.data.mkdir()
        self.sock.mkdir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        self.port = free_port()
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale",
                  "--no-sync")
        options = f"-F -p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "server.log"), "-w", "-t", "60",
                  "-o", options, "start")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=self.base)
        if result.returncode != 0:
            log = self.base / "server.log"
            extra = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed: {result.stdout}\n{result.stderr}\n{extra}")

    def new_database(self) -> str:
        import psycopg

        name = "ho_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


class HeadOffice:
    """A head office server process on 127.0.0.1 and a free port."""

    SERVE = ("-m", "sync.headoffice.cli", "serve")

    def __init__(self, db_url: str, log_dir: Path, command: tuple[str, ...] = SERVE) -> None:
        """`command`: what runs after the Python executable, before `--db URL --port N` (another
        server module for tests, e.g. tests/sync/broken_headoffice.py)."""
        self.db_url = db_url
        self.log_path = log_dir / f"headoffice-{uuid.uuid4().hex[:8]}.log"
        env = {k: v for k, v in os.environ.items() if k != "POS_HEADOFFICE_DB"}
        for _ in range(5):  # a free port can be taken between free_port() and bind: try another
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, *command, "--db", db_url, "--port", str(self.port)],
                    cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                )
            if self._wait_ready():
                return
            self.stop()
        raise RuntimeError(f"head office did not start: {self.log_path.read_text(errors='replace')[-3000:]}")

    def _wait_ready(self, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/v1/health", timeout=1.0).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
