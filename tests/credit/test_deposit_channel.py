"""Deposit and sales channel (堵 and unit assessment): a customer's deposit at sign-up and the
channel that sold the line come in through the API and the customers import, the deposit moves
the grade at sign-up (rules as data), and the arrears rate is given per sales channel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.credit.policy import DEFAULT, DEFAULT_DOCUMENT, parse
from closeloop.credit.scoring import Features, grade_of, score
from closeloop.customers.importer import import_customers
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from tests.console.helpers import sign_in
from tests.credit.conftest import Ledger
from tests.credit.test_scoring import TODAY, sql_score
from tests.support.factories import Factory
from tests.support.personas import Personas
from tests.support.problems import assert_problem


def _features(deposit: Decimal | None) -> Features:
    joined = date(2026, 11, 1)
    return Features(None, 0, joined, 0, 0, Decimal(0), Decimal(0), 0, deposit)


def test_the_deposit_is_scored_at_sign_up_as_the_policy_says(
    factory: Factory, database: Database
) -> None:
    cases = {Decimal("0"): 0, Decimal("99.99"): 0, Decimal("100"): 20, Decimal("800"): 50}
    for deposit, points in cases.items():
        c = factory.customer(join_date="2026-11-01", deposit=deposit)
        expected, _why = score(_features(deposit), DEFAULT.scoring, TODAY)
        no_deposit, _ = score(_features(None), DEFAULT.scoring, TODAY)
        assert expected - no_deposit == points
        assert sql_score(database, c.id) == (grade_of(DEFAULT, expected), expected)


def test_a_policy_without_deposit_rules_still_parses_and_a_bad_one_names_the_field() -> None:
    scoring = {k: v for k, v in DEFAULT_DOCUMENT["scoring"].items() if k != "deposit"}
    assert parse({**DEFAULT_DOCUMENT, "scoring": scoring}).scoring.deposit == ()
    bad = {**scoring, "deposit": [{"threshold": -1, "points": 5}]}
    try:
        parse({**DEFAULT_DOCUMENT, "scoring": bad})
    except ValueError as problem:
        assert getattr(problem, "loc", None) == ["scoring", "deposit", 0, "threshold"]
    else:  # pragma: no cover - the parse must refuse
        raise AssertionError("a negative deposit threshold was accepted")


def test_api_takes_deposit_and_sales_channel_and_names_a_bad_field(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    body = {"msisdn": factory.msisdn(), "name": "张三", "region": "长沙市",
            "plan_code": factory.plan(), "deposit": "300.00",
            "sales_channel": "代理商"}  # fmt: skip
    made = client.post("/api/v1/customers", json=body, headers=as_user.headers("agent"))
    assert made.status_code == 201, made.text
    assert made.json()["deposit"] == 300.0 and made.json()["sales_channel"] == "代理商"
    got = client.get(f"/api/v1/customers/{made.json()['id']}", headers=as_user.headers("agent"))
    assert got.json()["deposit"] == 300.0
    bad = {**body, "msisdn": factory.msisdn(), "deposit": "-5"}
    problem = assert_problem(
        client.post("/api/v1/customers", json=bad, headers=as_user.headers("agent")), 422
    )
    assert "deposit" in str(problem)


def test_import_reads_the_optional_columns_and_reports_bad_rows_by_line(
    tmp_path: Path, database: Database, factory: Factory
) -> None:
    plan = factory.plan()
    n1, n2, n3 = factory.msisdn(), factory.msisdn(), factory.msisdn()
    path = tmp_path / "c.csv"
    path.write_text(
        "msisdn,name,region,plan_code,join_date,deposit,sales_channel\n"
        f"{n1},甲,长沙市,{plan},2025-01-01,200,营业厅\n"
        f"{n2},乙,长沙市,{plan},2025-01-01,abc,营业厅\n"
        f"{n3},丙,长沙市,{plan},2025-01-01,,\n",
        encoding="utf-8",
    )
    report = import_customers(database, path, SYSTEM)
    assert (report.inserted, report.rejected) == (2, 1)
    assert report.errors[0].line == 3 and "deposit" in report.errors[0].reason
    with database.unit_of_work(write=False) as session:
        rows = dict(
            session.execute(
                select(Customer.msisdn, Customer.deposit).where(Customer.msisdn.in_([n1, n3]))
            ).all()
        )
        channel = session.scalar(select(Customer.sales_channel).where(Customer.msisdn == n1))
    assert rows == {n1: Decimal("200.00"), n3: None} and channel == "营业厅"


def test_arrears_rate_per_sales_channel_in_api_and_console(
    client: TestClient, as_user: Personas, factory: Factory, ledger: Ledger
) -> None:
    agency = [factory.customer(sales_channel="代理商") for _ in range(2)]
    shop = factory.customer(sales_channel="营业厅")
    ledger.bills(
        f"{agency[0].msisdn},2026-09,80.00,0,2026-10-15,",
        f"{shop.msisdn},2026-09,50.00,50.00,2026-10-15,2026-10-10",
    )
    url = "/api/v1/credit/reports/arrears-rate?by=sales_channel"
    assert_problem(client.get(url, headers=as_user.headers("agent")), 403)
    items = client.get(url, headers=as_user.headers("supervisor")).json()["items"]
    rates = {i["group"]: (i["customers"], i["in_arrears"], i["arrears_rate"]) for i in items}
    assert rates["代理商"] == (2, 1, 0.5) and rates["营业厅"] == (1, 0, 0.0)
    ageing = client.get(
        "/api/v1/credit/reports/ageing?by=sales_channel", headers=as_user.headers("supervisor")
    ).json()["items"]
    assert [(i["group"], i["amount"]) for i in ageing] == [("代理商", 80.0)]
    assert_problem(
        client.get(
            "/api/v1/credit/reports/arrears-rate?by=plan", headers=as_user.headers("supervisor")
        ),
        422,
    )
    sign_in(client, "supervisor")
    page = client.get("/console/credit")
    assert "各销售渠道欠费率" in page.text and 'id="by-sales-channel"' in page.text
    english = client.get("/console/credit?lang=en").text
    assert "Arrears rate by sales channel" in english


def test_the_panel_shows_deposit_and_sales_channel(client: TestClient, factory: Factory) -> None:
    c = factory.customer(deposit=Decimal("150"), sales_channel="网上营业厅")
    ticket = factory.ticket(customer=c)
    sign_in(client, "agent")
    html = client.get(f"/console/tickets/{ticket.id}").text
    assert "押金" in html and "150.00" in html and "网上营业厅" in html
