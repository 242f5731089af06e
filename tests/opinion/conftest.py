"""Opinion test helpers: a crawler account (the webhook's scope) and posts to send."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support import Factory, bearer
from tests.support.factories import FACTORY_PASSWORD


@pytest.fixture
def crawler(client: TestClient, factory: Factory) -> dict[str, str]:
    """Auth headers of an API client holding the `crawler` role (scope opinion.ingest)."""
    made = factory.user("crawler", username="weibo-crawler")
    response = client.post(
        "/api/v1/auth/token", json={"username": made.username, "password": FACTORY_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def post(post_id: str, text: str, **fields: Any) -> dict[str, Any]:
    """A crawler's post body (the test clock's day, Shanghai time)."""
    return {
        "id": post_id,
        "text": text,
        "source": fields.pop("source", "weibo"),
        "author": fields.pop("author", "小王"),
        "posted_at": fields.pop("posted_at", "2026-11-23T09:30:00+08:00"),
        **fields,
    }
