"""Signing in and out of the console: cookie, CSRF, throttling, redirects, menus by role."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.console.helpers import csrf_of, sign_in
from tests.support import Personas


def test_a_page_without_a_session_leads_to_the_sign_in_form(client: TestClient) -> None:
    response = client.get("/console?queue=all", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fconsole%3Fqueue%3Dall"
    form = client.get(response.headers["location"])
    assert 'name="username"' in form.text and 'name="password"' in form.text
    assert 'value="/console?queue=all"' in form.text


def test_sign_in_sets_a_safe_session_cookie_and_opens_the_work_page(client: TestClient) -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "agent", "password": "closeloop-demo", "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/console"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "closeloop_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    page = client.get("/console")
    assert page.status_code == 200
    assert "我的在途工单" in page.text  # the front line's queue, in Chinese by default


def test_behind_https_the_cookie_is_secure(client: TestClient) -> None:
    client.base_url = client.base_url.copy_with(scheme="https")  # browser → proxy over https
    form = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    response = client.post(
        "/login",
        data={"username": "agent", "password": "closeloop-demo", "csrf_token": csrf_of(form.text)},
        headers={"X-Forwarded-Proto": "https"},
        follow_redirects=False,
    )
    cookie = next(c for c in response.headers.get_list("set-cookie") if "closeloop_session=" in c)
    assert "Secure" in cookie


def test_a_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"username": "agent", "password": "closeloop-demo", "csrf_token": "00"}
    )
    assert response.status_code == 403
    assert "closeloop_session" not in response.headers.get("set-cookie", "")
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_a_wrong_password_says_so_and_repeated_failures_are_throttled(client: TestClient) -> None:
    csrf = csrf_of(client.get("/login").text)
    statuses = []
    for _ in range(6):
        page = client.post(
            "/login", data={"username": "agent", "password": "wrong", "csrf_token": csrf}
        )
        statuses.append(page.status_code)
        if len(statuses) == 1:
            assert "用户名或密码错误" in page.text
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert "尝试次数过多" in page.text and page.headers["retry-after"]


def test_sign_out_ends_the_session(client: TestClient) -> None:
    csrf = sign_in(client, "agent")
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_menus_follow_the_role(client: TestClient) -> None:
    sign_in(client, "supervisor")
    supervisor = client.get("/console").text
    assert 'href="/console/dashboard"' in supervisor and "全部工单" in supervisor
    client.cookies.clear()
    sign_in(client, "wireless")
    station = client.get("/console").text
    assert 'href="/console/dashboard"' not in station
    assert 'href="/console/tickets/new"' not in station
    assert "待受理" in station


def test_english_on_request_and_remembered(client: TestClient) -> None:
    sign_in(client, "agent")
    english = client.get("/console?lang=en")
    assert "My open tickets" in english.text and '<html lang="en">' in english.text
    assert "My open tickets" in client.get("/console").text
    assert "我的在途工单" in client.get("/console?lang=zh-CN").text


def test_the_users_language_setting_follows_them_to_a_new_browser(client: TestClient) -> None:
    csrf = sign_in(client, "agent")
    chosen = client.post(
        "/console/language",
        data={"language": "en", "next": "/console?queue=callbacks", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert chosen.status_code == 303
    assert chosen.headers["location"] == "/console?queue=callbacks"
    client.cookies.clear()  # another browser: no language cookie
    sign_in(client, "agent")
    assert "Callbacks due" in client.get("/console?queue=callbacks").text
    assert "待回访" in client.get("/console?queue=callbacks&lang=zh-CN").text


def test_a_user_sets_their_language_through_the_api(client: TestClient, as_user: Personas) -> None:
    headers = as_user.headers("expert")
    changed = client.patch("/api/v1/me", json={"language": "en"}, headers=headers)
    assert changed.status_code == 200 and changed.json()["language"] == "en"
    assert client.get("/api/v1/me", headers=headers).json()["language"] == "en"
    wrong = client.patch("/api/v1/me", json={"language": "fr"}, headers=headers)
    assert wrong.status_code == 422 and "language" in wrong.text
    audit = client.get(
        "/api/v1/audit", params={"actor": "expert"}, headers=as_user.headers("admin")
    ).json()["items"]
    assert any(e["action"] == "user.set_language" for e in audit)
    sign_in(client, "expert")
    assert "Expert queue" in client.get("/console").text


def test_console_errors_are_pages_not_json(client: TestClient) -> None:
    csrf = sign_in(client, "agent")
    unknown = client.get("/console/no-such-page")
    assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
    assert "页面不存在" in unknown.text
    malformed = client.get("/console/tickets/12/actions/escalate")  # a GET on a form's target
    assert malformed.status_code == 405 and "text/html" in malformed.headers["content-type"]
    refused = client.post("/console/knowledge/manage/new", data={"csrf_token": csrf})
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    api = client.get("/api/v1/no-such-thing")
    assert api.headers["content-type"] == "application/problem+json"
