"""Sync fixtures: a real PostgreSQL for the session, and real head office servers on SQLite and on
PostgreSQL (`headoffice`, parametrized over both backends)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from ho_servers import HeadOffice, PgCluster, pg_bin

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A private PostgreSQL cluster for this test session (each xdist worker has its own)."""
    if pg_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: `make test` installs it (SYSTEM_PACKAGES)")
        pytest.skip("PostgreSQL is not installed: `make test` installs it")
    cluster = PgCluster()
    yield cluster
    cluster.stop()


def db_url_for(backend: str, request: pytest.FixtureRequest, folder: Path) -> str:
    if backend == "sqlite":
        return str(folder / "headoffice.db")
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database()


@dataclass
class Running:
    backend: str
    server: HeadOffice

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def db_url(self) -> str:
        return self.server.db_url


@pytest.fixture(scope="session", params=BACKENDS)
def headoffice(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One head office per backend for the session; tests enroll their own terminals."""
    backend = request.param
    folder = tmp_path_factory.mktemp(f"ho-{backend}")
    server = HeadOffice(db_url_for(backend, request, folder), folder)
    yield Running(backend, server)
    server.stop()


@pytest.fixture(params=BACKENDS)
def fresh_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend, for storage-level tests."""
    return db_url_for(request.param, request, tmp_path)
