"""Value in the console: the customer panel's value section (tier badge, RFM, CLV, lifecycle
stage with its strategy, churn risk in words) and the VIP badge in queue rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient

from closeloop.customers.tiers import set_value_tiers
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import FixedClock
from closeloop.value.models import CustomerValue
from tests.console.helpers import sign_in
from tests.support.factories import Factory

AT = datetime(2026, 11, 2, tzinfo=UTC)


def give_value(database: Database, clock: FixedClock, customer_id: str, stage: str) -> None:
    """A value picture as the nightly recompute leaves it, and the tier on the customer."""
    with database.unit_of_work() as session:
        set_value_tiers(session, SYSTEM, {int(customer_id): "diamond"}, clock=clock)
        session.add(
            CustomerValue(
                customer_id=int(customer_id), segment="diamond", groups="late_payer",
                r=5, f=4, m=5, monthly_spend=Decimal("320.50"), clv=Decimal("4821.00"),
                lifecycle_stage=stage, churn_risk=0.62,
                churn_factors=[
                    {"feature": "complaints_90d", "value": "3", "weight": 0.9},
                    {"feature": "tenure_months", "value": "40", "weight": -0.4},
                ],
                expected_value=Decimal("900.00"), computed_at=AT,
            )
        )  # fmt: skip


def test_the_customer_panel_shows_value_in_chinese_and_english(
    client: TestClient, factory: Factory, database: Database, clock: FixedClock
) -> None:
    c = factory.customer()
    give_value(database, clock, c.id, "decline")
    ticket = factory.ticket(customer=c)
    sign_in(client, "agent")
    html = client.get(f"/console/tickets/{ticket.id}").text
    assert "价值与保有" in html and "tier-diamond" in html and "钻石" in html
    assert "R 5 · F 4 · M 5" in html and "4821.00" in html
    assert "衰退期" in html and "保留：" in html  # the seed's strategy for decline
    assert "62 %" in html and "近90天投诉: 3" in html and "缴费拖延" in html
    english = client.get(f"/console/tickets/{ticket.id}?lang=en").text
    assert "Value and retention" in english and "Diamond" in english
    assert "Decline" in english and "Retain:" in english
    assert "Complaints in 90 days: 3" in english


def test_a_customer_without_a_value_picture_shows_no_value_section(
    client: TestClient, factory: Factory
) -> None:
    ticket = factory.ticket()
    sign_in(client, "agent")
    html = client.get(f"/console/tickets/{ticket.id}").text
    assert "价值与保有" not in html and "tier-" not in html


def test_queue_rows_carry_the_vip_badge(
    client: TestClient, factory: Factory, database: Database, clock: FixedClock
) -> None:
    vip = factory.customer()
    give_value(database, clock, vip.id, "stable")
    factory.ticket("expert", customer=vip, title="钻石客户的工单")
    sign_in(client, "expert")
    html = client.get("/console").text
    row = html[html.index("钻石客户的工单") - 600 : html.index("钻石客户的工单")]
    assert "tier-diamond" in row
