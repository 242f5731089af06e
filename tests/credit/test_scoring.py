"""Grades at sign-up and over time: the set-based SQL agrees with the pure rules on identity
(missing ID, minors by their ID's birth date, many lines on one ID), tenure, payments, spend."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from closeloop.credit.policy import DEFAULT
from closeloop.credit.scoring import Features, adult_cutoff, grade_of, months_before, score
from closeloop.credit.service import credit_of
from closeloop.customers.models import Customer
from closeloop.customers.rules import id_check_digit
from closeloop.db.engine import Database
from tests.credit.conftest import Ledger
from tests.support.factories import Factory

TODAY = date(2026, 11, 23)


def id_number(birth: str, serial: str = "123") -> str:
    first17 = f"430102{birth}{serial}"
    return first17 + id_check_digit(first17)


def sql_score(database: Database, customer_id: str) -> tuple[str, int]:
    with database.unit_of_work(write=False) as session:
        customer = session.get(Customer, int(customer_id))
        assert customer is not None
        credit = credit_of(session, customer)
    return credit.grade, credit.score


def features(id_no: str | None, lines: int, joined: date) -> Features:
    return Features(id_no, lines, joined, 0, 0, Decimal(0), Decimal(0), 0)


def test_identity_rules_at_sign_up(factory: Factory, database: Database) -> None:
    adult = factory.customer(id_number=id_number("19800101"), join_date="2026-11-01")
    minor = factory.customer(id_number=id_number("20120101"), join_date="2026-11-01")
    shared = id_number("19900101", "555")
    many = [factory.customer(id_number=shared, join_date="2026-11-01") for _ in range(6)]
    expected = {
        adult.id: score(features(id_number("19800101"), 1, date(2026, 11, 1)), DEFAULT.scoring,
                        TODAY)[0],
        minor.id: score(features(id_number("20120101"), 1, date(2026, 11, 1)), DEFAULT.scoring,
                        TODAY)[0],
        many[0].id: score(features(shared, 6, date(2026, 11, 1)), DEFAULT.scoring, TODAY)[0],
    }  # fmt: skip
    assert expected[adult.id] == 600
    assert expected[minor.id] == 600 + DEFAULT.scoring.minor
    assert expected[many[0].id] == 600 + DEFAULT.scoring.duplicate_id
    for customer_id, points in expected.items():
        assert sql_score(database, customer_id) == (grade_of(DEFAULT, points), points)


def test_history_moves_the_grade_and_the_timeline_says_why(
    factory: Factory, database: Database, ledger: Ledger, as_user: object
) -> None:
    from tests.support.personas import Personas

    assert isinstance(as_user, Personas)
    c = factory.customer(id_number=id_number("19800101", "777"), join_date="2020-01-01")
    ledger.run("2026-11-20")
    assert ledger.profile(c.id)[2] == "B"  # 600 + 100 tenure
    rows = [
        f"{c.msisdn},2026-{m:02d},350.00,350.00,2026-{m + 1:02d}-15,2026-{m + 1:02d}-01"
        for m in range(1, 10)
    ]
    ledger.bills(*rows)
    ledger.run("2026-11-21")  # + on time 150 + spend 50 = 900
    assert ledger.profile(c.id)[2] == "A"
    timeline = as_user.client.get(
        f"/api/v1/customers/{c.id}/timeline", headers=as_user.headers("supervisor")
    ).json()["items"]
    titles = [e["title"] for e in timeline if e["kind"] == "credit"]
    assert titles[0] == "信用等级 B → A（评分 900）" and titles[1].startswith("初始信用等级 B")


def test_months_before_and_adult_cutoff() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
    assert adult_cutoff(date(2026, 11, 23)) == "20081123"
