"""Credit reports (set-based SQL): ageing, arrears rate by unit (region, segment, sales
channel), its trend, write-offs and recovery by ladder step (seed 001: units assessed by their
arrears rate)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, distinct, func, literal, or_, select
from sqlalchemy.orm import Session

from closeloop.billing.models import Bill
from closeloop.credit.models import CreditAction
from closeloop.credit.scoring import months_before
from closeloop.customers.models import Customer

BUCKETS = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), (">90", 91, None))


def _group(by: str | None) -> Any:
    if by == "segment":
        return func.coalesce(Customer.segment, "")
    if by == "region":
        return Customer.region
    if by == "sales_channel":
        return func.coalesce(Customer.sales_channel, "")
    return literal("all")


def _money(value: Any) -> float:
    return round(float(value or 0), 2)


def ageing(session: Session, today: date, by: str | None) -> list[dict[str, Any]]:
    """Past-due unpaid amounts and bills per age bucket (days past the due date)."""
    group = _group(by)
    bucket = case(
        *[
            (Bill.due_date >= today - timedelta(days=high), literal(name))
            for name, _low, high in BUCKETS
            if high is not None
        ],
        else_=literal(BUCKETS[-1][0]),
    )
    query = (
        select(
            group.label("group"),
            bucket.label("bucket"),
            func.count().label("bills"),
            func.count(distinct(Bill.customer_id)).label("customers"),
            func.sum(Bill.amount_due - Bill.amount_paid).label("amount"),
        )
        .join(Customer, Customer.id == Bill.customer_id)
        .where(Bill.due_date < today, Bill.amount_paid < Bill.amount_due)
        .group_by(group, bucket)
        .order_by(group, bucket)
    )
    return [
        {"group": r.group, "bucket": r.bucket, "bills": r.bills, "customers": r.customers,
         "amount": _money(r.amount)}
        for r in session.execute(query)
    ]  # fmt: skip


def _unpaid_at(day: date) -> Any:
    """A bill past due and not yet paid in full at the end of `day` (paid_date = full payment)."""
    return and_(
        Bill.due_date < day,
        or_(
            and_(Bill.paid_date.is_(None), Bill.amount_paid < Bill.amount_due),
            Bill.paid_date > day,
        ),
    )


def arrears_rate(session: Session, today: date, by: str | None) -> list[dict[str, Any]]:
    """Customers, those in arrears and in long arrears (> 90 days), and the rates, per group."""
    group = _group(by)
    late = (
        select(
            Bill.customer_id,
            func.min(Bill.due_date).label("oldest"),
            func.sum(Bill.amount_due - Bill.amount_paid).label("amount"),
        )
        .where(Bill.due_date < today, Bill.amount_paid < Bill.amount_due)
        .group_by(Bill.customer_id)
        .subquery()
    )
    long_cut = today - timedelta(days=90)
    query = (
        select(
            group.label("group"),
            func.count().label("customers"),
            func.count(late.c.customer_id).label("in_arrears"),
            func.sum(case((late.c.oldest < long_cut, 1), else_=0)).label("long_arrears"),
            func.sum(late.c.amount).label("amount"),
        )
        .select_from(Customer)
        .outerjoin(late, late.c.customer_id == Customer.id)
        .group_by(group)
        .order_by(group)
    )
    return [
        {
            "group": r.group, "customers": r.customers, "in_arrears": r.in_arrears,
            "long_arrears": int(r.long_arrears or 0), "amount": _money(r.amount),
            "arrears_rate": round(r.in_arrears / r.customers, 4) if r.customers else 0.0,
            "long_arrears_rate": round(int(r.long_arrears or 0) / r.customers, 4)
            if r.customers else 0.0,
        }
        for r in session.execute(query)
    ]  # fmt: skip


def trend(session: Session, today: date, months: int) -> list[dict[str, Any]]:
    """The arrears rate (customers with a bill past due and unpaid) at each month's end."""
    customers = session.scalar(select(func.count()).select_from(Customer)) or 0
    items = []
    for back in range(months - 1, -1, -1):
        first = months_before(today.replace(day=1), back)
        end = min(months_before(today.replace(day=1), back - 1) - timedelta(days=1), today)
        query = select(
            func.count(distinct(Bill.customer_id)),
            func.sum(case((Bill.paid_date.is_(None), Bill.amount_due - Bill.amount_paid),
                          else_=Bill.amount_due)),
        ).where(_unpaid_at(end))  # fmt: skip
        count, amount = session.execute(query).one()
        items.append(
            {"month": first.strftime("%Y-%m"), "as_of": end.isoformat(), "in_arrears": count,
             "amount": _money(amount),
             "arrears_rate": round(count / customers, 4) if customers else 0.0}
        )  # fmt: skip
    return items


def write_offs(session: Session, today: date, after_days: int) -> list[dict[str, Any]]:
    """Bad debts (呆账): arrears unpaid more than `after_days` after the due date, by region."""
    cut = today - timedelta(days=after_days)
    query = (
        select(
            Customer.region,
            func.count(distinct(Bill.customer_id)).label("customers"),
            func.count().label("bills"),
            func.sum(Bill.amount_due - Bill.amount_paid).label("amount"),
        )
        .join(Customer, Customer.id == Bill.customer_id)
        .where(Bill.due_date < cut, Bill.amount_paid < Bill.amount_due)
        .group_by(Customer.region)
        .order_by(Customer.region)
    )
    return [
        {"region": r.region, "customers": r.customers, "bills": r.bills,
         "amount": _money(r.amount)}
        for r in session.execute(query)
    ]  # fmt: skip


def recovery(session: Session) -> list[dict[str, Any]]:
    """For each step: times taken, arrears at the time, and how many were then paid in full."""
    query = (
        select(
            CreditAction.step,
            CreditAction.action,
            func.count().label("taken"),
            func.sum(CreditAction.arrears).label("arrears"),
            func.count(CreditAction.recovered_at).label("recovered"),
            func.sum(
                case((CreditAction.recovered_at.is_not(None), CreditAction.arrears), else_=0)
            ).label("recovered_amount"),
        )
        .group_by(CreditAction.step, CreditAction.action)
        .order_by(CreditAction.step)
    )
    return [
        {"step": r.step, "action": r.action, "taken": r.taken, "arrears": _money(r.arrears),
         "recovered": r.recovered, "recovered_amount": _money(r.recovered_amount),
         "recovery_rate": round(r.recovered / r.taken, 4) if r.taken else 0.0}
        for r in session.execute(query)
    ]  # fmt: skip
