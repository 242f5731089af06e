"""Following one's tickets by number plus an SMS code (`/track`): the whole flow, a wrong code,
a code used twice, an expired code, the limits, and a stranger's number answered like a
customer's."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from closeloop.care.models import Notification
from closeloop.channels.models import ChannelHit
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tickets.tracking import tracking_token
from tests.support import Factory
from tests.support.sms_codes import sent_code

STRANGER = "13900000077"
KEY = "closeloop-dev-secret-change-me"


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no {name} in the page"
    return found.group(1)


def _ask(client: TestClient, msisdn: str) -> httpx.Response:
    form = client.get("/track")
    assert form.status_code == 200
    return client.post(
        "/track/code", data={"msisdn": msisdn, "csrf_token": _field(form.text, "csrf_token")}
    )


def _confirm(client: TestClient, asked: httpx.Response, code: str) -> httpx.Response:
    return client.post(
        "/track/confirm",
        data={
            "asked": _field(asked.text, "asked"),
            "code": code,
            "csrf_token": _field(asked.text, "csrf_token"),
        },
        follow_redirects=False,
    )


def _codes_sent(database: Database, msisdn: str) -> int:
    with database.unit_of_work(write=False) as session:
        return int(
            session.scalar(
                select(func.count()).where(
                    Notification.msisdn == msisdn, Notification.rule == "verification_code"
                )
            )
            or 0
        )


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_customer_sees_all_their_open_and_recent_tickets(
    client: TestClient, factory: Factory, database: Database
) -> None:
    customer = factory.customer(name="王晓明")
    working = factory.ticket("in_progress", customer=customer)
    finished = factory.ticket("closed", customer=customer)
    someone_elses = factory.ticket("in_progress")

    asked = _ask(client, customer.msisdn)
    assert asked.status_code == 200
    assert customer.msisdn not in re.sub(r'value="[^"]*"', "", asked.text)  # shown masked
    signed = _confirm(client, asked, sent_code(database, customer.msisdn))
    assert signed.status_code == 303 and signed.headers["location"] == "/track"
    cookie = signed.headers["set-cookie"]
    assert "closeloop_track=" in cookie and "HttpOnly" in cookie and "Max-Age=1800" in cookie
    assert "samesite=lax" in cookie.lower()

    page = client.get("/track")

    html = page.text
    assert page.status_code == 200
    assert working.number in html and finished.number in html
    assert someone_elses.number not in html
    assert "专业部门正在处理" in html and "已办结" in html and "tracking-promise" in html
    assert f"/t/{tracking_token(int(working.id), KEY)}" in html
    assert customer.msisdn not in html and "王晓明" not in html
    assert f"{customer.msisdn[:3]}****{customer.msisdn[-4:]}" in html
    assert "The team is working on it" in client.get("/track?lang=en").text


def test_a_wrong_code_is_refused_and_a_code_works_once(
    client: TestClient, factory: Factory, database: Database
) -> None:
    customer = factory.customer()
    factory.ticket("dispatched", customer=customer)
    asked = _ask(client, customer.msisdn)
    code = sent_code(database, customer.msisdn)

    wrong = _confirm(client, asked, _wrong(code))
    assert wrong.status_code == 422 and "验证码不正确" in wrong.text
    assert "closeloop_track" not in wrong.headers.get("set-cookie", "")
    assert _confirm(client, asked, "12ab").status_code == 422  # not six digits
    assert _confirm(client, asked, code).status_code == 303

    client.cookies.delete("closeloop_track")
    again = _confirm(client, asked, code)
    assert again.status_code == 422 and "closeloop_track" not in again.headers.get("set-cookie", "")
    assert "tracking-stage" not in client.get("/track").text


def test_an_old_code_has_expired_and_a_forged_step_is_refused(
    client: TestClient, factory: Factory, database: Database, clock: FixedClock
) -> None:
    customer = factory.customer()
    asked = _ask(client, customer.msisdn)
    code = sent_code(database, customer.msisdn)
    clock.advance(timedelta(minutes=11))

    late = _confirm(client, asked, code)
    assert late.status_code == 422 and "验证码已过期" in late.text

    forged = client.post(
        "/track/confirm",
        data={"asked": f"{customer.msisdn}.1.abc", "code": code,
              "csrf_token": _field(asked.text, "csrf_token")},
    )  # fmt: skip
    assert forged.status_code == 422 and "请先获取验证码" in forged.text
    no_token = client.post("/track/code", data={"msisdn": customer.msisdn})
    assert no_token.status_code == 403


def test_a_strangers_number_is_answered_like_a_customers(
    client: TestClient, factory: Factory, database: Database, clock: FixedClock
) -> None:
    customer = factory.customer()
    theirs, strangers = _ask(client, customer.msisdn), _ask(client, STRANGER)

    def shown(response: httpx.Response, number: str) -> str:
        text = re.sub(r'value="[^"]*"', "", response.text)
        return text.replace(f"{number[:3]}****{number[-4:]}", "NUMBER")

    assert strangers.status_code == theirs.status_code == 200
    assert shown(strangers, STRANGER) == shown(theirs, customer.msisdn)
    assert _codes_sent(database, STRANGER) == 0
    assert _confirm(client, strangers, "123456").status_code == 422
    # both are held to one code a minute
    assert _ask(client, customer.msisdn).status_code == _ask(client, STRANGER).status_code == 429


def test_asking_too_often_gets_a_page_with_the_wait(
    client: TestClient, factory: Factory, database: Database, clock: FixedClock
) -> None:
    customer = factory.customer()
    assert _ask(client, customer.msisdn).status_code == 200

    busy = _ask(client, customer.msisdn)

    assert busy.status_code == 429 and busy.headers["retry-after"] == "60"
    assert "请求过于频繁" in busy.text and "60 秒" in busy.text
    english = client.post(
        "/track/code?lang=en",
        data={
            "msisdn": customer.msisdn,
            "csrf_token": _field(client.get("/track").text, "csrf_token"),
        },
    )
    assert english.status_code == 429 and "Please try again in" in english.text
    client.cookies.delete("closeloop_lang")
    for _ in range(4):
        clock.advance(timedelta(minutes=2))
        assert _ask(client, customer.msisdn).status_code == 200
    clock.advance(timedelta(minutes=2))
    hourly = _ask(client, customer.msisdn)
    assert hourly.status_code == 429 and "分钟" in hourly.text
    assert _codes_sent(database, customer.msisdn) == 5
    with database.unit_of_work(write=False) as session:
        counted = session.scalars(select(ChannelHit.subject)).all()
    assert counted and not any(customer.msisdn in subject for subject in counted)


def test_the_pass_is_sent_only_over_https_behind_an_https_proxy(
    client: TestClient, factory: Factory, database: Database
) -> None:
    customer = factory.customer()
    asked = _ask(client, customer.msisdn)
    signed = client.post(
        "/track/confirm",
        data={
            "asked": _field(asked.text, "asked"),
            "code": sent_code(database, customer.msisdn),
            "csrf_token": _field(asked.text, "csrf_token"),
        },
        headers={"x-forwarded-proto": "https"},
        follow_redirects=False,
    )
    assert signed.status_code == 303 and "Secure" in signed.headers["set-cookie"]
    forgotten = client.post(
        "/track/forget",
        data={"csrf_token": _field(asked.text, "csrf_token")},
        follow_redirects=False,
    )
    assert forgotten.status_code == 303 and 'closeloop_track=""' in forgotten.headers["set-cookie"]


def test_a_bad_number_is_named(client: TestClient, factory: Factory) -> None:
    refused = _ask(client, "1234")
    assert refused.status_code == 422 and "11 位手机号码" in refused.text
    # the language link of an answered form leads back to the start
    switched = client.get("/track/code?lang=en", follow_redirects=False)
    assert switched.status_code == 303 and switched.headers["location"] == "/track?lang=en"


def test_one_address_asking_for_many_numbers_is_slowed(
    client: TestClient, factory: Factory, database: Database
) -> None:
    answers = [_ask(client, f"1390000{n:04d}").status_code for n in range(11)]
    assert answers == [200] * 10 + [429]
