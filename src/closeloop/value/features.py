"""Customers' histories as of a month (特征): one set-based pass over bills and tickets.

Bills come through billing's read service (`bill_rows`), tickets through a read-only aggregate;
the result is one Polars frame, a row per customer, that the rules, the churn model and the
CLV all read. Periods are `YYYY-MM`; "as of" a period means everything up to its end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.billing.service import bill_rows
from closeloop.customers.models import Customer, Plan
from closeloop.tickets.models import Ticket

FEATURES = (
    "tenure_months",
    "monthly_spend",
    "trend",
    "last_bill",
    "months_billed",
    "late_bills",
    "arrears",
    "plan_fee",
    "tickets_90d",
    "complaints_90d",
    "unsatisfied_90d",
)


def period_index(period: str) -> int:
    """Months since year 0 (so periods subtract)."""
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def period_of(index: int) -> str:
    """The `YYYY-MM` of a month index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_end(period: str) -> date:
    """The first day after a period (its exclusive end)."""
    following = period_index(period) + 1
    return date(following // 12, following % 12 + 1, 1)


def latest_period(session: Session) -> str | None:
    """The newest period any bill is for."""
    query = bill_rows().subquery()
    found: str | None = session.scalar(select(func.max(query.c.period)))
    return found


def load_bills(session: Session, last: str, months: int = 13) -> pl.DataFrame:
    """Bills of the `months` periods up to `last`: customer, month index, due, paid, late."""
    first = period_of(period_index(last) - months + 1)
    query = bill_rows(first, last).subquery()
    rows = session.execute(
        select(
            query.c.customer_id,
            query.c.period,
            query.c.amount_due,
            query.c.amount_paid,
            query.c.due_date,
            query.c.paid_date,
        )
    ).all()
    frame = pl.DataFrame(
        [(r[0], period_index(r[1]), float(r[2]), float(r[3]), r[4], r[5]) for r in rows],
        schema={
            "customer_id": pl.Int64,
            "month": pl.Int64,
            "due": pl.Float64,
            "paid": pl.Float64,
            "due_date": pl.Date,
            "paid_date": pl.Date,
        },
        orient="row",
    )
    return frame


def load_tickets(session: Session, since: date, until: date) -> pl.DataFrame:
    """Per customer: tickets, complaints and unsatisfied callbacks opened in since…until."""
    is_complaint = func.sum(func.cast(Ticket.type == "complaint", Ticket.id.type))
    is_unsatisfied = func.sum(func.cast(Ticket.satisfaction == "unsatisfied", Ticket.id.type))
    rows = session.execute(
        select(Ticket.customer_id, func.count(), is_complaint, is_unsatisfied)
        .where(
            Ticket.created_at >= datetime.combine(since, time(), tzinfo=UTC),
            Ticket.created_at < datetime.combine(until, time(), tzinfo=UTC),
        )
        .group_by(Ticket.customer_id)
    ).all()
    return pl.DataFrame(
        [tuple(int(v or 0) for v in r) for r in rows],
        schema={
            "customer_id": pl.Int64,
            "tickets_90d": pl.Int64,
            "complaints_90d": pl.Int64,
            "unsatisfied_90d": pl.Int64,
        },
        orient="row",
    )


def load_customers(session: Session) -> pl.DataFrame:
    """Every customer with their join date and plan fee."""
    rows = session.execute(
        select(Customer.id, Customer.join_date, Plan.monthly_fee).join(Plan)
    ).all()
    return pl.DataFrame(
        [(r[0], r[1], float(r[2])) for r in rows],
        schema={"customer_id": pl.Int64, "join_date": pl.Date, "plan_fee": pl.Float64},
        orient="row",
    )


def histories(
    bills: pl.DataFrame, tickets: pl.DataFrame, customers: pl.DataFrame, as_of: int
) -> pl.DataFrame:
    """One row per customer as of month index `as_of` (bills of later months ignored)."""
    end = month_end(period_of(as_of))
    seen = bills.filter((pl.col("month") <= as_of) & (pl.col("month") > as_of - 12))
    late = (pl.col("paid_date").is_null() & (pl.col("due_date") < end)) | (
        pl.col("paid_date") > pl.col("due_date")
    )
    recent = pl.col("month") > as_of - 3
    before = (pl.col("month") <= as_of - 3) & (pl.col("month") > as_of - 6)
    per = seen.group_by("customer_id").agg(
        pl.col("month").max().alias("last_month"),
        pl.col("month").filter(pl.col("paid") >= pl.col("due")).max().alias("last_paid"),
        pl.col("month").min().alias("first_month"),
        pl.len().alias("months_billed"),
        pl.col("due").filter(pl.col("month") > as_of - 6).mean().alias("monthly_spend"),
        pl.col("due").sort_by("month").last().alias("last_bill"),
        pl.col("due").filter(recent).sum().alias("recent"),
        pl.col("due").filter(before).sum().alias("before"),
        late.sum().alias("late_bills"),
        (pl.col("due") - pl.col("paid")).filter(pl.col("due_date") < end).sum().alias("arrears"),
        pl.col("due").sort_by("month").alias("spend"),
    )
    joined = customers.join(per, on="customer_id", how="left").join(
        tickets, on="customer_id", how="left"
    )
    join_month = pl.col("join_date").dt.year() * 12 + pl.col("join_date").dt.month() - 1
    started = pl.coalesce(join_month, pl.col("first_month"), pl.lit(as_of))
    return joined.with_columns(
        (pl.lit(as_of) - started).clip(lower_bound=0).alias("tenure_months"),
        (pl.lit(as_of) - pl.col("last_month")).fill_null(99).alias("months_since_last_bill"),
        (pl.lit(as_of) - pl.col("last_paid")).fill_null(12).alias("months_since_paid"),
        pl.when(pl.col("before") > 0)
        .then((pl.col("recent") - pl.col("before")) / pl.col("before"))
        .otherwise(0.0)
        .alias("trend"),
        pl.col("months_billed").fill_null(0),
        pl.col("monthly_spend").fill_null(0.0),
        pl.col("last_bill").fill_null(0.0),
        pl.col("late_bills").fill_null(0),
        pl.col("arrears").fill_null(0.0),
        pl.col("tickets_90d").fill_null(0),
        pl.col("complaints_90d").fill_null(0),
        pl.col("unsatisfied_90d").fill_null(0),
        pl.col("spend").fill_null([]),
    ).filter(pl.col("tenure_months") >= 0)
