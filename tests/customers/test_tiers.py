"""Value tiers kept by the customers service: only changes are written, each audited and on
the customer's timeline."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.customers.models import Customer, TierChange
from closeloop.customers.tiers import set_value_tiers
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import FixedClock
from tests.support.factories import Factory
from tests.support.personas import Personas


def test_only_changes_are_written_audited_and_shown_on_the_timeline(
    database: Database, factory: Factory, clock: FixedClock, client: TestClient,
    as_user: Personas,
) -> None:  # fmt: skip
    a, b = factory.customer(), factory.customer()
    ids = {int(a.id): "gold", int(b.id): "regular"}
    with database.unit_of_work() as session:
        assert set_value_tiers(session, SYSTEM, ids, clock=clock) == 2
    clock.advance(timedelta(days=1))
    with database.unit_of_work() as session:
        # b unchanged, a up to diamond, an unknown id ignored
        again = {int(a.id): "diamond", int(b.id): "regular", 10**9: "gold"}
        assert set_value_tiers(session, SYSTEM, again, clock=clock) == 1
    with database.unit_of_work(write=False) as session:
        assert session.get(Customer, int(a.id)).value_tier == "diamond"  # type: ignore[union-attr]
        assert session.get(Customer, int(b.id)).value_tier == "regular"  # type: ignore[union-attr]
        changes = session.scalars(
            select(TierChange).where(TierChange.customer_id == int(a.id)).order_by(TierChange.id)
        ).all()
        assert [(c.from_tier, c.to_tier) for c in changes] == [(None, "gold"), ("gold", "diamond")]
        audited = session.scalars(
            select(AuditEntry.summary).where(
                AuditEntry.action == "value.segment", AuditEntry.entity_id == a.id
            )
        ).all()
        assert audited == ["- → gold", "gold → diamond"]
    timeline = client.get(
        f"/api/v1/customers/{a.id}/timeline", headers=as_user.headers("agent")
    ).json()
    segments = [e for e in timeline["items"] if e["kind"] == "segment"]
    assert [e["detail"]["to"] for e in segments] == ["diamond", "gold"]  # newest first
