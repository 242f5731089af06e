"""Reading a link table (关联表) in one query: the child ids of each parent, in id order."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session


def children_of(
    session: Session,
    parent: InstrumentedAttribute[int],
    child: InstrumentedAttribute[int],
    parent_ids: list[int],
) -> dict[int, list[int]]:
    """`child` ids linked to each of `parent_ids` (every parent present, maybe with none)."""
    linked: dict[int, list[int]] = {i: [] for i in parent_ids}
    if parent_ids:
        rows = session.execute(
            select(parent, child).where(parent.in_(parent_ids)).order_by(parent, child)
        )
        for parent_id, child_id in rows:
            linked[parent_id].append(child_id)
    return linked
