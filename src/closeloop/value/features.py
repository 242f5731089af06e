"""Customers' histories as of a month (特征): one set-based pass over bills, usage and tickets.

Bills come through billing's read service (`bill_rows`), monthly usage totals through care's
(`usage_rows`), tickets through a read-only aggregate; the result is one Polars frame, a row
per customer, that the rules, the churn model and the CLV all read. Periods are `YYYY-MM`;
"as of" a period means everything up to its end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import polars as pl
from sqlalchemy import Float, func, select
from sqlalchemy.orm import Session

from closeloop.billing.service import bill_rows
from closeloop.care.usage_service import usage_rows
from closeloop.customers.models import Customer, Plan
from closeloop.tickets.models import Ticket

FEATURES = (
    "tenure_months",
    "monthly_spend",
    "trend",
    "usage_trend",
    "monthly_data_mb",
    "monthly_voice_min",
    "last_bill",
    "months_billed",
    "late_bills",
    "arrears",
    "plan_fee",
    "tickets_90d",
    "complaints_90d",
    "unsatisfied_90d",
)


# a block of customers: ids from the first up to (not including) the second; None = all
IdRange = tuple[int, int] | None


def _month_of(column: str) -> pl.Expr:
    """A `YYYY-MM` column as a month index (see `period_index`)."""
    text = pl.col(column)
    year = text.str.slice(0, 4).cast(pl.Int64)
    return year * 12 + text.str.slice(5, 2).cast(pl.Int64) - 1


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


def load_bills(
    session: Session, last: str, months: int = 13, between: IdRange = None
) -> pl.DataFrame:
    """Bills of the `months` periods up to `last`: customer, month index, due, paid, late."""
    first = period_of(period_index(last) - months + 1)
    query = bill_rows(first, last).subquery()
    c = query.c
    statement = select(
        c.customer_id, c.period, c.amount_due.cast(Float), c.amount_paid.cast(Float),
        c.due_date, c.paid_date,
    )  # fmt: skip
    if between is not None:
        statement = statement.where(c.customer_id >= between[0], c.customer_id < between[1])
    rows = session.execute(statement).all()
    frame = pl.DataFrame(
        rows,
        schema={
            "customer_id": pl.Int64,
            "period": pl.String,
            "due": pl.Float64,
            "paid": pl.Float64,
            "due_date": pl.Date,
            "paid_date": pl.Date,
        },
        orient="row",
    )
    return frame.select("customer_id", _month_of("period").alias("month"), pl.exclude(
        "customer_id", "period"))  # fmt: skip


def load_usage(
    session: Session, last: str, months: int = 13, between: IdRange = None
) -> pl.DataFrame:
    """Usage totals of the `months` periods up to `last`: customer, month index, data, voice."""
    first = period_of(period_index(last) - months + 1)
    query = usage_rows(first, last).subquery()
    statement = select(
        query.c.customer_id, query.c.period, query.c.data_mb.cast(Float),
        query.c.voice_minutes.cast(Float),
    )  # fmt: skip
    if between is not None:
        statement = statement.where(
            query.c.customer_id >= between[0], query.c.customer_id < between[1]
        )
    frame = pl.DataFrame(
        session.execute(statement).all(),
        schema={
            "customer_id": pl.Int64,
            "period": pl.String,
            "data_mb": pl.Float64,
            "voice_minutes": pl.Float64,
        },
        orient="row",
    )
    return frame.select("customer_id", _month_of("period").alias("month"), "data_mb",
                        "voice_minutes")  # fmt: skip


def _change(recent: str, before: str) -> pl.Expr:
    """Relative change of a quarter against the one before (None without a base)."""
    return (
        pl.when(pl.col(before) > 0)
        .then((pl.col(recent) - pl.col(before)) / pl.col(before))
        .otherwise(None)
    )


def usage_summary(usage: pl.DataFrame, as_of: int) -> pl.DataFrame:
    """Per customer with usage: monthly data and voice of the last three months, and the usage
    trend — the mean relative change of data and voice, last quarter against the one before
    (−0.5 = half the use). Customers without usage records have none (missing, not zero)."""
    recent = pl.col("month") > as_of - 3
    before = pl.col("month") <= as_of - 3
    seen = usage.filter((pl.col("month") <= as_of) & (pl.col("month") > as_of - 6))
    per = seen.group_by("customer_id").agg(
        pl.col("data_mb").filter(recent).sum().alias("data_recent"),
        pl.col("data_mb").filter(before).sum().alias("data_before"),
        pl.col("voice_minutes").filter(recent).sum().alias("voice_recent"),
        pl.col("voice_minutes").filter(before).sum().alias("voice_before"),
    )
    return per.select(
        "customer_id",
        pl.mean_horizontal(
            _change("data_recent", "data_before"), _change("voice_recent", "voice_before")
        ).alias("usage_trend"),
        (pl.col("data_recent") / 3).alias("monthly_data_mb"),
        (pl.col("voice_recent") / 3).alias("monthly_voice_min"),
    )


def load_tickets(
    session: Session, since: date, until: date, between: IdRange = None
) -> pl.DataFrame:
    """Per customer: tickets, complaints and unsatisfied callbacks opened in since…until."""
    is_complaint = func.sum(func.cast(Ticket.type == "complaint", Ticket.id.type))
    is_unsatisfied = func.sum(func.cast(Ticket.satisfaction == "unsatisfied", Ticket.id.type))
    statement = select(Ticket.customer_id, func.count(), is_complaint, is_unsatisfied).where(
        Ticket.created_at >= datetime.combine(since, time(), tzinfo=UTC),
        Ticket.created_at < datetime.combine(until, time(), tzinfo=UTC),
    )
    if between is not None:
        statement = statement.where(
            Ticket.customer_id >= between[0], Ticket.customer_id < between[1]
        )
    rows = session.execute(statement.group_by(Ticket.customer_id)).all()
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


def load_customers(session: Session, between: IdRange = None) -> pl.DataFrame:
    """Every customer (of the block) with their join date and plan fee."""
    statement = select(Customer.id, Customer.join_date, Plan.monthly_fee.cast(Float)).join(Plan)
    if between is not None:
        statement = statement.where(Customer.id >= between[0], Customer.id < between[1])
    return pl.DataFrame(
        session.execute(statement).all(),
        schema={"customer_id": pl.Int64, "join_date": pl.Date, "plan_fee": pl.Float64},
        orient="row",
    )


def histories(
    bills: pl.DataFrame,
    usage: pl.DataFrame,
    tickets: pl.DataFrame,
    customers: pl.DataFrame,
    as_of: int,
) -> pl.DataFrame:
    """One row per customer as of month index `as_of` (bills and usage of later months
    ignored)."""
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
    joined = (
        customers.join(per, on="customer_id", how="left")
        .join(usage_summary(usage, as_of), on="customer_id", how="left")
        .join(tickets, on="customer_id", how="left")
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
