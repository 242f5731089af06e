"""Administration in the console (系统管理): next year's holiday schedule uploaded or pasted,
weekly hours with a lunch break, business settings edited and reset, refused to everyone but
the administrator, and the dashboard's warning while next year's schedule is missing."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.organisation.models import CalendarDay, CalendarHours, CalendarSchedule
from closeloop.runtime.business import BusinessSettingValue
from tests.console.helpers import csrf_of
from tests.console.test_accessibility import _Page, _unlabelled
from tests.console.ticket_helpers import as_user, text_of
from tests.tickets.helpers import Desk

CALENDARS = "/console/admin/calendars"
SETTINGS = "/console/admin/settings"
SHANGHAI = ZoneInfo("Asia/Shanghai")

SCHEDULE_2027 = (
    "date,kind,name\n"
    "2027-01-01,holiday,元旦\n"
    "2027-02-06,holiday,春节\n"
    "2027-02-20,workday,春节调休上班\n"
)
LOADED_2027 = {
    "2027-01-01": (False, "元旦"),
    "2027-02-06": (False, "春节"),
    "2027-02-20": (True, "春节调休上班"),
}


def _section(html: str, code: str) -> str:
    """The calendars page's section of one calendar."""
    found = re.search(rf'id="calendar-{code}".*?</section>', html, re.S)
    assert found is not None, f"no section for calendar {code}"
    return found.group(0)


def _import(
    client: TestClient,
    *,
    csv: str | bytes | None = None,
    lines: str = "",
    calendar: str = "",
    strict: bool = False,
    filename: str = "2027.csv",
) -> httpx.Response:
    data = {"csrf_token": csrf_of(client.get(CALENDARS).text), "lines": lines, "calendar": calendar}
    if strict:
        data["strict"] = "1"
    content = csv.encode() if isinstance(csv, str) else csv
    files = {"file": (filename, content or b"", "text/csv")}
    return client.post(f"{CALENDARS}/import", data=data, files=files)


def _days(database: Database, code: str, year: int = 2027) -> dict[str, tuple[bool, str]]:
    """A calendar's exceptions in a year (the demo has 2027's statutory holidays already, from
    the `holidays` package, though not the State Council's schedule)."""
    with database.unit_of_work(write=False) as session:
        rows = session.scalars(select(CalendarDay).where(CalendarDay.calendar_code == code))
        return {r.day.isoformat(): (r.is_workday, r.note) for r in rows if r.day.year == year}


def _bad_rows(html: str) -> dict[int, str]:
    table = re.search(r'<table id="bad-rows">.*?</table>', html, re.S)
    assert table, "the page lists no bad rows"
    cells = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", table.group(0), re.S)
    return {int(line): text_of(reason).strip() for line, reason in cells}


def _summary(html: str) -> dict[str, int]:
    return {
        name: int(count) for name, count in re.findall(r'<td class="count-(\w+)">(\d+)</td>', html)
    }


# -- who may --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["agent", "supervisor", "wireless", "editor"])
def test_only_the_administrator_opens_the_administration(client: TestClient, username: str) -> None:
    token = as_user(client, username)
    assert "/console/admin" not in client.get("/console").text  # no menu entry
    for path in ("/console/admin", CALENDARS, f"{CALENDARS}/office", SETTINGS):
        assert client.get(path, follow_redirects=False).status_code == 403, path
    posts: list[tuple[str, dict[str, str]]] = [
        (f"{CALENDARS}/import", {"lines": "2027-01-01,holiday,元旦"}),
        (f"{CALENDARS}/office/hours", {"mon": "08:00-12:00"}),
        (f"{SETTINGS}/care.daily_cap", {"value": "2"}),
        (f"{SETTINGS}/care.daily_cap/reset", {}),
    ]
    for path, data in posts:
        response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert response.status_code == 403, path


def test_the_administrator_finds_the_administration_in_the_menu(client: TestClient) -> None:
    as_user(client, "admin")
    home = client.get("/console").text
    assert '<a href="/console/admin/calendars" >系统管理</a>' in home or "系统管理" in home
    first = client.get("/console/admin", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == CALENDARS
    page = client.get(CALENDARS)
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    text = text_of(page.text)
    assert "工作日历" in text and "业务参数" in text
    assert "载入 2027 年节假日安排" in text
    # every calendar with its weekly hours; office and field lack 2027, always needs none
    for code in ("always", "office", "field"):
        assert f'id="calendar-{code}"' in page.text
    assert "全天候营业，不适用法定节假日。" in text
    assert "2026" in _section(page.text, "office")
    english = client.get(f"{CALENDARS}?lang=en")
    assert '<html lang="en">' in english.text
    assert "Load the 2027 holiday schedule" in text_of(english.text)
    assert "Administration" in english.text


# -- next year's schedule ------------------------------------------------------------------


def test_an_upload_lists_bad_rows_by_line_and_loads_the_good_ones(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    before = _days(database, "office")
    assert before == _days(database, "field")
    added = sum(day not in before for day in LOADED_2027)
    changed = sum(day in before and before[day] != v for day, v in LOADED_2027.items())
    csv = SCHEDULE_2027 + "2027-13-01,holiday,错\n2027-01-01,holiday,again\n2027-03-01,rest,x\n"
    response = _import(client, csv=csv)
    assert response.status_code == 200, response.text
    bad = _bad_rows(response.text)
    assert set(bad) == {5, 6, 7}
    assert "'2027-13-01'" in bad[5] and "日期" in bad[5]
    assert "第 2 行" in bad[6]
    assert "'rest'" in bad[7]
    summary = _summary(response.text)
    # three good days into the two national calendars
    assert summary == {
        "added": 2 * added, "changed": 2 * changed, "unchanged": 2 * (3 - added - changed),
        "rejected": 3, "moved": 0,
    }  # fmt: skip
    for code in ("office", "field"):
        assert _days(database, code) == {**before, **LOADED_2027}
    with database.unit_of_work(write=False) as session:
        loaded = session.get(CalendarSchedule, ("office", 2027))
        assert loaded is not None
        assert (loaded.source, loaded.loaded_by) == ("console 2027.csv", "admin")
    # the page now lists 2027 as loaded, and the exceptions of 2027
    office = _section(response.text, "office")
    assert 'data-year="2027"' in office and "春节调休上班" in office
    # the same file again changes nothing
    again = _summary(_import(client, csv=SCHEDULE_2027).text)
    assert (again["added"], again["changed"], again["unchanged"]) == (0, 0, 6)


def test_strict_changes_nothing_when_a_row_is_bad(client: TestClient, database: Database) -> None:
    as_user(client, "admin")
    before = _days(database, "office")
    response = _import(client, csv=SCHEDULE_2027 + "2027-02-30,holiday,x\n", strict=True)
    assert response.status_code == 422
    assert _bad_rows(response.text) == {5: "日期：'2027-02-30' 不是有效日期（YYYY-MM-DD）。"}
    text = text_of(response.text)
    assert "严格模式" in text and "未做任何更改" in text
    assert 'name="strict" value="1" checked' in response.text  # the form keeps the choice
    assert _days(database, "office") == before == _days(database, "field")
    with database.unit_of_work(write=False) as session:
        assert session.get(CalendarSchedule, ("office", 2027)) is None


def test_pasted_lines_without_a_header_go_into_one_calendar(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    before = _days(database, "office")
    lines = "2027-03-08,holiday,妇女节\n2027-03-09,holday,typo\n"
    response = _import(client, lines=lines, calendar="field")
    assert response.status_code == 200, response.text
    assert set(_bad_rows(response.text)) == {2}  # numbered as pasted
    assert _days(database, "field") == {**before, "2027-03-08": (False, "妇女节")}
    assert _days(database, "office") == before


def test_a_spreadsheet_file_in_gb18030_is_read(client: TestClient, database: Database) -> None:
    as_user(client, "admin")
    response = _import(client, csv=SCHEDULE_2027.encode("gb18030"), calendar="office")
    assert response.status_code == 200, response.text
    assert _days(database, "office")["2027-02-20"] == (True, "春节调休上班")


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        ("day,kind\n2027-01-01,holiday\n", "第 1 行"),
        ("", "请选择 CSV 文件或粘贴其内容。"),
        ("date,kind,name\n2027-01-01,rest,x\n", "没有可导入的正确行。"),
    ],
)
def test_an_unusable_input_is_refused_with_the_reason(
    client: TestClient, database: Database, csv: str, expected: str
) -> None:
    as_user(client, "admin")
    before = _days(database, "office")
    response = _import(client, csv=csv)
    assert response.status_code == 422
    assert expected in text_of(response.text)
    assert _days(database, "office") == before


def test_an_unknown_calendar_is_refused(client: TestClient) -> None:
    as_user(client, "admin")
    for calendar in ("nowhere", "always"):
        response = _import(client, csv=SCHEDULE_2027, calendar=calendar)
        assert response.status_code == 422
        assert "请从列表中选择日历。" in text_of(response.text)


def test_a_running_deadline_moves_when_an_upload_makes_its_day_a_holiday(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    ticket = desk.walk("in_progress", severity="high")  # wireless, office calendar
    due = datetime.fromisoformat(ticket["due_at"]).astimezone(SHANGHAI)
    as_user(client, "admin")
    response = _import(client, csv=f"date,kind,name\n{due.date()},holiday,临时停工\n")
    assert response.status_code == 200, response.text
    assert _summary(response.text)["moved"] >= 1
    moved = re.search(r'<table id="moved">.*?</table>', response.text, re.S)
    assert moved and f'href="/console/tickets/{ticket["id"]}"' in moved.group(0)
    after = datetime.fromisoformat(desk.get(ticket["id"])["due_at"]).astimezone(SHANGHAI)
    assert after.date() > due.date() and after.time() == due.time()
    row = re.search(
        rf'<tr>\s*<td><a href="/console/tickets/{ticket["id"]}">.*?</tr>', moved.group(0), re.S
    )
    assert row, moved.group(0)
    assert f"工位回单截止: {due:%Y-%m-%d %H:%M} → {after:%Y-%m-%d %H:%M}" in text_of(row.group(0))
    assert "ticket.deadlines_moved" in desk.audit_actions(ticket["id"])


# -- weekly hours --------------------------------------------------------------------------


def _hours_form(client: TestClient, code: str = "office") -> dict[str, str]:
    page = client.get(f"{CALENDARS}/{code}")
    assert page.status_code == 200
    values = dict(re.findall(r'<input id="hours-(\w+)" name="\w+" value="([^"]*)"', page.text))
    return {"csrf_token": csrf_of(page.text), **values}


def test_weekly_hours_with_a_lunch_break(client: TestClient, database: Database) -> None:
    as_user(client, "admin")
    form = _hours_form(client)
    assert form["mon"] == "08:30-17:30" and form["sat"] == ""
    lunch = {d: "08:30-12:00, 13:30-17:30" for d in ("mon", "tue", "wed", "thu", "fri")}
    response = client.post(
        f"{CALENDARS}/office/hours",
        data={**form, **lunch, "sat": "9:00 – 12:00"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(f"{CALENDARS}/office?saved=1")
    with database.unit_of_work(write=False) as session:
        rows = session.scalars(
            select(CalendarHours).where(CalendarHours.calendar_code == "office")
        ).all()
        hours = {(r.weekday, r.start, r.end) for r in rows}
    assert (0, "08:30", "12:00") in hours and (0, "13:30", "17:30") in hours
    assert (5, "09:00", "12:00") in hours and not any(r[0] == 6 for r in hours)
    page = client.get(response.headers["location"])
    assert "每周营业时间已保存。" in text_of(page.text)
    assert 'value="08:30-12:00, 13:30-17:30"' in page.text


def test_bad_hours_show_the_form_again_naming_the_day(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    form = _hours_form(client)
    response = client.post(
        f"{CALENDARS}/office/hours", data={**form, "tue": "08:30-12:00, 13:00-25:00"}
    )
    assert response.status_code == 422
    assert 'value="08:30-12:00, 13:00-25:00"' in response.text  # what was typed is kept
    assert 'id="hours-tue" name="tue"' in response.text
    assert re.search(r'id="hours-tue"[^>]*aria-invalid="true"', response.text)
    text = text_of(response.text)
    assert "星期二" in text and "13:00-25:00 不是" in text
    backwards = client.post(f"{CALENDARS}/office/hours", data={**form, "wed": "12:00-08:00"})
    assert backwards.status_code == 422
    assert "星期三" in text_of(backwards.text) and "12:00-08:00" in text_of(backwards.text)
    closed = client.post(f"{CALENDARS}/office/hours", data={"csrf_token": form["csrf_token"]})
    assert closed.status_code == 422 and "至少一天" in text_of(closed.text)
    with database.unit_of_work(write=False) as session:
        assert not session.scalars(
            select(CalendarHours).where(CalendarHours.calendar_code == "office")
        ).all()


# -- business settings ---------------------------------------------------------------------


def _row(html: str, key: str) -> str:
    found = re.search(rf'<(tr|section)[^>]*id="setting-{re.escape(key)}".*?</\1>', html, re.S)
    assert found, key
    return found.group(0)


def _post_setting(client: TestClient, key: str, **data: str) -> httpx.Response:
    token = csrf_of(client.get(SETTINGS).text)
    return client.post(
        f"{SETTINGS}/{key}", data={"csrf_token": token, **data}, follow_redirects=False
    )


def test_settings_show_value_default_and_who_changed_them(client: TestClient) -> None:
    as_user(client, "admin")
    page = client.get(SETTINGS)
    assert page.status_code == 200
    quiet = text_of(_row(page.text, "care.quiet_hours"))
    assert "客户免打扰时段" in quiet and "22:00-08:00" in quiet and "使用默认值" in quiet
    english = text_of(client.get(f"{SETTINGS}?lang=en").text)
    assert "Customers' quiet hours" in english and "Business settings" in english


def test_an_administrator_changes_and_resets_a_setting(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    response = _post_setting(client, "care.daily_cap", value="3")
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    row = _row(page.text, "care.daily_cap")
    assert '<td class="value">3' in row and '<td class="default">5' in row
    assert "admin" in text_of(row) and "2026-11-23 10:00" in text_of(row)
    assert "已保存" in text_of(page.text)
    with database.unit_of_work(write=False) as session:
        assert session.get(BusinessSettingValue, "care.daily_cap").value == 3  # type: ignore[union-attr]
        audit = session.scalar(
            select(AuditEntry.summary).where(AuditEntry.action == "setting.change")
        )
    assert audit == "5 → 3"
    quiet = _post_setting(client, "care.quiet_hours", value="21:30-08:00")
    assert quiet.status_code == 303
    token = csrf_of(page.text)
    reset = client.post(
        f"{SETTINGS}/care.daily_cap/reset", data={"csrf_token": token}, follow_redirects=False
    )
    assert reset.status_code == 303
    page = client.get(reset.headers["location"])
    row = _row(page.text, "care.daily_cap")
    assert '<td class="value">5' in row and "使用默认值" in text_of(row)
    assert "21:30-08:00" in _row(page.text, "care.quiet_hours")


def test_a_bad_value_shows_the_form_again_with_the_error(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    response = _post_setting(client, "care.daily_cap", value="many")
    assert response.status_code == 422
    row = _row(response.text, "care.daily_cap")
    assert 'value="many"' in row and 'aria-invalid="true"' in row
    assert "请输入至少为 1 的整数。" in text_of(row)
    late = _post_setting(client, "care.quiet_hours", value="late")
    assert late.status_code == 422 and "22:00-08:00" in text_of(_row(late.text, "care.quiet_hours"))
    with database.unit_of_work(write=False) as session:
        assert session.scalars(select(BusinessSettingValue)).all() == []


def _grid(html: str) -> dict[str, str]:
    row = _row(html, "tickets.promise_hours")
    return dict(re.findall(r'name="(cell\.\w+\.\w+)"[^>]*?value="([^"]*)"', row, re.S))


def test_the_promise_table_is_a_grid_of_hours_by_type_and_severity(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    cells = _grid(client.get(SETTINGS).text)
    assert len(cells) >= 8 and "cell.fault.urgent" in cells
    section = text_of(_row(client.get(SETTINGS).text, "tickets.promise_hours"))
    assert "服务承诺时限（小时）" in section and "故障" in section and "紧急" in section
    default_urgent = cells["cell.fault.urgent"]
    response = _post_setting(client, "tickets.promise_hours", **{**cells, "cell.fault.urgent": "6"})
    assert response.status_code == 303, response.text
    page = client.get(response.headers["location"]).text
    assert _grid(page)["cell.fault.urgent"] == "6"
    assert f"默认 {default_urgent}" in text_of(_row(page, "tickets.promise_hours"))
    with database.unit_of_work(write=False) as session:
        stored: Any = session.get(BusinessSettingValue, "tickets.promise_hours")
        assert stored.value["fault"]["urgent"] == 6
    refused = _post_setting(client, "tickets.promise_hours", **{**cells, "cell.fault.low": "0"})
    assert refused.status_code == 422
    section_html = _row(refused.text, "tickets.promise_hours")
    assert "故障 · 低" in text_of(section_html) and "1 到 720" in text_of(section_html)
    assert re.search(r'name="cell\.fault\.low"[^>]*value="0"[^>]*aria-invalid="true"', section_html)


# -- the dashboard's warning ---------------------------------------------------------------


def _banner(client: TestClient) -> str | None:
    page = client.get("/console/dashboard")
    assert page.status_code == 200
    found = re.search(r'<div class="banner warn" role="alert" id="schedule-warning">.*?</div>',
                      page.text, re.S)  # fmt: skip
    return found.group(0) if found else None


def test_the_dashboard_warns_until_next_years_schedule_is_loaded(client: TestClient) -> None:
    as_user(client, "supervisor")
    banner = _banner(client)  # the test clock stands at 2026-11-23
    assert banner is not None
    assert "2027" in banner and "(office)" in banner and "(field)" in banner
    assert 'href="/console/admin/calendars"' in banner and "只有系统管理员" in text_of(banner)
    as_user(client, "admin")
    banner = _banner(client)
    assert banner is not None and 'href="/console/admin/calendars#import"' in banner
    _import(client, csv=SCHEDULE_2027, calendar="office")
    banner = _banner(client)
    assert banner is not None and "(office)" not in banner and "(field)" in banner
    _import(client, csv=SCHEDULE_2027, calendar="field")
    assert _banner(client) is None
    as_user(client, "supervisor")
    assert _banner(client) is None


# -- usable with a keyboard and a screen reader ----------------------------------------------


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_administration_pages_label_every_field(client: TestClient, lang: str) -> None:
    as_user(client, "admin")
    for path in (CALENDARS, f"{CALENDARS}/office", f"{CALENDARS}/always", SETTINGS):
        response = client.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        page = _Page()
        page.feed(response.text)
        assert not _unlabelled(page), f"{path}: fields without a label: {_unlabelled(page)}"
        assert page.h1 == 1 and page.lang == lang, path
