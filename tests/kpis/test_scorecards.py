"""Balanced scorecards: weighted achievements against the targets, ranked, month over month;
weights as data per unit, changed by supervisors with an audit entry and field-named 422s."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kpis.catalogue import BY_CODE
from tests.kpis.scorecard_story import two_months
from tests.support import Personas, assert_problem, error_locs
from tests.tickets.helpers import Desk


def _cards(client: TestClient, desk: Desk, **params: Any) -> dict[str, Any]:
    response = client.get(
        "/api/v1/kpis/scorecards", params=params, headers=desk.headers("supervisor")
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _values(client: TestClient, desk: Desk, first: str, until: str) -> dict[tuple[str, str], Any]:
    response = client.get(
        "/api/v1/kpis/values",
        params={"from": first, "to": until, "by": "station"},
        headers=desk.headers("supervisor"),
    )
    return {(i["code"], i["group"]): i["value"] for i in response.json()["items"]}


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return two_months(client, database, clock)


def test_stations_are_ranked_by_weighted_achievement_month_over_month(
    client: TestClient, desk: Desk
) -> None:
    body = _cards(client, desk, period="2027-02", unit="station")
    assert body["period"] == "2027-02" and body["previous_period"] == "2027-01"
    assert (body["from"], body["to"], body["unit"]) == ("2027-02-01", "2027-03-01", "station")
    cards = {c["unit"]: c for c in body["items"]}
    assert [c["unit"] for c in body["items"]] == ["field", "wireless"]  # best first
    field, wireless = cards["field"], cards["wireless"]
    assert (field["rank"], field["previous_rank"], field["rank_change"]) == (1, 2, 1)
    assert (wireless["rank"], wireless["previous_rank"], wireless["rank_change"]) == (2, 1, -1)
    assert field["score"] > wireless["score"] and field["score_change"] > 0
    # the score is the weighted mean of the achievements of the KPIs with data, × 100
    values = _values(client, desk, "2027-02-01", "2027-03-01")
    for card in (field, wireless):
        counted = [k for k in card["kpis"] if k["value"] is not None]
        assert counted, card
        for line in counted:
            assert line["value"] == values[(line["code"], card["unit"])]
        mean = sum(k["weight"] * k["achievement"] for k in counted) / sum(
            k["weight"] for k in counted
        )
        assert card["score"] == pytest.approx(100 * mean, abs=0.01)
        assert 0 < card["coverage"] < 1  # csat and qa_score have no data: left out, not 0
        assert next(k for k in card["kpis"] if k["code"] == "csat")["achievement"] is None
    sla = {c: next(k for k in cards[c]["kpis"] if k["code"] == "sla_attainment") for c in cards}
    assert sla["field"]["value"] == 1 and sla["field"]["achievement"] == pytest.approx(1 / 0.9)
    assert sla["wireless"]["value"] == 0 and sla["wireless"]["achievement"] == 0


def test_lower_is_better_kpis_score_target_over_value(client: TestClient, desk: Desk) -> None:
    cards = {c["unit"]: c for c in _cards(client, desk, period="2027-01")["items"]}
    hours = next(k for k in cards["field"]["kpis"] if k["code"] == "avg_resolution_hours")
    assert BY_CODE["avg_resolution_hours"].direction == "lower"
    assert hours["value"] > hours["target"]
    assert hours["achievement"] == pytest.approx(hours["target"] / hours["value"], abs=1e-5)


def test_a_unit_gets_its_own_weights_and_the_change_is_audited(
    client: TestClient, desk: Desk, database: Database
) -> None:
    # only the time limit counts for wireless: its February score is its SLA achievement (0)
    response = client.put(
        "/api/v1/kpis/scorecards/weights/wireless",
        json={"weights": [{"code": "sla_attainment", "perspective": "process", "weight": 100}]},
        headers=desk.headers("supervisor"),
    )
    assert response.status_code == 200, response.text
    cards = {c["unit"]: c for c in _cards(client, desk, period="2027-02")["items"]}
    assert [k["code"] for k in cards["wireless"]["kpis"]] == ["sla_attainment"]
    assert cards["wireless"]["score"] == 0 and cards["wireless"]["coverage"] == 1
    assert len(cards["field"]["kpis"]) > 1  # field keeps the defaults
    listed = client.get("/api/v1/kpis/scorecards/weights", headers=desk.headers("supervisor"))
    units = {i["unit"]: i["weights"] for i in listed.json()["items"]}
    assert set(units) == {"*", "wireless"} and sum(w["weight"] for w in units["*"]) == 100
    with database.unit_of_work() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "kpi.weights")).one()
        assert (entry.actor, entry.entity_id) == ("supervisor", "wireless")
    gone = client.delete(
        "/api/v1/kpis/scorecards/weights/wireless", headers=desk.headers("supervisor")
    )
    assert gone.status_code == 204
    cards = {c["unit"]: c for c in _cards(client, desk, period="2027-02")["items"]}
    assert len(cards["wireless"]["kpis"]) == len(units["*"])


@pytest.mark.parametrize(
    ("weights", "loc"),
    [
        ([{"code": "nope", "weight": 1}], ["body", "weights", 0, "code"]),
        ([{"code": "fcr", "weight": 1}, {"code": "fcr", "weight": 2}],
         ["body", "weights", 1, "code"]),
        ([{"code": "fcr", "perspective": "luck", "weight": 1}],
         ["body", "weights", 0, "perspective"]),
        ([{"code": "fcr", "weight": -1}], ["body", "weights", 0, "weight"]),
        ([{"code": "fcr", "weight": 0}], ["body", "weights"]),
        ([], ["body", "weights"]),
    ],
)  # fmt: skip
def test_bad_weights_are_refused_naming_the_field(
    client: TestClient, as_user: Personas, weights: list[dict[str, Any]], loc: list[Any]
) -> None:
    response = client.put(
        "/api/v1/kpis/scorecards/weights/wireless",
        json={"weights": weights},
        headers=as_user.headers("supervisor"),
    )
    assert_problem(response, 422)
    assert loc in error_locs(response)


def test_bad_periods_and_units_are_refused(client: TestClient, as_user: Personas) -> None:
    for params, loc in (
        ({"period": "2026-13"}, ["query", "period"]),
        ({"period": "November"}, ["query", "period"]),
        ({"unit": "planet"}, ["query", "unit"]),
    ):
        response = client.get(
            "/api/v1/kpis/scorecards", params=params, headers=as_user.headers("supervisor")
        )
        assert_problem(response, 422)
        assert loc in error_locs(response)


def test_who_may_read_and_set_scorecards(client: TestClient, as_user: Personas) -> None:
    body = {"weights": [{"code": "fcr", "weight": 1}]}
    url = "/api/v1/kpis/scorecards/weights/wireless"
    assert client.put(url, json=body, headers=as_user.headers("agent")).status_code == 403
    assert client.put(url, json=body, headers=as_user.headers("expert")).status_code == 403
    assert (
        client.get("/api/v1/kpis/scorecards", headers=as_user.headers("agent")).status_code == 403
    )
    quarter = client.get(
        "/api/v1/kpis/scorecards", params={"period": "2026-Q4"}, headers=as_user.headers("expert")
    )
    assert quarter.status_code == 200 and quarter.json()["previous_period"] == "2026-Q3"
    assert client.put(url, json=body, headers=as_user.headers("admin")).status_code == 200
