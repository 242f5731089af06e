"""Two CloseLoop servers on one database (as with `--workers N` or several machines): a message
an agent sends through one reaches the customer's stream held open by the other, woken by
PostgreSQL NOTIFY (or by polling on SQLite) — nothing is kept in a process's memory."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from closeloop.app import create_app
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.channels.helpers import a_customer
from tests.support.demo import AGENT, DEMO_PASSWORD


@contextmanager
def server(settings: Settings, clock: FixedClock) -> Iterator[str]:
    """A CloseLoop server of its own (its own engine and pools) on the test's database."""
    database = Database(settings.database_url)
    app = create_app(settings, database=database, clock=clock, start_worker=False)
    listener = socket.create_server(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    running = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)
        listener.close()
        database.dispose()


def test_a_message_sent_through_one_server_reaches_a_stream_on_another(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    msisdn = a_customer(database).msisdn
    with server(settings, clock) as first, server(settings, clock) as second:
        customer = httpx.Client(base_url=first, timeout=60)
        said = customer.post("/api/v1/assist/chat", json={"message": "转人工", "msisdn": msisdn})
        session_id = said.json()["session_id"]
        agent = httpx.Client(base_url=second, timeout=60)
        token = agent.post(
            "/api/v1/auth/token", json={"username": AGENT, "password": DEMO_PASSWORD}
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert agent.post(f"/api/v1/chats/{session_id}/take", headers=auth).status_code == 200
        last = customer.get(f"/api/v1/assist/chat/{session_id}/messages").json()["items"][-1]

        received: list[str] = []
        opened = threading.Event()

        def listen() -> None:
            url = f"/api/v1/assist/chat/{session_id}/stream"
            params = {"after": last["id"], "seconds": 20}
            with customer.stream("GET", url, params=params) as lines:
                opened.set()
                for line in lines.iter_lines():
                    if line.startswith("data: ") and "您好，请讲" in line:
                        received.append(line)
                        return

        listener = threading.Thread(target=listen)
        listener.start()
        assert opened.wait(20)
        time.sleep(1.0)  # the stream is waiting when the message comes
        started = time.monotonic()
        sent = agent.post(
            f"/api/v1/chats/{session_id}/messages", json={"text": "您好，请讲"}, headers=auth
        )
        assert sent.status_code == 201
        listener.join(timeout=25)
        waited = time.monotonic() - started

    assert received and "您好，请讲" in received[0]
    assert waited < 5, f"the other server's stream took {waited:.1f} s"
