"""What each role may do, as data an admin edits (#24): the matrix and its catalogue, replacing
a role's permissions (in force from the next request), and `closeloop migrate` adding only
default grants it never offered before, so an operator's removal stays removed."""

from __future__ import annotations

from typing import Any

from alembic import command
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select, text

from closeloop.auth.bootstrap import sync_roles
from closeloop.auth.models import OfferedGrant, Permission, RolePermission
from closeloop.db.engine import Database
from closeloop.db.migrate import alembic_config, upgrade
from closeloop.modules import permissions, role_permissions, roles
from tests.conftest import Cli, Personas

ROLES = "/api/v1/roles"


def matrix(client: TestClient, as_user: Personas) -> dict[str, Any]:
    response = client.get(ROLES, headers=as_user.headers("admin"))
    assert response.status_code == 200, response.text
    return dict(response.json())


def grants_of(client: TestClient, as_user: Personas, role: str) -> list[str]:
    return list(
        next(r for r in matrix(client, as_user)["roles"] if r["code"] == role)["permissions"]
    )


def put(client: TestClient, as_user: Personas, role: str, codes: list[str]) -> Response:
    return client.put(
        f"{ROLES}/{role}/permissions", json={"permissions": codes}, headers=as_user.headers("admin")
    )


def a_customer_id(client: TestClient, as_user: Personas) -> str:
    response = client.get("/api/v1/customers?limit=1", headers=as_user.headers("admin"))
    return str(response.json()["items"][0]["id"])


def test_the_matrix_shows_each_role_and_the_catalogue(
    client: TestClient, as_user: Personas
) -> None:
    shown = matrix(client, as_user)

    by_role = {r["code"]: r for r in shown["roles"]}
    assert set(by_role) == set(roles())
    assert by_role["agent"]["name"] == "一线坐席"
    assert sorted(by_role["admin"]["permissions"]) == sorted(permissions())
    assert "customers.read" in by_role["agent"]["permissions"]
    catalogue = {p["code"]: p["description"] for p in shown["permissions"]}
    assert catalogue == permissions()
    assert "users" in catalogue["users.manage"]


def test_a_removed_permission_is_gone_from_the_next_request(
    client: TestClient, as_user: Personas
) -> None:
    customer = a_customer_id(client, as_user)
    agent = as_user.headers("agent")  # signed in before the change
    assert client.get(f"/api/v1/customers/{customer}", headers=agent).status_code == 200
    before = grants_of(client, as_user, "agent")
    after = [p for p in before if p != "customers.read"] + ["audit.read"]

    response = put(client, as_user, "agent", after)

    assert response.status_code == 200, response.text
    assert response.json() == {"code": "agent", "name": "一线坐席", "permissions": sorted(after)}
    assert client.get(f"/api/v1/customers/{customer}", headers=agent).status_code == 403
    assert client.get("/api/v1/audit", headers=agent).status_code == 200
    assert grants_of(client, as_user, "agent") == sorted(after)


def test_a_change_is_audited_with_before_and_after(client: TestClient, as_user: Personas) -> None:
    before = grants_of(client, as_user, "editor")
    put(client, as_user, "editor", [*before, "customers.read"])
    put(client, as_user, "editor", [*before, "customers.read"])  # the same again: no entry

    response = client.get(
        "/api/v1/audit",
        params={"entity_type": "role", "entity_id": "editor"},
        headers=as_user.headers("admin"),
    )

    entries = response.json()["items"]
    assert [e["action"] for e in entries] == ["role.permissions"]
    summary = entries[0]["summary"]
    assert "added: customers.read; removed: -" in summary
    assert f"before: {','.join(before)};" in summary
    assert f"after: {','.join(sorted([*before, 'customers.read']))}" in summary


def test_an_unknown_permission_is_422_naming_it(client: TestClient, as_user: Personas) -> None:
    before = grants_of(client, as_user, "agent")

    response = put(client, as_user, "agent", ["customers.read", "tickets.fly", "x.y"])

    assert response.status_code == 422, response.text
    body = response.json()
    assert "tickets.fly" in body["detail"] and "x.y" in body["detail"]
    assert body["errors"] == [
        {"loc": ["permissions", 1], "msg": "unknown permission 'tickets.fly'"},
        {"loc": ["permissions", 2], "msg": "unknown permission 'x.y'"},
    ]
    assert grants_of(client, as_user, "agent") == before


def test_the_admin_role_keeps_users_manage(client: TestClient, as_user: Personas) -> None:
    before = grants_of(client, as_user, "admin")

    response = put(client, as_user, "admin", [p for p in before if p != "users.manage"])

    assert response.status_code == 409, response.text
    assert "users.manage" in response.json()["detail"]
    assert grants_of(client, as_user, "admin") == before
    assert put(client, as_user, "admin", ["users.manage"]).status_code == 200


def test_an_unknown_role_is_404(client: TestClient, as_user: Personas) -> None:
    assert put(client, as_user, "wizard", []).status_code == 404


def test_migrate_keeps_a_removed_default_grant_removed(
    client: TestClient, as_user: Personas, cli: Cli
) -> None:
    before = grants_of(client, as_user, "agent")
    assert "customers.read" in before
    put(client, as_user, "agent", [p for p in before if p != "customers.read"])

    result = cli("migrate")

    assert result.exit_code == 0, result.output
    assert "customers.read" not in grants_of(client, as_user, "agent")
    assert grants_of(client, as_user, "supervisor") == sorted(role_permissions()["supervisor"])


def test_a_new_modules_permissions_still_reach_their_roles(database: Database) -> None:
    manifest = role_permissions()
    catalogue = permissions()
    with database.unit_of_work() as session:
        session.delete(session.get(RolePermission, ("agent", "customers.read")))
    # a new module arrives: a new permission, granted by default to agents (and admins)
    catalogue["ratings.read"] = "read satisfaction ratings"
    manifest["agent"] = manifest["agent"] | {"ratings.read"}
    manifest["admin"] = manifest["admin"] | {"ratings.read"}

    with database.unit_of_work() as session:
        added = sync_roles(session, roles(), manifest, catalogue)
        again = sync_roles(session, roles(), manifest, catalogue)

    assert (added, again) == (2, 0)
    with database.unit_of_work() as session:
        agent = set(
            session.scalars(
                select(RolePermission.permission).where(RolePermission.role_code == "agent")
            )
        )
        described = session.get(Permission, "ratings.read")
        assert described is not None and described.description == "read satisfaction ratings"
    assert "ratings.read" in agent
    assert "customers.read" not in agent


def test_a_changed_description_reaches_the_catalogue(database: Database) -> None:
    catalogue = {**permissions(), "audit.read": "read the audit log (审计日志)"}

    with database.unit_of_work() as session:
        sync_roles(session, roles(), role_permissions(), catalogue)

    with database.unit_of_work() as session:
        row = session.get(Permission, "audit.read")
        assert row is not None and row.description == "read the audit log (审计日志)"


def test_upgrading_counts_what_roles_hold_as_offered(db_url: str, database: Database) -> None:
    """A database from before offered grants were recorded: every grant its roles hold was
    offered (older migrations re-granted all defaults), so none is offered again."""
    command.downgrade(alembic_config(db_url), "0008")
    with database.unit_of_work() as session:
        session.execute(text("DELETE FROM role_permissions WHERE role_code = 'callback'"))
        session.execute(text("INSERT INTO role_permissions VALUES ('editor', 'reports.read')"))

    upgrade(db_url)

    with database.unit_of_work() as session:
        offered = set(session.execute(select(OfferedGrant.role_code, OfferedGrant.permission)))
        held = set(session.execute(select(RolePermission.role_code, RolePermission.permission)))
    assert offered == held
    assert ("editor", "reports.read") in offered
