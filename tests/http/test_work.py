"""The unit-of-work context handed to handlers and domain code: a request's `CurrentWork`
acts as the signed-in user, and domain code reads the settings of the work it runs in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.deps import CurrentWork, work_requiring
from closeloop.care.outbox import Notice, notify_customer
from closeloop.care.rules import TICKET_PROGRESS
from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.runtime.work import Work
from tests.conftest import Personas

Reporter = Annotated[Work, Depends(work_requiring("reports.read"))]


def _describe(work: Work) -> dict[str, Any]:
    return {
        "actor": work.actor.username,
        "bound": Work.of(work.session) is work,
        "now": work.now().isoformat(),
        "today": work.today().isoformat(),
    }


def test_current_work_acts_as_the_signed_in_user(client: TestClient, as_user: Personas) -> None:
    def whoami(work: CurrentWork) -> dict[str, Any]:
        return _describe(work)

    def report(work: Reporter) -> dict[str, Any]:
        return _describe(work)

    client.app.add_api_route("/api/v1/test/whoami", whoami)  # type: ignore[attr-defined]
    client.app.add_api_route("/api/v1/test/report", report)  # type: ignore[attr-defined]

    seen = client.get("/api/v1/test/whoami", headers=as_user.headers("agent"))
    assert seen.status_code == 200, seen.text
    assert seen.json() == {
        "actor": "agent",
        "bound": True,  # services holding only the session find the same work
        "now": "2026-11-23T02:00:00+00:00",  # the app's clock
        "today": "2026-11-23",  # in the operator's time zone
    }
    assert client.get("/api/v1/test/whoami").status_code == 401
    assert client.get("/api/v1/test/report", headers=as_user.headers("agent")).status_code == 403
    allowed = client.get("/api/v1/test/report", headers=as_user.headers("supervisor"))
    assert allowed.status_code == 200 and allowed.json()["actor"] == "supervisor"


def test_domain_code_reads_the_settings_of_its_work(database: Database) -> None:
    night = FixedClock(datetime(2026, 11, 23, 15, 30, tzinfo=UTC))  # 23:30 in Shanghai
    quiet_off = Settings(database_url=database.url, quiet_hours="")
    quiet_on = Settings(database_url=database.url, quiet_hours="22:00-08:00")
    with database.unit_of_work() as session:
        customer = session.scalars(select(Customer).order_by(Customer.id)).first()
        assert customer is not None
        Work(session, quiet_off, night).bind()
        sent = notify_customer(session, customer, Notice(TICKET_PROGRESS, "已受理", night.now()))
        Work(session, quiet_on, night).bind()
        held = notify_customer(session, customer, Notice(TICKET_PROGRESS, "已受理", night.now()))
        assert sent is not None and held is not None
        assert (sent.hold_reason, sent.send_after) == (None, night.now())
        assert held.hold_reason == "quiet_hours"
        assert held.send_after == datetime(2026, 11, 24, 0, 0, tzinfo=UTC)  # 08:00 local
        session.rollback()
