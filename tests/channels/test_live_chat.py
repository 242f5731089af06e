"""Live chat after the bot hands over (CONTRACT §14): the queue, taking, talking, reading."""

from __future__ import annotations

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from tests.channels.helpers import CHAT, CHATS, a_customer, handed_over, messages, say
from tests.support import Audience, Personas, assert_access, assert_problem
from tests.support.demo import AGENT, EDITOR, EXPERT, SUPERVISOR

AGENT2 = "agent2"
ANOTHER_AGENT = Audience(allowed=AGENT, other_station=AGENT2, outsider=EDITOR)


def waiting(client: TestClient, as_user: Personas, who: str = AGENT) -> list[str]:
    response = client.get(CHATS, params={"status": "waiting"}, headers=as_user.headers(who))
    assert response.status_code == 200, response.text
    return [c["session_id"] for c in response.json()["items"]]


def test_a_handed_over_chat_waits_for_an_agent_with_the_bots_part(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)

    assert session_id in waiting(client, as_user)
    said = messages(client, session_id)
    assert [m["from"] for m in said] == ["customer", "bot", "customer", "bot"]
    assert said[0]["text"] == "手机卡丢了怎么办"
    assert set(said[0]) == {"id", "at", "from", "text"}
    assert [int(m["id"]) for m in said] == sorted(int(m["id"]) for m in said)


def test_the_customer_and_the_agent_talk_through_the_chat(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)
    seen = messages(client, session_id)[-1]["id"]

    taken = client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(AGENT))
    assert taken.status_code == 200, taken.text
    assert taken.json()["status"] == "active" and taken.json()["agent"] == AGENT
    assert session_id not in waiting(client, as_user)
    sent = client.post(
        f"{CHATS}/{session_id}/messages",
        json={"text": "您好，请问卡是什么时候丢的？"},
        headers=as_user.headers(AGENT),
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["from"] == "agent"

    new = messages(client, session_id, after=seen)
    assert [m["text"] for m in new][-1] == "您好，请问卡是什么时候丢的？"
    assert all(int(m["id"]) > int(seen) for m in new)
    reply = say(client, "昨天晚上", session_id=session_id)
    assert reply["handoff"] is True and reply["kind"] == "agent"
    assert "人工" in reply["reply"] and reply["ticket_id"]
    agent_view = client.get(
        f"{CHATS}/{session_id}/messages", params={"after": sent.json()["id"]},
        headers=as_user.headers(AGENT),
    )  # fmt: skip
    assert [(m["from"], m["text"]) for m in agent_view.json()["items"]] == [
        ("customer", "昨天晚上")
    ]
    active = client.get(CHATS, params={"status": "active"}, headers=as_user.headers(AGENT))
    assert [c["session_id"] for c in active.json()["items"]] == [session_id]
    assert active.json()["items"][0]["unread"] == 1


def test_a_taken_chat_cannot_be_taken_again(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)
    assert client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(AGENT)).is_success

    again = client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(SUPERVISOR))

    assert_problem(again, 409, detail_contains=AGENT)


def test_an_agent_holds_three_chats_at_most(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    sessions = [handed_over(client, database, offset) for offset in range(4)]
    for session_id in sessions[:3]:
        taken = client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(EXPERT))
        assert taken.status_code == 200, taken.text

    fourth = client.post(f"{CHATS}/{sessions[3]}/take", headers=as_user.headers(EXPERT))

    body = assert_problem(fourth, 409, detail_contains="capacity 3")
    assert body["held"] == 3
    assert client.post(f"{CHATS}/{sessions[3]}/take", headers=as_user.headers(AGENT)).is_success


def test_only_the_agent_holding_a_chat_sees_it(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)
    assert client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(AGENT)).is_success

    assert_access(
        as_user.headers,
        lambda h: client.post(f"{CHATS}/{session_id}/messages", json={"text": "好的"}, headers=h),
        ANOTHER_AGENT,
        allowed=201,
    )
    oversee = client.get(f"{CHATS}/{session_id}", headers=as_user.headers(SUPERVISOR))
    assert oversee.status_code == 200 and oversee.json()["agent"] == AGENT


def test_before_taking_an_agent_cannot_write(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)
    early = client.post(
        f"{CHATS}/{session_id}/messages", json={"text": "您好"}, headers=as_user.headers(AGENT)
    )
    assert_problem(early, 409, detail_contains="take the chat first")


def test_bad_input_names_the_field(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)
    client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(AGENT))

    assert_problem(client.get(f"{CHAT}/{session_id}/messages?after=abc"), 422, field="after")
    assert_problem(client.get(f"{CHAT}/no-such-chat/messages"), 404)
    empty = client.post(
        f"{CHATS}/{session_id}/messages", json={"text": ""}, headers=as_user.headers(AGENT)
    )
    assert_problem(empty, 422, field="text")
    assert_problem(
        client.get(CHATS, params={"status": "lost"}, headers=as_user.headers(AGENT)),
        422,
        field="status",
    )


def test_without_a_number_the_chat_still_waits_and_the_agent_gets_the_next_message(
    client: TestClient, as_user: Personas
) -> None:
    handed = say(client, "转人工")
    session_id = handed["session_id"]
    assert handed["handoff"] is True and handed["ticket_id"] is None
    assert session_id in waiting(client, as_user)
    client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(AGENT))

    reply = say(client, "我不想说号码，直接问你", session_id=session_id)

    assert reply["kind"] == "agent"
    assert messages(client, session_id)[-1]["text"] == "我不想说号码，直接问你"


def test_read_receipts_and_typing_reach_the_other_side(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)
    client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(AGENT))
    sent = client.post(
        f"{CHATS}/{session_id}/messages", json={"text": "在的"}, headers=as_user.headers(AGENT)
    ).json()

    assert client.post(f"{CHAT}/{session_id}/typing").status_code == 204
    assert client.post(f"{CHAT}/{session_id}/read", json={"up_to": sent["id"]}).status_code == 204

    chat = client.get(f"{CHATS}/{session_id}", headers=as_user.headers(AGENT)).json()
    assert chat["customer_typing"] is True and chat["customer_read"] == sent["id"]
    too_far = client.post(f"{CHAT}/{session_id}/read", json={"up_to": "999999999"})
    assert_problem(too_far, 422, field="up_to")


def test_the_stream_sends_messages_after_the_last_seen_id(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)
    said = messages(client, session_id)

    response = client.get(
        f"{CHAT}/{session_id}/stream", params={"seconds": 0},
        headers={"Last-Event-ID": said[1]["id"]},
    )  # fmt: skip

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    ids = [line[4:] for line in response.text.splitlines() if line.startswith("id: ")]
    assert ids == [m["id"] for m in said[2:]]
    assert "event: state" in response.text and '"status": "waiting"' in response.text


def test_the_chat_is_on_the_customers_timeline(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    customer = a_customer(database)
    session_id = handed_over(client, database)
    client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(AGENT))
    client.post(f"{CHATS}/{session_id}/close", headers=as_user.headers(AGENT))

    timeline = client.get(
        f"/api/v1/customers/{customer.id}/timeline", headers=as_user.headers(SUPERVISOR)
    ).json()

    entry = next(e for e in timeline["items"] if e["kind"] == "chat")
    assert entry["id"] == session_id and entry["detail"]["channel"] == "online"
    assert entry["detail"]["agent"] == AGENT and entry["detail"]["status"] == "closed"
    assert entry["detail"]["messages"][0]["text"] == "手机卡丢了怎么办"


def test_writing_again_after_the_chat_ended_queues_it_again(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    session_id = handed_over(client, database)
    client.post(f"{CHATS}/{session_id}/take", headers=as_user.headers(AGENT))
    client.post(f"{CHATS}/{session_id}/close", headers=as_user.headers(AGENT))
    assert session_id not in waiting(client, as_user)

    reply = say(client, "还有一个问题", session_id=session_id)

    assert reply["kind"] == "agent"
    assert session_id in waiting(client, as_user)
