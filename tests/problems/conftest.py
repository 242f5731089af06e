"""Helpers of the problem-management tests: tickets opened over the API at a place."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.factories import CATEGORY, Factory, MadeCustomer
from tests.support.personas import Personas

REGION = "问题测试县"
CELL = "CELL-PB-1"


class Desk:
    """Opens tickets and problems over the API as the demo users."""

    def __init__(self, client: TestClient, as_user: Personas, factory: Factory) -> None:
        self.client, self.as_user, self.factory = client, as_user, factory

    def ticket(
        self,
        *,
        customer: MadeCustomer | None = None,
        category: str = CATEGORY,
        region: str = REGION,
        cell_id: str | None = CELL,
    ) -> dict[str, Any]:
        """A ticket opened by the front line at `region`/`cell_id`."""
        owner = customer or self.factory.customer(region=region)
        location: dict[str, str] = {"region": region}
        if cell_id:
            location["cell_id"] = cell_id
        body = {"customer_id": owner.id, "channel": "hotline", "type": "fault",
                "category": category, "severity": "high", "title": "没有信号",
                "description": "小区里手机完全没有信号", "location": location}  # fmt: skip
        response = self.client.post("/api/v1/tickets", json=body, headers=self.headers("agent"))
        assert response.status_code == 201, response.text
        return response.json()

    def problem(self, **fields: Any) -> dict[str, Any]:
        """A problem opened by hand by the supervisor (signal, at REGION/CELL by default)."""
        body = {"title": "基站退服", "category": "signal", "region": REGION, "cell_ids": [CELL],
                **fields}  # fmt: skip
        response = self.client.post(
            "/api/v1/problems", json=body, headers=self.headers("supervisor")
        )
        assert response.status_code == 201, response.text
        return response.json()

    def headers(self, username: str) -> dict[str, str]:
        """A demo user's auth header."""
        return self.as_user.headers(username)

    def get(self, path: str, username: str = "supervisor") -> Any:
        """GET as a user, expecting 200; the JSON."""
        response = self.client.get(path, headers=self.headers(username))
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def desk(client: TestClient, as_user: Personas, factory: Factory) -> Desk:
    """Tickets and problems over the API."""
    return Desk(client, as_user, factory)
