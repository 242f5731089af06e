"""Administering calendars: next year's holiday schedule by file and API, weekly hours with a
lunch break, running deadlines that move with their calendar, and the missing-schedule check."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.organisation.calendar import WorkCalendar, add_business_time, week_of
from closeloop.organisation.calendars import missing_schedules
from closeloop.tickets import sla
from tests.conftest import Cli, Personas
from tests.tickets.helpers import Desk

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


# -- pure rules --------------------------------------------------------------------------------


def test_a_lunch_break_is_not_working_time() -> None:
    week = week_of(
        {d: [(time(8, 30), time(12)), (time(13, 30), time(17, 30))] for d in ("mon", "tue")}
    )
    calendar = WorkCalendar(tz=SHANGHAI, week=week)
    # Monday 11:00 + 2 h of work: one hour before lunch, one after it.
    assert add_business_time(_local("2026-11-23T11:00"), timedelta(hours=2), calendar) == _local(
        "2026-11-23T14:30"
    )
    # Wednesday is closed in this week: Tuesday's last hour runs on to next Monday.
    due = add_business_time(_local("2026-11-24T16:30"), timedelta(hours=2), calendar)
    assert due == _local("2026-11-30T09:30")


def test_week_hours_must_run_forward_and_not_overlap() -> None:
    with pytest.raises(ValueError, match="mon: 12:00-08:30 does not run forward"):
        week_of({"mon": [(time(12), time(8, 30))]})
    with pytest.raises(ValueError, match="overlaps"):
        week_of({"tue": [(time(8), time(12)), (time(11), time(14))]})
    with pytest.raises(ValueError, match="unknown weekday"):
        week_of({"monday": []})


def test_an_adjusted_working_day_opens_with_a_normal_days_hours() -> None:
    week = week_of({"mon": [(time(9), time(12)), (time(14), time(18))]})
    saturday = date(2026, 11, 28)
    calendar = WorkCalendar(tz=SHANGHAI, week=week, extra_workdays=frozenset({saturday}))
    assert calendar.hours_on(saturday) == ((time(9), time(12)), (time(14), time(18)))
    assert calendar.hours_on(date(2026, 11, 29)) == ()


def test_a_deadline_keeps_the_working_time_left_when_a_holiday_is_added() -> None:
    before = WorkCalendar(tz=SHANGHAI)
    after = WorkCalendar(tz=SHANGHAI, holidays=frozenset({date(2026, 11, 24)}))
    now, due = _local("2026-11-23T16:00"), _local("2026-11-24T10:00")
    assert sla.relaid(due, now, before, after) == _local("2026-11-25T10:00")
    assert sla.relaid(due, now, before, before) == due
    past = _local("2026-11-23T09:00")
    assert sla.relaid(past, now, before, after) == past  # a missed deadline stays missed


# -- the API -----------------------------------------------------------------------------------

SPRING_2027 = [
    {"date": "2027-02-06", "kind": "holiday", "name": "春节"},
    {"date": "2027-02-07", "kind": "holiday", "name": "春节"},
    {"date": "2027-02-08", "kind": "holiday", "name": "春节"},
    {"date": "2027-02-20", "kind": "workday", "name": "春节调休上班"},
]


def _days(client: TestClient, as_user: Personas, code: str, days: Any, user: str = "admin") -> Any:
    return client.post(
        f"/api/v1/calendars/{code}/days", json={"days": days}, headers=as_user.headers(user)
    )


def test_admin_adds_next_years_days_and_the_station_calendar_lists_them(
    client: TestClient, as_user: Personas
) -> None:
    response = _days(client, as_user, "office", SPRING_2027)
    assert response.status_code == 200, response.text
    assert response.json()["calendars"] == ["office"]
    assert response.json()["years"] == [2027]
    calendar = client.get(
        "/api/v1/stations/wireless/calendar", headers=as_user.headers("agent")
    ).json()
    exceptions = {e["date"]: e for e in calendar["exceptions"]}
    assert exceptions["2027-02-08"] == {"date": "2027-02-08", "workday": False, "note": "春节"}
    assert exceptions["2027-02-20"]["workday"] is True
    # Sending the same days again changes nothing.
    again = _days(client, as_user, "office", SPRING_2027).json()
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 4)


def test_only_admins_change_calendars(client: TestClient, as_user: Personas) -> None:
    for user in ("agent", "supervisor", "wireless"):
        response = _days(client, as_user, "office", SPRING_2027, user=user)
        assert response.status_code == 403, user
    assert (
        client.post("/api/v1/calendars/office/days", json={"days": SPRING_2027}).status_code == 401
    )


def test_bad_days_are_refused_naming_the_field(client: TestClient, as_user: Personas) -> None:
    bad = [*SPRING_2027[:1], {"date": "2027-02-30", "kind": "holiday", "name": "x"}]
    response = _days(client, as_user, "office", bad)
    assert response.status_code == 422
    assert "days" in response.text and "date" in response.text
    wrong_kind = _days(client, as_user, "office", [{"date": "2027-01-01", "kind": "rest"}])
    assert wrong_kind.status_code == 422 and "kind" in wrong_kind.text
    assert _days(client, as_user, "nowhere", SPRING_2027).status_code == 404
    # Nothing of a refused request was written.
    calendar = client.get("/api/v1/calendars/office", headers=as_user.headers("admin")).json()
    assert "2027-02-06" not in {e["date"] for e in calendar["exceptions"]}


def test_a_days_change_is_audited_with_before_and_after(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    _days(client, as_user, "office", SPRING_2027[:1])
    _days(client, as_user, "office", [{"date": "2027-02-06", "kind": "workday", "name": "调休"}])
    with database.unit_of_work() as session:
        summaries = list(
            session.scalars(
                select(AuditEntry.summary)
                .where(AuditEntry.action == "calendar.days", AuditEntry.entity_id == "office")
                .order_by(AuditEntry.id)
            )
        )
    assert "2027-02-06: (none) → holiday 春节" in summaries[0]
    assert "2027-02-06: holiday 春节 → workday 调休" in summaries[1]


def test_weekly_hours_with_a_lunch_break(client: TestClient, as_user: Personas) -> None:
    lunch = [{"start": "08:30", "end": "12:00"}, {"start": "13:30", "end": "17:30"}]
    week = {d: lunch for d in ("mon", "tue", "wed", "thu", "fri")}
    response = client.put(
        "/api/v1/calendars/office/hours", json={"week": week}, headers=as_user.headers("admin")
    )
    assert response.status_code == 200, response.text
    assert response.json()["week"]["mon"] == lunch
    assert response.json()["week"]["sat"] == []
    backwards = client.put(
        "/api/v1/calendars/office/hours",
        json={"week": {"mon": [{"start": "12:00", "end": "08:00"}]}},
        headers=as_user.headers("admin"),
    )
    assert backwards.status_code == 422 and "mon" in backwards.text


# -- running deadlines move --------------------------------------------------------------------


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return Desk(client, database, clock)


def test_a_running_deadline_moves_when_its_day_becomes_a_holiday(
    desk: Desk, client: TestClient, as_user: Personas
) -> None:
    # Monday 10:00: dispatched and accepted at wireless (office hours), 8 h for `high`.
    ticket = desk.walk("in_progress", severity="high")
    due = datetime.fromisoformat(ticket["due_at"])
    assert due.astimezone(SHANGHAI) == _local("2026-11-24T09:00")
    response = _days(client, as_user, "office", [{"date": "2026-11-24", "kind": "holiday"}])
    assert response.status_code == 200
    moved = datetime.fromisoformat(desk.get(ticket["id"])["due_at"])
    assert moved.astimezone(SHANGHAI) == _local("2026-11-25T09:00")
    assert "ticket.deadlines_moved" in desk.audit_actions(ticket["id"])


def test_a_deadline_at_another_calendars_station_stays(
    desk: Desk, client: TestClient, as_user: Personas
) -> None:
    ticket = desk.walk("in_progress", severity="high")
    _days(client, as_user, "field", [{"date": "2026-11-24", "kind": "holiday"}])
    assert desk.get(ticket["id"])["due_at"] == ticket["due_at"]


# -- the command line --------------------------------------------------------------------------


def test_calendar_import_keeps_good_rows_and_names_bad_lines(
    cli: Cli, tmp_path: Path, client: TestClient, as_user: Personas
) -> None:
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-13-01,holiday,错\n"
        "2027-02-20,workday,春节调休上班\n2027-01-01,holiday,again\n",
        encoding="utf-8",
    )
    result = cli("calendar", "import", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert "line 3: date:" in result.stderr
    assert "line 5: date: 2027-01-01 is already on line 2" in result.stderr
    calendar = client.get(
        "/api/v1/stations/field/calendar", headers=as_user.headers("agent")
    ).json()
    dates = {e["date"] for e in calendar["exceptions"]}
    assert {"2027-01-01", "2027-02-20"} <= dates


def test_calendar_import_strict_changes_nothing_on_a_bad_row(
    cli: Cli, tmp_path: Path, client: TestClient, as_user: Personas
) -> None:
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,name\n2027-03-15,holiday,test\n2027-01-02,rest,x\n")
    result = cli("calendar", "import", str(path), "--strict")
    assert result.exit_code != 0
    assert "line 3: kind:" in result.stderr
    calendar = client.get("/api/v1/calendars/office", headers=as_user.headers("admin")).json()
    assert "2027-03-15" not in {e["date"] for e in calendar["exceptions"]}


def test_calendar_import_into_one_calendar(
    cli: Cli, tmp_path: Path, client: TestClient, as_user: Personas
) -> None:
    path = tmp_path / "days.csv"
    path.write_text("date,kind,name\n2027-03-08,holiday,妇女节\n")
    assert cli("calendar", "import", str(path), "--calendar", "field").exit_code == 0
    field = client.get("/api/v1/calendars/field", headers=as_user.headers("admin")).json()
    office = client.get("/api/v1/calendars/office", headers=as_user.headers("admin")).json()
    assert "2027-03-08" in {e["date"] for e in field["exceptions"]}
    assert "2027-03-08" not in {e["date"] for e in office["exceptions"]}


def test_a_missing_header_is_refused_with_its_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "days.csv"
    path.write_text("day,kind\n2027-03-08,holiday\n")
    result = cli("calendar", "import", str(path))
    assert result.exit_code != 0
    assert "line 1: missing column(s) date, name" in result.stderr


# -- next year's schedule ----------------------------------------------------------------------


def test_healthz_warns_from_november_until_next_year_is_imported(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    details = client.get("/healthz", params={"details": "true"}).json()["details"]["calendars"]
    assert details["status"] == "warning" and details["year"] == 2027
    assert set(details["missing"]) == {"office", "field"}
    for code in ("office", "field"):
        _days(client, as_user, code, SPRING_2027)
    details = client.get("/healthz", params={"details": "true"}).json()["details"]["calendars"]
    assert details == {"status": "ok"}


def test_no_warning_before_november(database: Database) -> None:
    with database.unit_of_work() as session:
        assert missing_schedules(session, date(2026, 10, 31)) == []
        assert missing_schedules(session, date(2026, 11, 1)) == ["field", "office"]
        assert missing_schedules(session, date(2025, 11, 1)) == []  # 2026 from chinesecalendar
