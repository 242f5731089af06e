"""A database that cannot be reached: 503 problem+json with Retry-After, fast, and service
again once it is back, without restarting CloseLoop."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from closeloop.app import create_app
from closeloop.config import Settings
from closeloop.db.migrate import upgrade
from tests.conftest import BACKEND
from tests.pg_cluster import PgCluster

UNAVAILABLE = "https://closeloop.dev/problems/database-unavailable"


def _sign_in(client: TestClient) -> Response:
    """A request that needs the database (it looks the user up)."""
    return client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x" * 12})


def _assert_unavailable(answer: Response) -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert int(answer.headers["retry-after"]) > 0
    body = answer.json()
    assert body["type"] == UNAVAILABLE and body["status"] == 503
    assert "traceback" not in answer.text.lower()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens there once the socket is closed


def test_a_database_nobody_answers_for_gives_503_with_retry_after() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/closeloop"
    app = create_app(Settings(database_url=url), start_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        _assert_unavailable(_sign_in(client))


@pytest.fixture
def cluster() -> Iterator[tuple[PgCluster, str]]:
    if BACKEND != "postgres":
        pytest.skip("restarts a PostgreSQL server of its own (CLOSELOOP_TEST_DB=postgres)")
    cluster = PgCluster()
    url = cluster.start()
    try:
        upgrade(url)
        yield cluster, url
    finally:
        cluster.stop()


def test_while_postgresql_restarts_requests_fail_fast_and_then_work_again(
    cluster: tuple[PgCluster, str],
) -> None:
    server, url = cluster
    app = create_app(Settings(database_url=url), start_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert _sign_in(client).status_code == 401  # up: the user is looked up, not found
        server.stop_server("fast")
        for _ in range(3):  # the pooled connection that died, then new ones refused
            started = time.monotonic()
            _assert_unavailable(_sign_in(client))
            assert time.monotonic() - started < 5
        server.start_server()
        assert _sign_in(client).status_code == 401  # the same application serves again
