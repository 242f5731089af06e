"""In a real browser: an article written by the editor, published, then found by an agent."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens

QUESTION = "副卡开通后无法使用共享流量怎么办"


def test_an_editor_publishes_an_article_that_an_agent_then_finds(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    editor = signed_in("editor")
    editor.get_by_role("link", name="知识维护").click()
    editor.get_by_role("link", name="新建知识").click()
    editor.get_by_label("业务分类").fill("billing/arrears")
    editor.get_by_label("问题", exact=True).fill(QUESTION)
    editor.get_by_label("答案（Markdown 格式）").fill(
        "副卡需在主卡**融合套餐**内完成绑定后才能共享流量。请核对副卡号码是否已加入共享成员，"
        "并重启手机使设置生效。"
    )
    editor.get_by_label("相似问法（每行一个）").fill("副卡用不了主卡的流量\n家庭共享流量副卡不能用")
    screens.shot(editor, "editor-draft")
    editor.get_by_role("button", name="保存草稿").click()
    editor.get_by_role("button", name="提交审核").click()
    screens.shot(editor, "editor-submitted")

    supervisor = signed_in("supervisor")
    supervisor.goto("/console/knowledge/manage")
    waiting = supervisor.locator("tr", has_text=QUESTION)
    waiting.get_by_role("button", name="审核通过").click()
    supervisor.locator("tr", has_text=QUESTION).get_by_role("button", name="发布").click()
    screens.shot(supervisor, "supervisor-published")

    agent = signed_in("agent")
    agent.get_by_role("link", name="知识库").click()
    agent.get_by_label("问题").fill("副卡不能用共享流量")
    agent.get_by_role("button", name="搜索").click()
    hit = agent.get_by_role("link", name=QUESTION)
    expect(hit).to_be_visible()
    expect(agent.locator("mark").first).to_be_visible()
    screens.shot(agent, "agent-search")
    hit.click()
    expect(agent.get_by_text("融合套餐")).to_be_visible()
    screens.shot(agent, "agent-article")
