"""Users without a developer (#24): an admin finds users, changes their roles, station and name,
disables and re-enables them, resets passwords and signs them out everywhere; each user shows
their last sign-in and failed attempts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from closeloop.kit.clock import FixedClock
from tests.conftest import DEMO_PASSWORD, Personas
from tests.console.helpers import sign_in as console_sign_in

USERS = "/api/v1/users"
PROBLEM_JSON = "application/problem+json"
OUTSIDERS = ["supervisor", "agent", "wireless"]


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> Response:
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def token_of(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    response = sign_in(client, username, password)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def admin(client: TestClient, as_user: Personas, method: str, path: str, **kwargs: Any) -> Response:
    return client.request(method, path, headers=as_user.headers("admin"), **kwargs)


def user(client: TestClient, as_user: Personas, username: str) -> dict[str, Any]:
    response = admin(client, as_user, "GET", f"{USERS}/{username}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def patch(client: TestClient, as_user: Personas, username: str, **body: Any) -> Response:
    return admin(client, as_user, "PATCH", f"{USERS}/{username}", json=body)


def problem(response: Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    return dict(response.json())


def invalid_field(response: Response, field: str) -> dict[str, Any]:
    body = problem(response, 422)
    assert [field] in [e["loc"][:1] for e in body["errors"]], body
    assert field in body["detail"]
    return body


def audit(client: TestClient, as_user: Personas, action: str) -> list[dict[str, Any]]:
    """The audit entries about users with this action, newest first."""
    response = admin(client, as_user, "GET", "/api/v1/audit", params={"entity_type": "user"})
    assert response.status_code == 200, response.text
    return [e for e in response.json()["items"] if e["action"] == action]


def from_address(client: TestClient, address: str) -> TestClient:
    """Another client on the same app whose requests come from `address`."""
    return TestClient(client.app, client=(address, 40000), raise_server_exceptions=False)


# -- who may ---------------------------------------------------------------------------------

CALLS = [
    ("GET", USERS, None),
    ("GET", f"{USERS}/agent2", None),
    ("PATCH", f"{USERS}/agent2", {"roles": ["admin"]}),
    ("POST", f"{USERS}/agent2/password", {"password": "taken-over-1"}),
    ("POST", f"{USERS}/agent2/sign-out", None),
    ("GET", "/api/v1/roles", None),
    ("PUT", "/api/v1/roles/agent/permissions", {"permissions": ["users.manage"]}),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
def test_the_admin_may(
    client: TestClient, as_user: Personas, method: str, path: str, body: Any
) -> None:
    if method == "PUT":  # a grant the agent role may hold without harm
        body = {"permissions": ["customers.read"]}
    if method == "PATCH":
        body = {"display_name": "王强"}
    response = admin(client, as_user, method, path, json=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("username", OUTSIDERS)
@pytest.mark.parametrize(("method", "path", "body"), CALLS)
def test_others_may_not_and_nothing_changes(
    client: TestClient, as_user: Personas, username: str, method: str, path: str, body: Any
) -> None:
    victim = token_of(client, "agent2")

    response = client.request(method, path, json=body, headers=as_user.headers(username))

    assert problem(response, 403)["status"] == 403
    assert user(client, as_user, "agent2")["roles"] == ["agent"]
    assert client.get("/api/v1/me", headers=bearer(victim)).status_code == 200
    assert sign_in(client, "agent2").status_code == 200
    roles = admin(client, as_user, "GET", "/api/v1/roles").json()["roles"]
    assert "users.manage" not in next(r for r in roles if r["code"] == "agent")["permissions"]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
def test_anonymous_is_401(client: TestClient, method: str, path: str, body: Any) -> None:
    problem(client.request(method, path, json=body), 401)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"{USERS}/ghost", None),
        ("PATCH", f"{USERS}/ghost", {"display_name": "x"}),
        ("POST", f"{USERS}/ghost/password", {"password": "long-enough-1"}),
        ("POST", f"{USERS}/ghost/sign-out", None),
    ],
)
def test_an_unknown_user_is_404(
    client: TestClient, as_user: Personas, method: str, path: str, body: Any
) -> None:
    assert "ghost" in problem(admin(client, as_user, method, path, json=body), 404)["detail"]


# -- finding users and their sign-in history -------------------------------------------------


def test_filters_by_role_station_activity_and_name(client: TestClient, as_user: Personas) -> None:
    def names(**params: Any) -> list[str]:
        response = admin(client, as_user, "GET", USERS, params=params)
        assert response.status_code == 200, response.text
        return [u["username"] for u in response.json()]

    assert names(role="agent") == ["agent", "agent2"]
    assert names(station="wireless") == ["wireless"]
    assert {"wireless", "billing"} <= set(names(role="station"))
    assert names(q="王强") == ["agent2"]
    assert names(q="AGENT") == ["agent", "agent2"]
    assert names(active="false") == []
    patch(client, as_user, "agent2", disabled=True)
    assert names(active="false") == ["agent2"]
    assert "agent2" not in names(active="true")


def test_a_user_shows_the_last_sign_in_and_the_failures_since(
    client: TestClient, as_user: Personas, clock: FixedClock
) -> None:
    fresh = user(client, as_user, "agent2")
    assert fresh["last_sign_in_at"] is None
    assert fresh["failed_sign_ins"] == 0 and fresh["recent_failed_sign_ins"] == 0

    token_of(client, "agent2")
    clock.advance(timedelta(minutes=30))
    for _ in range(2):
        assert sign_in(client, "agent2", "wrong-password").status_code == 401
    clock.advance(timedelta(minutes=11))
    assert sign_in(client, "agent2", "wrong-again").status_code == 401

    shown = user(client, as_user, "agent2")
    assert datetime.fromisoformat(shown["last_sign_in_at"]) == clock.now() - timedelta(minutes=41)
    assert shown["failed_sign_ins"] == 3  # since the last success
    assert shown["recent_failed_sign_ins"] == 1  # the last ten minutes
    assert datetime.fromisoformat(shown["last_failed_sign_in_at"]) == clock.now()

    token_of(client, "agent2")
    again = user(client, as_user, "agent2")
    assert datetime.fromisoformat(again["last_sign_in_at"]) == clock.now()
    assert again["failed_sign_ins"] == 0 and again["recent_failed_sign_ins"] == 0
    listed = admin(client, as_user, "GET", USERS, params={"q": "agent2"}).json()
    assert listed == [again]


# -- changing a user -------------------------------------------------------------------------


def test_new_roles_and_station_count_from_the_next_request(
    client: TestClient, as_user: Personas
) -> None:
    token = token_of(client, "agent2")
    assert client.get("/api/v1/audit", headers=bearer(token)).status_code == 403

    response = patch(client, as_user, "agent2", roles=["agent", "admin"], station="wireless")

    assert response.status_code == 200, response.text
    assert response.json()["roles"] == ["admin", "agent"]
    assert response.json()["station"] == "wireless"
    assert client.get("/api/v1/audit", headers=bearer(token)).status_code == 200
    me = client.get("/api/v1/me", headers=bearer(token)).json()
    assert me["roles"] == ["admin", "agent"] and me["station"] == "wireless"

    unbound = patch(client, as_user, "agent2", roles=["agent"], station=None).json()
    assert unbound["roles"] == ["agent"] and unbound["station"] is None
    assert client.get("/api/v1/audit", headers=bearer(token)).status_code == 403


def test_a_change_is_audited_with_before_and_after(client: TestClient, as_user: Personas) -> None:
    agent2 = user(client, as_user, "agent2")
    patch(client, as_user, "agent2", display_name="王强（组长）", roles=["agent", "supervisor"])
    patch(client, as_user, "agent2", display_name="王强（组长）")  # no change, no entry

    entries = audit(client, as_user, "user.update")

    assert [e["entity_id"] for e in entries] == [agent2["id"]]
    summary = entries[0]["summary"]
    assert "roles: agent → agent,supervisor" in summary
    assert "display_name: '一线坐席 王强' → '王强（组长）'" in summary
    assert entries[0]["actor"] == "admin"


def test_moving_station_staff_to_another_station(client: TestClient, as_user: Personas) -> None:
    token = token_of(client, "wireless")

    assert patch(client, as_user, "wireless", station="billing").status_code == 200

    assert client.get("/api/v1/me", headers=bearer(token)).json()["station"] == "billing"
    entries = audit(client, as_user, "user.update")
    assert "station: wireless → billing" in entries[0]["summary"]


@pytest.mark.parametrize(
    ("body", "field", "named"),
    [
        ({"roles": ["agent", "wizard"]}, "roles", "wizard"),
        ({"roles": []}, "roles", "role"),
        ({"roles": None}, "roles", "null"),
        ({"roles": ["station"]}, "station", "station"),
        ({"station": "moon"}, "station", "moon"),
        ({"display_name": "   "}, "display_name", "display_name"),
        ({"display_name": "x" * 65}, "display_name", "64"),
        ({"disabled": "maybe"}, "disabled", "disabled"),
        ({"password": "sneaky-change"}, "password", "password"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, as_user: Personas, body: dict[str, Any], field: str, named: str
) -> None:
    before = user(client, as_user, "agent2")

    response = patch(client, as_user, "agent2", **body)

    assert named in str(invalid_field(response, field))
    assert user(client, as_user, "agent2") == before


# -- disabling, passwords, forced sign-out ---------------------------------------------------


def test_a_disabled_user_cannot_sign_in_nor_use_their_tokens(
    client: TestClient, as_user: Personas
) -> None:
    token = token_of(client, "agent2")

    response = patch(client, as_user, "agent2", disabled=True)

    assert response.status_code == 200 and response.json()["active"] is False
    problem(client.get("/api/v1/me", headers=bearer(token)), 401)
    problem(sign_in(client, "agent2"), 401)
    assert "tokens revoked: 1" in audit(client, as_user, "user.disable")[0]["summary"]

    enabled = patch(client, as_user, "agent2", disabled=False)
    assert enabled.json()["active"] is True
    assert sign_in(client, "agent2").status_code == 200
    # the sessions a disabled user had stay ended
    problem(client.get("/api/v1/me", headers=bearer(token)), 401)
    assert audit(client, as_user, "user.enable")[0]["summary"] == "active: false → true"


def test_a_password_reset_ends_the_users_sessions(client: TestClient, as_user: Personas) -> None:
    token = token_of(client, "agent2")
    as_user.token("admin")
    elsewhere = from_address(client, "10.1.2.3")
    for _ in range(5):  # locked out by failures: the reset lifts it
        sign_in(elsewhere, "agent2", "forgotten")
    problem(sign_in(client, "agent2"), 429)

    response = admin(
        client, as_user, "POST", f"{USERS}/agent2/password", json={"password": "fresh-start-24"}
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"username": "agent2", "revoked_tokens": 1}
    problem(client.get("/api/v1/me", headers=bearer(token)), 401)
    new = token_of(client, "agent2", "fresh-start-24")
    assert client.get("/api/v1/me", headers=bearer(new)).status_code == 200
    problem(sign_in(client, "agent2"), 401)
    assert audit(client, as_user, "user.set_password")[0]["summary"] == "tokens revoked: 1"


def test_a_short_password_is_refused_and_nothing_changes(
    client: TestClient, as_user: Personas
) -> None:
    token = token_of(client, "agent2")

    response = admin(client, as_user, "POST", f"{USERS}/agent2/password", json={"password": "x"})

    invalid_field(response, "password")
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert sign_in(client, "agent2").status_code == 200


def test_force_sign_out_ends_api_tokens_and_console_sessions(
    client: TestClient, as_user: Personas
) -> None:
    first, second = token_of(client, "agent2"), token_of(client, "agent2")
    browser = TestClient(client.app, raise_server_exceptions=False)
    console_sign_in(browser, "agent2")
    assert browser.get("/console", follow_redirects=False).status_code == 200
    bystander = token_of(client, "agent")

    response = admin(client, as_user, "POST", f"{USERS}/agent2/sign-out")

    assert response.status_code == 200, response.text
    assert response.json() == {"username": "agent2", "revoked_tokens": 3}
    for token in (first, second):
        problem(client.get("/api/v1/me", headers=bearer(token)), 401)
    page = browser.get("/console", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert client.get("/api/v1/me", headers=bearer(bystander)).status_code == 200
    # they may sign in again at once
    assert sign_in(client, "agent2").status_code == 200
    entry = audit(client, as_user, "user.sign_out")[0]
    assert entry["summary"] == "tokens revoked: 3" and entry["actor"] == "admin"


# -- nobody locks everyone out ---------------------------------------------------------------


@pytest.mark.parametrize("body", [{"disabled": True}, {"roles": ["supervisor"]}])
def test_the_last_admin_keeps_their_power(
    client: TestClient, as_user: Personas, body: dict[str, Any]
) -> None:
    response = patch(client, as_user, "admin", **body)

    assert "last active user" in problem(response, 409)["detail"]
    assert user(client, as_user, "admin")["roles"] == ["admin"]
    assert user(client, as_user, "admin")["active"] is True


def test_with_a_second_admin_the_first_may_step_down(client: TestClient, as_user: Personas) -> None:
    assert patch(client, as_user, "supervisor", roles=["supervisor", "admin"]).status_code == 200

    response = patch(client, as_user, "admin", roles=["supervisor"])

    assert response.status_code == 200, response.text
    problem(client.get(USERS, headers=as_user.headers("admin")), 403)
    assert client.get(USERS, headers=as_user.headers("supervisor")).status_code == 200
