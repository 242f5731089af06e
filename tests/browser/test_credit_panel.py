"""In a real browser: the customer panel's credit section on a ticket (deposit, sales channel,
grade, arrears, ladder step, what happens next, the good-credit flag) in Chinese and English,
and the credit reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from closeloop.config import Settings
from closeloop.db.engine import Database
from tests.browser.conftest import Screens
from tests.credit.conftest import Ledger
from tests.support.factories import Factory

ADULT_ID = "11010519491231002X"


def _panel(page: Page, ticket_id: str, lang: str) -> Locator:
    page.goto(page.url.split("/console")[0] + f"/console/tickets/{ticket_id}?lang={lang}")
    return page.locator("section.customer")


def test_an_agent_sees_why_a_line_is_barred_and_what_comes_next(
    signed_in: Callable[[str], Page],
    screens: Screens,
    database: Database,
    settings: Settings,
    factory: Factory,
    tmp_path: Path,
) -> None:
    ledger = Ledger(database, settings, tmp_path)
    barred = factory.customer(deposit=Decimal("300"), sales_channel="代理商")
    good = factory.customer(
        id_number=ADULT_ID,
        join_date="2020-01-01",
        deposit=Decimal("500"),
        sales_channel="网上营业厅",
    )
    ledger.bills(
        f"{barred.msisdn},2026-10,100.00,0,2026-11-01,",
        f"{good.msisdn},2026-08,350.00,350.00,2026-09-15,2026-09-10",
        f"{good.msisdn},2026-09,350.00,350.00,2026-10-15,2026-10-10",
        f"{good.msisdn},2026-10,350.00,350.00,2026-11-01,2026-10-25",
    )
    ledger.run("2026-11-22")  # the barred customer's bill is 21 days past due
    assert ledger.profile(barred.id)[1:] == ("restricted", "D")
    assert ledger.profile(good.id)[2] == "A"
    on_barred, on_good = factory.ticket(customer=barred), factory.ticket(customer=good)
    page = signed_in("agent")

    panel = _panel(page, on_barred.id, "zh-CN")
    credit = panel.locator("dl.credit")
    expect(page.get_by_role("heading", name="信用与欠费")).to_be_visible()
    expect(panel.locator("dd.deposit")).to_have_text("300.00 元")
    expect(panel.locator("dd.sales-channel")).to_have_text("代理商")
    expect(credit).to_contain_text("信用等级")
    expect(credit.locator("dd").first).to_contain_text("D")
    expect(credit).to_contain_text("100.00 元")
    expect(credit).to_contain_text(re.compile(r"最早未缴账单已逾期\d+天"))
    expect(credit.locator("dd.line-restricted")).to_have_text("限制呼出")
    expect(credit).to_contain_text("第3步：限制呼出")
    expect(credit).to_contain_text("如仍未缴费，下一步")
    expect(credit).to_contain_text("第5步：停机")
    expect(credit.locator("time")).to_have_attribute("datetime", "2026-12-21")
    expect(credit.locator(".good-credit")).to_have_count(0)
    screens.shot(page, "credit-panel")

    panel = _panel(page, on_good.id, "zh-CN")
    credit = panel.locator("dl.credit")
    expect(panel.locator("dd.deposit")).to_have_text("500.00 元")
    expect(panel.locator("dd.sales-channel")).to_have_text("网上营业厅")
    expect(credit.locator(".good-credit")).to_have_text("信用良好：限制前享有宽限期")
    expect(credit.locator("dd").first).to_contain_text("A")
    expect(credit.locator("dd.line-active")).to_be_visible()
    expect(credit).not_to_contain_text("如仍未缴费，下一步")
    screens.shot(page, "credit-panel-good")

    panel = _panel(page, on_barred.id, "en")
    credit = panel.locator("dl.credit")
    expect(page.get_by_role("heading", name="Credit and arrears")).to_be_visible()
    expect(panel.locator("dd.deposit")).to_have_text("300.00 yuan")
    expect(panel).to_contain_text("Sales channel")
    expect(credit).to_contain_text("Credit grade")
    expect(credit).to_contain_text(re.compile(r"oldest unpaid bill \d+ days past due"))
    expect(credit.locator("dd.line-restricted")).to_have_text("Outgoing calls barred")
    expect(credit).to_contain_text("Step 3: Bar outgoing calls")
    expect(credit).to_contain_text("Next if unpaid")
    expect(credit).to_contain_text("Step 5: Suspend the line")
    screens.shot(page, "credit-panel-en")
    panel = _panel(page, on_good.id, "en")
    expect(panel.locator(".good-credit")).to_have_text("Good credit: grace before restriction")

    supervisor = signed_in("supervisor")
    supervisor.get_by_role("link", name="信用与欠费").click()
    expect(supervisor.get_by_role("heading", name="账龄")).to_be_visible()
    expect(supervisor.locator("svg.chart").first).to_be_visible()
    screens.shot(supervisor, "credit-reports")
