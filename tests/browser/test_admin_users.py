"""In a real browser: the administrator disables a user who is signed in; the user's open console
page sends them to the sign-in form at their next click, and signing in again is refused."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.conftest import Screens
from tests.conftest import DEMO_PASSWORD


def test_a_disabled_user_is_signed_out_and_cannot_sign_in(
    signed_in: Callable[[str], Page], screens: Screens
) -> None:
    agent = signed_in("agent2")
    admin = signed_in("admin")
    admin.get_by_role("link", name="系统管理", exact=True).click()
    admin.get_by_role("link", name="用户", exact=True).click()
    admin.wait_for_url("**/console/admin/users")
    admin.get_by_label("用户名或姓名包含").fill("agent2")
    admin.get_by_role("button", name="搜索", exact=True).click()
    rows = admin.locator("#users tbody tr")
    expect(rows).to_have_count(1)
    screens.shot(admin, "1-search")
    rows.get_by_role("link", name="agent2").click()
    admin.wait_for_url("**/console/admin/users/agent2")
    admin.get_by_role("button", name="停用", exact=True).click()
    expect(admin.get_by_role("status")).to_contain_text("用户已停用")
    expect(admin.locator("h1")).to_contain_text("已停用")
    screens.shot(admin, "2-disabled")

    agent.get_by_role("link", name="工作台", exact=True).first.click()
    agent.wait_for_url("**/login**")
    agent.get_by_label("用户名").fill("agent2")
    agent.get_by_label("密码").fill(DEMO_PASSWORD)
    agent.get_by_role("button", name="登录").click()
    expect(agent.get_by_role("alert")).to_be_visible()
    assert "/login" in agent.url
    screens.shot(agent, "3-sign-in-refused")

    admin.get_by_role("link", name="角色与权限", exact=True).click()
    expect(admin.locator("#matrix")).to_contain_text("创建、修改和停用用户；编辑各角色的权限")
    screens.shot(admin, "4-roles")
