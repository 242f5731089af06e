"""In a real browser: four people close the loop on one ticket, each in their own pages.

The front-line agent takes the call and escalates, the expert dispatches to the wireless
station, the station accepts and replies, and the callback agent's satisfied callback closes it.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import Screens


def _customer_and_category(db_url: str) -> tuple[str, str]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        msisdn = conn.execute(text("SELECT msisdn FROM customers ORDER BY id LIMIT 1")).scalar_one()
        category = conn.execute(
            text(
                "SELECT code FROM categories WHERE station_code = 'wireless' AND level = 3 "
                "ORDER BY code LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    return msisdn, category


def test_four_people_take_a_ticket_from_intake_to_closed(
    signed_in: Callable[[str], Page], screens: Screens, db_url: str
) -> None:
    msisdn, category = _customer_and_category(db_url)

    agent = signed_in("agent")
    agent.get_by_role("link", name="新建工单").click()
    agent.get_by_label("手机号码").fill(msisdn)
    agent.get_by_role("button", name="查询").click()
    expect(agent.get_by_role("textbox", name="客户号码")).to_have_value(msisdn)
    agent.get_by_label("类型").select_option("fault")
    agent.get_by_label("紧急程度").select_option("normal")
    agent.get_by_label("业务分类").select_option(category)
    agent.get_by_label("标题").fill("家里信号差，打电话断断续续")
    agent.get_by_label("问题描述").fill(
        "客户反映家中室内信号只有一格，通话经常中断，已重启手机无效"
    )
    suggestions = agent.locator("[data-suggest-from] li").first
    expect(suggestions).to_be_visible()  # suggestions arrived while typing
    screens.shot(agent, "1-agent-intake")
    agent.get_by_role("button", name="创建并升级专家").click()
    agent.wait_for_url("**/console/tickets/*")
    ticket_url = agent.url.split("?")[0]
    expect(agent.locator(".badge.status-expert").first).to_be_visible()
    screens.shot(agent, "2-agent-escalated")

    expert = signed_in("expert")
    expert.goto(ticket_url)
    dispatch = expert.locator("#form-dispatch")
    dispatch.get_by_label("处理工位").select_option("wireless")
    dispatch.get_by_role("button", name="派发至工位").click()
    expect(expert.locator(".badge.status-dispatched").first).to_be_visible()
    screens.shot(expert, "3-expert-dispatched")

    station = signed_in("wireless")
    station.goto(ticket_url)
    station.locator("#form-accept").get_by_role("button", name="受理").click()
    expect(station.locator(".badge.status-in_progress").first).to_be_visible()
    reply = station.locator("#form-reply")
    reply.get_by_label("故障原因").select_option(index=1)
    reply.get_by_label("处理结果").fill("已优化小区天线下倾角，室内信号恢复至三格以上")
    reply.get_by_role("button", name="回单").click()
    expect(station.locator(".badge.status-replied").first).to_be_visible()
    screens.shot(station, "4-station-replied")

    callback = signed_in("callback")
    callback.goto(ticket_url)
    callback.locator("#form-callback").get_by_role("button", name="满意", exact=True).click()
    expect(callback.locator(".badge.status-closed").first).to_be_visible()
    timeline = callback.locator(".timeline li")
    assert timeline.count() >= 6  # created, escalated, dispatched, accepted, replied, callback
    screens.shot(callback, "5-callback-closed")
