"""In a real browser on a phone-sized screen: a customer types their number, then the SMS code,
sees all their tickets, and opens one to add information."""

from __future__ import annotations

from playwright.sync_api import Browser, ConsoleMessage, ViewportSize, expect

from closeloop.db.engine import Database
from tests.browser.conftest import REPORT_POLICY_VIOLATIONS, Screens
from tests.support import Factory
from tests.support.sms_codes import sent_code

PHONE: ViewportSize = {"width": 390, "height": 844}


def test_a_customer_follows_all_their_tickets_by_number_on_a_phone(
    browser: Browser, live_server: str, factory: Factory, database: Database, screens: Screens
) -> None:
    customer = factory.customer()
    working = factory.ticket("in_progress", customer=customer)
    waiting = factory.ticket("dispatched", customer=customer)
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.add_init_script(REPORT_POLICY_VIOLATIONS)
    refused: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        if message.type == "error" and "CSP" in message.text:
            refused.append(message.text)

    page = context.new_page()
    page.on("console", watch)

    page.goto("/track")
    expect(page.get_by_role("heading", name="我的工单")).to_be_visible()
    page.get_by_label("手机号码").fill(customer.msisdn)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("status")).to_contain_text("验证码已通过短信发出")
    code = sent_code(database, customer.msisdn)
    page.get_by_label("短信验证码").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="查看我的工单").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    screens.shot(page, "wrong-code")
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="查看我的工单").click()

    expect(page.get_by_text(working.number)).to_be_visible()
    expect(page.get_by_text(waiting.number)).to_be_visible()
    expect(page.get_by_text("专业部门正在处理").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    screens.shot(page, "my-tickets")
    page.locator(".track-ticket", has_text=working.number).get_by_role(
        "link", name="查看详情并补充信息"
    ).click()
    expect(page.get_by_role("heading", name="工单进度")).to_be_visible()
    page.get_by_label("补充信息").fill("下午两点后家里有人")
    page.get_by_role("button", name="补充信息").click()
    expect(page.get_by_role("status")).to_contain_text("已记入工单")
    page.get_by_role("link", name="我的全部工单").click()
    expect(page.get_by_text(waiting.number)).to_be_visible()  # still verified
    page.get_by_role("button", name="完成").click()
    expect(page.get_by_label("手机号码")).to_be_visible()
    context.close()
    assert refused == []
