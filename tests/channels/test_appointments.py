"""The technician's visit (上门预约): the station sets a window on accept or later; the customer
is told by SMS and sees it on the tracking page."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from closeloop.auth.models import AuditEntry
from closeloop.care.models import Notification
from closeloop.db.engine import Database
from tests.channels.test_tracking import progress_links
from tests.support import Factory, Personas, assert_problem
from tests.support.demo import AGENT, EDITOR, OTHER_STATION, STATION, SUPERVISOR

WINDOW = {"start": "2026-11-23T14:00:00+08:00", "end": "2026-11-23T16:00:00+08:00"}
VISIT = "工程师将于11月23日14:00–16:00上门"


def progress_texts(database: Database, ticket_id: str) -> list[str]:
    with database.unit_of_work(write=False) as session:
        return list(
            session.scalars(
                select(Notification.text)
                .where(
                    Notification.ticket_id == int(ticket_id),
                    Notification.rule == "ticket_progress",
                )
                .order_by(Notification.id)
            )
        )


def test_the_station_sets_the_visit_the_customer_is_told_and_sees_it(
    client: TestClient, factory: Factory, database: Database, as_user: Personas
) -> None:
    ticket = factory.ticket("in_progress")
    url = f"/api/v1/tickets/{ticket.id}/appointment"

    done = client.put(url, json=WINDOW, headers=as_user.headers(STATION))

    assert done.status_code == 200, done.text
    body = done.json()
    assert body["appointment"] == {
        "start": "2026-11-23T06:00:00+00:00",
        "end": "2026-11-23T08:00:00+00:00",
    }
    assert body["history"][-1]["action"] == "appointment"
    last = progress_texts(database, ticket.id)[-1]
    assert last.startswith(f"【客服】您的工单{ticket.number}：{VISIT}") and "/t/" in last
    with database.unit_of_work(write=False) as session:
        audited = session.scalar(
            select(func.count()).where(AuditEntry.action == "ticket.appointment")
        )
    assert audited == 1
    token = progress_links(database, ticket)[-1]
    page = client.get(f"/t/{token}")
    assert "工程师将于 11-23 14:00–16:00 上门" in page.text
    english = client.get(f"/t/{token}?lang=en").text
    assert "The technician will visit on 11-23 14:00–16:00" in english


def test_only_the_station_holding_the_ticket_or_a_supervisor_sets_it(
    client: TestClient, factory: Factory, as_user: Personas
) -> None:
    ticket = factory.ticket("in_progress")
    url = f"/api/v1/tickets/{ticket.id}/appointment"
    assert_problem(client.put(url, json=WINDOW), 401)
    assert_problem(client.put(url, json=WINDOW, headers=as_user.headers(EDITOR)), 403)
    assert_problem(client.put(url, json=WINDOW, headers=as_user.headers(OTHER_STATION)), 404)
    assert_problem(client.put(url, json=WINDOW, headers=as_user.headers(AGENT)), 403)
    moved = {"start": "2026-11-24T09:00:00+08:00", "end": "2026-11-24T11:00:00+08:00"}
    assert client.put(url, json=moved, headers=as_user.headers(SUPERVISOR)).status_code == 200


def test_a_bad_window_is_refused_naming_the_field(
    client: TestClient, factory: Factory, as_user: Personas
) -> None:
    ticket = factory.ticket("in_progress")
    url = f"/api/v1/tickets/{ticket.id}/appointment"
    headers = as_user.headers(STATION)
    past = {"start": "2026-11-23T08:00:00+08:00", "end": "2026-11-23T09:00:00+08:00"}
    evening = {"start": "2026-11-23T18:00:00+08:00", "end": "2026-11-23T19:00:00+08:00"}

    assert_problem(client.put(url, json=past, headers=headers), 422, field=["appointment", "start"])
    assert_problem(
        client.put(url, json=evening, headers=headers),
        422,
        field=["appointment", "start"],
        detail_contains="business hours",
    )
    assert_problem(client.put(url, json={"start": "soon"}, headers=headers), 422)
    assert client.get(f"/api/v1/tickets/{ticket.id}", headers=headers).json()["appointment"] is None


def test_a_ticket_not_yet_accepted_has_no_visit(
    client: TestClient, factory: Factory, as_user: Personas
) -> None:
    ticket = factory.ticket("dispatched")
    url = f"/api/v1/tickets/{ticket.id}/appointment"
    assert_problem(client.put(url, json=WINDOW, headers=as_user.headers(STATION)), 409)


def test_accepting_with_a_window_tells_the_customer_in_the_accept_notice(
    client: TestClient, factory: Factory, database: Database, as_user: Personas
) -> None:
    ticket = factory.ticket("dispatched")

    accepted = client.post(
        f"/api/v1/tickets/{ticket.id}/accept",
        json={"appointment": WINDOW},
        headers=as_user.headers(STATION),
    )

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "in_progress"
    assert accepted.json()["appointment"]["start"] == "2026-11-23T06:00:00+00:00"
    texts = progress_texts(database, ticket.id)
    assert len(texts) == 2 and "已由" in texts[-1] and VISIT in texts[-1]


def test_accepting_with_a_bad_window_accepts_nothing(
    client: TestClient, factory: Factory, as_user: Personas
) -> None:
    ticket = factory.ticket("dispatched")
    evening = {"start": "2026-11-23T18:00:00+08:00", "end": "2026-11-23T19:00:00+08:00"}
    refused = client.post(
        f"/api/v1/tickets/{ticket.id}/accept",
        json={"appointment": evening},
        headers=as_user.headers(STATION),
    )
    assert_problem(refused, 422, field=["appointment", "start"])
    shown = client.get(f"/api/v1/tickets/{ticket.id}", headers=as_user.headers(STATION)).json()
    assert shown["status"] == "dispatched"
