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


def current_tiers(
    session: Session, between: tuple[int, int] | None = None
) -> dict[int, str | None]:
    """Every customer's (with an id in between[0]…between[1]) tier now (None: never given)."""
    query = select(Customer.id, Customer.value_tier)
    if between is not None:
        query = query.where(Customer.id >= between[0], Customer.id <= between[1])
    return {int(cid): tier for cid, tier in session.execute(query)}


def set_value_tiers(
    session: Session, actor: Actor, tiers: Mapping[int, str], *, clock: Clock
) -> int:
    """Give customers their tiers; only changes are written and audited. How many changed."""
    before = current_tiers(session, (min(tiers), max(tiers))) if tiers else {}
    changed = [(cid, before[cid], tier) for cid, tier in tiers.items() if cid in before
               and before[cid] != tier]  # fmt: skip
    now = clock.now()
    for start in range(0, len(changed), CHUNK):
        part = changed[start : start + CHUNK]
        for tier in {tier for _cid, _old, tier in part}:  # one UPDATE per tier, not per row
            ids = [cid for cid, _old, given in part if given == tier]
            session.execute(update(Customer).where(Customer.id.in_(ids)).values(value_tier=tier))
        session.execute(
            insert(TierChange),
            [
                {"customer_id": cid, "at": now, "from_tier": old, "to_tier": tier,
                 "by": actor.username}
                for cid, old, tier in part
            ],
        )  # fmt: skip
        entries = [("value.segment", "customer", cid, f"{old or '-'} → {tier}")
                   for cid, old, tier in part]  # fmt: skip
        audit.record_many(session, actor, entries, clock=clock)
    return len(changed)
