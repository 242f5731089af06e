"""Small factories for knowledge tests: write, review and publish an article through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support import PROBLEM_JSON, Personas

__all__ = ["KB", "PROBLEM_JSON", "act", "article_body", "create", "publish", "search_ids"]

KB = "/api/v1/kb"


def article_body(**overrides: Any) -> dict[str, Any]:
    """A valid new article."""
    body: dict[str, Any] = {
        "category": "billing/points",
        "question": "星空积分节的双倍积分怎么领取？",
        "answer": "活动期间在营业厅APP**积分商城**点击“领取双倍”，次月积分到账。",
        "similar_questions": ["双倍积分活动在哪里领", "积分翻倍怎么参加"],
        "tags": ["积分", "活动"],
    }
    body.update(overrides)
    return body


def create(client: TestClient, as_user: Personas, **overrides: Any) -> dict[str, Any]:
    """A draft written by the editor."""
    response = client.post(
        f"{KB}/articles", json=article_body(**overrides), headers=as_user.headers("editor")
    )
    assert response.status_code == 201, response.text
    return response.json()


def act(
    client: TestClient, as_user: Personas, article_id: str, action: str, who: str, note: str = ""
) -> Any:
    """One workflow step as a user; the response."""
    return client.post(
        f"{KB}/articles/{article_id}/{action}", json={"note": note}, headers=as_user.headers(who)
    )


def publish(client: TestClient, as_user: Personas, **overrides: Any) -> dict[str, Any]:
    """An article walked from draft to published by the right roles."""
    article = create(client, as_user, **overrides)
    for action, who in (("submit", "editor"), ("approve", "supervisor"), ("publish", "supervisor")):
        response = act(client, as_user, article["id"], action, who)
        assert response.status_code == 200, response.text
    return response.json()


def search_ids(client: TestClient, as_user: Personas, q: str, **params: Any) -> list[str]:
    """External ids found for a query, best first."""
    response = client.get(
        f"{KB}/search", params={"q": q, **params}, headers=as_user.headers("agent")
    )
    assert response.status_code == 200, response.text
    return [item["external_id"] for item in response.json()["items"]]
