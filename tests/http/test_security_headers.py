"""Security headers on the console, the API, error answers and static files (http/headers.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from closeloop.app import create_app
from closeloop.config import Settings
from closeloop.db.engine import Database
from tests.console.helpers import sign_in
from tests.support import Personas

EVERYWHERE = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
}


def _policy(response: Response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    policy = response.headers["content-security-policy"]
    pairs = (part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}


def _common(response: Response) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers[name] == value, name


def _console_policy(response: Response) -> None:
    _common(response)
    policy = _policy(response)
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert response.headers["referrer-policy"] == "same-origin"


def _api_policy(response: Response) -> None:
    _common(response)
    policy = _policy(response)
    assert policy["default-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_a_console_page_forbids_inline_code_framing_and_foreign_sources(
    client: TestClient,
) -> None:
    sign_in(client, "supervisor")
    for path in ("/login", "/console", "/console/dashboard"):
        page = client.get(path)
        assert page.status_code == 200, path
        _console_policy(page)


def test_console_pages_carry_no_inline_script_or_style(client: TestClient) -> None:
    # what the policy would refuse, looked for in the pages it guards
    sign_in(client, "supervisor")
    for path in ("/login", "/console", "/console/dashboard", "/console/knowledge"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), path


def test_an_api_answer_may_load_nothing(client: TestClient, as_user: Personas) -> None:
    answer = client.get("/api/v1/me", headers=as_user.headers("agent"))
    assert answer.status_code == 200
    _api_policy(answer)
    for path in ("/healthz", "/metrics", "/openapi.json"):
        _api_policy(client.get(path))


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/tickets/999999999", 401), ("/api/v1/no-such-thing", 404)],
)
def test_an_error_answer_has_the_headers_too(client: TestClient, path: str, status: int) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    _api_policy(answer)


def test_an_unexpected_error_has_the_headers_too(settings: Settings, database: Database) -> None:
    app = create_app(settings, database=database, start_worker=False)

    @app.get("/api/v1/test-breaks")
    def breaks() -> None:
        raise RuntimeError("a defect")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/test-breaks")
    assert answer.status_code == 500
    _api_policy(answer)


def test_a_console_error_page_and_a_static_file_have_the_console_headers(
    client: TestClient,
) -> None:
    sign_in(client, "agent")
    missing = client.get("/console/tickets/999999999")
    assert missing.status_code == 404
    _console_policy(missing)
    script = client.get("/console/static/console.js")
    assert script.status_code == 200
    _console_policy(script)


def test_the_api_reference_is_served_offline_with_its_own_policy(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    _common(docs)
    policy = _policy(docs)
    assert "'unsafe-inline'" in policy["script-src"]
    assert "https:" not in str(policy) and "http:" not in docs.text.replace("http://testserver", "")
    for asset in re.findall(r'(?:src|href)="(/docs/static/[^"]+)"', docs.text):
        assert client.get(asset).status_code == 200, asset
    redoc = client.get("/redoc")
    assert redoc.status_code == 200 and "https:" not in redoc.text
    assert client.get("/docs/static/redoc.standalone.js").status_code == 200
    assert policy["frame-ancestors"] == "'none'"
    console = _policy(client.get("/login"))
    assert "cdn.jsdelivr.net" not in str(console)
