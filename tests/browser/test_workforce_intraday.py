"""In a real browser: the supervisor watches today's load against the forecast; an agent signs
in from the console and the supervisor's page counts them."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens
from tests.workforce.conftest import Layout, contacts

__all__ = ["contacts"]  # the fixture


def test_intraday_page_counts_an_agent_who_signs_in(
    signed_in: Callable[[str], Page], screens: Screens, contacts: Layout
) -> None:
    contacts(10, 30)
    supervisor = signed_in("supervisor")
    supervisor.get_by_role("link", name="排班与话务").click()
    expect(supervisor.get_by_role("heading", name="今日热线")).to_be_visible()
    expect(supervisor.locator("svg.chart")).to_have_count(2)
    expect(supervisor.locator("#kpi-agents .value")).to_contain_text("0 /")
    screens.shot(supervisor, "0-intraday-zh")

    agent = signed_in("agent")
    agent.goto("/console/wfm")
    expect(agent.locator("#intraday")).to_have_count(0)
    agent.get_by_role("button", name="已签入").click()
    expect(agent.locator("#current-state")).to_have_text("已签入")
    screens.shot(agent, "1-agent-signed-in")

    supervisor.reload()
    expect(supervisor.locator("#kpi-agents .value")).to_contain_text("1 /")
    supervisor.goto("/console/wfm?lang=en")
    expect(supervisor.get_by_role("heading", name="Today, hotline")).to_be_visible()
    screens.shot(supervisor, "2-intraday-en")
