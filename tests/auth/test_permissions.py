"""Permissions are data: roles grant them through role_permissions, read on every request."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import delete, select

from closeloop.auth.models import RolePermission, User
from closeloop.db.engine import Database
from tests.support import DEMO_PASSWORD, Audience, Factory, Personas, assert_access, assert_problem

STAFF = ["supervisor", "agent", "agent2", "expert", "callback", "editor", "wireless", "billing"]


def a_customer_id(factory: Factory) -> str:
    """A customer of the test's own (not one of the demo customers)."""
    return factory.customer().id


def assert_forbidden(response: Response) -> None:
    assert_problem(response, 403)


def test_editor_may_not_read_customers(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    customer_id = a_customer_id(factory)

    response = client.get(f"/api/v1/customers/{customer_id}", headers=as_user.headers("editor"))

    assert_forbidden(response)
    assert "msisdn" not in response.json()
    assert "name" not in response.json()


def test_a_customer_is_read_by_service_staff_and_no_one_else(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    customer_id = a_customer_id(factory)

    response = assert_access(
        as_user.headers,
        lambda headers: client.get(f"/api/v1/customers/{customer_id}", headers=headers),
        # customers are not per station: the station's staff read them too; nothing is hidden
        Audience(allowed="agent", other_station=None, outsider="editor"),
    )

    assert response.json()["id"] == customer_id


@pytest.mark.parametrize("username", ["agent", "expert", "callback", "wireless", "supervisor"])
def test_service_staff_may_read_customers(
    client: TestClient, as_user: Personas, factory: Factory, username: str
) -> None:
    customer_id = a_customer_id(factory)

    response = client.get(f"/api/v1/customers/{customer_id}", headers=as_user.headers(username))

    assert response.status_code == 200
    assert response.json()["id"] == customer_id


def test_only_the_admin_reads_the_audit_log(client: TestClient, as_user: Personas) -> None:
    assert client.get("/api/v1/audit", headers=as_user.headers("admin")).status_code == 200


@pytest.mark.parametrize("username", STAFF)
def test_other_users_may_not_read_the_audit_log(
    client: TestClient, as_user: Personas, username: str
) -> None:
    assert_forbidden(client.get("/api/v1/audit", headers=as_user.headers(username)))


def test_only_the_admin_lists_users(client: TestClient, as_user: Personas) -> None:
    response = client.get("/api/v1/users", headers=as_user.headers("admin"))

    assert response.status_code == 200
    names = {u["username"] for u in response.json()}
    assert {"admin", "agent", "wireless"} <= names
    assert all("password" not in key for user in response.json() for key in user)


@pytest.mark.parametrize("username", STAFF)
def test_other_users_may_not_list_users(
    client: TestClient, as_user: Personas, username: str
) -> None:
    assert_forbidden(client.get("/api/v1/users", headers=as_user.headers(username)))


@pytest.mark.parametrize("username", ["supervisor", "agent"])
def test_only_the_admin_creates_users(client: TestClient, as_user: Personas, username: str) -> None:
    body = {"username": "sneaky", "password": "long-enough-1", "roles": ["admin"]}

    assert_forbidden(client.post("/api/v1/users", json=body, headers=as_user.headers(username)))

    listed = client.get("/api/v1/users", headers=as_user.headers("admin")).json()
    assert "sneaky" not in {u["username"] for u in listed}


def test_unauthenticated_is_401_not_403(client: TestClient) -> None:
    for path in ("/api/v1/audit", "/api/v1/users", "/api/v1/customers/1"):
        assert client.get(path).status_code == 401, path


def test_removing_a_grant_from_the_table_takes_the_permission_away(
    client: TestClient, as_user: Personas, database: Database, factory: Factory
) -> None:
    customer_id = a_customer_id(factory)
    headers = as_user.headers("agent")  # signed in before the change
    assert client.get(f"/api/v1/customers/{customer_id}", headers=headers).status_code == 200

    with database.unit_of_work() as session:
        session.execute(
            delete(RolePermission).where(
                RolePermission.role_code == "agent",
                RolePermission.permission == "customers.read",
            )
        )

    assert_forbidden(client.get(f"/api/v1/customers/{customer_id}", headers=headers))
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert "customers.read" not in me.json()["permissions"]
    # other roles keep the grant
    other = client.get(f"/api/v1/customers/{customer_id}", headers=as_user.headers("expert"))
    assert other.status_code == 200


def test_adding_a_grant_to_the_table_gives_the_permission(
    client: TestClient, as_user: Personas, database: Database, factory: Factory
) -> None:
    customer_id = a_customer_id(factory)
    headers = as_user.headers("editor")
    assert_forbidden(client.get(f"/api/v1/customers/{customer_id}", headers=headers))

    with database.unit_of_work() as session:
        session.add(RolePermission(role_code="editor", permission="customers.read"))

    response = client.get(f"/api/v1/customers/{customer_id}", headers=headers)
    assert response.status_code == 200
    assert response.json()["masked"] is True


def test_granting_audit_read_opens_the_audit_log_to_that_role(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    headers = as_user.headers("supervisor")
    assert_forbidden(client.get("/api/v1/audit", headers=headers))

    with database.unit_of_work() as session:
        session.add(RolePermission(role_code="supervisor", permission="audit.read"))

    assert client.get("/api/v1/audit", headers=headers).status_code == 200


def test_passwords_are_stored_as_argon2_hashes(database: Database) -> None:
    with database.unit_of_work() as session:
        hashes = dict(session.execute(select(User.username, User.password_hash)).all())

    assert {"admin", "agent", "wireless"} <= set(hashes)
    for username, stored in hashes.items():
        assert stored.startswith("$argon2"), username
        assert DEMO_PASSWORD not in stored
    # salted: the same password never gives the same hash
    assert len(set(hashes.values())) == len(hashes)
