"""Knowledge maintenance in the console: draft → review → approve → publish, and the history."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.console.helpers import sign_in

QUESTION = "校园卡开学季流量包怎么领取？"
ANSWER = "登录营业厅APP，在「校园专区」领取开学季流量包。\n领取后次日生效。"


def _draft_form(**changes: str) -> dict[str, str]:
    return {
        "category": "billing/data",
        "question": QUESTION,
        "answer": ANSWER,
        "similar_questions": "校园流量包在哪领\n开学流量包领取",
        "tags": "校园, 流量包",
        "valid_from": "",
        "valid_to": "",
        **changes,
    }


def _act(client: TestClient, csrf: str, article: str, action: str, **extra: str) -> None:
    response = client.post(
        f"/console/knowledge/manage/{article}/{action}",
        data={"csrf_token": csrf, **extra},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def _status(page: str) -> str:
    match = re.search(r'id="article-status"><span class="badge">([^<]+)<', page)
    assert match
    return match.group(1)


def _create(client: TestClient, csrf: str) -> str:
    assert client.get("/console/knowledge/manage/new").status_code == 200
    created = client.post(
        "/console/knowledge/manage/new",
        data={"csrf_token": csrf, **_draft_form()},
        follow_redirects=False,
    )
    assert created.status_code == 303
    match = re.fullmatch(r"/console/knowledge/manage/(\d+)\?saved=1", created.headers["location"])
    assert match
    return match.group(1)


def _published(client: TestClient) -> tuple[str, str]:
    """An article written by the editor and published by the supervisor, who stays signed
    in; its id and the supervisor's CSRF token."""
    editor = sign_in(client, "editor")
    article = _create(client, editor)
    _act(client, editor, article, "submit")
    client.cookies.clear()
    supervisor = sign_in(client, "supervisor")
    _act(client, supervisor, article, "approve")
    _act(client, supervisor, article, "publish")
    return article, supervisor


def _revision(page: str) -> str:
    match = re.search(r'name="revision" value="(\d+)"', page)
    assert match
    return match.group(1)


def test_a_draft_goes_through_review_and_agents_find_it(client: TestClient) -> None:
    editor = sign_in(client, "editor")
    article = _create(client, editor)
    page = client.get(f"/console/knowledge/manage/{article}?saved=1").text
    assert _status(page) == "草稿" and "已保存。" in page
    assert 'data-action="submit"' in page and 'data-action="approve"' not in page
    assert QUESTION in client.get("/console/knowledge/manage").text  # under my drafts
    _act(client, editor, article, "submit")
    page = client.get(f"/console/knowledge/manage/{article}").text
    assert _status(page) == "审核中"
    assert 'data-action="approve"' not in page  # an editor may not approve

    client.cookies.clear()
    supervisor = sign_in(client, "supervisor")
    queue = client.get("/console/knowledge/manage").text
    review = queue[queue.index('id="review"') : queue.index('id="approved"')]
    assert QUESTION in review and 'data-action="approve"' in review
    _act(client, supervisor, article, "approve", back="/console/knowledge/manage")
    page = client.get(f"/console/knowledge/manage/{article}").text
    assert _status(page) == "已审核" and 'data-action="publish"' in page
    _act(client, supervisor, article, "publish", note="开学季上线")
    page = client.get(f"/console/knowledge/manage/{article}").text
    assert _status(page) == "已发布" and "v1" in page and "开学季上线" in page

    client.cookies.clear()
    sign_in(client, "agent")
    found = client.get("/console/knowledge", params={"q": "校园卡开学流量包领取"}).text
    assert f'href="/console/knowledge/{article}"' in found
    shown = client.get(f"/console/knowledge/{article}").text
    assert "校园专区" in shown and "领取后次日生效" in shown
    assert client.get("/console/knowledge/manage").status_code == 403


def test_sending_back_needs_a_reason_and_shows_it(client: TestClient) -> None:
    editor = sign_in(client, "editor")
    article = _create(client, editor)
    _act(client, editor, article, "submit")
    client.cookies.clear()
    supervisor = sign_in(client, "supervisor")
    without = client.post(
        f"/console/knowledge/manage/{article}/reject", data={"csrf_token": supervisor}
    )
    assert without.status_code == 409
    _act(client, supervisor, article, "reject", note="请补充领取条件")
    page = client.get(f"/console/knowledge/manage/{article}").text
    assert _status(page) == "草稿" and "请补充领取条件" in page


def test_a_form_with_mistakes_is_shown_again_with_them(client: TestClient) -> None:
    editor = sign_in(client, "editor")
    page = client.post(
        "/console/knowledge/manage/new",
        data={"csrf_token": editor, **_draft_form(category="Billing Data", question="x")},
    )
    assert page.status_code == 422
    assert "请修改以下内容" in page.text and "category" in page.text and "question" in page.text
    assert 'value="Billing Data"' in page.text  # what was typed is kept


def test_history_shows_what_changed_after_an_edit_and_republish(client: TestClient) -> None:
    article, _supervisor = _published(client)

    client.cookies.clear()
    editor = sign_in(client, "editor")
    page = client.get(f"/console/knowledge/manage/{article}").text
    edited = client.post(
        f"/console/knowledge/manage/{article}",
        data={
            "csrf_token": editor,
            "revision": _revision(page),
            **_draft_form(answer=ANSWER.replace("次日生效", "立即生效")),
        },
        follow_redirects=False,
    )
    assert edited.status_code == 303
    page = client.get(f"/console/knowledge/manage/{article}").text
    assert _status(page) == "草稿" and "尚未发布的修改" in page
    _act(client, editor, article, "submit")

    client.cookies.clear()
    supervisor = sign_in(client, "supervisor")
    _act(client, supervisor, article, "approve")
    _act(client, supervisor, article, "publish", note="生效时间调整")
    page = client.get(f"/console/knowledge/manage/{article}?lang=en").text
    history = page[page.index('id="history"') :]
    assert "v2" in history and "v1" in history and "生效时间调整" in history
    assert '<del><span class="sr-only">Removed: </span>领取后次日生效。</del>' in history
    assert '<ins><span class="sr-only">Added: </span>领取后立即生效。</ins>' in history
    assert "Changes not yet published" not in history

    client.cookies.clear()
    sign_in(client, "agent")
    assert "领取后立即生效" in client.get(f"/console/knowledge/{article}").text


def test_a_retired_article_is_listed_for_editors_to_find_again(client: TestClient) -> None:
    article, supervisor = _published(client)
    _act(client, supervisor, article, "retire", note="活动结束")
    page = client.get("/console/knowledge/manage").text
    published = page[page.index('id="published"') : page.index('id="retired"')]
    retired = page[page.index('id="retired"') :]
    assert QUESTION not in published
    assert QUESTION in retired and f'href="/console/knowledge/manage/{article}"' in retired
    assert "已下线" in retired


SCRIPT: dict[str, Any] = {
    "start": "ask",
    "steps": [
        {
            "id": "ask",
            "kind": "ask",
            "text": "是否已在营业厅APP领取？",
            "options": [{"label": "已领取", "next": "done"}, {"label": "未领取", "next": "how"}],
        },
        {"id": "how", "kind": "resolve", "text": "引导客户在校园专区领取。"},
        {"id": "done", "kind": "resolve", "text": "领取后次日生效，请客户次日再查。"},
    ],
}


def test_an_agent_script_is_edited_as_json_and_checked(client: TestClient) -> None:
    editor = sign_in(client, "editor")
    article = _create(client, editor)
    page = client.get(f"/console/knowledge/manage/{article}").text

    def save(script: str) -> Response:
        form = _draft_form(script=script)
        response: Response = client.post(
            f"/console/knowledge/manage/{article}",
            data={"csrf_token": editor, "revision": _revision(page), **form},
            follow_redirects=False,
        )
        return response

    assert save(json.dumps(SCRIPT, ensure_ascii=False)).status_code == 303
    page = client.get(f"/console/knowledge/manage/{article}").text
    assert "引导客户在校园专区领取" in page and 'id="kb-script"' in page

    broken = save('{"start": "ask", "steps": [}')
    assert broken.status_code == 422
    assert "script: line 1 column 28" in broken.text and "{&#34;start&#34;" in broken.text

    lost = {**SCRIPT, "steps": [{**SCRIPT["steps"][0], "options": [{"label": "x", "next": "zz"}]}]}
    refused = save(json.dumps(lost, ensure_ascii=False))
    assert refused.status_code == 422 and "unknown step" in refused.text

    assert save("").status_code == 303  # a blank field removes the script
    page = client.get(f"/console/knowledge/manage/{article}").text
    assert "引导客户在校园专区领取" not in page
