"""Value in the console: the customer panel's value section (tier badge, RFM, CLV, lifecycle
stage with its strategy, churn risk in words) and the VIP badge in queue rows."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.customers.tiers import set_value_tiers
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import FixedClock
from closeloop.value import reports
from closeloop.value.models import CustomerValue, RetentionTask, StageMonth
from tests.console.helpers import csrf_of, sign_in
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


def stage_history(database: Database, factory: Factory) -> list[str]:
    """Three customers over two months: one stays stable, one declines, one churns."""
    made = [factory.customer().id for _ in range(3)]
    with database.unit_of_work() as session:
        for i, (before, after, risk) in enumerate(
            (("stable", "stable", 0.05), ("stable", "decline", 0.45), ("decline", "churned", 1.0))
        ):
            customer_id = int(made[i])
            session.add_all([
                StageMonth(customer_id=customer_id, period="2026-09", stage=before),
                StageMonth(customer_id=customer_id, period="2026-10", stage=after),
            ])  # fmt: skip
            session.add(
                CustomerValue(
                    customer_id=customer_id, segment=("gold", "silver", "regular")[i], groups="",
                    r=3, f=3, m=3, monthly_spend=Decimal("100"), clv=Decimal("1000"),
                    lifecycle_stage=after, churn_risk=risk,
                    churn_factors=[{"feature": "late_bills", "value": "2", "weight": 0.5}],
                    expected_value=Decimal(str(round(risk * 1000 * 0.3, 2))), computed_at=AT,
                )
            )  # fmt: skip
    return made


def test_reports_count_segments_flows_and_risk_bands(database: Database, factory: Factory) -> None:
    stage_history(database, factory)
    with database.unit_of_work(write=False) as session:
        sizes = {s.tier: s.customers for s in reports.segment_sizes(session)}
        assert sizes["gold"] == 1 and sizes["silver"] == 1 and sizes["diamond"] == 0
        periods = reports.stage_periods(session, 6)
        assert periods == ["2026-09", "2026-10"]
        moves = {(f.from_stage, f.to_stage): f.customers for f in reports.flows(session, periods)}
        assert moves == {("stable", "stable"): 1, ("stable", "decline"): 1,
                         ("decline", "churned"): 1}  # fmt: skip
        bands = reports.risk_histogram(session)
        # the churned customer is left out; 0.05 in the first band, 0.45 in the fifth
        assert sum(bands) == 2 and bands[0] == 1 and bands[4] == 1


def test_the_value_page_draws_its_charts_and_works_the_retention_list(
    client: TestClient, factory: Factory, database: Database
) -> None:
    made = stage_history(database, factory)
    sign_in(client, "agent")
    assert client.get("/console/value").status_code == 403
    assert 'href="/console/value"' not in client.get("/console").text
    client.cookies.clear()
    sign_in(client, "supervisor")
    page = client.get("/console/value")
    assert page.status_code == 200
    html = page.text
    assert 'href="/console/value"' in html and html.count('<svg class="chart"') == 3
    assert "分群规模" in html and "生命周期逐月变化" in html and "流失风险分布" in html
    assert "衰退期" in html and "逾期缴费次数: 2" in html
    # the declining customer (risk 45 %) heads the retention list; the churned one is not on it
    listed = html[html.index('id="candidates"') :]
    assert f">{made[1]}</th>" in listed and f">{made[2]}</th>" not in listed
    offered = client.post(
        "/console/value/tasks", data={"csrf_token": csrf_of(html)}, follow_redirects=False
    )
    assert offered.status_code == 303
    html = client.get("/console/value").text
    assert "/console/value/tasks/" in html and "流失风险" in html
    with database.unit_of_work(write=False) as session:
        task = session.scalars(
            select(RetentionTask).where(RetentionTask.customer_id == int(made[1]))
        ).one()
    refused = client.post(
        f"/console/value/tasks/{task.id}/outcome",
        data={"csrf_token": csrf_of(html), "outcome": "maybe"},
    )
    assert refused.status_code == 200 and "outcome" in refused.text
    done = client.post(
        f"/console/value/tasks/{task.id}/outcome",
        data={"csrf_token": csrf_of(html), "outcome": "kept", "note": "办理了合约"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with database.unit_of_work(write=False) as session:
        kept = session.get(RetentionTask, task.id)
        assert kept is not None and kept.outcome == "kept" and kept.status == "done"
    english = client.get("/console/value?lang=en").text
    assert "Segment sizes" in english and "Lifecycle month to month" in english
