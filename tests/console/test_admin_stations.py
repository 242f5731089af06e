"""Stations in the console's administration (#24 point 2): the list with time limits, calendar,
members and suggested categories; creating a station with time limits typed as hours and
minutes; renaming in Chinese and English; calendar, members, suggested categories; retiring
with a confirmation. The station head (field_head) changes their own station's members and
calendar and nothing else; everyone else but the administrator is refused."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry, User
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.organisation.models import Category, Station
from tests.console.test_accessibility import _Page, _unlabelled
from tests.console.ticket_helpers import action_form, as_user, text_of
from tests.support.demo import STATION_HEAD
from tests.tickets.helpers import Desk

STATIONS = "/console/admin/stations"
LIMITS = {"accept_within": "30m", "urgent": "4h", "high": "8h", "normal": "24h", "low": "72h"}


def _station(database: Database, code: str) -> Station | None:
    with database.unit_of_work(write=False) as session:
        station = session.get(Station, code)
        if station is not None:
            session.expunge(station)
        return station


def _members(database: Database, code: str) -> list[str]:
    with database.unit_of_work(write=False) as session:
        return list(
            session.scalars(
                select(User.username).where(User.station_code == code).order_by(User.username)
            )
        )


def _last_audit(database: Database, entity_type: str, entity_id: str) -> AuditEntry:
    with database.unit_of_work(write=False) as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == entity_id)
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None
        session.expunge(entry)
        return entry


def _post(client: TestClient, path: str, token: str, data: dict[str, Any]) -> httpx.Response:
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _invalid(html: str) -> set[str]:
    """The ids of the inputs marked invalid on a page."""
    return set(re.findall(r'id="([\w-]+)"[^>]*aria-invalid="true"', html))


def _row(html: str, code: str) -> str:
    found = re.search(rf'<tr id="station-{code}".*?</tr>', html, re.S)
    assert found, f"no row for {code}"
    return text_of(found.group(0))


# -- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["agent", "supervisor", "wireless", "field", "editor"])
def test_only_the_administrator_or_the_head_opens_a_station(
    client: TestClient, database: Database, username: str
) -> None:
    token = as_user(client, username)
    for path in (STATIONS, f"{STATIONS}/field", f"{STATIONS}/wireless"):
        assert client.get(path).status_code == 403, path
    posts: list[tuple[str, dict[str, str]]] = [
        (STATIONS, {"code": "core", "name": "核心网", "department": "network",
                    "calendar": "always", **LIMITS}),
        (f"{STATIONS}/field", {"name": "改名", **LIMITS}),
        (f"{STATIONS}/field/calendar", {"calendar": "office"}),
        (f"{STATIONS}/field/members", {"member": "field", "add": "agent2"}),
        (f"{STATIONS}/field/categories", {"add": "signal/indoor/weak"}),
        (f"{STATIONS}/field/retire", {"confirm": "yes"}),
    ]  # fmt: skip
    for path, data in posts:
        assert _post(client, path, token, data).status_code == 403, path
    field = _station(database, "field")
    assert field is not None and field.name == "装维中心" and field.calendar_code == "field"
    assert field.retired_at is None and _station(database, "core") is None
    assert _members(database, "field") == ["field", STATION_HEAD]


def test_the_administration_menu_links_the_stations(client: TestClient) -> None:
    as_user(client, "admin")
    page = client.get("/console/admin/calendars").text
    assert 'href="/console/admin/stations"' in page
    assert 'href="/console/admin/taxonomy/categories"' in page


# -- the list ----------------------------------------------------------------------------------


def test_the_list_shows_status_time_limits_calendar_members_and_categories(
    client: TestClient,
) -> None:
    as_user(client, "admin")
    page = client.get(STATIONS)
    assert page.status_code == 200
    text = text_of(page.text)
    assert "工位管理" in text and "新建工位" in text
    wireless = _row(page.text, "wireless")
    assert "无线中心" in wireless and "在用" in wireless
    # accept time and the four limits, in hours and minutes (business time)
    assert re.search(r"30 分钟\s+4 小时\s+8 小时\s+24 小时\s+72 小时", wireless)
    assert "工作日 08:30–17:30" in wireless
    assert re.search(r"\b1\b", wireless)  # one member
    assert "信号" in wireless  # the signal categories suggest wireless
    field = _row(page.text, "field")
    assert re.search(r"\b2\b", field)  # field and its head
    english = text_of(client.get(f"{STATIONS}?lang=en").text)
    assert "Accept within" in english and "30 min" in english and "72 h" in english


# -- creating ----------------------------------------------------------------------------------


def test_the_administrator_creates_a_station_with_limits_typed_as_hours(
    client: TestClient, database: Database
) -> None:
    token = as_user(client, "admin")
    data = {
        "code": "core", "name": "核心网中心", "name_en": "Core network",
        "department": "network", "calendar": "always",
        "accept_within": "45分钟", "urgent": "2h30m", "high": "6", "normal": "1:30",
        "low": "48 小时",
    }  # fmt: skip
    response = _post(client, STATIONS, token, data)
    assert response.status_code == 303, text_of(response.text)
    assert response.headers["location"] == f"{STATIONS}/core?saved=created"
    core = _station(database, "core")
    assert core is not None
    assert (core.name, core.name_en, core.department_code, core.calendar_code) == (
        "核心网中心", "Core network", "network", "always",
    )  # fmt: skip
    assert core.accept_minutes == 45
    assert [core.limit_minutes(s) for s in ("urgent", "high", "normal", "low")] == [
        150, 360, 90, 2880,
    ]  # fmt: skip
    entry = _last_audit(database, "station", "core")
    assert entry.action == "station.create" and entry.actor == "admin"
    assert "time_limits.urgent: PT2H30M" in entry.summary
    page = client.get(response.headers["location"]).text
    assert "工位已创建。" in text_of(page)
    assert 'value="2h30m"' in page  # shown again the way it is typed


def test_a_bad_new_station_names_each_field_and_keeps_what_was_typed(
    client: TestClient, database: Database
) -> None:
    token = as_user(client, "admin")
    data = {
        "code": "Core!", "name": " ", "department": "", "calendar": "always",
        **LIMITS, "urgent": "3 days", "low": "0",
    }  # fmt: skip
    response = _post(client, STATIONS, token, data)
    assert response.status_code == 422
    assert _invalid(response.text) == {"new-name", "new-urgent", "new-low"}
    text = text_of(response.text)
    assert "请输入小时和分钟" in text and "至少 1 分钟" in text
    assert 'value="3 days"' in response.text
    # the names and durations right, the service names the code and the department
    response = _post(client, STATIONS, token, {**data, "name": "核心网", **LIMITS})
    assert response.status_code == 422
    assert _invalid(response.text) == {"new-code"}
    response = _post(client, STATIONS, token, {**data, "code": "core", "name": "核心网", **LIMITS})
    assert _invalid(response.text) == {"new-department"}
    # a taken code
    taken = {**data, "code": "wireless", "name": "核心网", "department": "network", **LIMITS}
    response = _post(client, STATIONS, token, taken)
    assert response.status_code == 422 and _invalid(response.text) == {"new-code"}
    assert "已有工位使用此代码" in text_of(response.text)
    assert _station(database, "core") is None


# -- a station ---------------------------------------------------------------------------------


def test_the_administrator_renames_and_sets_the_limits(
    client: TestClient, database: Database
) -> None:
    token = as_user(client, "admin")
    page = client.get(f"{STATIONS}/wireless").text
    assert 'value="4h"' in page and 'value="30m"' in page
    data = {"name": "无线网络优化中心", "name_en": "Radio network", **LIMITS, "urgent": "3h"}
    response = _post(client, f"{STATIONS}/wireless", token, data)
    assert response.status_code == 303
    wireless = _station(database, "wireless")
    assert wireless is not None
    assert (wireless.name, wireless.name_en, wireless.limit_urgent_minutes) == (
        "无线网络优化中心", "Radio network", 180,
    )  # fmt: skip
    summary = _last_audit(database, "station", "wireless").summary
    assert "name: 无线中心 → 无线网络优化中心" in summary
    assert "time_limits.urgent: PT4H → PT3H" in summary
    # refused: each field named, nothing saved
    response = _post(client, f"{STATIONS}/wireless", token, {**data, "name": "", "high": "x"})
    assert response.status_code == 422
    assert _invalid(response.text) == {"st-name", "st-high"}
    history = text_of(client.get(f"{STATIONS}/wireless").text)
    assert "station.update" in history and "PT4H → PT3H" in history


def test_the_administrator_changes_calendar_members_and_suggested_categories(
    client: TestClient, database: Database
) -> None:
    token = as_user(client, "admin")
    assert (
        _post(client, f"{STATIONS}/vas/calendar", token, {"calendar": "always"}).status_code == 303
    )
    vas = _station(database, "vas")
    assert vas is not None and vas.calendar_code == "always"
    refused = _post(client, f"{STATIONS}/vas/calendar", token, {"calendar": "nope"})
    assert refused.status_code == 422 and _invalid(refused.text) == {"st-calendar"}
    # members: keep vas, add agent2; then untick agent2
    added = _post(client, f"{STATIONS}/vas/members", token, {"member": "vas", "add": "agent2"})
    assert added.status_code == 303
    assert _members(database, "vas") == ["agent2", "vas"]
    assert _post(client, f"{STATIONS}/vas/members", token, {"member": "vas"}).status_code == 303
    assert _members(database, "vas") == ["vas"]
    assert _last_audit(database, "station", "vas").summary == "members: agent2, vas → vas"
    unknown = _post(client, f"{STATIONS}/vas/members", token, {"member": "vas", "add": "nobody"})
    assert unknown.status_code == 422 and "没有用户 nobody" in text_of(unknown.text)
    staff = _post(client, f"{STATIONS}/vas/members", token, {})  # untick vas, station staff
    assert staff.status_code == 409 and "必须归属一个工位" in text_of(staff.text)
    # the category the dispatch picker suggests vas for
    leaf = "signal/indoor/weak"
    assert _post(client, f"{STATIONS}/vas/categories", token, {"add": leaf}).status_code == 303
    with database.unit_of_work(write=False) as session:
        assert session.get(Category, leaf).station_code == "vas"  # type: ignore[union-attr]
    assert leaf in client.get(f"{STATIONS}/vas").text
    assert _post(client, f"{STATIONS}/vas/categories", token, {"remove": leaf}).status_code == 303
    with database.unit_of_work(write=False) as session:
        assert session.get(Category, leaf).station_code is None  # type: ignore[union-attr]
    bad = _post(client, f"{STATIONS}/vas/categories", token, {"add": "nope"})
    assert bad.status_code == 422 and _invalid(bad.text) == {"st-category"}


def test_retiring_asks_for_a_confirmation_and_keeps_the_history(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    ticket = desk.walk("in_progress")  # at wireless, which may send it on
    token = as_user(client, "admin")
    unconfirmed = _post(client, f"{STATIONS}/vas/retire", token, {})
    assert unconfirmed.status_code == 422 and _invalid(unconfirmed.text) == {"st-confirm"}
    assert "请勾选以确认" in text_of(unconfirmed.text)
    vas = _station(database, "vas")
    assert vas is not None and vas.retired_at is None
    assert _post(client, f"{STATIONS}/vas/retire", token, {"confirm": "yes"}).status_code == 303
    vas = _station(database, "vas")
    assert vas is not None and vas.retired_at == clock.now()
    page = client.get(f"{STATIONS}/vas").text
    text = text_of(page)
    assert "已撤销" in text and "不再接收派单" in text
    assert "station.retire" in text  # its history
    assert 'id="retire"' not in page and 'name="add"' not in page
    assert "已撤销" in _row(client.get(STATIONS).text, "vas")
    # The dispatch picker of a ticket at wireless no longer offers vas.
    as_user(client, "wireless")
    form = action_form(client.get(f"/console/tickets/{ticket['id']}").text, "dispatch")
    assert 'value="field"' in form and 'value="vas"' not in form


# -- the station head --------------------------------------------------------------------------


def test_the_head_changes_their_stations_members_and_calendar(
    client: TestClient, database: Database
) -> None:
    token = as_user(client, STATION_HEAD)
    home = client.get("/console").text
    assert f'href="{STATIONS}/field"' in home and "本工位" in text_of(home)
    page = client.get(f"{STATIONS}/field")
    assert page.status_code == 200
    assert 'id="terms"' not in page.text and 'id="retire"' not in page.text
    assert 'id="categories"' not in page.text
    assert 'href="/console/admin/calendars/field"' in page.text  # field alone follows it
    members = {"member": ["field", STATION_HEAD], "add": "agent2"}
    assert _post(client, f"{STATIONS}/field/members", token, members).status_code == 303
    assert _members(database, "field") == ["agent2", "field", STATION_HEAD]
    entry = _last_audit(database, "station", "field")
    assert entry.actor == STATION_HEAD and entry.action == "station.members"
    # another station's staff are not theirs to take
    poach = {"member": ["field", STATION_HEAD], "add": "wireless"}
    refused = _post(client, f"{STATIONS}/field/members", token, poach)
    assert refused.status_code == 403 and "wireless 在其他工位工作" in text_of(refused.text)
    assert _members(database, "wireless") == ["wireless"]
    # the calendar the station follows, and the hours of the one it alone follows
    hours = client.get("/console/admin/calendars/field")
    assert hours.status_code == 200
    saved = _post(client, "/console/admin/calendars/field/hours", token, {"mon": "09:00-18:00"})
    assert saved.status_code == 303
    assert _last_audit(database, "calendar", "field").actor == STATION_HEAD
    assert (
        _post(client, f"{STATIONS}/field/calendar", token, {"calendar": "office"}).status_code
        == 303
    )
    field = _station(database, "field")
    assert field is not None and field.calendar_code == "office"
    # now field shares `office` with others: its hours are the administrator's
    page = client.get(f"{STATIONS}/field").text
    assert 'href="/console/admin/calendars/office"' not in page
    assert client.get("/console/admin/calendars/office").status_code == 403


def test_the_head_gets_403_beyond_their_station(client: TestClient, database: Database) -> None:
    token = as_user(client, STATION_HEAD)
    for path in (
        STATIONS,
        f"{STATIONS}/wireless",
        "/console/admin/calendars",
        "/console/admin/calendars/office",
        "/console/admin/taxonomy/categories",
    ):
        assert client.get(path).status_code == 403, path
    refused: list[tuple[str, dict[str, Any]]] = [
        (f"{STATIONS}/field", {"name": "改名", **LIMITS}),
        (f"{STATIONS}/field/retire", {"confirm": "yes"}),
        (f"{STATIONS}/field/categories", {"add": "signal/indoor/weak"}),
        (f"{STATIONS}/wireless/members", {"member": "wireless", "add": "agent2"}),
        (f"{STATIONS}/wireless/calendar", {"calendar": "always"}),
        ("/console/admin/calendars/office/hours", {"mon": "09:00-18:00"}),
    ]  # fmt: skip
    for path, data in refused:
        assert _post(client, path, token, data).status_code == 403, path
    field, wireless = _station(database, "field"), _station(database, "wireless")
    assert field is not None and field.name == "装维中心" and field.retired_at is None
    assert wireless is not None and wireless.calendar_code == "office"
    assert _members(database, "wireless") == ["wireless"]


# -- usable with a keyboard and a screen reader ----------------------------------------------


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_organisation_pages_label_every_field(client: TestClient, lang: str) -> None:
    as_user(client, "admin")
    paths = (
        STATIONS, f"{STATIONS}/wireless", "/console/admin/taxonomy/categories",
        "/console/admin/taxonomy/causes", "/console/admin/taxonomy/categories/signal/indoor/weak",
        "/console/admin/taxonomy/causes/network/coverage",
    )  # fmt: skip
    for path in paths:
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        page = _Page()
        page.feed(response.text)
        assert not _unlabelled(page), f"{path}: fields without a label: {_unlabelled(page)}"
        assert page.h1 == 1 and page.lang == lang, path
        assert " style=" not in response.text and "<script>" not in response.text, path
