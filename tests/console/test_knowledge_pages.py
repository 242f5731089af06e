"""Knowledge pages: search with marked matches, scripts walked step by step, feedback."""

from __future__ import annotations

import html as htmllib
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.console.kb_views import highlight, walk
from closeloop.db.engine import Database
from closeloop.knowledge.models import Article
from tests.console.helpers import sign_in

INDOOR = "demo-indoor-weak"
INDOOR_QUESTION = "在家或办公室里手机信号弱、只有一两格怎么办？"


def _option(page: str, label: str, base: str) -> str:
    """The URL behind a script option (a link) with this label, as a browser would follow it."""
    match = re.search(r'<a class="button" href="([^"]+)">' + re.escape(label) + "</a>", page)
    assert match, f"no option {label!r}"
    return base + htmllib.unescape(match.group(1)).split("#")[0]


def _current_step(page: str) -> str:
    match = re.search(r'<p class="kb-step-text[^"]*">(.*?)</p>', page, re.S)
    assert match
    return match.group(1).strip()


def test_matches_are_marked_and_the_text_is_escaped_first() -> None:
    marked = highlight("<b>手机信号</b> & 信号", ["信号", "b"])
    assert str(marked) == (
        "&lt;<mark>b</mark>&gt;手机<mark>信号</mark>&lt;/<mark>b</mark>&gt; &amp; <mark>信号</mark>"
    )
    assert str(highlight("无匹配", [])) == "无匹配"


def test_search_marks_the_query_words_in_the_results(client: TestClient) -> None:
    sign_in(client, "agent")
    page = client.get("/console/knowledge", params={"q": "手机信号弱"})
    assert page.status_code == 200
    assert "<mark>信号</mark>" in page.text and "<mark>手机</mark>" in page.text
    first = re.search(r'<a href="/console/knowledge/\d+" class="kb-question">(.*?)</a>', page.text)
    assert first and re.sub(r"</?mark>", "", first.group(1)) == INDOOR_QUESTION
    hostile = client.get("/console/knowledge", params={"q": "<script>alert(1)</script>信号"})
    assert "<script>alert(1)" not in hostile.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;信号"' in hostile.text


def test_a_retired_article_is_never_shown(client: TestClient, database: Database) -> None:
    csrf = sign_in(client, "supervisor")
    with database.unit_of_work(write=False) as session:
        article_id = session.scalar(select(Article.id).where(Article.external_id == INDOOR))
    retired = client.post(
        f"/console/knowledge/manage/{article_id}/retire",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert retired.status_code == 303
    client.cookies.clear()
    sign_in(client, "agent")
    page = client.get("/console/knowledge", params={"q": "手机信号弱 只有一两格"})
    assert page.status_code == 200
    assert "在家或办公室里" not in page.text
    assert client.get(f"/console/knowledge/{article_id}").status_code == 404


def test_the_article_page_walks_its_script_one_step_at_a_time(client: TestClient) -> None:
    sign_in(client, "agent")
    base = f"/console/knowledge/{INDOOR}"
    page = client.get(base).text
    assert INDOOR_QUESTION in page and "<h2" in page and "室内信号弱多是墙体" in page
    assert _current_step(page) == "信号差是只在室内，还是室外也一样？"
    assert "同一位置其他人的手机信号也差吗" not in page  # one step at a time

    page = client.get(_option(page, "只在室内", base)).text
    assert _current_step(page) == "同一位置其他人的手机信号也差吗？"
    assert "只在室内</strong>" in page  # the answer given so far
    page = client.get(_option(page, "只有我的差", base)).text
    assert "重启手机" in _current_step(page)
    page = client.get(_option(page, "恢复", base)).text
    assert _current_step(page) == "问题解决，提醒客户保持网络模式自动。"
    assert 'class="button"' not in page  # the end: no more options

    outside = client.get(_option(client.get(base).text, "室外也差", base)).text
    assert 'href="/console/knowledge/demo-area-outage"' in outside
    jumped = client.get(base, params={"step": "done", "path": "where"}).text
    assert _current_step(jumped) == "信号差是只在室内，还是室外也一样？"  # no skipping ahead


def test_walking_a_script_never_leaves_its_flow() -> None:
    script = {
        "start": "a",
        "steps": [
            {"id": "a", "kind": "ask", "text": "A?", "options": [{"label": "yes", "next": "b"}]},
            {"id": "b", "kind": "resolve", "text": "done"},
        ],
    }
    at_start = walk(script, None, None)
    assert at_start and at_start.current.id == "a" and at_start.path == "a"
    done = walk(script, "a", "b")
    assert done and done.current.text == "done" and done.taken[0][1] == "yes"
    stray = walk(script, "", "b")
    assert stray and stray.current.id == "a"


def test_an_agent_rates_an_article(client: TestClient, database: Database) -> None:
    csrf = sign_in(client, "agent")
    response = client.post(
        f"/console/knowledge/{INDOOR}/feedback",
        data={"csrf_token": csrf, "helpful": "yes", "comment": "客户已解决"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    thanks = client.get(response.headers["location"])
    assert "谢谢，您的反馈已记录。" in thanks.text
    with database.unit_of_work(write=False) as session:
        article = session.scalar(select(Article).where(Article.external_id == INDOOR))
        assert article is not None and article.helpful_agent == 1
    refused = client.post(
        f"/console/knowledge/{INDOOR}/feedback", data={"csrf_token": "0", "helpful": "no"}
    )
    assert refused.status_code == 403
