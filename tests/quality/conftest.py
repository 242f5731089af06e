"""Helpers of the quality tests: survey invitations as the outbox holds them."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.support import Personas

TOKEN = re.compile(r"/s/([A-Za-z0-9_-]+)")


def invitations(client: TestClient, as_user: Personas, **params: Any) -> list[dict[str, Any]]:
    """The `survey_invite` notices in the outbox (read by the supervisor, numbers unmasked)."""
    response = client.get(
        "/api/v1/notifications",
        params={"rule": "survey_invite", "limit": 500, **params},
        headers=as_user.headers("supervisor"),
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def token_of(notice: dict[str, Any]) -> str:
    """The token of the personal link in an invitation's text."""
    found = TOKEN.search(notice["text"])
    assert found, notice["text"]
    return found.group(1)


def token_for(client: TestClient, as_user: Personas, msisdn: str) -> str:
    """The token of the newest invitation to this number."""
    found = invitations(client, as_user, msisdn=msisdn)
    assert found, f"no invitation to {msisdn}"
    return token_of(found[0])
