"""The description declares each operation's errors, and undeclared methods get 405 + Allow."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support.problems import PROBLEM_JSON, assert_problem


def _errors(operation: dict[str, Any]) -> dict[str, str]:
    """Each declared error status with its media type."""
    return {
        status: next(iter(answer["content"]))
        for status, answer in operation["responses"].items()
        if int(status) >= 400
    }


def test_an_operation_declares_what_its_route_can_answer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    dispatch = paths["/api/v1/tickets/{ticket_id}/dispatch"]["post"]
    assert _errors(dispatch) == {
        code: PROBLEM_JSON for code in ("400", "401", "403", "404", "409", "412", "422", "503")
    }
    assert dispatch["security"] == [{"HTTPBearer": []}]
    me = paths["/api/v1/me"]["get"]
    assert set(_errors(me)) == {"401", "403", "503"}  # no parameters: nothing to be invalid
    token = paths["/api/v1/auth/token"]["post"]
    assert {"401", "422", "429"} <= set(_errors(token)) and "security" not in token
    assert "Retry-After" in token["responses"]["429"]["headers"]


def test_the_tmf_facade_declares_its_own_error_format(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    ticket = document["paths"]["/tmf-api/troubleTicket/v4/troubleTicket/{ticket_id}"]["patch"]
    errors = _errors(ticket)
    assert errors["400"] == errors["404"] == "application/json"
    assert "422" not in errors  # the façade answers invalid input with 400
    assert errors["503"] == PROBLEM_JSON  # a database outage is a problem on every path
    assert set(document["components"]["schemas"]["TmfError"]["required"]) == {
        "code",
        "reason",
        "message",
        "status",
    }
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_an_undeclared_method_is_405_allowing_every_method_of_the_path(
    client: TestClient,
) -> None:
    # GET and POST /api/v1/tickets are two routes; Allow names both.
    for method in ("TRACE", "OPTIONS", "PUT"):
        answer = client.request(method, "/api/v1/tickets")
        assert_problem(answer, 405, type="method-not-allowed")
        assert answer.headers["allow"] == "GET, POST"
    answer = client.request("TRACE", "/tmf-api/troubleTicket/v4/troubleTicket/1")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "DELETE, GET, PATCH"
    assert answer.json()["status"] == "405"  # the TMF Error format


def test_a_category_code_never_ends_in_retire_so_the_retire_path_is_unambiguous(
    client: TestClient,
) -> None:
    answer = client.patch("/api/v1/taxonomy/categories/signal/retire", json={"name": "x"})
    assert_problem(answer, 405, type="method-not-allowed")
    assert answer.headers["allow"] == "POST"
