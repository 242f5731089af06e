"""In a real browser: signing in, the queues by role, and station walls between stations."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Screens


def test_an_agent_signs_in_and_sees_the_work_queue_in_chinese(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    page = signed_in("agent")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_role("link", name="我的在途工单")).to_be_visible()
    screens.shot(page, "agent-queue")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    screens.shot(page, "agent-queue-en")


def test_a_station_sees_its_deadlines_counting_down(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    page = signed_in("wireless")
    page.get_by_role("link", name="处理中").click()
    rows = page.locator("table.queue tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator(".countdown").first).to_have_text(re.compile("剩余|已超时"))
    # the countdown runs on the server's clock: it agrees with the server's overdue marks
    for row in rows.all():
        overdue = "is-overdue" in (row.get_attribute("class") or "")
        expect(row.locator(".countdown")).to_have_text(re.compile("已超时" if overdue else "剩余"))
    screens.shot(page, "wireless-in-progress")


def test_a_station_user_cannot_open_another_stations_ticket(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    billing = signed_in("billing")
    billing.get_by_role("link", name="处理中").click()
    first = billing.locator("table.queue tbody tr a").first
    href = first.get_attribute("href")
    assert href and href.startswith("/console/tickets/")
    wireless = signed_in("wireless")
    response = wireless.goto(href)
    assert response is not None and response.status in (403, 404)
    expect(wireless.get_by_role("alert")).to_be_visible()
    screens.shot(wireless, "wireless-refused-billing-ticket")


def test_signing_out_ends_the_session(signed_in: Callable[[str], Page]) -> None:
    page = signed_in("supervisor")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login")
    page.goto("/console")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_the_supervisor_dashboard_draws_its_charts(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    page = signed_in("supervisor")
    page.get_by_role("link", name="运营看板").click()
    charts = page.locator("svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3
    screens.shot(page, "supervisor-dashboard")


def test_signing_in_and_opening_a_ticket_work_from_the_keyboard(
    browser: Browser, live_server: str, screens: Screens
) -> None:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/login")
    # the username field takes the focus by itself (autofocus lands on a rendering step
    # after "load", so wait for it rather than type into nothing)
    expect(page.get_by_label("用户名")).to_be_focused()
    page.keyboard.type("expert")
    page.keyboard.press("Tab")
    page.keyboard.type("closeloop-demo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console")
    page.keyboard.press("Tab")  # the first stop is the skip link
    expect(page.get_by_role("link", name="跳到正文")).to_be_focused()
    first_ticket = page.locator("table.queue tbody tr a").first
    first_ticket.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/tickets/*")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screens.shot(page, "expert-ticket-by-keyboard")
    context.close()
