"""Live chat in the console and the customer's chat page (the same services as §14's API)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from tests.channels.helpers import a_customer, handed_over, messages
from tests.console.helpers import csrf_of, sign_in
from tests.support.demo import AGENT, EDITOR


def test_an_agent_takes_answers_links_and_ends_a_chat_from_the_console(
    client: TestClient, database: Database
) -> None:
    session_id = handed_over(client, database)
    customer = a_customer(database)
    csrf = sign_in(client, AGENT)

    queue = client.get("/console/chats")
    assert queue.status_code == 200
    assert f"/console/chats/{session_id}/take" in queue.text
    taken = client.post(
        f"/console/chats/{session_id}/take", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert taken.status_code == 303
    page = client.get(f"/console/chats/{session_id}")
    assert "手机卡丢了怎么办" in page.text  # the bot's part
    assert customer.msisdn[-4:] in page.text and "chat_live.js" in page.text  # customer panel
    csrf = csrf_of(page.text)
    sent = client.post(
        f"/console/chats/{session_id}/messages",
        data={"csrf_token": csrf, "text": "您好，我来帮您挂失"},
        headers={"Accept": "application/json"},
    )
    assert sent.status_code == 204
    assert messages(client, session_id)[-1]["text"] == "您好，我来帮您挂失"
    ticket_id = (
        client.get(f"/console/chats/{session_id}")
        .text.split('name="ticket" size="10" required value="')[1]
        .split('"')[0]
    )
    linked = client.post(
        f"/console/chats/{session_id}/ticket",
        data={"csrf_token": csrf, "ticket": ticket_id},
        follow_redirects=False,
    )
    assert linked.status_code == 303
    closed = client.post(
        f"/console/chats/{session_id}/close", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert closed.status_code == 303 and closed.headers["location"] == "/console/chats"


def test_a_form_without_the_csrf_token_is_refused(client: TestClient, database: Database) -> None:
    session_id = handed_over(client, database)
    sign_in(client, AGENT)
    refused = client.post(f"/console/chats/{session_id}/take", data={})
    assert refused.status_code == 403


def test_the_knowledge_editor_has_no_chat_queue(client: TestClient) -> None:
    sign_in(client, EDITOR)
    assert client.get("/console/chats").status_code == 403


def test_the_customer_chat_page_works_on_a_phone_and_in_the_widget(client: TestClient) -> None:
    page = client.get("/chat")
    assert page.status_code == 200
    assert 'name="viewport"' in page.text and "chat_live.js" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    embedded = client.get("/chat?embed=1")
    assert "frame-ancestors *" in embedded.headers["content-security-policy"]
    assert "script-src 'self';" in embedded.headers["content-security-policy"]
    english = client.get("/chat?lang=en")
    assert "Online service" in english.text
    assert client.get("/console/static/chat_widget.js").status_code == 200
