"""Credit API (CONTRACT §11): a customer's credit, the policy (GET/PUT), disputes, reports."""

from __future__ import annotations

from fastapi.testclient import TestClient

from closeloop.credit.policy import DEFAULT_DOCUMENT
from tests.credit.conftest import Ledger
from tests.support.factories import Factory
from tests.support.personas import Personas
from tests.support.problems import assert_problem

CREDIT_FIELDS = {
    "grade", "score", "credit_limit", "arrears", "oldest_unpaid_days", "step", "line_status",
}  # fmt: skip


def test_customer_credit_has_the_contract_fields(
    client: TestClient, as_user: Personas, factory: Factory, ledger: Ledger
) -> None:
    c = factory.customer()
    ledger.bills(
        f"{c.msisdn},2026-09,40.00,10.00,2026-10-15,", f"{c.msisdn},2026-11,30.00,0,2026-12-15,"
    )
    ledger.run("2026-11-16")
    response = client.get(f"/api/v1/customers/{c.id}/credit", headers=as_user.headers("agent"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) >= CREDIT_FIELDS
    # the test clock stands at 2026-11-23: September's bill is 39 days late, November's not due
    assert body["arrears"] == 30.0 and body["oldest_unpaid_days"] == 39
    # run on 2026-11-16, 32 days after September's due date: grade D is restricted at 20
    assert (body["grade"], body["step"], body["line_status"]) == ("D", 3, "restricted")
    assert body["next_step"] == {"step": 5, "action": "suspend", "on": "2026-12-04"}
    assert isinstance(body["score"], int) and body["credit_limit"] == 50.0


def test_customer_credit_permissions(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    c = factory.customer()
    url = f"/api/v1/customers/{c.id}/credit"
    assert_problem(client.get(url), 401)
    assert_problem(client.get(url, headers=as_user.headers("editor")), 403)
    assert_problem(
        client.get("/api/v1/customers/999999/credit", headers=as_user.headers("agent")), 404
    )
    assert client.get(url, headers=as_user.headers("supervisor")).status_code == 200


def test_policy_reads_and_changes_with_versions(client: TestClient, as_user: Personas) -> None:
    agent, supervisor = as_user.headers("agent"), as_user.headers("supervisor")
    got = client.get("/api/v1/credit/policy", headers=agent).json()
    assert got["steps"] == DEFAULT_DOCUMENT["steps"]
    assert {"step", "after_days", "action", "grades"} == set(got["steps"][0])
    steps = [
        {"step": 1, "after_days": 3, "action": "remind", "grades": []},
        {"step": 2, "after_days": 30, "action": "suspend", "grades": ["D"]},
    ]
    assert_problem(client.put("/api/v1/credit/policy", json={"steps": steps}, headers=agent), 403)
    put = client.put("/api/v1/credit/policy", json={"steps": steps}, headers=supervisor)
    assert put.status_code == 200, put.text
    again = client.get("/api/v1/credit/policy", headers=agent).json()
    assert again["steps"] == steps and again["grades"] == DEFAULT_DOCUMENT["grades"]


def test_a_bad_policy_is_422_naming_the_field(client: TestClient, as_user: Personas) -> None:
    supervisor = as_user.headers("supervisor")
    cases = [
        ({"steps": [{"step": 1, "after_days": 3, "action": "sing", "grades": []}]},
         ["body", "steps", 0, "action"]),
        ({"steps": [{"step": 1, "after_days": -1, "action": "remind", "grades": []}]},
         ["body", "steps", 0, "after_days"]),
        ({"steps": [{"step": 1, "after_days": 1, "action": "remind", "grades": ["Z"]}]},
         ["body", "steps", 0, "grades", 0]),
        ({"partial_payment": "maybe"}, ["body", "partial_payment"]),
        ({"colour": "red"}, ["body", "colour"]),
    ]  # fmt: skip
    for body, loc in cases:
        response = client.put("/api/v1/credit/policy", json=body, headers=supervisor)
        problem = assert_problem(response, 422)
        assert problem["errors"][0]["loc"] == loc, problem


def test_dispute_opens_a_billing_ticket_once(
    client: TestClient, as_user: Personas, factory: Factory, ledger: Ledger
) -> None:
    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-15,")
    url = f"/api/v1/customers/{c.id}/credit/disputes"
    agent = as_user.headers("agent")
    made = client.post(url, json={"period": "2026-10", "reason": "未使用"}, headers=agent)
    assert made.status_code == 201, made.text
    ticket = client.get(f"/api/v1/tickets/{made.json()['ticket_id']}", headers=agent).json()
    assert (ticket["station"], ticket["type"], ticket["status"]) == (
        "billing", "complaint", "dispatched",
    )  # fmt: skip
    assert_problem(client.post(url, json={"period": "2026-10", "reason": "x"}, headers=agent), 409)
    bad = client.post(url, json={"period": "2026-09", "reason": "x"}, headers=agent)
    assert assert_problem(bad, 422)["errors"][0]["loc"] == ["body", "period"]
    credit = client.get(f"/api/v1/customers/{c.id}/credit", headers=agent).json()
    assert credit["disputed_periods"] == ["2026-10"]


def test_reports(client: TestClient, as_user: Personas, factory: Factory, ledger: Ledger) -> None:
    a = factory.customer(region="株洲市", segment="vip")
    b = factory.customer(region="株洲市")
    ledger.bills(
        f"{a.msisdn},2026-06,100.00,0,2026-07-15,",  # 131 days late at the test clock
        f"{a.msisdn},2026-10,20.00,0,2026-11-15,",  # 8 days late
        f"{b.msisdn},2026-10,30.00,30.00,2026-11-15,2026-11-10",
    )
    ledger.run("2026-11-23")
    supervisor = as_user.headers("supervisor")
    assert_problem(
        client.get("/api/v1/credit/reports/ageing", headers=as_user.headers("agent")), 403
    )
    ageing = client.get("/api/v1/credit/reports/ageing?by=region", headers=supervisor).json()
    mine = {i["bucket"]: i["amount"] for i in ageing["items"] if i["group"] == "株洲市"}
    assert mine == {"0-30": 20.0, ">90": 100.0}
    rate = client.get("/api/v1/credit/reports/arrears-rate?by=region", headers=supervisor).json()
    zhuzhou = next(i for i in rate["items"] if i["group"] == "株洲市")
    assert zhuzhou["in_arrears"] >= 1 and zhuzhou["long_arrears"] >= 1
    offs = client.get("/api/v1/credit/reports/write-offs?after_days=120", headers=supervisor)
    assert any(i["region"] == "株洲市" and i["amount"] == 100.0 for i in offs.json()["items"])
    recovery = client.get("/api/v1/credit/reports/recovery", headers=supervisor).json()
    assert any(i["action"] == "legal" and i["taken"] >= 1 for i in recovery["items"])
    trend = client.get("/api/v1/credit/reports/trend?months=3", headers=supervisor).json()
    assert [i["month"] for i in trend["items"]] == ["2026-09", "2026-10", "2026-11"]
