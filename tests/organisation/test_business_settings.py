"""Business settings in one place: defaults, changes by an admin, who changed them, and a
changed service promise applying to the next ticket."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from tests.conftest import Personas
from tests.tickets.helpers import ticket_body

SETTINGS = "/api/v1/settings"


def _settings(client: TestClient, as_user: Personas) -> dict[str, dict[str, object]]:
    response = client.get(SETTINGS, headers=as_user.headers("admin"))
    assert response.status_code == 200, response.text
    return {s["key"]: s for s in response.json()}


def test_every_setting_shows_its_default_until_changed(
    client: TestClient, as_user: Personas
) -> None:
    settings = _settings(client, as_user)
    assert {"care.quiet_hours", "care.daily_cap", "tickets.promise_hours"} <= set(settings)
    quiet = settings["care.quiet_hours"]
    assert quiet["value"] == quiet["default"] == "22:00-08:00"
    assert quiet["is_default"] is True and quiet["changed_by"] is None
    assert quiet["name"] == "客户免打扰时段"


def test_an_admin_changes_a_setting_and_it_is_audited(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    response = client.put(
        f"{SETTINGS}/care.daily_cap", json={"value": 3}, headers=as_user.headers("admin")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["value"], body["default"], body["is_default"]) == (3, 5, False)
    assert body["changed_by"] == "admin"
    with database.unit_of_work() as session:
        summary = session.scalar(
            select(AuditEntry.summary).where(AuditEntry.action == "setting.change")
        )
    assert summary == "5 → 3"
    reset = client.delete(f"{SETTINGS}/care.daily_cap", headers=as_user.headers("admin"))
    assert reset.json()["value"] == 5 and reset.json()["is_default"] is True


def test_bad_values_are_refused_naming_the_field(client: TestClient, as_user: Personas) -> None:
    admin = as_user.headers("admin")
    for key, value in (
        ("care.daily_cap", 0),
        ("care.daily_cap", "many"),
        ("care.quiet_hours", "late"),
        ("tickets.promise_hours", {"fault": {"urgent": 4}}),
    ):
        response = client.put(f"{SETTINGS}/{key}", json={"value": value}, headers=admin)
        assert response.status_code == 422, (key, value, response.text)
        assert "value" in response.text
    assert client.put(f"{SETTINGS}/nope", json={"value": 1}, headers=admin).status_code == 404


def test_only_admins_see_and_change_settings(client: TestClient, as_user: Personas) -> None:
    for user in ("supervisor", "agent", "wireless"):
        assert client.get(SETTINGS, headers=as_user.headers(user)).status_code == 403
        response = client.put(
            f"{SETTINGS}/care.daily_cap", json={"value": 2}, headers=as_user.headers(user)
        )
        assert response.status_code == 403
    assert client.get(SETTINGS).status_code == 401


def test_a_changed_promise_applies_to_the_next_ticket(
    client: TestClient, as_user: Personas
) -> None:
    hours = _settings(client, as_user)["tickets.promise_hours"]["value"]
    assert isinstance(hours, dict)
    hours["fault"]["high"] = 6
    response = client.put(
        f"{SETTINGS}/tickets.promise_hours", json={"value": hours}, headers=as_user.headers("admin")
    )
    assert response.status_code == 200, response.text
    customer = client.get(
        "/api/v1/customers", params={"limit": 1}, headers=as_user.headers("agent")
    ).json()["items"][0]
    created = client.post(
        "/api/v1/tickets",
        json=ticket_body(customer["id"], type="fault", severity="high"),
        headers=as_user.headers("agent"),
    ).json()
    opened = datetime.fromisoformat(created["created_at"])
    assert datetime.fromisoformat(created["resolution_due_at"]) - opened == timedelta(hours=6)


def test_changed_quiet_hours_hold_the_next_progress_notice(
    client: TestClient, as_user: Personas
) -> None:
    # The test clock stands at Monday 10:00 in Shanghai: inside 09:00-12:00.
    response = client.put(
        f"{SETTINGS}/care.quiet_hours",
        json={"value": "09:00-12:00"},
        headers=as_user.headers("admin"),
    )
    assert response.status_code == 200, response.text
    customer = client.get(
        "/api/v1/customers", params={"limit": 1}, headers=as_user.headers("agent")
    ).json()["items"][0]
    ticket = client.post(
        "/api/v1/tickets", json=ticket_body(customer["id"]), headers=as_user.headers("agent")
    ).json()
    for action, user, body in (
        ("escalate", "agent", {"note": "转专家"}),
        ("dispatch", "expert", {"station": "wireless", "note": "请处理"}),
    ):
        done = client.post(
            f"/api/v1/tickets/{ticket['id']}/{action}", json=body, headers=as_user.headers(user)
        )
        assert done.status_code == 200, done.text
    notices = client.get(
        "/api/v1/notifications",
        params={"ticket_id": ticket["id"], "rule": "ticket_progress"},
        headers=as_user.headers("supervisor"),
    ).json()["items"]
    assert notices, "the dispatch notice is queued"
    send_after = datetime.fromisoformat(notices[0]["send_after"])
    assert send_after.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M") == "12:00"
    assert notices[0]["hold_reason"] == "quiet_hours"
