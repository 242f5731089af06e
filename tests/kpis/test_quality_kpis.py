"""csat, nps and qa_score come from the quality domain's answers and reviews (issue #17 §1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from closeloop.kit.clock import FixedClock
from tests.quality.conftest import token_for
from tests.support import Factory, Personas

RUBRIC = {
    "code": "kpi-rubric",
    "name": "热线服务质检表",
    "items": [
        {"code": "greet", "text": "规范问候", "weight": 40},
        {"code": "solve", "text": "准确解答", "weight": 60},
    ],
}


def _values(client: TestClient, as_user: Personas, clock: FixedClock, **params: Any) -> Any:
    day = clock.now().date()
    period = {"from": (day - timedelta(days=1)).isoformat(), "to": (day + timedelta(days=2))}
    response = client.get(
        "/api/v1/kpis/values", params={**period, **params}, headers=as_user.headers("supervisor")
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def _answer(client: TestClient, as_user: Personas, instrument: str, people: list[Any],
            values: tuple[int, ...]) -> None:  # fmt: skip
    body = {"instrument": instrument, "name": instrument, "msisdns": [p.msisdn for p in people]}
    assert client.post("/api/v1/surveys", json=body, headers=as_user.headers("qa")).is_success
    for person, value in zip(people, values, strict=True):
        answer = {
            "token": token_for(client, as_user, person.msisdn),
            "answers": {instrument: value},
        }
        assert client.post("/api/v1/survey-responses", json=answer).status_code == 201


def test_csat_and_nps_are_the_survey_answers_overall_and_by_region(
    client: TestClient, as_user: Personas, factory: Factory, clock: FixedClock
) -> None:
    people = [factory.customer(region=r) for r in ("岳阳市", "岳阳市", "株洲市")]
    _answer(client, as_user, "csat", people, (5, 3, 1))
    _answer(client, as_user, "nps", people, (10, 9, 2))
    whole = {i["code"]: i for i in _values(client, as_user, clock, codes="csat,nps")}
    assert (whole["csat"]["value"], whole["csat"]["denominator"]) == (3.0, 3)
    assert (
        whole["nps"]["value"] == round(100 * (2 - 1) / 3, 1)
        or abs(whole["nps"]["value"] - 100 / 3) < 0.1
    )
    by_region = _values(client, as_user, clock, codes="csat", by="region")
    assert {i["group"]: i["value"] for i in by_region} == {"岳阳市": 4.0, "株洲市": 1.0}
    by_day = _values(client, as_user, clock, codes="csat", by="day")
    assert [i["value"] for i in by_day].count(3.0) == 1 and len(by_day) == 3
    assert _values(client, as_user, clock, codes="csat", by="category") == []


def test_qa_score_is_the_mean_review_total_overall_and_by_agent(
    client: TestClient, as_user: Personas, clock: FixedClock
) -> None:
    assert client.post("/api/v1/qa/rubrics", json=RUBRIC, headers=as_user.headers("qa")).is_success
    period = {"from": "2026-10-01", "to": "2026-11-23"}
    body = {"rubric": "kpi-rubric", **period, "per_agent": 2, "seed": 3}
    drawn = client.post("/api/v1/qa/samples", json=body, headers=as_user.headers("qa")).json()
    items = drawn["items"][:2]
    for item, solve in zip(items, (60, 20), strict=True):
        scores = {"greet": 40, "solve": solve}
        review = {"sample_item_id": item["id"], "scores": scores}
        made = client.post("/api/v1/qa/reviews", json=review, headers=as_user.headers("qa"))
        assert made.status_code == 201, made.text
    (whole,) = _values(client, as_user, clock, codes="qa_score")
    assert (whole["value"], whole["denominator"]) == (80.0, 2)
    by_agent = _values(client, as_user, clock, codes="qa_score", by="agent")
    expected: dict[str, list[int]] = {}
    for item, total in zip(items, (100, 60), strict=True):
        expected.setdefault(item["agent"], []).append(total)
    assert {i["group"]: i["value"] for i in by_agent} == {
        agent: sum(totals) / len(totals) for agent, totals in expected.items()
    }
