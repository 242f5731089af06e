"""Mystery shopping (神秘顾客): visits scored against a checklist, with trends per place."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support import Personas, assert_problem

CHECKLIST = {
    "code": "store-visit",
    "name": "营业厅神秘顾客检查表",
    "items": [
        {"code": "greet", "text": "起身问候", "weight": 20},
        {"code": "queue", "text": "等候不超过10分钟", "weight": 30},
        {"code": "privacy", "text": "不泄露客户信息", "weight": 50, "fatal": True},
    ],
}
URL = "/api/v1/qa/mystery-visits"


def _visit(place: str, at: str, scores: dict[str, int]) -> dict[str, object]:
    return {"checklist": "store-visit", "place": place, "channel": "store", "visited_at": at,
            "shopper": "神秘顾客 07", "scores": scores}  # fmt: skip


def test_visits_are_scored_like_a_rubric_and_trend_by_place_and_month(
    client: TestClient, as_user: Personas
) -> None:
    qa = as_user.headers("qa")
    assert client.post("/api/v1/qa/rubrics", json=CHECKLIST, headers=qa).status_code == 201
    visits = [
        _visit(
            "五一路营业厅", "2026-10-12T10:00:00+08:00", {"greet": 20, "queue": 30, "privacy": 50}
        ),
        _visit(
            "五一路营业厅", "2026-10-20T15:00:00+08:00", {"greet": 10, "queue": 10, "privacy": 50}
        ),
        _visit(
            "五一路营业厅", "2026-11-03T09:30:00+08:00", {"greet": 20, "queue": 30, "privacy": 0}
        ),
        _visit(
            "芙蓉路营业厅", "2026-11-05T11:00:00+08:00", {"greet": 20, "queue": 20, "privacy": 50}
        ),
    ]
    totals = []
    for body in visits:
        response = client.post(URL, json=body, headers=qa)
        assert response.status_code == 201, response.text
        totals.append(response.json()["total"])
    assert totals == [100, 70, 0, 90]
    trend = client.get(f"{URL}/trends", params={"from": "2026-10-01", "to": "2026-11-30"},
                       headers=as_user.headers("supervisor"))  # fmt: skip
    assert trend.json()["items"] == [
        {"place": "五一路营业厅", "month": "2026-10", "visits": 2, "average": 85.0},
        {"place": "五一路营业厅", "month": "2026-11", "visits": 1, "average": 0.0},
        {"place": "芙蓉路营业厅", "month": "2026-11", "visits": 1, "average": 90.0},
    ]


def test_bad_visits_name_the_field_and_agents_may_not_record(
    client: TestClient, as_user: Personas
) -> None:
    qa = as_user.headers("qa")
    client.post("/api/v1/qa/rubrics", json=CHECKLIST, headers=qa)
    good = _visit(
        "五一路营业厅", "2026-11-03T09:30:00+08:00", {"greet": 20, "queue": 30, "privacy": 50}
    )
    assert_problem(client.post(URL, json=good, headers=as_user.headers("agent")), 403)
    too_many = {**good, "scores": {"greet": 25, "queue": 1, "privacy": 1}}
    assert_problem(client.post(URL, json=too_many, headers=qa), 422, field=["scores", "greet"])
    assert_problem(client.post(URL, json={**good, "channel": "fax"}, headers=qa), 422,
                   field="channel")  # fmt: skip
    assert_problem(client.post(URL, json={**good, "checklist": "none"}, headers=qa), 422,
                   field="checklist")  # fmt: skip
    assert_problem(client.get(f"{URL}/trends", params={"from": "2026-10-01", "to": "2026-11-30"},
                              headers=as_user.headers("agent")), 403)  # fmt: skip
