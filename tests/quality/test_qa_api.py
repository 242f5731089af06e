"""Quality inspection through the API (CONTRACT §7 质检): rubrics, samples, reviews with the
fatal rule, disputes settled by a second reviewer, calibration, agent scores and coaching."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from tests.support import Factory, Personas, assert_problem

RUBRIC = {
    "code": "hotline",
    "name": "热线服务质检表",
    "items": [
        {"code": "greet", "text": "规范问候", "weight": 10},
        {"code": "verify", "text": "核实身份", "weight": 20, "fatal": True},
        {"code": "solve", "text": "准确解答", "weight": 50},
        {"code": "close", "text": "礼貌结束", "weight": 20},
    ],
}
PERIOD = {"from": "2026-10-01", "to": "2026-11-23"}
FULL = {"greet": 10, "verify": 20, "solve": 50, "close": 20}


@pytest.fixture
def sample(client: TestClient, as_user: Personas, factory: Factory) -> dict[str, Any]:
    """The hotline rubric and a sample of 3 tickets per agent from the demo's closed tickets."""
    factory.user("qa", username="qa2", password="closeloop-demo")
    made = client.post("/api/v1/qa/rubrics", json=RUBRIC, headers=as_user.headers("qa"))
    assert made.status_code == 201, made.text
    body = {"rubric": "hotline", **PERIOD, "per_agent": 3, "seed": 11}
    drawn = client.post("/api/v1/qa/samples", json=body, headers=as_user.headers("qa"))
    assert drawn.status_code == 201, drawn.text
    found: dict[str, Any] = drawn.json()
    return found


def _review(
    client: TestClient, as_user: Personas, item: str | int, scores: dict[str, int], who: str = "qa",
    **extra: Any,
) -> Any:  # fmt: skip
    body = {"sample_item_id": item, "scores": scores, **extra}
    return client.post("/api/v1/qa/reviews", json=body, headers=as_user.headers(who))


def test_rubric_weights_must_add_up_to_100_and_a_new_code_version_is_kept(
    client: TestClient, as_user: Personas
) -> None:
    url = "/api/v1/qa/rubrics"
    bad = {**RUBRIC, "items": RUBRIC["items"][:3]}
    assert_problem(client.post(url, json=bad, headers=as_user.headers("qa")), 422, field="items")
    assert_problem(client.post(url, json=RUBRIC, headers=as_user.headers("agent")), 403)
    assert_problem(client.post(url, json=RUBRIC, headers=as_user.headers("editor")), 403)
    first = client.post(url, json=RUBRIC, headers=as_user.headers("qa")).json()
    second = client.post(url, json=RUBRIC, headers=as_user.headers("supervisor")).json()
    assert (first["version"], second["version"]) == (1, 2)
    listed = client.get(url, headers=as_user.headers("qa")).json()
    assert [(r["code"], r["version"]) for r in listed] == [("hotline", 2)]


def test_a_sample_takes_closed_tickets_per_front_line_agent_reproducibly(
    client: TestClient, as_user: Personas, sample: dict[str, Any]
) -> None:
    items = sample["items"]
    agents = [i["agent"] for i in items]
    assert set(agents) == {"agent", "agent2"} and all(agents.count(a) == 3 for a in set(agents))
    for item in items[:2]:
        ticket = client.get(f"/api/v1/tickets/{item['ticket_id']}",
                            headers=as_user.headers("supervisor")).json()  # fmt: skip
        assert ticket["status"] == "closed"
    again = client.post(
        "/api/v1/qa/samples", json={"rubric": "hotline", **PERIOD, "per_agent": 3, "seed": 11},
        headers=as_user.headers("qa"),
    ).json()  # fmt: skip
    assert [i["ticket_id"] for i in again["items"]] == [i["ticket_id"] for i in items]
    bad = {"rubric": "none", **PERIOD, "per_agent": 3}
    response = client.post("/api/v1/qa/samples", json=bad, headers=as_user.headers("qa"))
    assert_problem(response, 422, field="rubric")
    backwards = {"rubric": "hotline", "from": "2026-11-20", "to": "2026-11-01", "per_agent": 1}
    response = client.post("/api/v1/qa/samples", json=backwards, headers=as_user.headers("qa"))
    assert_problem(response, 422, field="to")


def test_a_review_totals_the_points_and_a_fatal_zero_makes_it_zero(
    client: TestClient, as_user: Personas, sample: dict[str, Any], database: Database
) -> None:
    first, second = sample["items"][0]["id"], sample["items"][1]["id"]
    assert_problem(_review(client, as_user, first, FULL, who="agent"), 403)
    assert_problem(_review(client, as_user, first, FULL, who="editor"), 403)
    assert_problem(_review(client, as_user, first, {**FULL, "solve": 51}), 422, field="solve")
    assert_problem(_review(client, as_user, first, {"greet": 1}), 422, field="verify")
    scored = _review(client, as_user, first, {**FULL, "solve": 35}, comments={"solve": "解释不全"})
    assert scored.status_code == 201, scored.text
    assert scored.json()["total"] == 85 and isinstance(scored.json()["id"], str)
    # the id may come as a number too
    fatal = _review(client, as_user, int(second), {**FULL, "verify": 0}, who="supervisor")
    assert fatal.json()["total"] == 0
    assert_problem(_review(client, as_user, first, FULL, who="supervisor"), 409)
    with database.unit_of_work() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert "qa.review" in actions


def test_the_agent_disputes_once_and_a_second_reviewer_settles(
    client: TestClient, as_user: Personas, sample: dict[str, Any]
) -> None:
    item = next(i for i in sample["items"] if i["agent"] == "agent")
    review = _review(client, as_user, item["id"], {**FULL, "solve": 20}).json()
    url = f"/api/v1/qa/reviews/{review['id']}"
    assert client.get(url, headers=as_user.headers("agent")).status_code == 200
    assert_problem(client.get(url, headers=as_user.headers("agent2")), 404)
    reason = {"reason": "客户问题已按知识库解答，扣分过重"}
    assert_problem(
        client.post(f"{url}/dispute", json=reason, headers=as_user.headers("agent2")), 404
    )
    disputed = client.post(f"{url}/dispute", json=reason, headers=as_user.headers("agent"))
    assert disputed.status_code == 201, disputed.text
    assert disputed.json()["dispute"]["status"] == "open"
    assert_problem(
        client.post(f"{url}/dispute", json=reason, headers=as_user.headers("agent")), 409
    )
    scores = {"scores": {**FULL, "solve": 45}}
    assert_problem(client.post(f"{url}/settle", json=scores, headers=as_user.headers("qa")), 403)
    assert_problem(client.post(f"{url}/settle", json=scores, headers=as_user.headers("agent")), 403)
    settled = client.post(f"{url}/settle", json=scores, headers=as_user.headers("supervisor"))
    assert settled.status_code == 200, settled.text
    body = settled.json()
    assert (body["total"], body["final_total"], body["dispute"]["status"]) == (70, 95, "settled")
    mine = client.get("/api/v1/qa/agents/agent", params=PERIOD, headers=as_user.headers("agent"))
    assert mine.json()["average"] == 95 and len(mine.json()["reviews"]) == 1


def test_agent_scores_are_the_mean_of_totals_and_visible_to_the_agent_only(
    client: TestClient, as_user: Personas, sample: dict[str, Any]
) -> None:
    mine = [i for i in sample["items"] if i["agent"] == "agent"]
    _review(client, as_user, mine[0]["id"], FULL)
    _review(client, as_user, mine[1]["id"], {**FULL, "solve": 20})
    url = "/api/v1/qa/agents/agent"
    for who in ("qa", "supervisor", "agent"):
        found = client.get(url, params=PERIOD, headers=as_user.headers(who)).json()
        assert (len(found["reviews"]), found["count"], found["average"]) == (2, 2, 85.0)
        assert {r["total"] for r in found["reviews"]} == {100, 70}
    assert_problem(client.get(url, params=PERIOD, headers=as_user.headers("agent2")), 403)
    assert_problem(client.get(url, params=PERIOD, headers=as_user.headers("editor")), 403)
    assert_problem(client.get(url, params=PERIOD), 401)
    soon = client.get(
        url, params={"from": "soon", "to": "2026-11-01"}, headers=as_user.headers("qa")
    )
    assert_problem(soon, 422, field=["query", "from"])
    coached = client.post("/api/v1/qa/coaching", json=PERIOD, headers=as_user.headers("qa"))
    assert coached.status_code == 201, coached.text
    assert [(c["agent"], c["average"]) for c in coached.json()] == []  # 85 ≥ 80
    _review(client, as_user, mine[2]["id"], {**FULL, "verify": 0})  # fatal: (100+70+0)/3
    coached = client.post("/api/v1/qa/coaching", json=PERIOD, headers=as_user.headers("qa"))
    assert [(c["agent"], c["average"]) for c in coached.json()] == [("agent", 56.67)]
    again = client.post("/api/v1/qa/coaching", json=PERIOD, headers=as_user.headers("qa"))
    assert again.json() == []
    assert [
        c["agent"]
        for c in client.get("/api/v1/qa/coaching", headers=as_user.headers("agent")).json()
    ] == ["agent"]
    assert client.get("/api/v1/qa/coaching", headers=as_user.headers("agent2")).json() == []
    assert_problem(client.post("/api/v1/qa/coaching", json=PERIOD,
                               headers=as_user.headers("agent")), 403)  # fmt: skip


def test_calibration_shows_agreement_and_the_items_that_differ_most(
    client: TestClient, as_user: Personas, sample: dict[str, Any]
) -> None:
    items = [i["id"] for i in sample["items"][:3]]
    plans = [
        ({**FULL, "solve": 40}, {**FULL, "solve": 20}),
        ({**FULL, "close": 10}, {**FULL, "close": 10}),
        (FULL, {**FULL, "solve": 30}),
    ]
    for item, (mine, theirs) in zip(items, plans, strict=True):
        assert _review(client, as_user, item, mine).status_code == 201
        second = _review(client, as_user, item, theirs, who="qa2", calibration=True)
        assert second.status_code == 201 and second.json()["kind"] == "calibration"
    found = client.get(f"/api/v1/qa/samples/{sample['id']}/calibration",
                       headers=as_user.headers("qa")).json()  # fmt: skip
    assert found["reviewers"] == ["qa", "qa2"] and found["tickets"] == 3
    assert found["alpha"] is not None and found["alpha"] < 0.5
    assert (
        found["items"][0]["code"] == "solve" and found["items"][0]["spread"] == 13.33
    )  # (20 + 0 + 20) / 3
    assert_problem(client.get(f"/api/v1/qa/samples/{sample['id']}/calibration",
                              headers=as_user.headers("agent")), 403)  # fmt: skip
