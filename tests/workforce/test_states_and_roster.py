"""Agents' states (API and CTI events), occupancy and adherence; the roster published, read
and exported."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.runtime.work import Work
from closeloop.workforce import states
from tests.support.demo import NOW
from tests.support.personas import Audience, Personas, assert_access
from tests.support.problems import assert_problem
from tests.workforce.conftest import Layout

STATE_WRITERS = Audience(allowed="agent", other_station=None, outsider="editor")
PLANNERS = Audience(allowed="supervisor", other_station=None, outsider="agent")


def test_an_agent_records_their_own_state_and_not_anothers(
    client: TestClient, as_user: Personas
) -> None:
    response = assert_access(
        as_user.headers,
        lambda h: client.post("/api/v1/wfm/agent-states", json={"state": "signed_in"}, headers=h),
        STATE_WRITERS,
        allowed=201,
    )
    assert response.json()["agent"] == "agent" and response.json()["ended_at"] is None
    other = client.post(
        "/api/v1/wfm/agent-states",
        json={"state": "break", "agent": "agent2"},
        headers=as_user.headers("agent"),
    )
    assert_problem(other, 403)
    bad = client.post(
        "/api/v1/wfm/agent-states", json={"state": "napping"}, headers=as_user.headers("agent")
    )
    assert_problem(bad, 422)
    by_supervisor = client.post(
        "/api/v1/wfm/agent-states",
        json={"state": "break", "agent": "agent2"},
        headers=as_user.headers("supervisor"),
    )
    assert by_supervisor.status_code == 201


@dataclass(frozen=True, kw_only=True)
class CallEvent:
    """Shaped like closeloop.channels.events CallAnswered / CallEnded."""

    at: datetime
    call_id: str
    caller: str
    agent: str


def test_call_events_drive_states_and_occupancy(database: Database, clock: FixedClock) -> None:
    start = NOW - timedelta(hours=1)
    with database.unit_of_work() as session:
        work = Work.of(session)
        work = Work(session, work.settings, clock).bind()
        states.record_state(work, "agent", "signed_in", at=start)
        states.call_answered(work, CallEvent(at=start + timedelta(minutes=10), call_id="c1",
                                             caller="13800000000", agent="agent"))  # fmt: skip
        states.call_ended(work, CallEvent(at=start + timedelta(minutes=40), call_id="c1",
                                          caller="13800000000", agent="agent"))  # fmt: skip
        states.record_state(work, "agent", "signed_in", at=start + timedelta(minutes=45))
        (share,) = states.time_in_states(work, start, NOW)
    assert share.seconds == {"signed_in": 25 * 60, "on_contact": 30 * 60,
                             "after_contact_work": 5 * 60}  # fmt: skip
    assert abs(share.occupancy - 35 / 60) < 1e-9


ROSTER = {
    "first": "2026-11-28",
    "days": 2,
    "interval": 60,
    "templates": [{"code": "day", "start": "09:00", "minutes": 240}],
    "agents": [{"username": "agent"}, {"username": "agent2"}],
    "required": {
        "hotline": {
            "2026-11-28": [0] * 9 + [1] * 4 + [0] * 11,
            "2026-11-29": [0] * 9 + [1] * 4 + [0] * 11,
        }
    },
}


def test_roster_is_built_published_and_exported(client: TestClient, as_user: Personas) -> None:
    response = assert_access(
        as_user.headers,
        lambda h: client.post("/api/v1/wfm/roster", json=ROSTER, headers=h),
        PLANNERS,
        allowed=201,
    )
    out = response.json()
    assert (out["status"], out["shifts"], out["short"], out["over"]) == ("OPTIMAL", 2, 0, 0)
    assert out["weekend_shifts"] == {"agent": 1, "agent2": 1}  # a Saturday and a Sunday
    headers = as_user.headers("supervisor")
    items = client.get("/api/v1/wfm/roster?from=2026-11-28", headers=headers).json()["items"]
    assert [(i["day"], i["start"], i["end"]) for i in items] == [
        ("2026-11-28", "09:00", "13:00"),
        ("2026-11-29", "09:00", "13:00"),
    ]
    csv_text = client.get("/api/v1/wfm/roster?from=2026-11-28&format=csv", headers=headers).text
    assert csv_text.splitlines()[0] == "agent,day,shift,skill,start,end,break_start,break_minutes"
    assert len(csv_text.splitlines()) == 3
    xlsx = client.get("/api/v1/wfm/roster?from=2026-11-28&format=xlsx", headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row == 3 and sheet["E2"].value == "09:00"


def test_a_template_past_midnight_is_refused_naming_it(
    client: TestClient, as_user: Personas
) -> None:
    bad = {**ROSTER, "templates": [{"code": "night", "start": "22:00", "minutes": 240}]}
    response = client.post("/api/v1/wfm/roster", json=bad, headers=as_user.headers("supervisor"))
    assert_problem(response, 422)
    assert "night" in response.json()["detail"]


def test_adherence_compares_states_with_the_roster(
    client: TestClient, as_user: Personas, clock: FixedClock
) -> None:
    today = NOW.date().isoformat()
    hours = [0] * 24
    hours[9] = 1  # Shanghai 09:00–10:00 (the roster is in local time)
    plan = {**ROSTER, "first": today, "days": 1, "agents": [{"username": "agent"}],
            "templates": [{"code": "one", "start": "09:00", "minutes": 60}],
            "required": {"hotline": {today: hours}}}  # fmt: skip
    supervisor = as_user.headers("supervisor")
    assert client.post("/api/v1/wfm/roster", json=plan, headers=supervisor).status_code == 201
    at = datetime(2026, 11, 23, 1, 30, tzinfo=UTC).isoformat()  # 09:30 local
    client.post(
        "/api/v1/wfm/agent-states",
        json={"state": "signed_in", "at": at},
        headers=as_user.headers("agent"),
    )
    body = client.get(
        f"/api/v1/wfm/occupancy?from={today}T00:00:00%2B08:00", headers=supervisor
    ).json()
    (row,) = [i for i in body["items"] if i["agent"] == "agent"]
    assert row["adherence"] == 0.5
    assert date.fromisoformat(today).weekday() == 0


def test_volumes_and_quiet_hours_read_the_recorded_contacts(
    client: TestClient, as_user: Personas, contacts: Layout
) -> None:
    contacts(10, 0)
    headers = as_user.headers("supervisor")
    volumes = client.get("/api/v1/wfm/volumes?interval=60&channel=hotline", headers=headers)
    assert volumes.status_code == 200
    counts = {i["contacts"] for i in volumes.json()["items"]}
    assert counts == {20}
    assert_problem(client.get("/api/v1/wfm/volumes?interval=20", headers=headers), 422)
    quiet = client.get("/api/v1/wfm/quiet", headers=headers).json()
    assert set(quiet) == {"days_of_month", "weekdays", "hours"}


def test_a_roster_without_a_requirement_staffs_the_hotline_forecast(
    client: TestClient, as_user: Personas, contacts: Layout
) -> None:
    contacts(20, 20)
    plan = {
        "first": "2026-11-24",
        "days": 1,
        "interval": 30,
        "templates": [{"code": "am", "start": "08:00", "minutes": 240}],
        "agents": [{"username": f"a{i}"} for i in range(12)],
    }
    response = client.post("/api/v1/wfm/roster", json=plan, headers=as_user.headers("supervisor"))
    assert response.status_code == 201, response.text
    out = response.json()
    # 20 contacts per half hour of 240 s at 80 % in 20 s need 5 agents (Erlang C)
    assert (out["shifts"], out["short"], out["over"]) == (5, 0, 0)
