"""The opinion API (CONTRACT §13): the crawler's webhook, posts, replies, report, watch rules."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.care.models import Notification
from closeloop.db.engine import Database
from tests.opinion.conftest import post
from tests.support import Personas, assert_problem

URL = "/api/v1/opinion/posts"
ANGRY = "家里宽带从周一断到现在，报修三次了师傅还没上门，太坑了"


def _ticket(client: TestClient, as_user: Personas, ticket_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/tickets/{ticket_id}", headers=as_user.headers("supervisor"))
    assert response.status_code == 200, response.text
    return response.json()


def test_a_complaint_is_stored_once_and_opens_one_social_ticket(
    client: TestClient, as_user: Personas, crawler: dict[str, str], database: Database
) -> None:
    body = post("wb-1", ANGRY, author="宽带受害者", url="https://weibo.example/1")
    first = client.post(URL, json=body, headers=crawler)
    assert first.status_code == 201, first.text
    stored = first.json()["post"]
    assert (stored["sentiment"], stored["complaint"], stored["category"]) == (
        "negative", True, "broadband",
    )  # fmt: skip
    assert "宽带" in stored["matched_terms"] and stored["ticket_id"]
    ticket = _ticket(client, as_user, stored["ticket_id"])
    assert (ticket["channel"], ticket["type"]) == ("social", "complaint")
    assert ticket["category"].startswith("broadband")
    assert (
        "@宽带受害者" in ticket["description"]
        and "https://weibo.example/1" in ticket["description"]
    )
    again = client.post(URL, json=body, headers=crawler)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert again.json()["post"]["ticket_id"] == stored["ticket_id"]
    listed = client.get(URL, headers=as_user.headers("supervisor")).json()["items"]
    assert [p["id"] for p in listed].count("wb-1") == 1
    with database.unit_of_work(write=False) as session:
        assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "opinion.take"))


def test_the_same_author_on_the_same_problem_joins_the_open_ticket(
    client: TestClient, crawler: dict[str, str]
) -> None:
    first = client.post(URL, json=post("wb-2", ANGRY, author="老张"), headers=crawler).json()
    second = client.post(
        URL, json=post("wb-3", "宽带还是断的，都第五天了，你们到底修不修，气死了", author="老张"),
        headers=crawler,
    ).json()  # fmt: skip
    other = client.post(URL, json=post("wb-4", ANGRY, author="小李"), headers=crawler).json()
    assert second["post"]["ticket_id"] == first["post"]["ticket_id"]
    assert other["post"]["ticket_id"] not in (None, first["post"]["ticket_id"])


def test_an_urgent_post_tells_the_supervisors_at_once(
    client: TestClient, crawler: dict[str, str], database: Database
) -> None:
    text = "乱扣我话费三个月了，客服推来推去，我已经向工信部投诉了，再不退钱就找记者曝光"
    body = client.post(URL, json=post("wb-5", text), headers=crawler).json()["post"]
    assert body["urgent"] and body["complaint"]
    with database.unit_of_work(write=False) as session:
        notice = session.scalar(select(Notification).where(Notification.rule == "opinion_urgent"))
        assert notice is not None and notice.recipient == "role:supervisor"
        assert notice.ticket_id == int(body["ticket_id"]) and "工信部" in notice.text


def test_praise_and_off_topic_posts(client: TestClient, crawler: dict[str, str]) -> None:
    praise = client.post(
        URL, json=post("wb-6", "联通营业厅的工作人员特别耐心，十分钟就办好了，必须好评"),
        headers=crawler,
    )  # fmt: skip
    assert praise.status_code == 201
    assert praise.json()["post"]["sentiment"] == "positive"
    assert praise.json()["post"]["ticket_id"] is None
    ignored = client.post(URL, json=post("wb-7", "新买的移动硬盘拷贝速度真快"), headers=crawler)
    assert ignored.status_code == 202
    assert ignored.json() == {"id": "wb-7", "status": "ignored", "post": None}


def test_bad_input_names_the_field(client: TestClient, crawler: dict[str, str]) -> None:
    assert_problem(client.post(URL, json={"id": "x", "text": "宽带断了"}, headers=crawler), 422,
                   field="source")  # fmt: skip
    naive = post("wb-8", ANGRY, posted_at="2026-11-23T09:30:00")
    assert_problem(client.post(URL, json=naive, headers=crawler), 422, field="posted_at")


def test_only_a_crawler_may_post_and_staff_may_read(
    client: TestClient, as_user: Personas, crawler: dict[str, str]
) -> None:
    assert_problem(client.post(URL, json=post("wb-9", ANGRY)), 401)
    assert_problem(
        client.post(URL, json=post("wb-9", ANGRY), headers=as_user.headers("agent")), 403
    )
    assert_problem(client.get(URL, headers=crawler), 403)
    assert_problem(client.get(URL, headers=as_user.headers("editor")), 403)
    assert client.get(URL, headers=as_user.headers("agent")).status_code == 200


def test_list_filters_and_the_public_reply(
    client: TestClient, as_user: Personas, crawler: dict[str, str], clock: Any
) -> None:
    client.post(URL, json=post("wb-10", ANGRY, author="a1"), headers=crawler)
    client.post(URL, json=post("wb-11", "请问联通副卡怎么办理？", author="a2",
                               posted_at="2026-11-20T08:00:00+08:00"), headers=crawler)  # fmt: skip
    agent = as_user.headers("agent")
    negative = client.get(URL, params={"sentiment": "negative"}, headers=agent).json()["items"]
    assert [p["id"] for p in negative] == ["wb-10"]
    empty = client.get(f"{URL}?sentiment=&complaint=&from=&to=", headers=agent).json()["items"]
    assert len(empty) == 2
    assert_problem(client.get(URL, params={"complaint": "maybe"}, headers=agent), 422,
                   field=["query", "complaint"])  # fmt: skip
    not_complaints = client.get(URL, params={"complaint": "false"}, headers=agent).json()["items"]
    assert [p["id"] for p in not_complaints] == ["wb-11"]
    window = {"from": "2026-11-23", "to": "2026-11-23"}
    assert [p["id"] for p in client.get(URL, params=window, headers=agent).json()["items"]] == [
        "wb-10"
    ]
    assert_problem(client.get(URL, params={"from": "soon"}, headers=agent), 422,
                   field=["query", "from"])  # fmt: skip
    replied = client.post(f"{URL}/wb-10/reply", json={"text": "您好，已安排师傅今天上门。"},
                          headers=agent)  # fmt: skip
    assert replied.status_code == 200, replied.text
    assert replied.json()["replied_by"] == "agent" and replied.json()["replied_at"]
    assert_problem(client.post(f"{URL}/wb-10/reply", json={"text": "again"}, headers=agent), 409)
    assert_problem(client.post(f"{URL}/nope/reply", json={"text": "x"}, headers=agent), 404)


def test_the_report_by_day_week_and_month(
    client: TestClient, as_user: Personas, crawler: dict[str, str]
) -> None:
    client.post(URL, json=post("wb-12", ANGRY, author="b1"), headers=crawler)
    client.post(URL, json=post("wb-13", "信号真的好，地铁里都满格，点赞", author="b2",
                               posted_at="2026-11-22T12:00:00+08:00"), headers=crawler)  # fmt: skip
    client.post(f"{URL}/wb-12/reply", json={"text": "已处理"}, headers=as_user.headers("agent"))
    params = {"from": "2026-11-01", "to": "2026-11-30", "by": "day"}
    report = client.get("/api/v1/opinion/report", params=params,
                        headers=as_user.headers("supervisor")).json()  # fmt: skip
    assert report["posts"] == 2 and report["sentiment"]["negative"] == 1
    assert [t["period"] for t in report["trend"]] == ["2026-11-22", "2026-11-23"]
    assert report["response"]["replied"] == 1 and report["response"]["median_minutes"] > 0
    assert any(t["term"] == "宽带" for t in report["top_terms"]["watch_terms"])
    weekly = client.get("/api/v1/opinion/report", params={**params, "by": "week"},
                        headers=as_user.headers("supervisor")).json()  # fmt: skip
    assert [t["period"] for t in weekly["trend"]] == ["2026-W47", "2026-W48"]
    assert_problem(client.get("/api/v1/opinion/report", params={"by": "year"},
                              headers=as_user.headers("supervisor")), 422)  # fmt: skip


def test_watch_rules_are_data(
    client: TestClient, as_user: Personas, crawler: dict[str, str]
) -> None:
    rules = "/api/v1/opinion/watch-rules"
    supervisor = as_user.headers("supervisor")
    text = "小沃同学今天上线了新功能"
    assert client.post(URL, json=post("wb-14", text), headers=crawler).json()["status"] == "stored"
    added = client.post(rules, json={"kind": "exclude", "term": "小沃同学"}, headers=supervisor)
    assert added.status_code == 201, added.text
    assert client.post(URL, json=post("wb-15", text), headers=crawler).status_code == 202
    assert_problem(client.post(rules, json={"kind": "exclude", "term": "小沃同学"},
                               headers=supervisor), 409)  # fmt: skip
    assert_problem(client.post(rules, json={"kind": "x", "term": "y"}, headers=supervisor), 422,
                   field="kind")  # fmt: skip
    assert_problem(client.post(rules, json={"kind": "brand", "term": "y"},
                               headers=as_user.headers("agent")), 403)  # fmt: skip
    retired = client.post(f"{rules}/{added.json()['id']}/retire", headers=supervisor)
    assert retired.json()["active"] is False
    assert client.post(URL, json=post("wb-16", text), headers=crawler).status_code == 201
