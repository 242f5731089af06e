"""In real browsers: a customer on a phone chats with the bot, is handed over, and an agent in
a second browser context takes the chat and answers; then the customer follows a ticket."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Browser, Page, ViewportSize, expect
from sqlalchemy import select

from closeloop.care.models import Notification
from closeloop.db.engine import Database
from tests.browser.conftest import Screens
from tests.channels.helpers import a_customer
from tests.support import Factory

PHONE: ViewportSize = {"width": 390, "height": 844}


def phone(browser: Browser, live_server: str) -> Page:
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    return context.new_page()


def test_a_customer_is_handed_over_and_answered_by_an_agent(
    browser: Browser,
    live_server: str,
    signed_in: Callable[[str], Page],
    database: Database,
    screens: Screens,
) -> None:
    customer_number = a_customer(database).msisdn
    customer = phone(browser, live_server)
    customer.goto("/chat")
    customer.get_by_label("手机号码（选填）").fill(customer_number)
    customer.get_by_label("消息").fill("手机卡丢了怎么办")
    customer.get_by_role("button", name="发送").click()
    expect(customer.locator(".msg-bot").first).to_be_visible(timeout=60000)
    customer.get_by_label("消息").fill("转人工")
    customer.get_by_role("button", name="发送").click()
    expect(customer.locator(".chat-status")).to_contain_text("人工", timeout=30000)
    screens.shot(customer, "customer-handed-over")

    agent = signed_in("agent")
    agent.get_by_role("link", name="在线人工").click()
    agent.get_by_role("button", name="接入").first.click()
    expect(agent.locator(".msg-customer").first).to_contain_text("手机卡丢了怎么办")
    expect(agent.locator(".customer")).to_contain_text(customer_number[-4:])
    agent.get_by_label("消息").fill("您好，我是人工客服，马上为您办理挂失。")
    agent.get_by_role("button", name="发送").click()
    screens.shot(agent, "agent-answered")

    expect(customer.locator(".msg-agent", has_text="马上为您办理挂失")).to_be_visible(timeout=15000)
    customer.get_by_label("消息").fill("好的，谢谢")
    customer.get_by_role("button", name="发送").click()
    expect(agent.locator(".msg-customer", has_text="好的，谢谢")).to_be_visible(timeout=15000)
    screens.shot(customer, "customer-sees-agent")
    screens.shot(agent, "agent-sees-customer")
    customer.context.close()


def test_a_customer_follows_their_ticket_on_a_phone(
    browser: Browser, live_server: str, factory: Factory, database: Database, screens: Screens
) -> None:
    ticket = factory.ticket("in_progress")
    with database.unit_of_work(write=False) as session:
        texts = session.scalars(
            select(Notification.text).where(Notification.ticket_id == int(ticket.id))
        ).all()
    link = re.search(r"/t/\S+$", texts[-1])
    assert link is not None
    customer = phone(browser, live_server)

    customer.goto(link.group(0))

    expect(customer.get_by_role("heading", name="工单进度")).to_be_visible()
    expect(customer.get_by_text(ticket.number)).to_be_visible()
    expect(customer.get_by_text("专业部门正在处理").first).to_be_visible()
    width = customer.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    customer.get_by_label("补充信息").fill("下午两点后家里有人")
    customer.get_by_role("button", name="补充信息").click()
    expect(customer.get_by_role("status")).to_contain_text("已记入工单")
    screens.shot(customer, "tracking-on-a-phone")
    customer.context.close()
