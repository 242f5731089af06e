"""Test fixtures: a migrated, seeded template database per run and a fresh copy per test,
on SQLite (default) or a real PostgreSQL (CLOSELOOP_TEST_DB=postgres).

Under pytest-xdist (`-n 2`) every worker builds its own template: SQLite in the worker's own
temporary directory, PostgreSQL in a throwaway cluster of its own (or, on a shared server given
by CLOSELOOP_TEST_PG_URL, a template named after the worker), so workers share no database.
"""

from __future__ import annotations

import gc
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Connection, create_engine, text

from closeloop.app import create_app
from closeloop.auth import passwords
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.db.migrate import upgrade
from closeloop.kit.clock import FixedClock
from tests.pg_cluster import PgCluster
from tests.support.cli import Cli
from tests.support.demo import DEMO_PASSWORD, NOW
from tests.support.factories import Factory
from tests.support.personas import Personas

# Tests import these from tests.support; the names stay importable from here for old branches.
__all__ = ["DEMO_PASSWORD", "NOW", "Cli", "Personas"]

# Property tests assert behaviour, never speed: no per-example deadline (under a parallel run on
# two busy cores one example of a fast rule took 265 ms and failed as "flaky").
hypothesis_settings.register_profile("closeloop", deadline=None)
hypothesis_settings.load_profile("closeloop")

# Thousands of sign-ins: hash at OWASP's lowest Argon2id cost (23 ms a check, not 121 ms). The
# demo template's users are hashed at it too; a stored hash is always checked at its own cost.
passwords.use_cost(passwords.OWASP_MINIMUM_COST)

BACKEND = os.environ.get("CLOSELOOP_TEST_DB", "sqlite")
# "gw0", "gw1", … under pytest-xdist; "main" in a plain run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEMPLATE = f"closeloop_template_{WORKER}"


def pytest_report_header() -> str:
    return f"closeloop database backend: {BACKEND}"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In an xdist worker, set what the suite left on the heap aside from the garbage collector.

    A worker has reported its results by now, and the controller interrupts a worker still busy
    5 s later; pytest's final gc.collect() over a whole suite's heap can take that long on a
    loaded machine (seen as a KeyboardInterrupt "ignored in gc_callback" at the end of a run).
    """
    if WORKER != "main":
        gc.freeze()


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
def server_url(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
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
    if cluster:
        request.addfinalizer(cluster.stop)  # stopped even when seeding the template fails
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {TEMPLATE}"))
        conn.execute(text(f"CREATE DATABASE {TEMPLATE}"))
    admin.dispose()
    _seed_template(base.rsplit("/", 1)[0] + f"/{TEMPLATE}")
    yield base
    if external:
        _drop_database(base, TEMPLATE)


def _drop_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _copy_strategy(conn: Connection) -> str:
    """PostgreSQL 15's default copy (WAL_LOG) writes the template through the WAL; copying its
    files is faster for a small test database (31–42 against 65–71 ms a copy, measured)."""
    version = conn.execute(text("SHOW server_version_num")).scalar_one()
    return " STRATEGY FILE_COPY" if int(version) >= 150000 else ""


def fresh_database_url(server_url: str, tmp_path: Path) -> tuple[str, Callable[[], None]]:
    """A new database cloned from the template, and a function that drops it."""
    if BACKEND == "sqlite":
        template = Path(server_url.removeprefix("sqlite:///"))
        copy = tmp_path / "test.db"
        shutil.copyfile(template, copy)
        return f"sqlite:///{copy}", lambda: None
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}{_copy_strategy(conn)}"))

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


@pytest.fixture
def as_user(client: TestClient) -> Personas:
    """Auth headers for demo users: `as_user.headers("agent")`."""
    return Personas(client)


@pytest.fixture
def factory(database: Database, clock: FixedClock, settings: Settings) -> Factory:
    """Customers, tickets, articles and users made through the services (tests/support)."""
    return Factory(database, clock, settings.tz)


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """`cli("user", "list")` runs the command line on the test's database."""
    from closeloop.config import get_settings

    yield Cli(db_url, monkeypatch)
    get_settings.cache_clear()
