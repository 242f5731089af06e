"""The ticket page: what it shows, which actions each user gets, forms that work end to end,
stale and refused forms, "use this answer", and tickets a station may not see."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.care.models import UsageMonth
from closeloop.console import i18n, labels
from closeloop.customers.models import Contact, Plan
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kit.masking import mask_msisdn
from closeloop.knowledge.models import ArticleUsage
from tests.console.ticket_helpers import act, action_form, action_forms, as_user, text_of
from tests.tickets.helpers import CATEGORY, CAUSE, Desk

zh = i18n.translations("zh-CN").gettext


def _page(client: TestClient, ticket_id: str) -> str:
    response = client.get(f"/console/tickets/{ticket_id}")
    assert response.status_code == 200, response.text
    return str(response.text)


def test_the_page_shows_the_ticket_timeline_customer_and_suggestions(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    ticket = desk.walk("in_progress", customer_id=str(customer.id))
    with database.unit_of_work() as session:
        plan = session.get(Plan, customer.plan_id)
        assert plan is not None
        allowance = plan.data_mb
        session.add(
            UsageMonth(
                customer_id=customer.id,
                period="2026-11",
                home_data_milli=(allowance + 100) * 1000,
                roaming_data_milli=0,
                voice_milli=30_000,
                sms_count=12,
                records=3,
                last_event_at=clock.now(),
                last_country="",
            )
        )
        session.add(
            Contact(
                customer_id=customer.id,
                at=clock.now() - timedelta(days=2),
                channel="hotline",
                agent="agent",
                summary="客户来电反映家中信号差",
            )
        )
    as_user(client, "agent")
    page = _page(client, ticket["id"])
    text = text_of(page)
    assert ticket["number"] in text and "家里手机信号很差" in text
    assert f"热线 · {ticket['title']}" in text and "hotline ·" not in text  # channel by name
    assert zh("In progress") in text and "无线中心" in text
    assert "信号" in text and " › " in text  # the category's three levels by name
    for action in ("escalate", "dispatch", "accept"):
        assert zh(labels.ACTIONS[action]) in text
    assert "一线坐席 李娜" in text and "专家坐席 陈刚" in text and "无线中心值班员" in text
    assert 'class="deadline' in page and "data-due=" in page  # the station's deadline ticks
    # the customer panel: masked number, usage against the plan, contacts, notices
    assert mask_msisdn(customer.msisdn) in text and customer.msisdn not in page
    assert customer.name in text
    assert f"{allowance + 100} / {allowance} MB" in text and "已超出套餐" in text
    assert "30 / " in text and "12 / " in text
    assert "客户来电反映家中信号差" in text
    assert f"您的工单{ticket['number']}" in text  # the progress notice sent on dispatch
    # knowledge suggestions, each with a "use this answer" button for the front line
    assert "知识推荐" in text and "使用此答案" in text


def test_a_supervisor_sees_the_number_and_the_read_is_audited(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    ticket = desk.create(customer_id=str(customer.id))
    as_user(client, "supervisor")
    assert customer.msisdn in _page(client, ticket["id"])
    with database.unit_of_work() as session:
        reads = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "customer.read_personal",
                AuditEntry.entity_id == str(customer.id),
                AuditEntry.actor == "supervisor",
            )
        ).all()
    assert len(reads) == 1


def test_only_the_actions_the_user_may_take_now_are_offered(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    new = desk.create()
    working = desk.walk("in_progress", via_other=True)  # at wireless, after field
    as_user(client, "agent")
    assert action_forms(_page(client, new["id"])) == {"resolve", "escalate", "cancel"}
    assert action_forms(_page(client, working["id"])) == set()
    as_user(client, "expert")
    assert action_forms(_page(client, new["id"])) == {"dispatch", "cancel"}
    as_user(client, "wireless")
    page = _page(client, working["id"])
    assert action_forms(page) == {"dispatch", "return", "hold", "reply"}
    assert "使用此答案" not in page  # stations may read suggestions, not record their use
    as_user(client, "field")  # saw the ticket before: may read it, may not act
    page = _page(client, working["id"])
    assert action_forms(page) == set() and "此工单当前没有需要您处理的操作" in page


def test_another_stations_ticket_is_refused(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    dispatched = desk.walk("dispatched")  # at wireless
    as_user(client, "wireless")
    own = _page(client, dispatched["id"])
    as_user(client, "netops")
    page = client.get(f"/console/tickets/{dispatched['id']}")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert dispatched["number"] not in page.text
    attempt = act(client, dispatched["id"], "accept", own)
    assert attempt.status_code in (403, 404)
    assert desk.get(dispatched["id"])["status"] == "dispatched"


def test_a_ticket_goes_round_the_loop_through_the_console(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    csrf = as_user(client, "agent")
    created = client.post(
        "/console/tickets",
        data={
            "csrf_token": csrf,
            "msisdn": customer.msisdn,
            "channel": "hotline",
            "type": "fault",
            "category": CATEGORY,
            "severity": "high",
            "title": "室内信号差",
            "description": "客户家中卧室几乎没有信号。",
            "note": "已按知识库指导重启，仍无改善",
            "then": "escalate",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    match = re.fullmatch(
        r"/console/tickets/(\d+)\?created=1&done=escalate", created.headers["location"]
    )
    assert match
    ticket_id = match.group(1)
    page = client.get(created.headers["location"]).text
    assert "已完成：升级至专家席" in page and zh("At expert seat") in page

    as_user(client, "expert")
    done = act(client, ticket_id, "dispatch", station="wireless", note="请核查室内覆盖")
    assert done.status_code == 303 and done.headers["location"].endswith("?done=dispatch")
    as_user(client, "wireless")
    assert act(client, ticket_id, "accept").status_code == 303
    reply = act(client, ticket_id, "reply", cause_code=CAUSE, resolution="已调整天线下倾角")
    assert reply.status_code == 303
    as_user(client, "callback")
    page = _page(client, ticket_id)
    assert action_forms(page) == {"callback"}
    closed = act(client, ticket_id, "callback", page, satisfaction="satisfied", score="5")
    assert closed.status_code == 303

    final = desk.get(ticket_id)
    assert final["status"] == "closed" and final["satisfaction"] == "satisfied"
    assert final["score"] == 5 and final["station"] == "wireless"
    steps = [(h["action"], h["actor"]) for h in final["history"]]
    assert steps == [
        ("create", "agent"),
        ("escalate", "agent"),
        ("dispatch", "expert"),
        ("accept", "wireless"),
        ("reply", "wireless"),
        ("callback", "callback"),
    ]
    assert final["history"][1]["note"] == "已按知识库指导重启，仍无改善"
    text = text_of(_page(client, ticket_id))
    assert zh("Closed") in text and "已调整天线下倾角" in text and "弱覆盖区域" in text


def test_a_callback_not_reached_keeps_the_ticket_replied(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    ticket = desk.walk("replied")
    as_user(client, "callback")
    assert act(client, ticket["id"], "callback", reached="no").status_code == 303
    after = desk.get(ticket["id"])
    assert after["status"] == "replied" and after["history"][-1]["action"] == "callback"


def test_a_stale_form_says_what_changed(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    ticket = desk.walk("expert")
    as_user(client, "expert")
    opened = _page(client, ticket["id"])  # the expert opens the form …
    desk.do(ticket["id"], "dispatch", "supervisor", station="billing")  # … the supervisor is first
    response = act(client, ticket["id"], "dispatch", opened, station="wireless", note="请处理")
    assert response.status_code == 409
    text = text_of(response.text)
    assert "其他人已先处理了此工单" in text
    assert "当前状态为“已派发”" in text
    stale = re.search(r'class="stale".*?</section>', response.text, re.S)
    assert stale
    changed = text_of(stale.group(0))
    assert "值班长 周敏" in changed and "派发至工位" in changed and "计费账务中心" in changed
    assert "升级至专家席" not in changed  # only what happened after the form was shown
    assert desk.get(ticket["id"])["station"] == "billing"


def test_a_refused_form_keeps_what_was_typed(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    ticket = desk.walk("in_progress")
    as_user(client, "wireless")
    response = act(client, ticket["id"], "reply", cause_code="", resolution="已调整天线下倾角")
    assert response.status_code == 422
    form = action_form(response.text, "reply")
    assert "请从列表中选择故障原因。" in form and "已调整天线下倾角</textarea>" in form
    not_a_leaf = act(client, ticket["id"], "reply", cause_code="network", resolution="已处理")
    assert not_a_leaf.status_code == 422
    assert "请从列表中选择故障原因。" in action_form(not_a_leaf.text, "reply")
    no_reason = act(client, ticket["id"], "hold", reason="  ")
    assert no_reason.status_code == 422
    assert "请填写此项。" in action_form(no_reason.text, "hold")
    after = desk.get(ticket["id"])
    assert after["status"] == "in_progress" and after["version"] == ticket["version"]


def test_use_this_answer_is_recorded_and_shows_the_answer(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    ticket = desk.create()
    csrf = as_user(client, "agent")
    page = _page(client, ticket["id"])
    found = re.search(rf'action="/console/tickets/{ticket["id"]}/use/(\d+)"', page)
    assert found
    article = found.group(1)
    used = client.post(found.group(0)[8:-1], data={"csrf_token": csrf}, follow_redirects=False)
    assert used.status_code == 303 and f"used={article}" in used.headers["location"]
    shown = client.get(used.headers["location"]).text
    assert "已使用答案" in shown
    assert re.search(rf'id="kb-{article}">\s*<details open>', shown)
    resolve = action_form(shown, "resolve")
    assert re.search(r'name="resolution"[^>]*>[^<]+</textarea>', resolve)  # answer filled in
    with database.unit_of_work() as session:
        uses = session.scalars(
            select(ArticleUsage).where(
                ArticleUsage.kind == "used", ArticleUsage.ticket_id == int(ticket["id"])
            )
        ).all()
    assert [(u.article_id, u.actor) for u in uses] == [(int(article), "agent")]
