"""In a real browser: the administrator loads next year's holiday schedule from a CSV file in
the console, and a running ticket whose deadline day becomes a holiday gets a later deadline.

The ticket is opened, dispatched to the wireless station (office calendar) and accepted
through the API first; its work deadline is read back, and the file makes that day a holiday.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import FilePayload, Page, expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import Screens
from tests.conftest import DEMO_PASSWORD
from tests.tickets.helpers import BODIES, ticket_body

SHANGHAI = ZoneInfo("Asia/Shanghai")
SCHEDULE_2027 = (
    "2027-01-01,holiday,元旦\n"
    "2027-02-06,holiday,春节\n"
    "2027-02-07,holiday,春节\n"
    "2027-02-08,holiday,春节\n"
    "2027-02-20,workday,春节调休上班\n"
    "2027-13-01,holiday,写错的日期\n"
)


def _fresh_customer(db_url: str) -> int:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        customer = conn.execute(
            text(
                "SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM tickets) "
                "ORDER BY id LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    return int(customer)


class Api:
    """The ticket API of the live server, as the demo users."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.tokens: dict[str, str] = {}

    def headers(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            response = self.http.post(
                "/api/v1/auth/token", json={"username": user, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 200, response.text
            self.tokens[user] = response.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def call(self, method: str, path: str, user: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, headers=self.headers(user), **kwargs)
        assert response.status_code in (200, 201), f"{method} {path}: {response.text}"
        return response.json()

    def act(self, ticket_id: str, action: str, user: str, **body: Any) -> Any:
        payload = {**BODIES[action], **body}
        return self.call("POST", f"/api/v1/tickets/{ticket_id}/{action}", user, json=payload)


def test_an_upload_makes_a_deadline_day_a_holiday_and_the_deadline_moves(
    signed_in: Callable[[str], Page], screens: Screens, live_server: str, db_url: str
) -> None:
    api = Api(live_server)
    body = ticket_body(str(_fresh_customer(db_url)), severity="high")
    ticket = api.call("POST", "/api/v1/tickets", "agent", json=body)
    api.act(ticket["id"], "escalate", "agent")
    api.act(ticket["id"], "dispatch", "expert", station="wireless")
    ticket = api.act(ticket["id"], "accept", "wireless")
    assert ticket["status"] == "in_progress"
    due = datetime.fromisoformat(ticket["due_at"]).astimezone(SHANGHAI)

    admin = signed_in("admin")
    admin.get_by_role("link", name="运营看板", exact=True).click()
    banner = admin.locator("#schedule-warning")
    expect(banner).to_contain_text("尚未载入 2027 年节假日安排")
    screens.shot(admin, "0-dashboard-warning")
    banner.get_by_role("link", name="立即载入 2027 年节假日安排").click()
    admin.wait_for_url("**/console/admin/calendars#import")
    expect(admin.locator("#schedule-warning")).to_contain_text("2027")
    screens.shot(admin, "1-calendars-zh")

    csv = f"date,kind,name\n{SCHEDULE_2027}{due.date()},holiday,临时停工\n"
    admin.get_by_label("CSV 文件").set_input_files(
        files=[FilePayload(name="2027.csv", mimeType="text/csv", buffer=csv.encode())]
    )
    admin.get_by_role("button", name="载入", exact=True).click()
    summary = admin.locator("#import-summary")
    expect(summary).to_be_visible()
    expect(admin.locator("#bad-rows")).to_contain_text("2027-13-01")
    expect(admin.locator("#bad-rows tbody td").first).to_have_text("7")  # its line in the file
    expect(admin.locator("#schedule-warning")).to_have_count(0)
    assert int(summary.locator(".count-moved").inner_text()) >= 1
    screens.shot(admin, "2-imported-zh")

    admin.locator("#moved").get_by_role("link", name=ticket["number"]).click()
    admin.wait_for_url(f"**/console/tickets/{ticket['id']}")
    moved = datetime.fromisoformat(
        api.call("GET", f"/api/v1/tickets/{ticket['id']}", "admin")["due_at"]
    )
    moved_local = moved.astimezone(SHANGHAI)
    assert moved_local.date() > due.date() and moved_local.time() == due.time()
    expect(admin.locator("dl.facts time.deadline")).to_contain_text(
        moved_local.strftime("%Y-%m-%d %H:%M")
    )
    screens.shot(admin, "3-ticket-new-deadline")

    audit = api.call(
        "GET",
        "/api/v1/audit",
        "admin",
        params={"entity_type": "ticket", "entity_id": ticket["id"], "limit": 50},
    )
    moves = [e for e in audit["items"] if e["action"] == "ticket.deadlines_moved"]
    assert moves and moves[0]["actor"] == "admin"
    assert "calendar office changed" in moves[0]["summary"]

    admin.goto("/console/dashboard")
    expect(admin.locator("h1")).to_have_text("运营监控看板")
    expect(admin.locator("#schedule-warning")).to_have_count(0)
    admin.get_by_role("link", name="系统管理", exact=True).click()
    admin.wait_for_url("**/console/admin/calendars")
    admin.goto("/console/admin/calendars?lang=en")
    expect(admin.get_by_role("heading", name="Business calendars", exact=True)).to_be_visible()
    expect(admin.locator("#calendar-office")).to_contain_text("Adjusted working day")
    screens.shot(admin, "4-calendars-en")
    admin.goto("/console/admin/settings")
    expect(admin.locator("#setting-tickets\\.promise_hours")).to_be_visible()
    screens.shot(admin, "5-settings-en")
    admin.goto("/console/admin/settings?lang=zh-CN")
    screens.shot(admin, "6-settings-zh")

    # the weekly hours of the office calendar get a lunch break; a typo is shown, kept
    admin.goto("/console/admin/calendars/office")
    tuesday = admin.get_by_label("星期二")
    tuesday.fill("08:30-12:00, 13:30-25:00")
    admin.get_by_role("button", name="保存每周营业时间").click()
    expect(admin.locator("#hours-tue-error")).to_contain_text("13:30-25:00")
    expect(tuesday).to_have_value("08:30-12:00, 13:30-25:00")
    screens.shot(admin, "7-hours-refused")
    for day in ("星期一", "星期二", "星期三", "星期四", "星期五"):
        admin.get_by_label(day).fill("08:30-12:00, 13:30-17:30")
    admin.get_by_role("button", name="保存每周营业时间").click()
    expect(admin.get_by_role("status")).to_contain_text("每周营业时间已保存")
    expect(admin.get_by_label("星期一")).to_have_value("08:30-12:00, 13:30-17:30")
    screens.shot(admin, "8-hours-saved")
