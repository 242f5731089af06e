"""In a real browser: a supervisor opens a problem, investigates it and resolves it; the
feedback page draws its charts."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens
from tests.support.factories import CAUSE


def test_a_supervisor_opens_investigates_and_resolves_a_problem(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    page = signed_in("supervisor")
    page.get_by_role("link", name="问题管理").click()
    expect(page.get_by_role("heading", name="问题管理", exact=True)).to_be_visible()
    page.get_by_label("标题").fill("芙蓉区基站退服")
    page.get_by_label("一级类别").fill("signal")
    page.get_by_label("区域").fill("长沙市")
    page.get_by_label("基站小区（逗号分隔）").fill("CELL-BROWSER-1")
    screens.shot(page, "problems-new")
    page.get_by_role("button", name="创建问题单").click()
    expect(page.get_by_role("status")).to_have_text("问题单已创建。")
    expect(page.locator("h1 .badge")).to_have_text("待处理")
    page.get_by_role("button", name="开始排查").click()
    expect(page.locator("h1 .badge")).to_have_text("排查中")
    page.locator("#cause_code").select_option(CAUSE)
    page.get_by_label("处理措施").fill("更换基站电源模块，业务恢复")
    page.get_by_role("button", name="解决问题单").click()
    expect(page.locator("h1 .badge")).to_have_text("已解决")
    expect(page.locator(".timeline li")).to_have_count(3)
    screens.shot(page, "problem-resolved")
    page.get_by_role("link", name="问题管理").click()
    expect(page.locator("table.problems tbody tr").first).to_contain_text("芙蓉区基站退服")
    page.get_by_role("link", name="网络优化反馈").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("link", name="导出 DT/CQT 建议清单（CSV）")).to_be_visible()
    screens.shot(page, "problems-feedback")
