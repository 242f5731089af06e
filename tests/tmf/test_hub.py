"""Hub events: outbox in the change's transaction, signed delivery, retry, machine clients."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tmf.delivery import SIGNATURE_HEADER, deliver_events
from closeloop.tmf.models import TmfDelivery, TmfDeliveryAttempt
from tests.support import Personas

TT = "/tmf-api/troubleTicket/v4"


class Receiver:
    """A local HTTP listener that fails the first `failures` posts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.received: list[tuple[bytes, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                else:
                    receiver.received.append((body, self.headers[SIGNATURE_HEADER]))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/listener"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(failures=1)
    yield r
    r.close()


def test_events_are_signed_retried_and_ordered(
    client: TestClient, as_user: Personas, database: Database, clock: FixedClock, receiver: Receiver
) -> None:
    h = as_user.headers("admin")
    sub = client.post(f"{TT}/hub", json={"callback": receiver.url}, headers=h)
    assert sub.status_code == 201, sub.text
    secret = sub.json()["secret"]
    body = {"description": "d", "severity": "Low", "ticketType": "device"}
    ticket = client.post(f"{TT}/troubleTicket", json=body, headers=h).json()
    patch = {"status": "cancelled", "statusChangeReason": "撤销"}
    assert client.patch(f"{TT}/troubleTicket/{ticket['id']}", json=patch, headers=h).is_success

    assert deliver_events(database, clock) == 0  # first post fails; the rest waits
    with database.unit_of_work() as session:
        attempts = list(session.scalars(select(TmfDeliveryAttempt)))
        assert [a.status_code for a in attempts] == [500]
    clock.advance(timedelta(seconds=31))
    assert deliver_events(database, clock) == 2
    kinds = [b.decode() for b, _ in receiver.received]
    assert "TroubleTicketCreateEvent" in kinds[0] and "TroubleTicketStatusChangeEvent" in kinds[1]
    for payload, signature in receiver.received:
        expected = "sha256=" + hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, expected)
    with database.unit_of_work() as session:
        statuses = set(session.scalars(select(TmfDelivery.status)))
        assert statuses == {"delivered"}
    assert client.delete(f"{TT}/hub/{sub.json()['id']}", headers=h).status_code == 204


def test_machine_client_token_and_scopes(client: TestClient, cli: object) -> None:
    result = cli("client", "create", "oss1", "--scopes", "tickets")  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    h = {"Authorization": f"Bearer {token}"}
    reply = client.get(f"{TT}/troubleTicket", params={"limit": 2}, headers=h)
    assert reply.status_code == 200, reply.text
    customers = client.get("/tmf-api/customerManagement/v4/customer", headers=h)
    assert customers.status_code == 403
    assert set(customers.json()) >= {"code", "reason", "message", "status"}


def test_native_workflow_changes_reach_the_hub(
    client: TestClient, as_user: Personas, database: Database, clock: FixedClock, receiver: Receiver
) -> None:
    receiver.failures = 0
    client.post(f"{TT}/hub", json={"callback": receiver.url}, headers=as_user.headers("admin"))
    with database.unit_of_work() as session:
        customer = session.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1))
    native = {
        "customer_id": str(customer),
        "channel": "hotline",
        "type": "fault",
        "category": "signal/indoor/weak",
        "severity": "high",
        "title": "室内信号弱",
        "description": "客厅信号差",
    }
    agent = as_user.headers("agent")
    ticket = client.post("/api/v1/tickets", json=native, headers=agent).json()
    client.post(f"/api/v1/tickets/{ticket['id']}/escalate", json={"note": "x"}, headers=agent)
    client.post(
        f"/api/v1/tickets/{ticket['id']}/dispatch",
        json={"station": "wireless"},
        headers=as_user.headers("expert"),
    )
    assert deliver_events(database, clock) == 3
    kinds = [json.loads(b)["eventType"] for b, _ in receiver.received]
    assert kinds == [
        "TroubleTicketCreateEvent",
        "TroubleTicketStatusChangeEvent",  # acknowledged → inProgress
        "TroubleTicketAttributeValueChangeEvent",  # inProgress stays, station changes
    ]
    sequences = [json.loads(b)["sequence"] for b, _ in receiver.received]
    assert sequences == [1, 2, 3]
