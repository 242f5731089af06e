"""In a real browser: a crawler's posts appear in the supervisor's opinion stream, with the
watch terms marked, the charts drawn, a filter applied and a public reply recorded."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens
from tests.opinion.conftest import post
from tests.support import Factory, bearer
from tests.support.factories import FACTORY_PASSWORD

ANGRY = "联通宽带又断了，报修三天没人来，再不修我就打12300投诉"
PRAISE = "10086的客服小姐姐很耐心，十分钟就解决了，点赞"


def _crawl(live_server: str, factory: Factory) -> None:
    made = factory.user("crawler", username="browser-crawler")
    with httpx.Client(base_url=live_server) as http:
        token = http.post(
            "/api/v1/auth/token", json={"username": made.username, "password": FACTORY_PASSWORD}
        ).json()["access_token"]
        for body in (post("b1", ANGRY, author="断网的人"), post("b2", PRAISE, author="满意的人")):
            assert http.post("/api/v1/opinion/posts", json=body, headers=bearer(token)).is_success


def test_the_supervisor_reads_filters_and_answers_the_stream(
    signed_in: Callable[[str], Page], live_server: str, factory: Factory, screens: Screens
) -> None:
    _crawl(live_server, factory)
    supervisor = signed_in("supervisor")
    supervisor.get_by_role("link", name="舆情监测").click()
    expect(supervisor.get_by_role("heading", name="舆情监测")).to_be_visible()
    expect(supervisor.locator("mark", has_text="宽带")).to_be_visible()
    expect(supervisor.locator("svg.chart")).to_have_count(2)
    expect(supervisor.get_by_text("@满意的人")).to_be_visible()
    screens.shot(supervisor, "stream")

    supervisor.get_by_label("情感倾向").select_option("negative")
    supervisor.get_by_role("button", name="筛选").click()
    expect(supervisor.get_by_text("@满意的人")).to_have_count(0)
    urgent = supervisor.locator("li.opinion-post", has_text="@断网的人")
    expect(urgent.get_by_text("紧急")).to_be_visible()
    screens.shot(supervisor, "negative-only")

    urgent.get_by_label("公开回复").fill("您好，已安排师傅今天上门，请保持电话畅通")
    urgent.get_by_role("button", name="记录回复").click()
    expect(supervisor.get_by_text("您好，已安排师傅今天上门")).to_be_visible()
    screens.shot(supervisor, "replied")
