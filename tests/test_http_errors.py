"""Errors as problem+json, request ids, health and Prometheus metrics."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from closeloop.app import create_app
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.support import Personas, assert_problem, error_locs

TOKEN = "/api/v1/auth/token"


# --- 404, 405, 422 -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/no-such-page", "/api/v1/no-such-thing", "/api/v2/me"])
def test_unknown_path_is_404_problem(client: TestClient, path: str) -> None:
    assert_problem(client.get(path), 404)


def test_unknown_customer_is_404_problem(client: TestClient, as_user: Personas) -> None:
    response = client.get("/api/v1/customers/999999999", headers=as_user.headers("agent"))
    assert_problem(response, 404)


def test_wrong_method_is_405_problem_naming_the_allowed_methods(client: TestClient) -> None:
    response = client.delete("/healthz")

    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_get_on_the_token_endpoint_is_405(client: TestClient) -> None:
    response = client.get(TOKEN)

    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_invalid_json_body_is_422_with_errors(client: TestClient) -> None:
    response = client.post(
        TOKEN,
        content=b'{"username": "agent", "password": ',
        headers={"Content-Type": "application/json"},
    )

    body = assert_problem(response, 422)
    error_locs(body)
    assert "json" in str(body["errors"]).lower()


def test_wrong_field_types_are_422_naming_each_field(client: TestClient) -> None:
    response = client.post(TOKEN, json={"username": 12345, "password": ["closeloop-demo"]})

    body = assert_problem(response, 422)
    locs = error_locs(body)
    assert ["username"] in locs
    assert ["password"] in locs
    assert "username" in str(body["detail"])


def test_missing_field_is_422_naming_it(client: TestClient) -> None:
    body = assert_problem(client.post(TOKEN, json={"username": "agent"}), 422)
    assert error_locs(body) == [["password"]]


def test_unknown_field_is_422(client: TestClient) -> None:
    body = assert_problem(
        client.post(TOKEN, json={"username": "agent", "password": "x", "otp": "123456"}), 422
    )
    assert ["otp"] in error_locs(body)


def test_a_json_array_instead_of_an_object_is_422(client: TestClient) -> None:
    body = assert_problem(client.post(TOKEN, json=["agent", "closeloop-demo"]), 422)
    error_locs(body)


def test_invalid_input_does_not_count_as_a_failed_sign_in(client: TestClient) -> None:
    for _ in range(6):
        assert client.post(TOKEN, json={"username": "agent"}).status_code == 422
    response = client.post(TOKEN, json={"username": "agent", "password": "closeloop-demo"})
    assert response.status_code == 200


def test_invalid_query_parameter_is_422_naming_it(client: TestClient, as_user: Personas) -> None:
    response = client.get("/api/v1/customers?limit=many", headers=as_user.headers("agent"))

    body = assert_problem(response, 422)
    assert any("limit" in loc for loc in error_locs(body))


@pytest.mark.parametrize("given", ["has spaces", "semi;colon", "<script>", ""])
def test_an_unusable_request_id_from_the_caller_is_replaced(client: TestClient, given: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": given})

    request_id = response.headers["X-Request-ID"]
    assert request_id != given
    assert re.fullmatch(r"[0-9A-Za-z-]{1,64}", request_id)


def test_problems_carry_the_request_id(client: TestClient) -> None:
    response = client.get("/no-such-page")

    assert response.headers.get_list("X-Request-ID") == [response.json()["request_id"]]


# --- 500 ---------------------------------------------------------------------------------


@pytest.fixture
def failing_client(
    settings: Settings, database: Database, clock: FixedClock
) -> Iterator[TestClient]:
    """The app with one extra route that fails unexpectedly."""
    app: FastAPI = create_app(settings, database=database, clock=clock, start_worker=False)

    @app.get("/test-only/boom")
    def boom() -> None:
        raise RuntimeError("database password is hunter2")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_unexpected_error_is_500_problem_without_internals(failing_client: TestClient) -> None:
    response = failing_client.get("/test-only/boom")

    body = assert_problem(response, 500)
    text = response.text
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    assert "hunter2" not in text
    assert "boom" not in str(body["detail"])


def test_500_body_and_header_carry_the_same_request_id(failing_client: TestClient) -> None:
    response = failing_client.get("/test-only/boom")

    assert response.status_code == 500
    request_id = response.json()["request_id"]
    assert request_id
    assert response.headers.get_list("X-Request-ID") == [request_id]


def test_500_keeps_a_request_id_given_by_the_caller(failing_client: TestClient) -> None:
    response = failing_client.get("/test-only/boom", headers={"X-Request-ID": "call-42"})

    assert response.json()["request_id"] == "call-42"
    assert response.headers["X-Request-ID"] == "call-42"


def test_500_traceback_is_logged(
    failing_client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = failing_client.get("/test-only/boom")

    assert response.status_code == 500
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert failures, "the unexpected error is logged with its traceback"
    record = failures[0]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], RuntimeError)
    assert "hunter2" in caplog.text  # the details go to the log, not to the caller
    assert "Traceback" in caplog.text


def test_500_is_counted_in_the_metrics(failing_client: TestClient) -> None:
    failing_client.get("/test-only/boom")

    text = failing_client.get("/metrics").text

    assert re.search(
        r'closeloop_http_requests_total\{[^}]*route="/test-only/boom"[^}]*status="500"[^}]*\}'
        r" 1\.0",
        text,
    )


def test_the_app_keeps_serving_after_a_500(failing_client: TestClient) -> None:
    assert failing_client.get("/test-only/boom").status_code == 500
    assert failing_client.get("/healthz").status_code == 200


# --- health and metrics ------------------------------------------------------------------


def test_healthz_answers_without_auth(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["X-Request-ID"]


def test_metrics_count_requests_per_route(client: TestClient) -> None:
    for _ in range(3):
        client.get("/healthz")

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    counts = re.findall(r"^closeloop_http_requests_total\{([^}]*)\} (\S+)$", text, re.M)
    healthz = [float(v) for labels, v in counts if 'route="/healthz"' in labels]
    assert healthz == [3.0]
    assert any(
        'route="/healthz"' in labels and 'status="200"' in labels and 'method="GET"' in labels
        for labels, _ in counts
    )
    assert re.search(
        r'^closeloop_http_request_duration_seconds_bucket\{[^}]*route="/healthz"[^}]*\} ',
        text,
        re.M,
    )


def test_metrics_label_routes_by_template_not_by_raw_path(
    client: TestClient, as_user: Personas
) -> None:
    headers = as_user.headers("agent")
    client.get("/api/v1/customers/1", headers=headers)
    client.get("/api/v1/customers/2", headers=headers)
    client.get("/some/unknown/path/12345")

    text = client.get("/metrics").text

    assert 'route="/api/v1/customers/{customer_id}"' in text
    assert "/api/v1/customers/1" not in text
    assert "/some/unknown/path/12345" not in text
    assert re.search(r'closeloop_http_requests_total\{[^}]*status="404"[^}]*\}', text)


def test_metrics_count_error_statuses(client: TestClient) -> None:
    client.post(TOKEN, json={"username": "agent", "password": "wrong-password"})

    text = client.get("/metrics").text

    assert re.search(
        r'closeloop_http_requests_total\{[^}]*route="/api/v1/auth/token"[^}]*status="401"[^}]*\}'
        r" 1\.0",
        text,
    )
