"""Signing in and out: tokens, throttling of repeated failures, expiry, revocation, /me."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from closeloop.app import create_app
from closeloop.auth.models import User
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.support import DEMO_PASSWORD, assert_problem, bearer

TOKEN = "/api/v1/auth/token"


def sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> Response:
    response: Response = client.post(TOKEN, json={"username": username, "password": password})
    return response


def from_address(client: TestClient, address: str) -> TestClient:
    """Another client on the same app whose requests come from `address`."""
    return TestClient(client.app, client=(address, 40000), raise_server_exceptions=False)


def fail_times(client: TestClient, username: str, times: int) -> None:
    for _ in range(times):
        assert sign_in(client, username, "wrong-password").status_code == 401


# --- success and wrong credentials -------------------------------------------------------


def test_sign_in_returns_a_bearer_token_that_opens_the_api(client: TestClient) -> None:
    response = sign_in(client, "agent")

    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 720 * 60
    assert isinstance(body["access_token"], str) and len(body["access_token"]) >= 20
    me = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json()["username"] == "agent"


def test_each_sign_in_issues_a_different_token(client: TestClient) -> None:
    first = sign_in(client, "agent").json()["access_token"]
    second = sign_in(client, "agent").json()["access_token"]
    assert first != second


def test_wrong_password_is_401_problem(client: TestClient) -> None:
    body = assert_problem(sign_in(client, "agent", "not-the-password"), 401)
    assert "access_token" not in body


def test_unknown_user_is_401_with_the_same_detail_as_a_wrong_password(
    client: TestClient,
) -> None:
    unknown = assert_problem(sign_in(client, "nobody-here"), 401)
    wrong = assert_problem(sign_in(client, "agent", "not-the-password"), 401)
    # an outsider cannot tell which usernames exist
    assert unknown["detail"] == wrong["detail"]
    assert unknown["type"] == wrong["type"]


def test_password_is_case_sensitive(client: TestClient) -> None:
    assert_problem(sign_in(client, "agent", DEMO_PASSWORD.upper()), 401)


# --- throttling --------------------------------------------------------------------------


def test_five_failures_in_a_minute_lock_the_user_out_with_retry_after(
    client: TestClient,
) -> None:
    fail_times(client, "agent", 5)

    response = sign_in(client, "agent", "wrong-password")

    body = assert_problem(response, 429)
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert "access_token" not in body


def test_the_right_password_is_refused_while_throttled(client: TestClient) -> None:
    fail_times(client, "agent", 5)

    response = sign_in(client, "agent")

    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) >= 1


def test_four_failures_do_not_lock_the_user_out(client: TestClient) -> None:
    fail_times(client, "agent", 4)
    assert sign_in(client, "agent").status_code == 200


def test_throttling_one_user_leaves_other_users_and_addresses_alone(
    client: TestClient,
) -> None:
    fail_times(client, "agent", 5)
    other_desk = from_address(client, "10.1.1.2")

    # the same user from another address is still refused …
    assert sign_in(other_desk, "agent").status_code == 429
    # … but another user from another address signs in
    assert sign_in(other_desk, "agent2").status_code == 200


def test_throttling_applies_whatever_the_case_of_the_username(client: TestClient) -> None:
    for i, name in enumerate(("agent", "Agent", "AGENT", "aGent", "agenT")):
        assert sign_in(from_address(client, f"10.2.0.{i}"), name, "x-wrong").status_code == 401
    response = sign_in(from_address(client, "10.2.9.9"), "agent")
    assert response.status_code == 429


def _app_client(settings: Settings, database: Database, clock: FixedClock) -> TestClient:
    app = create_app(settings, database=database, clock=clock, start_worker=False)
    return TestClient(app, raise_server_exceptions=False)


def test_an_address_trying_many_users_is_throttled_at_its_own_limit(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    # the per-address default (100) is tried in tests/auth/test_throttle.py; 8 here keeps the
    # test short (each attempt checks a password hash, as a real one does)
    strict = settings.model_copy(update={"login_failures_per_address_per_minute": 8})
    with _app_client(strict, database, clock) as client:
        desk = from_address(client, "192.0.2.10")
        names = ("agent", "agent2", "expert", "callback", "ghost-user", "editor", "vas", "field")
        for name in names:  # one failure each: no user is near its own limit of 5
            assert sign_in(desk, name, "wrong-password").status_code == 401

        response = sign_in(desk, "supervisor")  # right password, fresh user

        body = assert_problem(response, 429)
        assert "address" in body["detail"]
        assert int(response.headers["Retry-After"]) >= 1
        # the same user from elsewhere is fine: only the address is throttled
        assert sign_in(from_address(client, "192.0.2.11"), "supervisor").status_code == 200


def test_typos_of_several_agents_behind_one_address_lock_out_nobody(client: TestClient) -> None:
    nat = from_address(client, "203.0.113.7")
    agents = ("agent", "agent2", "expert", "callback", "editor", "wireless", "billing")
    for name in agents:  # seven agents mistype once: more than the per-user limit of five
        assert sign_in(nat, name, "wrong-password").status_code == 401
    for name in agents:
        assert sign_in(nat, name).status_code == 200


def test_retry_after_counts_down_with_the_clock(client: TestClient, clock: FixedClock) -> None:
    fail_times(client, "agent", 5)
    clock.advance(timedelta(seconds=20))

    response = sign_in(client, "agent")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == 40


def test_failures_older_than_a_minute_no_longer_count(
    client: TestClient, clock: FixedClock
) -> None:
    fail_times(client, "agent", 5)
    assert sign_in(client, "agent").status_code == 429

    clock.advance(timedelta(seconds=61))

    assert sign_in(client, "agent").status_code == 200


def test_failures_spread_over_more_than_a_minute_do_not_throttle(
    client: TestClient, clock: FixedClock
) -> None:
    for _ in range(8):
        assert sign_in(client, "agent", "wrong-password").status_code == 401
        clock.advance(timedelta(seconds=15))  # never 5 within one minute
    assert sign_in(client, "agent").status_code == 200


def test_refused_attempts_do_not_extend_the_lockout(client: TestClient, clock: FixedClock) -> None:
    fail_times(client, "agent", 5)
    for _ in range(3):
        clock.advance(timedelta(seconds=15))
        assert sign_in(client, "agent", "wrong-password").status_code == 429
    clock.advance(timedelta(seconds=16))  # 61 s after the five failures

    assert sign_in(client, "agent").status_code == 200


def test_success_clears_the_users_failure_count(client: TestClient) -> None:
    # each round from a new address, so only the user's own count can throttle
    fail_times(from_address(client, "198.51.100.1"), "agent", 4)
    assert sign_in(from_address(client, "198.51.100.2"), "agent").status_code == 200

    fail_times(from_address(client, "198.51.100.3"), "agent", 4)

    assert sign_in(from_address(client, "198.51.100.4"), "agent").status_code == 200


def test_a_users_failures_count_from_every_address(client: TestClient) -> None:
    fail_times(from_address(client, "198.51.100.1"), "agent", 4)
    fail_times(from_address(client, "198.51.100.3"), "agent", 1)

    assert sign_in(from_address(client, "198.51.100.4"), "agent").status_code == 429


# --- disabled users, expiry, logout ------------------------------------------------------


def _disable(database: Database, username: str) -> None:
    with database.unit_of_work() as session:
        session.execute(update(User).where(User.username == username).values(active=False))


def test_a_disabled_user_cannot_sign_in(client: TestClient, database: Database) -> None:
    _disable(database, "agent2")

    body = assert_problem(sign_in(client, "agent2"), 401)

    assert "access_token" not in body


def test_a_disabled_users_existing_token_stops_working(
    client: TestClient, database: Database
) -> None:
    token = sign_in(client, "agent2").json()["access_token"]
    _disable(database, "agent2")

    response = client.get("/api/v1/me", headers=bearer(token))

    assert_problem(response, 401)


def test_token_works_until_its_lifetime_is_over(client: TestClient, clock: FixedClock) -> None:
    token = sign_in(client, "agent").json()["access_token"]

    clock.advance(timedelta(minutes=719))
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200

    clock.advance(timedelta(minutes=1, seconds=1))
    response = client.get("/api/v1/me", headers=bearer(token))
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_token_lifetime_follows_the_setting(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    short = settings.model_copy(update={"token_ttl_minutes": 5})
    app = create_app(short, database=database, clock=clock, start_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = sign_in(client, "agent")
        assert response.json()["expires_in"] == 300
        token = response.json()["access_token"]
        clock.advance(timedelta(minutes=4))
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        clock.advance(timedelta(minutes=1))
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_logout_revokes_the_token(client: TestClient) -> None:
    token = sign_in(client, "agent").json()["access_token"]

    response = client.post("/api/v1/auth/logout", headers=bearer(token))

    assert response.status_code == 204
    assert_problem(client.get("/api/v1/me", headers=bearer(token)), 401)
    assert_problem(client.post("/api/v1/auth/logout", headers=bearer(token)), 401)


def test_logout_revokes_only_that_token(client: TestClient) -> None:
    desk = sign_in(client, "agent").json()["access_token"]
    phone = sign_in(client, "agent").json()["access_token"]

    assert client.post("/api/v1/auth/logout", headers=bearer(desk)).status_code == 204

    assert client.get("/api/v1/me", headers=bearer(phone)).status_code == 200


def test_logout_without_a_token_is_401(client: TestClient) -> None:
    assert_problem(client.post("/api/v1/auth/logout"), 401)


# --- /me and the Authorization header ----------------------------------------------------


def test_me_describes_a_front_line_agent(client: TestClient) -> None:
    token = sign_in(client, "agent").json()["access_token"]

    body = client.get("/api/v1/me", headers=bearer(token)).json()

    assert body["username"] == "agent"
    assert body["roles"] == ["agent"]
    assert body["station"] is None


def test_me_of_a_station_user_names_the_station(client: TestClient) -> None:
    token = sign_in(client, "wireless").json()["access_token"]

    body = client.get("/api/v1/me", headers=bearer(token)).json()

    assert body["username"] == "wireless"
    assert "station" in body["roles"]
    assert body["station"] == "wireless"


@pytest.mark.parametrize("username", ["admin", "supervisor", "expert", "callback", "editor"])
def test_me_roles_of_demo_users(client: TestClient, username: str) -> None:
    token = sign_in(client, username).json()["access_token"]

    body = client.get("/api/v1/me", headers=bearer(token)).json()

    assert body["username"] == username
    assert username in body["roles"]
    assert body["station"] is None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic YWdlbnQ6Y2xvc2Vsb29wLWRlbW8=",
        "Token abc",
        "Bearer not-a-real-token",
        "Bearer cl_" + "A" * 43,
    ],
)
def test_requests_without_a_valid_bearer_token_are_401(
    client: TestClient, header: str | None
) -> None:
    headers = {} if header is None else {"Authorization": header}

    response = client.get("/api/v1/me", headers=headers)

    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")


def test_bearer_scheme_is_case_insensitive(client: TestClient) -> None:
    token = sign_in(client, "agent").json()["access_token"]

    response = client.get("/api/v1/me", headers={"Authorization": f"bearer {token}"})

    assert response.status_code == 200
