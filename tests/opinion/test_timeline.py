"""Posts on the customer's timeline: the post that gives the customer's number, and the same
author's later posts on the same platform; nobody else's posts."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.opinion.conftest import post
from tests.support import Factory, Personas

URL = "/api/v1/opinion/posts"


def _timeline(client: TestClient, as_user: Personas, customer_id: object) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/v1/customers/{customer_id}/timeline", headers=as_user.headers("supervisor")
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return [e for e in items if e["kind"] == "opinion"]


def test_a_customers_posts_are_on_their_timeline(
    client: TestClient, as_user: Personas, crawler: dict[str, str], factory: Factory
) -> None:
    customer = factory.customer(msisdn="13900001234")
    other = factory.customer(msisdn="13900005678")
    named = "我的号码13900001234，宽带断了三天，报修没人上门，太坑了"
    later = "宽带还是断的，都第五天了，联通到底修不修"
    stranger = "联通宽带又断了，报修两天没人来"
    for pid, text, author, source in (
        ("tl-1", named, "阿明", "weibo"),
        ("tl-2", later, "阿明", "weibo"),
        ("tl-3", later + "！", "阿明", "douyin"),  # the same name elsewhere is someone else
        ("tl-4", stranger, "路人", "weibo"),
    ):
        sent = client.post(URL, json=post(pid, text, author=author, source=source), headers=crawler)
        assert sent.status_code == 201, sent.text
    entries = _timeline(client, as_user, customer.id)
    assert sorted(e["detail"]["external_id"] for e in entries) == ["tl-1", "tl-2"]
    first = next(e for e in entries if e["detail"]["external_id"] == "tl-1")
    assert first["title"].startswith("舆情 @阿明（weibo）")
    assert first["detail"]["complaint"] is True and first["detail"]["ticket_id"]
    assert _timeline(client, as_user, other.id) == []
    ticket = client.get(
        f"/api/v1/tickets/{first['detail']['ticket_id']}", headers=as_user.headers("supervisor")
    ).json()
    assert ticket["customer_id"] == str(customer.id)
