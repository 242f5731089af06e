"""The public-opinion stream page: filters, marked watch terms, charts, the reply form."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.console.helpers import csrf_of, sign_in
from tests.opinion.conftest import crawler, post

__all__ = ["crawler"]  # the fixture, shared with the opinion tests

URL = "/api/v1/opinion/posts"


def _send(client: TestClient, crawler: dict[str, str]) -> None:
    for body in (
        post("c1", "联通宽带又断了，报修三天没人来，太坑了", author="断网的人"),
        post("c2", "10086的客服小姐姐很耐心，十分钟就解决了，点赞", author="满意的人"),
    ):
        assert client.post(URL, json=body, headers=crawler).status_code == 201


def test_the_stream_marks_watch_terms_filters_and_draws_charts(
    client: TestClient, crawler: dict[str, str]
) -> None:
    _send(client, crawler)
    sign_in(client, "supervisor")
    page = client.get("/console/opinion")
    assert page.status_code == 200
    html = page.text
    assert "舆情监测" in html and "<mark>宽带</mark>" in html and "<mark>10086</mark>" in html
    assert html.count('<svg class="chart"') == 2 and "每日舆情及倾向" in html
    assert "@断网的人" in html and "@满意的人" in html
    negative = client.get("/console/opinion", params={"sentiment": "negative"}).text
    assert "@断网的人" in negative and "@满意的人" not in negative
    english = client.get("/console/opinion", params={"lang": "en"}).text
    assert "Public opinion" in english and "Posts by day and sentiment" in english
    bad = client.get("/console/opinion", params={"from": "soon"})
    assert bad.status_code == 200 and 'role="alert"' in bad.text


def test_the_reply_form_records_the_public_reply(
    client: TestClient, crawler: dict[str, str]
) -> None:
    _send(client, crawler)
    sign_in(client, "agent")
    html = client.get("/console/opinion").text
    assert 'action="/console/opinion/c1/reply"' in html
    assert 'action="/console/opinion/c2/reply"' not in html  # praise needs no reply
    sent = client.post(
        "/console/opinion/c1/reply",
        data={"text": "您好，已安排师傅今天上门", "csrf_token": csrf_of(html)},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    after = client.get("/console/opinion").text
    assert "您好，已安排师傅今天上门" in after and 'action="/console/opinion/c1/reply"' not in after
    forged = client.post("/console/opinion/c2/reply", data={"text": "x", "csrf_token": "nope"})
    assert forged.status_code == 403


def test_an_editor_may_not_see_the_stream(client: TestClient) -> None:
    sign_in(client, "editor")
    assert client.get("/console/opinion").status_code == 403
    assert "/console/opinion" not in client.get("/console").text
