"""In a real browser: the customer panel's credit section on a ticket, and the credit reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from closeloop.config import Settings
from closeloop.db.engine import Database
from tests.browser.conftest import Screens
from tests.credit.conftest import Ledger
from tests.support.factories import Factory


def test_an_agent_sees_why_a_line_is_barred_and_what_comes_next(
    signed_in: Callable[[str], Page],
    screens: Screens,
    database: Database,
    settings: Settings,
    factory: Factory,
    tmp_path: Path,
) -> None:
    ledger = Ledger(database, settings, tmp_path)
    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-01,")
    ledger.run("2026-11-22")
    ticket = factory.ticket(customer=c)
    page = signed_in("agent")
    page.goto(page.url.split("/console")[0] + f"/console/tickets/{ticket.id}")
    credit = page.locator("dl.credit")
    expect(page.get_by_role("heading", name="信用与欠费")).to_be_visible()
    expect(credit).to_contain_text("限制呼出")
    expect(credit).to_contain_text("100.00")
    expect(credit).to_contain_text("第5步：停机")
    screens.shot(page, "credit-panel")
    supervisor = signed_in("supervisor")
    supervisor.get_by_role("link", name="信用与欠费").click()
    expect(supervisor.get_by_role("heading", name="账龄")).to_be_visible()
    expect(supervisor.locator("svg.chart").first).to_be_visible()
    screens.shot(supervisor, "credit-reports")
