"""The workforce console pages: intraday (supervisors), one's own state (agents), the roster."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.console.helpers import csrf_of, sign_in
from tests.support.personas import Personas
from tests.workforce.conftest import Layout, contacts

__all__ = ["contacts"]  # the fixture, shared with the workforce tests


def test_supervisor_sees_today_against_forecast_and_quiet_periods(
    client: TestClient, contacts: Layout
) -> None:
    contacts(10, 30)
    sign_in(client, "supervisor")
    page = client.get("/console/wfm")
    assert page.status_code == 200
    html = page.text
    assert "排班与话务" in html and "今日热线" in html
    assert '<meta http-equiv="refresh" content="60">' in html
    assert html.count('<svg class="chart"') == 2
    assert 'id="intraday-table"' in html and '<th scope="row">08:00</th>' in html
    assert "闲时分析" in html
    english = client.get("/console/wfm?lang=en").text
    assert "Today, hotline" in english and "Quiet days of the week" in english


def test_agent_records_a_state_but_sees_no_intraday(client: TestClient) -> None:
    sign_in(client, "agent")
    page = client.get("/console/wfm")
    assert page.status_code == 200
    assert 'id="intraday"' not in page.text and 'id="my-state"' in page.text
    response = client.post(
        "/console/wfm/state",
        data={"state": "break", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert '<strong id="current-state">小休</strong>' in client.get("/console/wfm").text
    assert client.get("/console/wfm/roster").status_code == 403


def test_an_editor_has_no_workforce_page(client: TestClient) -> None:
    sign_in(client, "editor")
    assert client.get("/console/wfm").status_code == 403
    assert "/console/wfm" not in client.get("/console/knowledge").text


def test_roster_page_shows_agents_by_day_and_exports(client: TestClient, as_user: Personas) -> None:
    plan = {
        "first": "2026-11-23",
        "days": 2,
        "interval": 60,
        "templates": [{"code": "am", "start": "08:00", "minutes": 240, "break_minutes": 60,
                       "break_earliest": 120, "break_latest": 120}],
        "agents": [{"username": "agent"}, {"username": "agent2", "skills": ["online"]}],
        "required": {
            "hotline": {"2026-11-23": [0] * 8 + [1, 1, 0, 1] + [0] * 12},
            "online": {"2026-11-24": [0] * 8 + [1, 1, 0, 1] + [0] * 12},
        },
    }  # fmt: skip
    made = client.post("/api/v1/wfm/roster", json=plan, headers=as_user.headers("supervisor"))
    assert made.status_code == 201 and made.json()["short"] == 0, made.text
    sign_in(client, "supervisor")
    html = client.get("/console/wfm/roster?first=2026-11-23").text
    assert '<th scope="row">agent</th>' in html and '<th scope="row">agent2</th>' in html
    assert "08:00–12:00" in html and "小休 10:00" in html
    exported = client.get("/console/wfm/roster.csv?first=2026-11-23")
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines()[1:] == [
        "agent,2026-11-23,am,hotline,08:00,12:00,10:00,60",
        "agent2,2026-11-24,am,online,08:00,12:00,10:00,60",
    ]
    xlsx = client.get("/console/wfm/roster.xlsx?first=2026-11-23")
    assert xlsx.content[:2] == b"PK"
