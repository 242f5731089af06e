"""People in a test: demo users signed in over the API, and the three-persona permission check.

Most permission rules in CloseLoop come down to three people: one who may (an agent, or the
staff of the station holding a ticket), a colleague at another station who must not even see
the thing (404, nothing leaks), and an outsider whose role never may (403). `assert_access`
asks all three, and someone who is not signed in (401), in an order that leaves the allowed
request for last so a refused request never meets state the allowed one changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from fastapi.testclient import TestClient

from tests.support.demo import DEMO_PASSWORD, EDITOR, OTHER_STATION, STATION
from tests.support.problems import assert_problem
from tests.support.signin import bearer

Headers = Mapping[str, str]


class Personas:
    """Signs in demo users once per test and hands out their auth headers."""

    def __init__(self, client: TestClient, password: str = DEMO_PASSWORD) -> None:
        self.client = client
        self.password = password
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        """A bearer token from POST /api/v1/auth/token (signed in once per test)."""
        if username not in self._tokens:
            response = self.client.post(
                "/api/v1/auth/token", json={"username": username, "password": self.password}
            )
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def headers(self, username: str) -> dict[str, str]:
        """The Authorization header of a signed-in user."""
        return bearer(self.token(username))


@dataclass(frozen=True)
class Audience:
    """Who a permission test asks: one who may, another station's user, an outsider."""

    allowed: str
    other_station: str | None = OTHER_STATION
    outsider: str | None = EDITOR


# A ticket at STATION: its staff may work on it, another station's staff do not see it, and
# the knowledge editor works on no tickets at all.
AT_STATION = Audience(allowed=STATION, other_station=OTHER_STATION, outsider=EDITOR)


def assert_access(
    headers_of: Callable[[str], Headers],
    send: Callable[[Headers], httpx.Response],
    audience: Audience,
    *,
    allowed: int = 200,
    hidden: int = 404,
    refused: int = 403,
) -> httpx.Response:
    """Send the same request as nobody (401), the outsider (`refused`), the other station's
    user (`hidden`) and last the allowed user (`allowed`); the allowed user's response.

    `headers_of` is `personas.headers` (or `desk.headers`); `send(headers)` makes the request.
    """
    assert_problem(send({}), 401)
    if audience.outsider is not None:
        assert_problem(send(headers_of(audience.outsider)), refused)
    if audience.other_station is not None:
        assert_problem(send(headers_of(audience.other_station)), hidden)
    response = send(headers_of(audience.allowed))
    assert response.status_code == allowed, response.text
    return response
