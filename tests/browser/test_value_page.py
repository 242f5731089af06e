"""In a real browser: the analyst's value page (segment sizes, the churn-risk histogram, lifecycle
flows, the retention list worked through a task) in Chinese and English, and the value section
of the customer panel on a ticket."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.browser.conftest import Screens
from tests.console.test_value_pages import give_value, stage_history
from tests.support.factories import Factory


def test_an_analyst_reads_the_value_page_and_works_the_retention_list(
    signed_in: Callable[[str], Page], screens: Screens, database: Database, factory: Factory
) -> None:
    made = stage_history(database, factory)  # stable→stable, stable→decline, decline→churned
    page = signed_in("supervisor")
    page.get_by_role("link", name="客户价值").click()
    expect(page.get_by_role("heading", name="客户价值", exact=True)).to_be_visible()
    segments = page.locator("#segments tbody tr")
    expect(segments.filter(has_text="金卡")).to_contain_text("1")
    expect(segments.filter(has_text="钻石")).to_contain_text("0")
    expect(page.get_by_role("img", name="各价值等级的客户数")).to_be_visible()
    histogram = page.get_by_role("img", name="各流失风险区间的客户数")
    expect(histogram).to_be_visible()
    expect(histogram.locator("rect")).to_have_count(10)  # ten risk bands, one bar each
    expect(histogram.locator("title", has_text="40–50 %: 1")).to_have_count(1)
    expect(page.get_by_role("img", name="逐月各生命周期阶段的客户数")).to_be_visible()
    flows = page.locator("#flows tbody tr.moved")
    expect(flows).to_have_count(2)
    expect(flows.filter(has_text="衰退期").filter(has_text="离网")).to_contain_text("2026-10")
    # the declining customer heads the retention list; the one who left is not on it
    candidates = page.locator("#candidates tbody tr")
    expect(candidates.first.locator("th")).to_have_text(made[1])
    expect(page.locator("#candidates")).not_to_contain_text(f"{made[2]}\n")
    expect(candidates.first).to_contain_text("逾期缴费次数: 2")
    screens.shot(page, "value-page")

    page.get_by_role("button", name="为最值得挽留的客户创建挽留任务").click()
    task = page.locator("article.retention-task").filter(has_text=f"{made[1]}")
    expect(task).to_be_visible()
    expect(task.locator("pre.script")).not_to_be_empty()
    screens.shot(page, "retention-task")
    task.get_by_label("结果").select_option("kept")
    task.get_by_label("备注").fill("办理了合约续约")
    task.get_by_role("button", name="记录结果").click()
    expect(page.locator("article.retention-task").filter(has_text=f"{made[1]}")).to_have_count(0)

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Segment sizes")).to_be_visible()
    expect(page.get_by_role("img", name="Customers per churn-risk band")).to_be_visible()
    expect(page.locator("#flows")).to_contain_text("Decline")
    expect(page.get_by_role("heading", name="Retention list")).to_be_visible()
    screens.shot(page, "value-page-en")


def test_an_agent_sees_the_value_section_on_the_customer_panel(
    signed_in: Callable[[str], Page],
    screens: Screens,
    database: Database,
    factory: Factory,
    clock: FixedClock,
) -> None:
    c = factory.customer()
    give_value(database, clock, c.id, "decline")
    ticket = factory.ticket(customer=c)
    page = signed_in("agent")
    page.goto(re.sub(r"/console.*$", f"/console/tickets/{ticket.id}", page.url))
    expect(page.get_by_role("heading", name="价值与保有")).to_be_visible()
    facts = page.locator("dl.value")
    expect(facts).to_contain_text("钻石")
    expect(facts).to_contain_text("4821.00")
    expect(facts).to_contain_text("衰退期")
    expect(facts).to_contain_text("62 %")
    expect(facts).to_contain_text("近90天投诉: 3")
    screens.shot(page, "value-panel")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Value and retention")).to_be_visible()
    expect(page.locator("dl.value")).to_contain_text("Complaints in 90 days: 3")
