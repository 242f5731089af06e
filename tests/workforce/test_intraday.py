"""Intraday: actual versus forecast, required versus signed-in agents, the load alert."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.care.models import Notification
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.workforce.intraday import watch_load
from tests.support.personas import Audience, Personas, assert_access
from tests.workforce.conftest import Layout

READERS = Audience(allowed="supervisor", other_station=None, outsider="agent")


def test_intraday_shows_actual_against_forecast_and_agents(
    client: TestClient, as_user: Personas, contacts: Layout
) -> None:
    contacts(10, 30)
    headers = as_user.headers("supervisor")
    response = assert_access(
        as_user.headers,
        lambda h: client.get("/api/v1/wfm/intraday?interval=30", headers=h),
        READERS,
    )
    body = response.json()
    items = {i["interval_start"][11:16]: i for i in body["items"]}
    assert set(items) == {f"{h:02d}:{m}" for h in range(8, 12) for m in ("00", "30")}
    assert abs(items["08:00"]["forecast"] - 10) < 1
    assert items["08:00"]["actual"] == 30 and items["11:00"]["actual"] is None
    assert body["ratio"] > 2.5
    assert items["11:00"]["reforecast"] > 2.5 * items["11:00"]["forecast"]
    assert items["11:00"]["required_now"] > items["11:00"]["required"] >= 1
    assert items["10:00"]["signed_in"] == 0
    client.post(
        "/api/v1/wfm/agent-states", json={"state": "signed_in"}, headers=as_user.headers("agent")
    )
    again = client.get("/api/v1/wfm/intraday", headers=headers).json()
    now_row = next(i for i in again["items"] if i["interval_start"][11:16] == "10:00")
    assert now_row["signed_in"] == 1


def test_load_alert_goes_to_supervisors_once_per_interval(
    database: Database, clock: FixedClock, contacts: Layout
) -> None:
    contacts(10, 30)
    with database.unit_of_work() as session:
        assert watch_load(session, clock) == 1
    with database.unit_of_work() as session:
        assert watch_load(session, clock) == 0  # the same interval alerts once
    with database.unit_of_work(write=False) as session:
        alerts = session.scalars(select(Notification).where(Notification.rule == "load_alert"))
        (alert,) = alerts.all()
    assert alert.recipient == "role:supervisor" and alert.channel == "internal"
    assert "话务预警" in alert.text and "09:30" in alert.text and "增派坐席" in alert.text


def test_no_alert_when_today_runs_to_forecast_and_agents_are_signed_in(
    database: Database, clock: FixedClock, contacts: Layout, client: TestClient, as_user: Personas
) -> None:
    contacts(4, 4)
    for user in ("agent", "agent2", "expert"):
        client.post(
            "/api/v1/wfm/agent-states", json={"state": "signed_in"}, headers=as_user.headers(user)
        )
    with database.unit_of_work() as session:
        assert watch_load(session, clock) == 0
    with database.unit_of_work(write=False) as session:
        assert (
            session.scalar(select(Notification.id).where(Notification.rule == "load_alert")) is None
        )
    # three agents leave: fewer signed in than the load needs
    for user in ("agent", "agent2", "expert"):
        client.post(
            "/api/v1/wfm/agent-states", json={"state": "break"}, headers=as_user.headers(user)
        )
    clock.advance(timedelta(minutes=1))
    with database.unit_of_work() as session:
        assert watch_load(session, clock) == 1
    with database.unit_of_work(write=False) as session:
        text = session.scalar(select(Notification.text).where(Notification.rule == "load_alert"))
    assert text is not None and "低于需求" in text
