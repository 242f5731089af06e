"""`closeloop user create|set-password|disable|enable|list` and what it does to signing in."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import DEMO_PASSWORD, Cli


def listed(cli: Cli) -> dict[str, dict[str, Any]]:
    result = cli("user", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # --json: one JSON document on stdout, nothing else
    return {row["username"]: row for row in rows}


def can_sign_in(client: TestClient, username: str, password: str) -> bool:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code in (200, 401), response.text
    return bool(response.status_code == 200)


def assert_one_line_failure(result: Any, *words: str) -> str:
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return str(lines[0])


def test_create_then_list_shows_the_user(cli: Cli) -> None:
    result = cli("user", "create", "newbie", "--role", "agent", "--password", "s3cret-pass")

    assert result.exit_code == 0, result.output
    assert "newbie" in result.stderr
    row = listed(cli)["newbie"]
    assert row["roles"] == ["agent"]
    assert row["station"] is None
    assert row["active"] is True


def test_list_json_includes_the_demo_users(cli: Cli) -> None:
    users = listed(cli)

    assert {"admin", "supervisor", "agent", "agent2", "expert", "callback", "editor"} <= set(users)
    assert users["wireless"]["station"] == "wireless"
    assert users["wireless"]["roles"] == ["station"]
    assert all("password" not in key for row in users.values() for key in row)


def test_list_without_json_prints_a_table(cli: Cli) -> None:
    result = cli("user", "list")

    assert result.exit_code == 0, result.output
    assert "admin" in result.output
    assert "wireless" in result.output


def test_created_user_can_sign_in_with_their_roles(cli: Cli, client: TestClient) -> None:
    result = cli(
        "user",
        "create",
        "lin.fang",
        "--role",
        "station",
        "--role",
        "expert",
        "--station",
        "billing",
        "--name",
        "林芳",
        "--password",
        "s3cret-pass",
    )
    assert result.exit_code == 0, result.output

    token = client.post(
        "/api/v1/auth/token", json={"username": "lin.fang", "password": "s3cret-pass"}
    ).json()["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["roles"] == ["expert", "station"]
    assert me["station"] == "billing"
    assert listed(cli)["lin.fang"]["name"] == "林芳"


def test_station_role_without_station_fails(cli: Cli) -> None:
    result = cli("user", "create", "stationless", "--role", "station", "--password", "s3cret-pass")

    assert_one_line_failure(result, "station")
    assert "stationless" not in listed(cli)


def test_unknown_station_fails(cli: Cli) -> None:
    result = cli(
        "user",
        "create",
        "lost",
        "--role",
        "station",
        "--station",
        "mars",
        "--password",
        "s3cret-pass",
    )

    assert_one_line_failure(result, "mars")
    assert "lost" not in listed(cli)


def test_unknown_role_fails(cli: Cli) -> None:
    result = cli("user", "create", "wizard", "--role", "wizard", "--password", "s3cret-pass")

    assert_one_line_failure(result, "wizard")
    assert "wizard" not in listed(cli)


def test_duplicate_user_fails_and_keeps_the_original(cli: Cli, client: TestClient) -> None:
    result = cli("user", "create", "agent", "--role", "admin", "--password", "s3cret-pass")

    assert_one_line_failure(result, "agent")
    assert listed(cli)["agent"]["roles"] == ["agent"]
    assert can_sign_in(client, "agent", DEMO_PASSWORD)
    assert not can_sign_in(client, "agent", "s3cret-pass")


def test_short_password_fails(cli: Cli) -> None:
    result = cli("user", "create", "shorty", "--role", "agent", "--password", "short")

    assert_one_line_failure(result, "password")
    assert "shorty" not in listed(cli)


@pytest.mark.parametrize("username", ["Upper", "x", "has space", "bad/name"])
def test_invalid_username_fails(cli: Cli, username: str) -> None:
    result = cli("user", "create", username, "--role", "agent", "--password", "s3cret-pass")

    assert_one_line_failure(result, "username")
    assert username not in listed(cli)


def test_create_without_a_password_when_not_interactive_fails(cli: Cli) -> None:
    result = cli("user", "create", "silent", "--role", "agent")

    assert_one_line_failure(result, "password")
    assert "silent" not in listed(cli)


def test_password_stdin(cli: Cli, client: TestClient) -> None:
    result = cli(
        "user", "create", "piper", "--role", "agent", "--password-stdin", input="from-stdin-9\n"
    )

    assert result.exit_code == 0, result.output
    assert can_sign_in(client, "piper", "from-stdin-9")
    assert not can_sign_in(client, "piper", "from-stdin-9\n")


def test_set_password_then_sign_in_with_the_new_one(cli: Cli, client: TestClient) -> None:
    result = cli("user", "set-password", "agent2", "--password", "brand-new-pass")

    assert result.exit_code == 0, result.output
    assert can_sign_in(client, "agent2", "brand-new-pass")
    assert not can_sign_in(client, "agent2", DEMO_PASSWORD)


def test_set_password_from_stdin(cli: Cli, client: TestClient) -> None:
    result = cli("user", "set-password", "agent2", "--password-stdin", input="piped-pass-77\n")

    assert result.exit_code == 0, result.output
    assert can_sign_in(client, "agent2", "piped-pass-77")


def test_set_password_rejects_a_short_password_and_keeps_the_old(
    cli: Cli, client: TestClient
) -> None:
    result = cli("user", "set-password", "agent2", "--password", "tiny")

    assert_one_line_failure(result, "password")
    assert can_sign_in(client, "agent2", DEMO_PASSWORD)


def test_set_password_of_an_unknown_user_fails(cli: Cli) -> None:
    assert_one_line_failure(
        cli("user", "set-password", "ghost", "--password", "s3cret-pass"), "ghost"
    )


def test_disable_stops_sign_in_and_existing_tokens(cli: Cli, client: TestClient) -> None:
    token = client.post(
        "/api/v1/auth/token", json={"username": "agent2", "password": DEMO_PASSWORD}
    ).json()["access_token"]

    result = cli("user", "disable", "agent2")

    assert result.exit_code == 0, result.output
    assert not can_sign_in(client, "agent2", DEMO_PASSWORD)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
    assert listed(cli)["agent2"]["active"] is False


def test_disable_twice_is_harmless(cli: Cli) -> None:
    assert cli("user", "disable", "agent2").exit_code == 0
    assert cli("user", "disable", "agent2").exit_code == 0
    assert listed(cli)["agent2"]["active"] is False


def test_disable_an_unknown_user_fails(cli: Cli) -> None:
    assert_one_line_failure(cli("user", "disable", "ghost"), "ghost")


def test_enable_lets_a_disabled_user_sign_in_again(cli: Cli, client: TestClient) -> None:
    cli("user", "disable", "agent2")

    result = cli("user", "enable", "agent2")

    assert result.exit_code == 0, result.output
    assert can_sign_in(client, "agent2", DEMO_PASSWORD)
    assert listed(cli)["agent2"]["active"] is True


def test_set_password_ends_the_users_sessions(cli: Cli, client: TestClient) -> None:
    token = client.post(
        "/api/v1/auth/token", json={"username": "agent2", "password": DEMO_PASSWORD}
    ).json()["access_token"]

    cli("user", "set-password", "agent2", "--password", "brand-new-pass")

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401


def test_cli_changes_are_audited(cli: Cli, client: TestClient) -> None:
    cli("user", "create", "newbie", "--role", "agent", "--password", "s3cret-pass")
    cli("user", "set-password", "newbie", "--password", "another-pass")
    cli("user", "disable", "newbie")
    token = client.post(
        "/api/v1/auth/token", json={"username": "admin", "password": DEMO_PASSWORD}
    ).json()["access_token"]

    items = client.get(
        "/api/v1/audit",
        params={"entity_type": "user"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()["items"]

    assert [e["action"] for e in items[:3]] == ["user.disable", "user.set_password", "user.create"]
    assert len({e["entity_id"] for e in items[:3]}) == 1
