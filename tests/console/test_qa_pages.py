"""The reviewer's pages: samples, and scoring a sampled ticket beside its timeline."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.console.helpers import csrf_of, sign_in
from tests.support import Personas

RUBRIC = {
    "code": "hotline",
    "name": "热线服务质检表",
    "items": [
        {"code": "greet", "text": "规范问候", "weight": 30},
        {"code": "verify", "text": "核实身份", "weight": 20, "fatal": True},
        {"code": "solve", "text": "准确解答", "weight": 50},
    ],
}


def test_a_reviewer_draws_a_sample_and_scores_a_ticket_beside_its_timeline(
    client: TestClient, as_user: Personas
) -> None:
    made = client.post("/api/v1/qa/rubrics", json=RUBRIC, headers=as_user.headers("qa"))
    assert made.status_code == 201
    sign_in(client, "agent")
    assert client.get("/console/qa").status_code == 403
    client.cookies.clear()
    csrf = sign_in(client, "qa")
    home = client.get("/console/qa")
    assert home.status_code == 200 and "质检" in home.text
    drawn = client.post(
        "/console/qa/samples",
        data={"csrf_token": csrf, "rubric": "hotline", "from": "2026-10-01", "to": "2026-11-22",
              "per_agent": "2", "method": "risk"},
        follow_redirects=False,
    )  # fmt: skip
    assert drawn.status_code == 303, drawn.text
    sample = client.get(drawn.headers["location"])
    item = re.search(r'href="/console/qa/items/(\d+)"', sample.text)
    assert item, sample.text
    page = client.get(f"/console/qa/items/{item.group(1)}")
    assert page.status_code == 200
    assert 'class="timeline"' in page.text and "核实身份" in page.text and "致命项" in page.text
    bad = client.post(
        f"/console/qa/items/{item.group(1)}",
        data={"csrf_token": csrf_of(page.text), "score_greet": "31", "score_verify": "20",
              "score_solve": "40"},
    )  # fmt: skip
    assert bad.status_code == 422 and 'id="e-greet"' in bad.text
    saved = client.post(
        f"/console/qa/items/{item.group(1)}",
        data={"csrf_token": csrf_of(page.text), "score_greet": "25", "score_verify": "20",
              "score_solve": "40", "comment_solve": "未说明资费"},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303
    after = client.get(saved.headers["location"])
    assert "qa (85)" in after.text


def test_an_agent_reads_their_reviews_and_disputes_one_once(
    client: TestClient, as_user: Personas
) -> None:
    qa = as_user.headers("qa")
    assert client.post("/api/v1/qa/rubrics", json=RUBRIC, headers=qa).status_code == 201
    body = {"rubric": "hotline", "from": "2026-10-01", "to": "2026-11-22", "per_agent": 1}
    sample = client.post("/api/v1/qa/samples", json=body, headers=qa).json()
    item = next(i for i in sample["items"] if i["agent"] == "agent")
    scores = {"greet": 10, "verify": 20, "solve": 30}
    scored = {"sample_item_id": item["id"], "scores": scores}
    review = client.post("/api/v1/qa/reviews", json=scored, headers=qa).json()
    sign_in(client, "agent2")
    assert f"质检评分 {review['id']}" not in client.get("/console/qa/mine").text
    client.cookies.clear()
    csrf = sign_in(client, "agent")
    page = client.get("/console/qa/mine")
    assert page.status_code == 200 and f"质检评分 {review['id']}" in page.text
    assert "平均分：60" in page.text
    url = f"/console/qa/mine/{review['id']}/dispute"
    done = client.post(url, data={"csrf_token": csrf, "reason": "已按知识库解答"},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    again = client.post(url, data={"csrf_token": csrf, "reason": "再次申诉"})
    assert again.status_code == 409
    assert "已按知识库解答" in client.get("/console/qa/mine").text


def test_a_mystery_visit_is_recorded_from_the_console_and_shows_in_the_trends(
    client: TestClient, as_user: Personas
) -> None:
    checklist = {
        "code": "store-visit",
        "name": "营业厅暗访表",
        "items": [
            {"code": "greet", "text": "主动问候", "weight": 30},
            {"code": "explain", "text": "解释清楚", "weight": 70},
        ],
    }
    made = client.post("/api/v1/qa/rubrics", json=checklist, headers=as_user.headers("qa"))
    assert made.status_code == 201, made.text
    csrf = sign_in(client, "qa")
    form = client.get("/console/qa/mystery?checklist=store-visit")
    assert form.status_code == 200 and 'name="score-explain"' in form.text
    visit = {
        "csrf_token": csrf, "checklist": "store-visit", "place": "岳阳楼营业厅",
        "channel": "store", "visited_at": "2026-11-20T10:30", "shopper": "暗访员甲",
        "score-greet": "30", "score-explain": "50",
    }  # fmt: skip
    refused = client.post("/console/qa/mystery", data={**visit, "score-explain": "71"})
    assert refused.status_code == 422 and "岳阳楼营业厅" in refused.text
    done = client.post("/console/qa/mystery", data=visit, follow_redirects=False)
    assert done.status_code == 303, done.text
    page = client.get("/console/qa/mystery")
    assert "岳阳楼营业厅" in page.text and "2026-11" in page.text and ">80" in page.text
    sign_in(client, "agent")
    assert client.get("/console/qa/mystery").status_code == 403
