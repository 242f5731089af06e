"""The set-based half of a credit run: one statement scores and grades every customer and finds
the ladder step their oldest undisputed unpaid bill has reached, into a temporary table.

The same rules as closeloop.credit.scoring and closeloop.credit.ladder, written as SQL (CASE
expressions built from the policy), so 10 million customers are one pass over the bills.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from closeloop.billing.models import Bill
from closeloop.credit.ladder import cutoff
from closeloop.credit.models import CreditDispute
from closeloop.credit.policy import Policy, Tier
from closeloop.credit.scoring import adult_cutoff, months_before
from closeloop.customers.models import Customer

SCRATCH = Table(
    "credit_scratch",
    MetaData(),
    Column("customer_id", Integer, primary_key=True),
    Column("score", Integer),
    Column("grade", String(8)),
    Column("credit_limit", Numeric(12, 2)),
    Column("rewarded", Boolean),
    Column("arrears", Numeric(14, 2)),
    Column("oldest", String(17)),  # the oldest undisputed unpaid bill: due date + period
    Column("target", Integer),
    prefixes=["TEMPORARY"],
)


def spend_since(today: date) -> str:
    """The first billing month counted as recent spend (the last 12 months)."""
    return months_before(today.replace(day=1), 12).strftime("%Y-%m")


def _bill_features(today: date, only: list[int] | None) -> Any:
    past_due = Bill.due_date < today
    unpaid = Bill.amount_paid < Bill.amount_due
    recent = Bill.period >= spend_since(today)
    disputes = (
        select(CreditDispute.customer_id, CreditDispute.period)
        .where(CreditDispute.closed_at.is_(None))
        .distinct()
        .subquery()
    )
    undisputed = disputes.c.customer_id.is_(None)
    return (
        select(
            Bill.customer_id,
            func.sum(case((past_due, 1), else_=0)).label("due_bills"),
            func.sum(
                case(
                    (
                        past_due
                        & ~unpaid
                        & Bill.paid_date.is_not(None)
                        & (Bill.paid_date <= Bill.due_date),
                        1,
                    ),
                    else_=0,
                )
            ).label("on_time"),
            func.sum(case((past_due & unpaid, Bill.amount_due - Bill.amount_paid), else_=0)).label(
                "arrears"
            ),
            func.sum(case((recent, Bill.amount_due), else_=0)).label("spend_sum"),
            func.sum(case((recent, 1), else_=0)).label("spend_bills"),
            func.min(
                case(
                    (past_due & unpaid & undisputed, cast(Bill.due_date, String(10)) + Bill.period)
                )
            ).label("oldest"),
        )
        .outerjoin(
            disputes,
            and_(disputes.c.customer_id == Bill.customer_id, disputes.c.period == Bill.period),
        )
        .where(Bill.customer_id.in_(only) if only is not None else true())
        .group_by(Bill.customer_id)
        .subquery()
    )


def _tier(tiers: tuple[Tier, ...], passes: Any) -> ColumnElement[Any]:
    if not tiers:
        return literal(0)
    whens = [(passes(t.threshold), literal(t.points)) for t in reversed(tiers)]
    return case(*whens, else_=literal(0))


def _scored(policy: Policy, today: date, only: list[int] | None) -> Any:
    rules = policy.scoring
    bills = _bill_features(today, only)
    same_id = (
        Customer.id_number.in_(select(Customer.id_number).where(Customer.id.in_(only)))
        if only is not None
        else Customer.id_number.is_not(None)
    )
    lines = (
        select(Customer.id_number, func.count().label("lines"))
        .where(same_id)
        .group_by(Customer.id_number)
        .subquery()
    )
    due = func.coalesce(bills.c.due_bills, 0)
    arrears = func.coalesce(bills.c.arrears, 0)
    spend_sum = func.coalesce(bills.c.spend_sum, 0)
    spend_bills = func.coalesce(bills.c.spend_bills, 0)
    identity = case(
        (Customer.id_number.is_(None), literal(rules.missing_id)),
        else_=case(
            (func.substr(Customer.id_number, 7, 8) > adult_cutoff(today), literal(rules.minor)),
            else_=literal(0),
        )
        + case((lines.c.lines > rules.duplicate_over, literal(rules.duplicate_id)), else_=0),
    )
    tenure = case(
        (Customer.join_date.is_(None), literal(0)),
        else_=_tier(rules.tenure, lambda m: Customer.join_date <= months_before(today, int(m))),
    )
    on_time = case(
        (due == 0, literal(0)),
        else_=(func.coalesce(bills.c.on_time, 0) * rules.on_time) / due,
    )
    points = (
        literal(rules.base)
        + identity
        + tenure
        + on_time
        + _tier(rules.arrears, lambda t: arrears > t)
        + _tier(rules.spend, lambda t: spend_sum > t * spend_bills)
        + _tier(rules.deposit, lambda t: func.coalesce(Customer.deposit, 0) >= t)
    )
    return (
        select(
            Customer.id.label("customer_id"),
            Customer.join_date,
            cast(points, Integer).label("score"),
            arrears.label("arrears"),
            bills.c.oldest,
        )
        .outerjoin(bills, bills.c.customer_id == Customer.id)
        .outerjoin(lines, lines.c.id_number == Customer.id_number)
        .where(Customer.id.in_(only) if only is not None else true())
        .offset(0)  # a fence: without it the score is inlined into every use of the grade
        .subquery()
    )


def _graded(policy: Policy, today: date, only: list[int] | None) -> Any:
    s = _scored(policy, today, only)
    grade = case(
        *[(s.c.score >= g.min_score, literal(g.grade)) for g in policy.grades[:-1]],
        else_=literal(policy.grades[-1].grade),
    )
    return select(*s.c, grade.label("grade")).offset(0).subquery()


def targets(policy: Policy, today: date, only: list[int] | None = None) -> Select[Any]:
    """Every customer's (or only these customers') score, grade, limit, reward, arrears, oldest
    undisputed unpaid bill and the step it has reached."""
    g = _graded(policy, today, only)
    rewards = policy.rewards
    rewarded_cond = and_(
        g.c.grade.in_(rewards.grades) if rewards.grades else false(),
        g.c.join_date.is_not(None),
        g.c.join_date <= months_before(today, rewards.min_tenure_months),
    )
    rewarded = case((rewarded_cond, true()), else_=false()).label("rewarded")
    r = select(*g.c, rewarded).offset(0).subquery()
    due = func.substr(r.c.oldest, 1, 10)
    whens = []
    for step in sorted(policy.steps, key=lambda s: -s.step):
        reached = or_(
            and_(r.c.rewarded, due <= cutoff(today, step, True, rewards.grace_days).isoformat()),
            and_(~r.c.rewarded, due <= cutoff(today, step, False, 0).isoformat()),
        )
        applies = r.c.grade.in_(step.grades) if step.grades else true()
        whens.append((and_(r.c.oldest.is_not(None), applies, reached), literal(step.step)))
    target = case(*whens, else_=None) if whens else literal(None)
    limit = case(*[(r.c.grade == g.grade, literal(g.credit_limit)) for g in policy.grades], else_=0)
    return select(
        r.c.customer_id,
        r.c.score,
        r.c.grade,
        limit.label("credit_limit"),
        r.c.rewarded,
        r.c.arrears,
        r.c.oldest,
        target.label("target"),
    )


def fill(session: Session, policy: Policy, today: date, customer_ids: list[int] | None) -> int:
    """(Re)make the scratch table for this run; how many customers it holds."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        # the policy's CASE expressions are long: compiling them for each parallel worker took
        # PostgreSQL's JIT ~100 s at 1 M customers, where the plain executor needs seconds
        conn.execute(text("SET LOCAL jit = off"))
    SCRATCH.drop(conn, checkfirst=True)
    SCRATCH.create(conn)
    query = targets(policy, today, customer_ids)
    conn.execute(SCRATCH.insert().from_select([c.name for c in SCRATCH.c], query))
    # counted, not the INSERT's rowcount: PostgreSQL's driver reports -1 for INSERT … SELECT here
    return int(conn.execute(select(func.count()).select_from(SCRATCH)).scalar_one())


def drop(session: Session) -> None:
    """Remove the scratch table."""
    SCRATCH.drop(session.connection(), checkfirst=True)
