"""Signing in: bearer tokens for the API and a session cookie for the console.

`api_token` signs in like a client (password checked, argon2: slow-ish); `issued_token` writes a
token straight into the database, for tests that need many users or must move the clock far.
"""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import User
from closeloop.auth.tokens import issue_token
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from tests.support.demo import DEMO_PASSWORD

TOKEN = "/api/v1/auth/token"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a bearer token."""
    return {"Authorization": f"Bearer {token}"}


def api_token(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through POST /api/v1/auth/token; the access token."""
    response = client.post(TOKEN, json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def issued_token(
    database: Database, username: str, clock: Clock, ttl: timedelta = timedelta(days=365)
) -> str:
    """A token for an existing user issued straight into the database (no password check),
    valid for `ttl` of app time."""
    with database.unit_of_work() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        token, _row = issue_token(session, user, ttl, clock=clock)
    return token


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def console_sign_in(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign in through /login like a browser; returns the page's CSRF token afterwards."""
    form = client.get("/login")
    assert form.status_code == 200
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/console"
    return csrf_of(client.get("/console").text)


def switch_console_user(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> str:
    """Sign out whoever was signed in to the console and sign in `username`; their CSRF token."""
    client.cookies.clear()
    return console_sign_in(client, username, password)
