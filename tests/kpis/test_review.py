"""The weekly review on hand-built weeks: a Pareto of categories and causes with cumulative
shares and the change against the week before, hotspot regions, the API and the console page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kpis.review import pareto
from tests.console.ticket_helpers import as_user
from tests.support import Personas, assert_problem, error_locs
from tests.tickets.helpers import CATEGORY, CAUSE, OTHER_CATEGORY, Desk

# Monday 2027-02-22 10:00 in Shanghai (week 2027-W08), and a week later (2027-W09)
W08 = datetime(2027, 2, 22, 2, 0, tzinfo=UTC)


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    clock.advance(W08 - clock.now())
    desk = Desk(client, database, clock)
    desk.create(category=CATEGORY, location={"region": "east"})
    clock.advance(timedelta(days=7))
    desk.create(category=OTHER_CATEGORY, location={"region": "west"})
    desk.create(category=OTHER_CATEGORY, location={"region": "west"})
    solved = desk.create(category=CATEGORY, location={"region": "east"})
    desk.advance(timedelta(minutes=10))
    desk.do(solved["id"], "resolve", "agent")
    return desk


def _review(client: TestClient, desk: Desk, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/kpis/review", params=params, headers=desk.headers("supervisor"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_pareto_orders_counts_and_adds_up_shares() -> None:
    bars = pareto({"a": 1, "b": 6, "c": 3}, {"a": 2, "d": 4}, {"b": "Bee"})
    assert [(b.key, b.count, b.previous, b.cumulative_share) for b in bars] == [
        ("b", 6, 0, 60.0), ("c", 3, 0, 90.0), ("a", 1, 2, 100.0), ("d", 0, 4, 100.0),
    ]  # fmt: skip
    assert bars[0].name == "Bee" and bars[0].as_dict(10)["change"] == 6


def test_a_week_against_the_week_before(client: TestClient, desk: Desk) -> None:
    body = _review(client, desk, week="2027-W09")
    assert (body["week"], body["previous_week"]) == ("2027-W09", "2027-W08")
    assert (body["from"], body["to"]) == ("2027-03-01", "2027-03-08")
    categories = body["categories"]
    assert (categories["total"], categories["previous_total"]) == (3, 1)
    top = [(i["key"], i["count"], i["cumulative_share"], i["change"]) for i in categories["items"]]
    assert top == [(OTHER_CATEGORY, 2, 66.7, 2), (CATEGORY, 1, 100.0, 0)]
    assert categories["items"][0]["name"]  # the category's name, not its code only
    causes = body["causes"]["items"]
    assert [(i["key"], i["count"]) for i in causes] == [(CAUSE, 1)]
    hot = body["hotspots"]
    assert [(i["key"], i["count"], i["previous"]) for i in hot["most"]] == [
        ("west", 2, 0), ("east", 1, 1),
    ]  # fmt: skip
    assert [i["key"] for i in hot["growing"]] == ["west"]
    before = _review(client, desk, week="2027-W08")
    assert before["categories"]["items"][0]["key"] == CATEGORY


def test_bad_weeks_are_refused(client: TestClient, as_user: Personas) -> None:
    for week in ("2027-03", "W9", "2027-W60"):
        response = client.get(
            "/api/v1/kpis/review", params={"week": week}, headers=as_user.headers("supervisor")
        )
        assert_problem(response, 422)
        assert ["query", "week"] in error_locs(response)
    agent = client.get("/api/v1/kpis/review", headers=as_user.headers("agent"))
    assert agent.status_code == 403


def test_the_review_page_draws_the_paretos(client: TestClient, desk: Desk) -> None:
    as_user(client, "supervisor")
    page = client.get("/console/kpis/review", params={"week": "2027-W09"})
    assert page.status_code == 200, page.text
    assert "周度复盘" in page.text and page.text.count('class="pareto-bar"') == 3
    assert "<polyline" in page.text and "66.7%" in page.text
    assert "style=" not in page.text and "<script>" not in page.text
    english = client.get("/console/kpis/review", params={"week": "2027-W09", "lang": "en"})
    assert "Top problem categories" in english.text and "Hotspot areas" in english.text
