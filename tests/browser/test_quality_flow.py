"""In a real browser: a customer answers a survey on a phone-sized page, and a QA reviewer
draws a sample and scores a ticket beside its timeline."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import REPORT_POLICY_VIOLATIONS, Screens
from tests.support import DEMO_PASSWORD

PHONE: ViewportSize = {"width": 390, "height": 844}


def _api(live_server: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=live_server, timeout=30)
    token = client.post(
        "/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def test_a_customer_answers_a_survey_on_a_phone(
    browser: Browser, live_server: str, screens: Screens
) -> None:
    qa, supervisor = _api(live_server, "qa"), _api(live_server, "supervisor")
    try:
        customer = supervisor.get("/api/v1/customers", params={"limit": 1}).json()["items"][0]
        started = qa.post("/api/v1/surveys", json={"instrument": "csat", "name": "手机端测试",
                                                   "msisdns": [customer["msisdn"]]})  # fmt: skip
        assert started.status_code == 201, started.text
        notices = supervisor.get("/api/v1/notifications", params={
            "rule": "survey_invite", "msisdn": customer["msisdn"]}).json()["items"]  # fmt: skip
    finally:
        qa.close()
        supervisor.close()
    token = re.search(r"/s/([A-Za-z0-9_-]+)", notices[0]["text"])
    assert token
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    context.add_init_script(REPORT_POLICY_VIOLATIONS)
    refused: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: refused.append(m.text) if "CSP" in m.text else None)
        page.goto(f"/s/{token.group(1)}")
        masked = customer["msisdn"][:3] + "****" + customer["msisdn"][-4:]
        expect(page.get_by_text(f"受邀号码：{masked}")).to_be_visible()
        # nothing wider than the phone: no sideways scrolling
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width
        screens.shot(page, "survey-phone")
        page.get_by_role("button", name="提交答卷").click()
        expect(page.get_by_role("alert")).to_contain_text("未回答")
        page.get_by_role("radio", name="2").check()
        page.get_by_label("还有什么想告诉我们的吗？（选填）").fill("等了太久才解决")
        page.get_by_role("button", name="提交答卷").click()
        expect(page.get_by_role("heading", name="感谢参与")).to_be_visible()
        screens.shot(page, "survey-thanks")
        page.goto(f"/s/{token.group(1)}")
        expect(page.get_by_text("此调查已提交")).to_be_visible()
    finally:
        context.close()
    assert refused == []


def test_a_reviewer_scores_a_sampled_ticket(
    signed_in: Callable[[str], Page], live_server: str, screens: Screens
) -> None:
    rubric = {"code": "hotline", "name": "热线服务质检表", "items": [
        {"code": "greet", "text": "规范问候", "weight": 30},
        {"code": "verify", "text": "核实身份", "weight": 20, "fatal": True},
        {"code": "solve", "text": "准确解答", "weight": 50},
    ]}  # fmt: skip
    qa = _api(live_server, "qa")
    assert qa.post("/api/v1/qa/rubrics", json=rubric).status_code == 201
    qa.close()
    page = signed_in("qa")
    page.get_by_role("link", name="质检").first.click()
    page.get_by_label("从").fill("2026-10-01")
    page.get_by_label("至").fill("2026-11-22")
    page.get_by_label("每名坐席抽取工单数").fill("2")
    page.get_by_role("button", name="抽样").click()
    expect(page.get_by_role("heading", name=re.compile("样本 #"))).to_be_visible()
    screens.shot(page, "sample")
    page.get_by_role("link", name=re.compile("评分工单")).first.click()
    expect(page.get_by_role("heading", name="处理过程")).to_be_visible()
    page.get_by_label(re.compile("^规范问候")).fill("25")
    page.get_by_label(re.compile("^核实身份")).fill("20")
    page.get_by_label(re.compile("^准确解答")).fill("40")
    page.get_by_label("对“准确解答”的评语").fill("未说明资费")
    screens.shot(page, "scoring")
    page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_text("qa (85)")).to_be_visible()
    screens.shot(page, "scored")
