"""One-time SMS codes: the code goes out by SMS at once (its digits hidden from staff), a right
code is accepted once, wrong tries and age spend it, and requests are spaced and counted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.care.models import Notification
from closeloop.customers.models import Customer, VerificationCode
from closeloop.customers.verification import confirm_code, request_code
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import TooManyRequests
from tests.support import Personas
from tests.support.sms_codes import sent_code

PURPOSE = "bot"


def _number(database: Database) -> str:
    with database.unit_of_work() as session:
        return session.scalars(select(Customer.msisdn).order_by(Customer.id).limit(1)).one()


def _request(database: Database, msisdn: str, clock: FixedClock) -> bool:
    with database.unit_of_work() as session:
        return request_code(session, msisdn, PURPOSE, now=clock.now())


def _confirm(database: Database, msisdn: str, code: str, clock: FixedClock) -> bool:
    with database.unit_of_work() as session:
        return confirm_code(session, msisdn, PURPOSE, code, now=clock.now())


def test_a_code_is_sent_by_sms_at_once_and_accepted_once(
    client: TestClient, database: Database, clock: FixedClock, as_user: Personas
) -> None:
    msisdn = _number(database)
    assert _request(database, msisdn, clock)
    with database.unit_of_work() as session:
        sms = session.scalars(
            select(Notification).where(Notification.rule == "verification_code")
        ).one()
        assert sms.status == "pending" and sms.send_after == clock.now()
        stored = session.scalars(select(VerificationCode.code_hash)).one()
    code = sent_code(database, msisdn)
    assert code not in stored  # only a keyed hash is kept
    assert _confirm(database, msisdn, code, clock)
    assert not _confirm(database, msisdn, code, clock)  # used up
    shown = client.get(
        "/api/v1/notifications",
        params={"msisdn": msisdn, "rule": "verification_code"},
        headers=as_user.headers("supervisor"),
    ).json()["items"][0]["text"]
    assert code not in shown and "******" in shown
    with database.unit_of_work() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"verification.send", "verification.confirm"} <= actions


def test_wrong_tries_and_age_spend_a_code(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    msisdn = _number(database)
    _request(database, msisdn, clock)
    code = sent_code(database, msisdn)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert [_confirm(database, msisdn, wrong, clock) for _ in range(5)] == [False] * 5
    assert not _confirm(database, msisdn, code, clock)  # five wrong tries spent it
    clock.advance(timedelta(minutes=2))
    _request(database, msisdn, clock)
    fresh = sent_code(database, msisdn)
    clock.advance(timedelta(minutes=11))
    assert not _confirm(database, msisdn, fresh, clock)  # expired after ten minutes


def test_requests_are_spaced_and_counted_and_strangers_get_nothing(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    msisdn = _number(database)
    assert _request(database, msisdn, clock)
    with pytest.raises(TooManyRequests):
        _request(database, msisdn, clock)
    for _ in range(4):
        clock.advance(timedelta(minutes=2))
        _request(database, msisdn, clock)
    clock.advance(timedelta(minutes=2))
    with pytest.raises(TooManyRequests):
        _request(database, msisdn, clock)  # the sixth within the hour
    assert not _request(database, "13900000000", clock)
    with database.unit_of_work() as session:
        strangers = session.scalars(
            select(Notification).where(Notification.msisdn == "13900000000")
        ).all()
    assert strangers == []
