"""Users and roles in the console (#24 point 4): the administrator finds users, creates them with a
typed or generated password, changes their name, roles and station, disables them, resets their
password and signs them out everywhere — a live console session and bearer token of that user
stop working at once — and edits the role → permission matrix; everyone else is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry, RolePermission, User, UserRole
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.console.test_accessibility import _Page, _unlabelled
from tests.console.ticket_helpers import as_user, text_of
from tests.support.demo import DEMO_PASSWORD
from tests.support.signin import TOKEN, bearer, console_sign_in, csrf_of

USERS = "/console/admin/users"
ROLES = "/console/admin/roles"
OUTSIDERS = ["agent", "supervisor", "wireless", "editor"]


@pytest.fixture
def other(client: TestClient) -> Iterator[TestClient]:
    """A second browser on the same app (another person's console session)."""
    with TestClient(client.app) as second:
        yield second


def _post(client: TestClient, path: str, page: str, **data: str | list[str]) -> httpx.Response:
    """Post a form of the page at `page` (its CSRF token) with the fields given."""
    token = csrf_of(client.get(page).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _audit(database: Database, action: str) -> list[AuditEntry]:
    with database.unit_of_work(write=False) as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(session.scalars(query))


def _user(database: Database, username: str) -> User:
    with database.unit_of_work(write=False) as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        _ = user.roles  # loaded before the session ends
        return user


def _field_error(html: str, error_id: str) -> str:
    found = re.search(rf'<p class="error field-error" id="{error_id}">(.*?)</p>', html, re.S)
    assert found, f"no field error {error_id}"
    return text_of(found.group(1)).strip()


def _shown_password(html: str) -> str:
    found = re.search(r'<output class="password" id="generated-password">([^<]+)</output>', html)
    assert found, "no password shown"
    return found.group(1)


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-username="([^"]+)"', html)


def _signs_in(client: TestClient, username: str, password: str) -> bool:
    response = client.post(TOKEN, json={"username": username, "password": password})
    return response.status_code == 200


# -- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", OUTSIDERS)
def test_only_the_administrator_opens_users_and_roles(client: TestClient, username: str) -> None:
    token = as_user(client, username)
    for path in (USERS, f"{USERS}/agent", ROLES):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 403, path
        assert "无权操作" in text_of(response.text)
    posts: list[tuple[str, dict[str, str]]] = [
        (USERS, {"username": "sneaky", "roles": "admin", "generate": "1"}),
        (f"{USERS}/agent", {"display_name": "x", "roles": "admin"}),
        (f"{USERS}/agent/disable", {}),
        (f"{USERS}/agent/enable", {}),
        (f"{USERS}/agent/password", {"generate": "1"}),
        (f"{USERS}/agent/sign-out", {}),
        (ROLES, {"role": "agent", "grant.agent": "users.manage"}),
    ]
    for path, data in posts:
        response = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert response.status_code == 403, path
    as_user(client, "admin")
    assert "sneaky" not in client.get(USERS).text


def test_a_form_without_the_session_token_is_refused(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    response = client.post(f"{USERS}/agent/disable", data={"csrf_token": "0" * 64})
    assert response.status_code == 403
    assert _user(database, "agent").active


def test_the_administrator_finds_users_and_roles_in_the_administration(
    client: TestClient,
) -> None:
    as_user(client, "admin")
    calendars = client.get("/console/admin/calendars").text
    assert 'href="/console/admin/users"' in calendars and 'href="/console/admin/roles"' in calendars
    page = client.get(USERS)
    assert page.status_code == 200
    text = text_of(page.text)
    assert "用户" in text and "新建用户" in text and "角色与权限" in text
    english = text_of(client.get(f"{USERS}?lang=en").text)
    assert "Create a user" in english and "Roles and permissions" in english


# -- the list ---------------------------------------------------------------------------------


def test_the_list_shows_each_user_with_roles_station_state_and_sign_in_history(
    client: TestClient,
) -> None:
    assert not _signs_in(client, "agent", "wrong password")
    assert not _signs_in(client, "agent", "wrong again")
    as_user(client, "admin")  # the admin has signed in; the agent has failed twice
    page = client.get(USERS).text
    assert {"admin", "agent", "wireless", "editor"} <= set(_rows(page))
    agent = re.search(r'<tr data-username="agent".*?</tr>', page, re.S)
    assert agent
    cells = [text_of(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", agent.group(0), re.S)]
    assert cells[0] == "agent" and cells[2] == "一线坐席" and cells[4] == "启用"
    assert cells[6] == "2"  # failed attempts since the last success
    wireless = re.search(r'<tr data-username="wireless".*?</tr>', page, re.S)
    assert wireless and "wireless" in text_of(wireless.group(0)) and "后端工位" in wireless.group(0)
    admin = re.search(r'<tr data-username="admin".*?</tr>', page, re.S)
    assert admin and "从未" not in text_of(admin.group(0))  # signed in just now
    facts = client.get(f"{USERS}/agent").text
    failed = re.search(r'<dd id="failed-sign-ins">(\d+)', facts)
    recent = re.search(r'<dd id="recent-failures">(\d+)</dd>', facts)
    assert failed and recent and (failed.group(1), recent.group(1)) == ("2", "2")
    assert "最近一次" in text_of(facts)  # when the last failure was


def test_the_list_is_searched_by_text_role_station_and_state(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    assert _rows(client.get(f"{USERS}?q=WIRE").text) == ["wireless"]
    stations = _rows(client.get(f"{USERS}?role=station").text)
    assert "wireless" in stations and "field" in stations and "agent" not in stations
    assert _rows(client.get(f"{USERS}?station=field").text) == ["field", "field_head"]
    assert _rows(client.get(f"{USERS}?state=disabled").text) == []
    assert _post(client, f"{USERS}/agent2/disable", f"{USERS}/agent2").status_code == 303
    assert _rows(client.get(f"{USERS}?state=disabled").text) == ["agent2"]
    assert "agent2" not in _rows(client.get(f"{USERS}?state=active").text)
    assert "没有符合条件的用户" in text_of(client.get(f"{USERS}?q=nobody-at-all").text)


def test_the_list_comes_a_page_at_a_time(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        session.add_all(
            User(
                username=f"temp{i:03d}",
                display_name=f"临时 {i}",
                password_hash="not a hash",
                created_at=clock.now(),
                roles=[UserRole(role_code="agent")],
            )
            for i in range(60)
        )
    as_user(client, "admin")
    first = client.get(f"{USERS}?q=temp").text
    assert _rows(first) == [f"temp{i:03d}" for i in range(50)]
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(f"{USERS}?q=temp&page=2").text
    assert _rows(second) == [f"temp{i:03d}" for i in range(50, 60)]
    assert 'rel="prev"' in second and 'rel="next"' not in second


# -- creating a user --------------------------------------------------------------------------


def test_an_admin_creates_a_user_with_a_generated_password_shown_once(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    response = _post(
        client, USERS, USERS,
        username="newagent", display_name="新坐席", roles=["agent", "callback"], generate="1",
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    password = _shown_password(response.text)
    assert len(password) == 16
    assert "用户已创建" in text_of(response.text)
    created = _user(database, "newagent")
    assert (created.display_name, created.role_codes, created.active) == (
        "新坐席", ["agent", "callback"], True,
    )  # fmt: skip
    assert _signs_in(client, "newagent", password)
    # shown once: the user's page does not show it again
    assert password not in client.get(f"{USERS}/newagent").text
    entry = _audit(database, "user.create")[-1]
    assert entry.actor == "admin" and entry.entity_id == str(created.id)
    assert "display_name='新坐席'" in entry.summary and "roles=agent,callback" in entry.summary


def test_an_admin_creates_station_staff_with_a_typed_password(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    response = _post(
        client, USERS, USERS,
        username="wireless2", roles="station", station="wireless", generate="",
        password="typed-password-1",
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"{USERS}/wireless2?done=created"
    assert _user(database, "wireless2").station_code == "wireless"
    assert _signs_in(client, "wireless2", "typed-password-1")


@pytest.mark.parametrize(
    ("fields", "error_id", "expected"),
    [
        ({"username": "Bad Name"}, "error-new-username", "小写字母"),
        ({"username": ""}, "error-new-username", "请填写此项"),
        ({"username": "agent"}, "error-new-username", "用户名 agent 已被使用"),
        ({"roles": []}, "error-new-roles", "请至少选择一个角色"),
        ({"roles": "station"}, "error-new-station", "后端工位人员必须归属一个工位"),
        ({"station": "nowhere"}, "error-new-station", "请从列表中选择工位"),
        ({"generate": "", "password": "short"}, "error-new-password", "至少 8 个字符"),
        ({"generate": ""}, "error-new-password", "至少 8 个字符"),
        ({"display_name": "名" * 65}, "error-new-display-name", "最多 64 个字符"),
    ],
)
def test_a_refused_new_user_is_named_by_field_and_nothing_is_created(
    client: TestClient,
    database: Database,
    fields: dict[str, str | list[str]],
    error_id: str,
    expected: str,
) -> None:
    as_user(client, "admin")
    data: dict[str, str | list[str]] = {
        "username": "someone", "display_name": "某人", "roles": "agent", "generate": "1",
        **fields,
    }  # fmt: skip
    before = len(_audit(database, "user.create"))
    response = _post(client, USERS, USERS, **data)
    assert response.status_code in (409, 422), response.text
    assert expected in _field_error(response.text, error_id)
    assert "未创建用户" in text_of(response.text)
    assert 'aria-invalid="true"' in response.text
    assert len(_audit(database, "user.create")) == before
    if data["username"]:  # what was typed is kept
        assert f'name="username" value="{data["username"]}"' in response.text


# -- one user ---------------------------------------------------------------------------------


def test_an_admin_changes_name_roles_and_station_audited_before_and_after(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    page = client.get(f"{USERS}/agent")
    assert page.status_code == 200
    assert "最近审计记录" in text_of(page.text)
    response = _post(
        client, f"{USERS}/agent", f"{USERS}/agent",
        display_name="王坐席", roles=["agent", "expert"], station="billing",
    )  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == f"{USERS}/agent?done=saved"
    changed = _user(database, "agent")
    assert (changed.display_name, changed.role_codes, changed.station_code) == (
        "王坐席", ["agent", "expert"], "billing",
    )  # fmt: skip
    entry = _audit(database, "user.update")[-1]
    assert "roles: agent → agent,expert" in entry.summary
    assert "station: - → billing" in entry.summary and "→ '王坐席'" in entry.summary
    shown = client.get(f"{USERS}/agent?done=saved").text
    assert "已保存" in text_of(shown)
    trail = re.search(r'<table id="trail-about".*?</table>', shown, re.S)
    assert trail and 'data-action="user.update"' in trail.group(0)
    # unbinding the station again
    _post(client, f"{USERS}/agent", f"{USERS}/agent", display_name="王坐席", roles="agent")
    assert _user(database, "agent").station_code is None


def test_a_refused_change_is_named_by_field_and_keeps_what_was_typed(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    response = _post(
        client, f"{USERS}/agent", f"{USERS}/agent",
        display_name="王坐席", roles=["agent", "station"], station="",
    )  # fmt: skip
    assert response.status_code == 422
    assert "后端工位人员必须归属一个工位" in _field_error(response.text, "error-edit-station")
    assert 'value="王坐席"' in response.text
    assert 'name="roles" value="station" checked' in response.text
    response = _post(client, f"{USERS}/agent", f"{USERS}/agent", display_name=" ", roles="agent")
    assert _field_error(response.text, "error-edit-display-name")
    response = _post(client, f"{USERS}/agent", f"{USERS}/agent", display_name="x")
    assert "请至少选择一个角色" in _field_error(response.text, "error-edit-roles")
    agent = _user(database, "agent")
    assert (agent.display_name, agent.role_codes) != ("王坐席", ["agent", "station"])
    assert agent.role_codes == ["agent"]


def test_the_last_administrator_cannot_take_away_their_own_management(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    response = _post(
        client, f"{USERS}/admin", f"{USERS}/admin", display_name="管理员", roles="agent"
    )
    assert response.status_code == 409
    assert "唯一" in text_of(response.text)
    response = _post(client, f"{USERS}/admin/disable", f"{USERS}/admin")
    assert response.status_code == 409
    admin = _user(database, "admin")
    assert admin.active and admin.role_codes == ["admin"]


def _live_sessions(client: TestClient, other: TestClient, username: str) -> str:
    """Sign `username` in to the console in the other browser and over the API; the token."""
    console_sign_in(other, username)
    assert other.get("/console").status_code == 200
    token = client.post(TOKEN, json={"username": username, "password": DEMO_PASSWORD})
    assert token.status_code == 200
    value: str = token.json()["access_token"]
    assert client.get("/api/v1/me", headers=bearer(value)).status_code == 200
    return value


def _ended(client: TestClient, other: TestClient, token: str) -> None:
    """The other browser's console session and the bearer token no longer work."""
    page = other.get("/console", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_force_sign_out_ends_a_live_console_session_and_bearer_token(
    client: TestClient, other: TestClient, database: Database
) -> None:
    token = _live_sessions(client, other, "agent")
    as_user(client, "admin")
    response = _post(client, f"{USERS}/agent/sign-out", f"{USERS}/agent")
    assert response.status_code == 303
    assert response.headers["location"] == f"{USERS}/agent?done=signed_out&revoked=2"
    _ended(client, other, token)
    assert "已在所有地方退出：结束了 2 个会话" in text_of(
        client.get(response.headers["location"]).text
    )
    entry = _audit(database, "user.sign_out")[-1]
    assert entry.actor == "admin" and entry.summary == "tokens revoked: 2"
    # signed out is not locked out: the agent signs in again
    console_sign_in(other, "agent")
    assert other.get("/console").status_code == 200


def test_disabling_ends_the_sessions_and_refuses_sign_in_until_enabled(
    client: TestClient, other: TestClient, database: Database
) -> None:
    token = _live_sessions(client, other, "agent")
    as_user(client, "admin")
    response = _post(client, f"{USERS}/agent/disable", f"{USERS}/agent")
    assert response.status_code == 303
    _ended(client, other, token)
    assert not _signs_in(client, "agent", DEMO_PASSWORD)
    login = other.get("/login")
    refused = other.post(
        "/login",
        data={"username": "agent", "password": DEMO_PASSWORD, "csrf_token": csrf_of(login.text)},
        follow_redirects=False,
    )
    assert refused.status_code == 401
    page = client.get(f"{USERS}/agent").text
    assert "已停用" in text_of(page) and 'id="enable-form"' in page
    entry = _audit(database, "user.disable")[-1]
    assert entry.summary == "active: true → false; tokens revoked: 2"
    assert _post(client, f"{USERS}/agent/enable", f"{USERS}/agent").status_code == 303
    assert _signs_in(client, "agent", DEMO_PASSWORD)
    assert _audit(database, "user.enable")[-1].summary == "active: false → true"


def test_a_generated_password_reset_is_shown_once_and_ends_the_sessions(
    client: TestClient, other: TestClient, database: Database
) -> None:
    token = _live_sessions(client, other, "agent")
    as_user(client, "admin")
    response = _post(client, f"{USERS}/agent/password", f"{USERS}/agent", generate="1")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    password = _shown_password(response.text)
    _ended(client, other, token)
    assert not _signs_in(client, "agent", DEMO_PASSWORD)
    assert _signs_in(client, "agent", password)
    assert _audit(database, "user.set_password")[-1].summary == "tokens revoked: 2"


def test_a_typed_password_reset_is_checked_by_field(client: TestClient, database: Database) -> None:
    as_user(client, "admin")
    page = f"{USERS}/agent"
    response = _post(client, f"{page}/password", page, generate="", password="short")
    assert response.status_code == 422
    assert "至少 8 个字符" in _field_error(response.text, "error-reset-password")
    response = _post(client, f"{page}/password", page, generate="", password="")
    assert "至少 8 个字符" in _field_error(response.text, "error-reset-password")
    assert _signs_in(client, "agent", DEMO_PASSWORD)  # nothing changed
    response = _post(client, f"{page}/password", page, generate="", password="a-new-secret")
    assert response.status_code == 303
    assert _signs_in(client, "agent", "a-new-secret")


def test_an_unknown_user_is_not_found(client: TestClient) -> None:
    as_user(client, "admin")
    assert client.get(f"{USERS}/nobody").status_code == 404
    assert _post(client, f"{USERS}/nobody/sign-out", USERS).status_code == 404


# -- roles and permissions --------------------------------------------------------------------


def _granted(database: Database, role: str) -> set[str]:
    with database.unit_of_work(write=False) as session:
        query = select(RolePermission.permission).where(RolePermission.role_code == role)
        return set(session.scalars(query))


def _ticked(html: str, role: str) -> list[str]:
    return re.findall(rf'name="grant\.{role}" value="([^"]+)"[^>]*?\schecked', html, re.S)


def test_the_matrix_shows_roles_as_columns_and_permissions_by_domain(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    page = client.get(ROLES)
    assert page.status_code == 200
    columns = re.findall(r'<th scope="col" class="role" data-role="(\w+)"', page.text)
    assert columns[0] == "admin" and {"agent", "station", "supervisor"} <= set(columns)
    for role in columns:
        assert set(_ticked(page.text, role)) == _granted(database, role), role
    text = text_of(page.text)
    assert "工单与报表" in text and "知识库" in text and "用户、角色与审计" in text
    assert "创建、修改和停用用户；编辑各角色的权限" in text
    english = text_of(client.get(f"{ROLES}?lang=en").text)
    assert "Create, change and disable users; edit what each role may do" in english
    assert "Knowledge base" in english


def test_saving_one_role_changes_what_its_holders_may_do_at_their_next_request(
    client: TestClient, other: TestClient, database: Database
) -> None:
    console_sign_in(other, "supervisor")
    assert other.get("/console/dashboard").status_code == 200
    as_user(client, "admin")
    before = _granted(database, "supervisor")
    kept = sorted(before - {"reports.read"})
    # the whole matrix is posted; only the supervisor's column is saved
    response = _post(
        client, ROLES, ROLES,
        role="supervisor", **{"grant.supervisor": kept, "grant.agent": []},
    )  # fmt: skip
    assert (
        response.status_code == 303 and response.headers["location"] == f"{ROLES}?saved=supervisor"
    )
    assert _granted(database, "supervisor") == set(kept)
    assert _granted(database, "agent")  # not saved: unchanged
    assert other.get("/console/dashboard").status_code == 403
    entry = _audit(database, "role.permissions")[-1]
    assert entry.entity_id == "supervisor" and "removed: reports.read" in entry.summary
    assert "before: " in entry.summary and "after: " in entry.summary
    assert "已保存：值班长" in text_of(client.get(response.headers["location"]).text)


def test_saving_every_role_at_once(client: TestClient, database: Database) -> None:
    as_user(client, "admin")
    page = client.get(ROLES).text
    roles = re.findall(r'data-role="(\w+)"', page)
    grants = {f"grant.{r}": _ticked(page, r) for r in roles}
    grants["grant.editor"] = [*grants["grant.editor"], "reports.read"]
    grants["grant.callback"] = []
    grants["grant.client"] = []  # a column the page did not show (a role added since) ...
    shown = [r for r in roles if r != "client"]
    client_before = _granted(database, "client")
    response = _post(client, ROLES, ROLES, role="", shown=shown, **grants)
    assert response.status_code == 303 and response.headers["location"] == f"{ROLES}?saved=all"
    assert "reports.read" in _granted(database, "editor")
    assert _granted(database, "callback") == set()
    assert _granted(database, "client") == client_before  # ... keeps its grants
    changed = {e.entity_id for e in _audit(database, "role.permissions")}
    assert changed == {"editor", "callback"}
    assert "已保存：全部角色" in text_of(client.get(response.headers["location"]).text)


def test_the_administrator_keeps_the_management_of_users_and_roles(
    client: TestClient, database: Database
) -> None:
    as_user(client, "admin")
    page = client.get(ROLES).text
    roles = re.findall(r'data-role="(\w+)"', page)
    grants = {f"grant.{r}": _ticked(page, r) for r in roles}
    grants["grant.admin"] = [p for p in grants["grant.admin"] if p != "users.manage"]
    grants["grant.agent"] = []
    before = {r: _granted(database, r) for r in roles}
    response = _post(client, ROLES, ROLES, role="", shown=roles, **grants)
    assert response.status_code == 409
    problem = text_of(response.text)
    assert "系统管理员角色必须保留" in problem and "未做任何更改" in problem
    assert 'name="grant.admin" value="users.manage"' in response.text
    assert "users.manage" not in _ticked(response.text, "admin")  # shown as sent
    assert {r: _granted(database, r) for r in roles} == before  # the agent's too
    assert _audit(database, "role.permissions") == []


def test_an_unknown_permission_is_refused(client: TestClient, database: Database) -> None:
    as_user(client, "admin")
    before = _granted(database, "agent")
    response = _post(client, ROLES, ROLES, role="agent", **{"grant.agent": ["tickets.read", "x.y"]})
    assert response.status_code == 422
    assert "未知权限：x.y" in text_of(response.text)
    assert _granted(database, "agent") == before


def test_an_unknown_role_is_not_found(client: TestClient, database: Database) -> None:
    as_user(client, "admin")
    response = _post(client, ROLES, ROLES, role="nobody", **{"grant.nobody": "tickets.read"})
    assert response.status_code == 404
    assert _audit(database, "role.permissions") == []


def test_every_permission_of_the_catalogue_reads_in_chinese(client: TestClient) -> None:
    as_user(client, "admin")
    page = client.get(ROLES).text
    texts = re.findall(r'<span class="permission-text">([^<]*)</span>', page)
    assert texts
    untranslated = [t for t in texts if not re.search(r"[\u4e00-\u9fff]", t)]
    assert not untranslated


# -- the pages themselves ---------------------------------------------------------------------


def test_every_field_has_a_label(client: TestClient) -> None:
    as_user(client, "admin")
    for path in (USERS, f"{USERS}/wireless", ROLES):
        response = client.get(path)
        assert response.status_code == 200, path
        page = _Page()
        page.feed(response.text)
        assert not _unlabelled(page), f"{path}: {_unlabelled(page)}"
        assert page.h1 == 1, path
        assert " style=" not in response.text and "<script>" not in response.text
        assert not re.search(r"\son[a-z]+=", response.text), path
