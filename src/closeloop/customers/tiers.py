"""The customer's value tier (价值等级) as the customers service keeps it.

The value domain decides each customer's tier nightly and hands the decisions here; only the
changes are written: the tier on the customer, a tier change for the customer's timeline and
an audit entry each. Tickets read the tier for the segment's service promise and priority.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.customers.models import Customer, TierChange
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock

CHUNK = 5_000


def current_tiers(session: Session) -> dict[int, str | None]:
    """Every customer's tier now (None: never given one)."""
    rows = session.execute(select(Customer.id, Customer.value_tier))
    return {int(cid): tier for cid, tier in rows}


def set_value_tiers(
    session: Session, actor: Actor, tiers: Mapping[int, str], *, clock: Clock
) -> int:
    """Give customers their tiers; only changes are written and audited. How many changed."""
    before = current_tiers(session)
    changed = [(cid, before[cid], tier) for cid, tier in tiers.items() if cid in before
               and before[cid] != tier]  # fmt: skip
    now = clock.now()
    for start in range(0, len(changed), CHUNK):
        part = changed[start : start + CHUNK]
        session.execute(
            update(Customer), [{"id": cid, "value_tier": tier} for cid, _old, tier in part]
        )
        session.execute(
            insert(TierChange),
            [
                {"customer_id": cid, "at": now, "from_tier": old, "to_tier": tier,
                 "by": actor.username}
                for cid, old, tier in part
            ],
        )  # fmt: skip
        for cid, old, tier in part:
            audit.record(session, actor, "value.segment", "customer", cid,
                         f"{old or '-'} → {tier}", clock=clock)  # fmt: skip
    return len(changed)
