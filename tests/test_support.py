"""The test support package (tests/support) does what it says: factories make real data through
the services, personas sign in, problem asserts hold for CloseLoop's errors."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.support import (
    Audience,
    Factory,
    Personas,
    api_token,
    assert_access,
    assert_problem,
    bearer,
    console_sign_in,
    error_locs,
)
from tests.support.factories import ARTICLE_PATHS, TICKET_PATHS

TICKETS = "/api/v1/tickets"


@pytest.mark.parametrize("status", list(TICKET_PATHS))
def test_the_factory_walks_a_ticket_to_every_status(
    client: TestClient, as_user: Personas, factory: Factory, status: str
) -> None:
    ticket = factory.ticket(status)

    shown = client.get(f"{TICKETS}/{ticket.id}", headers=as_user.headers("admin")).json()
    assert (shown["status"], shown["number"], shown["version"]) == (
        status,
        ticket.number,
        ticket.version,
    )
    assert shown["customer_id"] == ticket.customer_id
    assert ticket.version == len(shown["history"])  # one version per step, "create" included


def test_factory_customers_are_new_and_ticketless(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    first, second = factory.customer(), factory.customer(region="株洲市")

    assert first.msisdn != second.msisdn and first.msisdn.startswith("194")
    shown = client.get(f"/api/v1/customers/{second.id}", headers=as_user.headers("supervisor"))
    assert shown.status_code == 200, shown.text
    assert (shown.json()["msisdn"], shown.json()["region"]) == (second.msisdn, "株洲市")
    assert shown.json()["plan_code"] == "FACTORY10"
    listed = client.get(TICKETS, params={"customer_id": first.id}, headers=as_user.headers("admin"))
    assert listed.status_code == 200, listed.text
    assert listed.json()["items"] == []


def test_assert_access_fails_when_the_outsider_gets_in(
    client: TestClient, as_user: Personas
) -> None:
    def users(headers: Mapping[str, str]) -> httpx.Response:
        response: httpx.Response = client.get("/api/v1/users", headers=headers)
        return response

    assert_access(as_user.headers, users, Audience("admin", other_station=None, outsider="agent"))
    with pytest.raises(AssertionError):
        assert_access(
            as_user.headers, users, Audience("agent", other_station=None, outsider="admin")
        )


@pytest.mark.parametrize("status", list(ARTICLE_PATHS))
def test_the_factory_walks_an_article_to_every_status(
    client: TestClient, as_user: Personas, factory: Factory, status: str
) -> None:
    article = factory.article(status)

    shown = client.get(f"/api/v1/kb/articles/{article.id}", headers=as_user.headers("editor"))
    assert shown.status_code == 200, shown.text
    assert shown.json()["status"] == status
    assert shown.json()["external_id"] == article.external_id
    assert (article.live_version is not None) == (status in ("published",))


def test_a_factory_user_signs_in_to_the_api_and_the_console(
    client: TestClient, factory: Factory
) -> None:
    user = factory.user("station", station="netops")

    me = client.get("/api/v1/me", headers=bearer(api_token(client, user.username, user.password)))
    assert me.status_code == 200, me.text
    assert me.json()["username"] == user.username
    assert console_sign_in(client, user.username, user.password)


def test_assert_problem_reads_type_and_fields(client: TestClient, as_user: Personas) -> None:
    refused = client.get("/api/v1/audit", headers=as_user.headers("agent"))
    assert_problem(refused, 403, type="forbidden")
    with pytest.raises(AssertionError):
        assert_problem(refused, 403, type="not-found")
    with pytest.raises(AssertionError):
        assert_problem(refused, 404)

    invalid = client.post(
        "/api/v1/tickets", json={"channel": "fax"}, headers=as_user.headers("agent")
    )
    body = assert_problem(invalid, 422, type="invalid-input", field="channel")
    assert ["channel"] in error_locs(body)
    with pytest.raises(AssertionError):
        assert_problem(invalid, 422, field="no_such_field")


def test_assert_problem_refuses_what_is_not_a_problem() -> None:
    plain = httpx.Response(404, json={"status": 404, "type": "x", "title": "x", "detail": "x"})
    with pytest.raises(AssertionError):
        assert_problem(plain, 404)
