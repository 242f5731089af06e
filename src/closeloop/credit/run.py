"""`closeloop credit run` (CONTRACT §11): grade every customer and take each customer with unpaid
bills to the step their oldest unpaid bill has reached, once; restore those who paid.

Set-based: one statement scores, grades and finds every customer's step (closeloop.credit.scratch);
two more record grade changes and upsert the profiles. Only customers whose step, bill or line
changes are then handled one by one (a notice, a work order) — a small share of them on any day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy import insert as sql_insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from closeloop.credit import effects, ladder
from closeloop.credit.batch import Batch
from closeloop.credit.models import CreditAction, CreditEvent, CreditProfile
from closeloop.credit.policy import Policy
from closeloop.credit.policy_store import policy_in_force
from closeloop.credit.scratch import SCRATCH, drop, fill
from closeloop.customers.models import Customer
from closeloop.db.base import UTCDateTime
from closeloop.runtime.work import Work


@dataclass
class RunSummary:
    """What a run did."""

    at: str
    today: str
    customers: int = 0
    graded: int = 0
    moved: int = 0
    done: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "at": self.at,
            "today": self.today,
            "customers": self.customers,
            "graded": self.graded,
            "moved": self.moved,
            **self.done,
        }


def record_grades(session: Session, work: Work) -> int:
    """Timeline entries for new and changed grades, then the profiles upserted; how many."""
    s, p = SCRATCH.c, CreditProfile
    now = literal(work.now(), UTCDateTime())
    title = (
        case(
            (p.customer_id.is_(None), literal("初始信用等级 ") + s.grade),
            else_=literal("信用等级 ") + p.grade + literal(" → ") + s.grade,
        )
        + literal("（评分 ")
        + cast(s.score, String)
        + literal("）")
    )
    changes = (
        select(s.customer_id, now, literal("grade"), title)
        .select_from(SCRATCH.outerjoin(p, p.customer_id == s.customer_id))
        .where(or_(p.customer_id.is_(None), p.grade != s.grade))
    )
    changed = session.scalar(select(func.count()).select_from(changes.subquery()))
    session.execute(
        sql_insert(CreditEvent).from_select(["customer_id", "at", "kind", "title"], changes)
    )
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    columns = ["customer_id", "grade", "score", "credit_limit", "rewarded", "line_status"]
    differs = or_(
        p.customer_id.is_(None),
        p.grade != s.grade,
        p.score != s.score,
        p.credit_limit != s.credit_limit,
        p.rewarded != s.rewarded,
    )
    # only new and changed profiles are written: an upsert's WHERE would still lock (and so
    # write) every unchanged row on PostgreSQL
    insert = dialect.insert(CreditProfile).from_select(
        [*columns, "updated_at"],
        select(s.customer_id, s.grade, s.score, s.credit_limit, s.rewarded, literal("active"), now)
        .select_from(SCRATCH.outerjoin(p, p.customer_id == s.customer_id))
        .where(s.customer_id.is_not(None), differs),
    )
    new = insert.excluded
    session.execute(
        insert.on_conflict_do_update(
            index_elements=["customer_id"],
            set_={c: new[c] for c in ("grade", "score", "credit_limit", "rewarded", "updated_at")},
        )
    )
    return int(changed or 0)


def candidates(session: Session) -> list[Any]:
    """Customers whose step, bill or line may change (the rest stay as they are)."""
    s, p = SCRATCH.c, CreditProfile
    period = func.substr(s.oldest, 11, 7)
    taken = exists().where(
        CreditAction.customer_id == s.customer_id,
        CreditAction.period == period,
        CreditAction.step == s.target,
    )
    in_arrears = s.arrears > 0
    query = (
        select(
            s.customer_id,
            Customer.msisdn,
            s.grade,
            s.arrears,
            s.oldest,
            s.target,
            p.step,
            p.line_status,
            taken.label("taken"),
        )
        .join(p, p.customer_id == s.customer_id)
        .join(Customer, Customer.id == s.customer_id)
        .where(
            or_(
                and_(
                    or_(~in_arrears, and_(s.target.is_(None), s.oldest.is_not(None))),
                    or_(p.step.is_not(None), p.line_status != "active"),
                ),
                and_(
                    in_arrears,
                    s.target.is_not(None),
                    or_(p.step.is_(None), p.step != s.target, p.step_period != period, ~taken),
                ),
            )
        )
        .order_by(s.customer_id)
    )
    return list(session.execute(query))


Progress = Callable[[int], Callable[[], None]]
"""Told how many customers may move, returns what to call after each (a progress bar)."""


def run_credit(
    session: Session,
    *,
    policy: Policy | None = None,
    customer_ids: list[int] | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Grade customers and move them on the ladder as of the work's clock (all, or these)."""
    work = Work.of(session)
    policy = policy or policy_in_force(session)
    today: date = work.today()
    summary = RunSummary(at=work.now().isoformat(), today=today.isoformat())
    summary.customers = fill(session, policy, today, customer_ids)
    summary.graded = record_grades(session, work)
    tally, batch = effects.Tally(), Batch(policy)
    rows = candidates(session)
    advance = progress(len(rows)) if progress else None
    for row in rows:
        if advance:
            advance()
        due, period = (row.oldest[:10], row.oldest[10:]) if row.oldest else (None, None)
        arrears = Decimal(str(row.arrears or 0)).quantize(Decimal("0.01"))
        move = ladder.move(
            policy, row.grade, row.step, row.line_status, policy.step(row.target),
            period, arrears > 0, bool(row.taken),
        )  # fmt: skip
        if move is None:
            continue
        who = effects.Situation(row.customer_id, row.msisdn, arrears, due, period, row.line_status)
        effects.apply(work, who, move, batch, tally)
        summary.moved += 1
    batch.flush(work)
    drop(session)
    summary.done = dict(sorted(tally.items()))
    return summary
