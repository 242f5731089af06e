"""The care API: subscriptions with confirmations and trials, outages, rules as data,
opt-outs, and delivery status in GET /api/v1/notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from closeloop.auth.models import AuditEntry
from closeloop.care.models import Notification
from closeloop.care.subscriptions import end_trials
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.care.conftest import CareSetup, usage_file
from tests.support import Personas

A, B = "19900000001", "19900000002"


def _notices(client: TestClient, as_user: Personas, **params: Any) -> list[dict[str, Any]]:
    response = client.get(
        "/api/v1/notifications", params=params, headers=as_user.headers("supervisor")
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_subscribe_and_cancel_send_confirmations_with_fee_and_how_to_cancel(
    client: TestClient, as_user: Personas, care: CareSetup, database: Database
) -> None:
    cid = care.ids[A]
    url = f"/api/v1/customers/{cid}/subscriptions"
    created = client.post(url, json={"service": "CRBT"}, headers=as_user.headers("agent"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["service"], body["status"], body["monthly_fee"]) == ("CRBT", "active", "5.00")
    again = client.post(url, json={"service": "CRBT"}, headers=as_user.headers("agent"))
    assert again.status_code == 409
    assert (
        client.post(url, json={"service": "NOPE"}, headers=as_user.headers("agent")).status_code
        == 422
    )
    sid = body["id"]
    cancelled = client.post(f"{url}/{sid}/cancel", json={"reason": "不需要了"},
                            headers=as_user.headers("agent"))  # fmt: skip
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.post(f"{url}/{sid}/cancel", headers=as_user.headers("agent")).status_code == 409
    texts = [n["text"] for n in _notices(client, as_user, msisdn=A, rule="subscription")]
    assert any("已成功订购彩铃" in t and "5.00元/月" in t and "TDCRBT" in t for t in texts)
    assert any("已退订彩铃" in t for t in texts)
    listed = client.get(url, headers=as_user.headers("agent")).json()["items"]
    assert [s["status"] for s in listed] == ["cancelled"]
    assert client.get(url, headers=as_user.headers("editor")).status_code == 403
    with database.unit_of_work(write=False) as session:
        actions = set(session.scalars(select(AuditEntry.action).where(
            AuditEntry.entity_type == "subscription")))  # fmt: skip
    assert actions == {"subscription.create", "subscription.cancel"}


def test_a_trial_that_ends_without_renewal_is_cancelled_with_a_notice(
    client: TestClient, as_user: Personas, care: CareSetup, database: Database, clock: FixedClock
) -> None:
    base = "/api/v1/customers/{}/subscriptions"
    kept = client.post(base.format(care.ids[A]), json={"service": "VIDEO", "trial": True},
                       headers=as_user.headers("agent")).json()  # fmt: skip
    lapsed = client.post(base.format(care.ids[B]), json={"service": "VIDEO", "trial": True},
                         headers=as_user.headers("agent")).json()  # fmt: skip
    assert "前7天免费体验" in _notices(client, as_user, msisdn=A, rule="subscription")[0]["text"]
    renewed = client.post(f"{base.format(care.ids[A])}/{kept['id']}/renew",
                          headers=as_user.headers("agent"))  # fmt: skip
    assert renewed.status_code == 200 and renewed.json()["renewed"] is True
    with database.unit_of_work() as session:
        assert end_trials(session, clock) == 0  # not over yet
    later = FixedClock(clock.now() + timedelta(days=7))  # the daily job, a week on
    with database.unit_of_work() as session:
        assert end_trials(session, later) == 1
    with database.unit_of_work() as session:
        assert end_trials(session, later) == 0
    items = client.get(base.format(care.ids[B]), headers=as_user.headers("agent")).json()["items"]
    assert [(s["id"], s["status"]) for s in items] == [(lapsed["id"], "cancelled")]
    kept_now = client.get(base.format(care.ids[A]), headers=as_user.headers("agent")).json()
    assert kept_now["items"][0]["status"] == "active"
    assert any("免费体验已于" in n["text"] and "自动退订" in n["text"]
               for n in _notices(client, as_user, msisdn=B, rule="subscription"))  # fmt: skip


def _ticket(client: TestClient, as_user: Personas, customer_id: int, cell: str) -> str:
    response = client.post(
        "/api/v1/tickets",
        json={"customer_id": str(customer_id), "channel": "hotline", "type": "fault",
              "category": "signal/5g/no_5g", "severity": "normal", "title": "无信号",
              "description": "家中无5G信号", "location": {"region": "关怀测试县", "cell_id": cell}},
        headers=as_user.headers("agent"),
    )  # fmt: skip
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_an_outage_notifies_its_customers_once_links_tickets_and_notifies_the_close(
    client: TestClient, as_user: Personas, care: CareSetup, database: Database
) -> None:
    with database.unit_of_work() as session:
        session.execute(update(Customer).where(Customer.msisdn.in_([A, B]))
                        .values(region="关怀测试县"))  # fmt: skip
    ticket = _ticket(client, as_user, care.ids["19900000003"], "CELL-77")
    body = {"kind": "cutover", "regions": ["关怀测试县"], "cell_ids": ["CELL-77"],
            "start": "2026-11-24T01:00:00+08:00", "expected_end": "2026-11-24T05:00:00+08:00",
            "description": "核心网设备升级割接"}  # fmt: skip
    assert client.post("/api/v1/care/outages", json=body,
                       headers=as_user.headers("agent")).status_code == 403  # fmt: skip
    created = client.post("/api/v1/care/outages", json=body, headers=as_user.headers("supervisor"))
    assert created.status_code == 201, created.text
    outage = created.json()
    assert outage["notified"] == 3 and outage["ticket_ids"] == [ticket]
    notices = _notices(client, as_user, rule="outage")
    assert sorted(n["msisdn"] for n in notices) == sorted([A, B, "19900000003"])
    assert "【割接通知】" in notices[0]["text"] and "11月24日 01:00" in notices[0]["text"]
    closed = client.post(f"/api/v1/care/outages/{outage['id']}/close",
                         headers=as_user.headers("supervisor"))  # fmt: skip
    assert closed.status_code == 200 and closed.json()["notified_closed"] == 3
    again = client.post(f"/api/v1/care/outages/{outage['id']}/close",
                        headers=as_user.headers("supervisor"))  # fmt: skip
    assert again.status_code == 409
    texts = [n["text"] for n in _notices(client, as_user, rule="outage", msisdn=A)]
    assert len(texts) == 2 and "【恢复通知】" in texts[0]
    seen = client.get("/api/v1/care/outages", headers=as_user.headers("agent")).json()["items"]
    assert seen[0]["status"] == "closed"


def test_rules_are_data_that_supervisors_change(
    client: TestClient, as_user: Personas, care: CareSetup, database: Database, clock: FixedClock,
    tmp_path: Any,
) -> None:  # fmt: skip
    from tests.care.conftest import ingest, keys

    headers = as_user.headers("supervisor")
    assert client.get("/api/v1/care/rules", headers=as_user.headers("agent")).status_code == 403
    bad = client.patch("/api/v1/care/rules/roaming_data", json={"params": {"step_mb": 0}},
                       headers=headers)  # fmt: skip
    assert bad.status_code == 422
    changed = client.patch("/api/v1/care/rules/roaming_data", json={"params": {"step_mb": 50}},
                           headers=headers)  # fmt: skip
    assert changed.status_code == 200 and changed.json()["params"]["step_mb"] == 50
    off = client.patch("/api/v1/care/rules/data_threshold", json={"enabled": False},
                       headers=headers)  # fmt: skip
    assert off.json()["enabled"] is False
    rows = [f"r1,{A},2026-11-02T08:00:00+08:00,data,9000,",
            f"r2,{A},2026-11-02T09:00:00+08:00,data,120,US"]  # fmt: skip
    ingest(database, usage_file(tmp_path, "u.csv", rows), clock)
    got = {(k[1], k[3]) for k in keys(database)}
    assert got == {("roaming_arrival", None), ("roaming_data", 50), ("roaming_data", 100)}


def test_opt_out_and_back_in_through_the_api(
    client: TestClient, as_user: Personas, care: CareSetup
) -> None:
    url = f"/api/v1/customers/{care.ids[A]}/opt-outs"
    assert client.put(f"{url}/usage_summary", headers=as_user.headers("agent")).status_code == 204
    assert client.put(f"{url}/roaming_data", headers=as_user.headers("agent")).status_code == 204
    assert client.get(url, headers=as_user.headers("agent")).json()["rules"] == [
        "roaming_data", "usage_summary",
    ]  # fmt: skip
    assert client.put(f"{url}/subscription", headers=as_user.headers("agent")).status_code == 422
    assert client.delete(f"{url}/roaming_data", headers=as_user.headers("agent")).status_code == 204
    assert client.get(url, headers=as_user.headers("agent")).json()["rules"] == ["usage_summary"]


def test_delivery_status_is_visible_in_the_notification_list(
    client: TestClient, as_user: Personas, care: CareSetup, database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        session.add(Notification(
            customer_id=care.ids[A], msisdn=A, recipient="customer", channel="sms",
            rule="data_threshold", period="2026-11", threshold=80, text="t", status="failed",
            created_at=clock.now(), send_after=clock.now() + timedelta(seconds=60), attempts=2,
            last_error="SMS centre refused: System Error", hold_reason=None,
        ))  # fmt: skip
    [item] = _notices(client, as_user, msisdn=A, status="failed")
    assert (item["status"], item["attempts"], item["threshold"]) == ("failed", 2, 80)
    assert item["last_error"].startswith("SMS centre refused")
    masked = client.get("/api/v1/notifications", params={"msisdn": A, "status": "failed"},
                        headers=as_user.headers("agent")).json()["items"]  # fmt: skip
    assert masked[0]["msisdn"] == "199****0001"
