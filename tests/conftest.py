"""Test fixtures: a migrated, seeded template database per run and a fresh copy per test,
on SQLite (default) or a real PostgreSQL (CLOSELOOP_TEST_DB=postgres)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from closeloop.app import create_app
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.db.migrate import upgrade
from closeloop.kit.clock import FixedClock
from tests.pg_cluster import PgCluster

BACKEND = os.environ.get("CLOSELOOP_TEST_DB", "sqlite")
DEMO_PASSWORD = "closeloop-demo"
TEMPLATE = "closeloop_template"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai


def pytest_report_header() -> str:
    return f"closeloop database backend: {BACKEND}"


def _seed_template(url: str) -> None:
    from closeloop.demo.seed import seed_demo
    from closeloop.modules import sync_defaults

    upgrade(url)
    database = Database(url)
    with database.unit_of_work() as session:
        sync_defaults(session)
    seed_demo(
        database, Settings(database_url=url, demo_password=DEMO_PASSWORD), clock=FixedClock(NOW)
    )
    database.dispose()


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of an empty server database (PostgreSQL) or a template file (SQLite)."""
    if BACKEND == "sqlite":
        path = tmp_path_factory.mktemp("db") / "template.db"
        url = f"sqlite:///{path}"
        _seed_template(url)
        yield url
        return
    external = os.environ.get("CLOSELOOP_TEST_PG_URL")
    cluster = None if external else PgCluster()
    base = external or cluster.start()  # type: ignore[union-attr]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE}"))
        conn.execute(text(f"CREATE DATABASE {TEMPLATE}"))
    admin.dispose()
    _seed_template(base.rsplit("/", 1)[0] + f"/{TEMPLATE}")
    try:
        yield base
    finally:
        if cluster:
            cluster.stop()


def fresh_database_url(server_url: str, tmp_path: Path) -> tuple[str, Any]:
    """A new database cloned from the template, and a function that drops it."""
    if BACKEND == "sqlite":
        template = Path(server_url.removeprefix("sqlite:///"))
        copy = tmp_path / "test.db"
        shutil.copyfile(template, copy)
        return f"sqlite:///{copy}", lambda: None
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return server_url.rsplit("/", 1)[0] + f"/{name}", drop


@pytest.fixture
def db_url(server_url: str, tmp_path: Path) -> Iterator[str]:
    """A migrated database with the demo organisation, users, plans and customers."""
    url, drop = fresh_database_url(server_url, tmp_path)
    yield url
    drop()


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """The test's database."""
    db = Database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at Monday 2026-11-23 10:00 Shanghai time."""
    return FixedClock(NOW)


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Settings pointing at the test's database."""
    return Settings(database_url=db_url, demo_password=DEMO_PASSWORD, worker_enabled=False)


@pytest.fixture
def client(settings: Settings, database: Database, clock: FixedClock) -> Iterator[TestClient]:
    """An HTTP client for the app on the test's database."""
    app = create_app(settings, database=database, clock=clock, start_worker=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


class Personas:
    """Signs in demo users once per test and hands out their auth headers."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self.client.post(
                "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}


@pytest.fixture
def as_user(client: TestClient) -> Personas:
    """Auth headers for demo users: `as_user.headers("agent")`."""
    return Personas(client)


class Cli:
    """Runs `closeloop …` in-process against the test's database."""

    def __init__(self, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        from typer.testing import CliRunner

        from closeloop.config import get_settings

        monkeypatch.setenv("CLOSELOOP_DATABASE_URL", db_url)
        monkeypatch.setenv("CLOSELOOP_DEMO_PASSWORD", DEMO_PASSWORD)
        get_settings.cache_clear()
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        from closeloop.cli import app

        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """`cli("user", "list")` runs the command line on the test's database."""
    from closeloop.config import get_settings

    yield Cli(db_url, monkeypatch)
    get_settings.cache_clear()
