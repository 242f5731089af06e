"""Intake: customer lookup, suggestions with and without JavaScript, refused input kept,
the duplicate warning, and resolving on first contact."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from closeloop.customers.models import Contact
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kit.masking import mask_msisdn
from closeloop.tickets.models import Ticket
from tests.console.ticket_helpers import as_user, text_of
from tests.tickets.helpers import CATEGORY, Desk


def _intake(client: TestClient, csrf: str, msisdn: str, **fields: Any) -> httpx.Response:
    data = {
        "csrf_token": csrf,
        "msisdn": msisdn,
        "channel": "hotline",
        "type": "fault",
        "category": CATEGORY,
        "severity": "normal",
        "title": "家里信号差",
        "description": "客户反映卧室里手机信号只有一格，经常打不通电话。",
        "then": "create",
        **fields,
    }
    response: httpx.Response = client.post("/console/tickets", data=data, follow_redirects=False)
    return response


def _contacts_of(database: Database, customer_id: int) -> list[Contact]:
    with database.unit_of_work() as session:
        query = select(Contact).where(Contact.customer_id == customer_id)
        return list(session.scalars(query))


def _tickets_of(database: Database, customer_id: int) -> int:
    with database.unit_of_work() as session:
        query = select(func.count()).select_from(Ticket).where(Ticket.customer_id == customer_id)
        return int(session.scalar(query) or 0)


def _created_id(response: httpx.Response) -> str:
    assert response.status_code == 303, text_of(response.text)[:2000]
    match = re.match(r"/console/tickets/(\d+)\?created=1", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def test_lookup_shows_the_customer_and_warns_of_open_tickets(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    earlier = desk.create(customer_id=str(customer.id))
    as_user(client, "agent")
    page = client.get("/console/tickets/new", params={"msisdn": customer.msisdn})
    assert page.status_code == 200
    text = text_of(page.text)
    assert customer.name in text and mask_msisdn(customer.msisdn) in text
    assert "该客户有在途工单 1 张" in text
    assert f'href="/console/tickets/{earlier["id"]}"' in page.text
    assert f'value="{customer.msisdn}"' in page.text  # the number typed is kept in the form
    unknown = client.get("/console/tickets/new", params={"msisdn": "19999999999"})
    assert "没有使用此号码的客户" in unknown.text
    malformed = client.get("/console/tickets/new", params={"msisdn": "1234"})
    assert "不是有效的大陆手机号码" in malformed.text


def test_stations_may_not_open_tickets(client: TestClient) -> None:
    as_user(client, "wireless")
    assert client.get("/console/tickets/new").status_code == 403


def test_suggestions_while_typing_and_without_javascript(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    csrf = as_user(client, "agent")
    form = client.get("/console/tickets/new").text
    assert 'data-suggest-url="/console/kb/suggest"' in form
    fragment = client.get("/console/kb/suggest", params={"text": "家里手机信号差 打不通电话"})
    assert fragment.status_code == 200
    assert '<ol class="suggestions">' in fragment.text and "<html" not in fragment.text
    preview = _intake(client, csrf, customer.msisdn, then="preview")
    assert preview.status_code == 200
    assert '<ol class="suggestions">' in preview.text
    assert "客户反映卧室里手机信号只有一格" in preview.text  # what was typed stays
    assert _tickets_of(database, customer.id) == 0  # a preview opens nothing


def test_refused_input_is_shown_beside_the_fields_and_kept(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    csrf = as_user(client, "agent")
    response = _intake(client, csrf, "1380013", title="", address="人民路 8 号")
    assert response.status_code == 422
    text = text_of(response.text)
    assert "请更正标出的字段" in text and "请填写此项。" in text
    assert "不是有效的大陆手机号码" in text
    assert "客户反映卧室里手机信号只有一格，经常打不通电话。</textarea>" in response.text
    assert 'value="人民路 8 号"' in response.text
    assert f'<option value="{CATEGORY}" selected>' in response.text
    not_a_leaf = _intake(client, csrf, customer.msisdn, category="signal")
    assert not_a_leaf.status_code == 422 and "请从列表中选择业务分类。" in not_a_leaf.text
    nobody = _intake(client, csrf, "19999999999")
    assert nobody.status_code == 422 and "没有使用此号码的客户" in nobody.text
    assert _tickets_of(database, customer.id) == 0


def test_a_second_ticket_in_the_same_category_warns_of_a_duplicate(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    csrf = as_user(client, "agent")
    first = _created_id(_intake(client, csrf, customer.msisdn))
    second = _intake(client, csrf, customer.msisdn, title="又来电：信号差")
    page = client.get(second.headers["location"]).text
    assert "可能重复" in page and f'href="/console/tickets/{first}"' in page
    assert "工单" in page and "已创建" in page
    first_page = client.get(f"/console/tickets/{first}?created=1").text
    assert "可能重复" not in first_page  # the earlier ticket is not a duplicate of the later


def test_resolved_on_this_contact_closes_the_ticket_as_first_contact_resolution(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    csrf = as_user(client, "agent")
    missing = _intake(client, csrf, customer.msisdn, then="resolve", resolution="")
    assert missing.status_code == 422 and "请填写此项。" in missing.text
    assert _tickets_of(database, customer.id) == 0  # nothing opened when the close is refused
    assert _contacts_of(database, customer.id) == []
    done = _intake(
        client,
        csrf,
        customer.msisdn,
        then="resolve",
        resolution="已指导客户开启 VoLTE 和 Wi-Fi 通话，信号恢复",
        cause_code="network/coverage/indoor",
    )
    ticket_id = _created_id(done)
    assert done.headers["location"].endswith("&done=resolve")
    with database.unit_of_work() as session:
        ticket = session.get(Ticket, int(ticket_id))
        assert ticket is not None
        assert ticket.status == "closed" and ticket.first_contact_resolved
        assert ticket.cause_code == "network/coverage/indoor"
    page = text_of(client.get(done.headers["location"]).text)
    assert "首次接触解决" in page and "已完成：办结" in page
    (call,) = _contacts_of(database, customer.id)  # the call is on the customer's timeline
    assert call.channel == "hotline" and call.agent == "agent" and ticket.number in call.summary


def test_the_expert_seat_may_open_but_not_resolve_on_first_contact(client: TestClient) -> None:
    as_user(client, "expert")
    form = client.get("/console/tickets/new").text
    assert 'value="create"' in form
    assert 'value="resolve"' not in form and 'value="escalate"' not in form


def test_the_same_form_sent_twice_opens_one_ticket(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    csrf = as_user(client, "agent")
    form = client.get("/console/tickets/new").text
    found = re.search(r'name="intake_key" value="([^"]+)"', form)
    assert found
    first = _intake(client, csrf, customer.msisdn, intake_key=found.group(1), then="escalate")
    again = _intake(client, csrf, customer.msisdn, intake_key=found.group(1), then="escalate")
    assert _created_id(again) == _created_id(first)
    assert _tickets_of(database, customer.id) == 1
    history = desk.get(_created_id(first))["history"]
    assert [h["action"] for h in history] == ["create", "escalate"]
    assert len(_contacts_of(database, customer.id)) == 1
