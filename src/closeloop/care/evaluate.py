"""The care rules evaluated set-wise over a block of usage records (Polars, no database).

Given the block's new records of known customers, the month totals before the block and each
customer's latest known event, it yields the month deltas to store and the notices due:
threshold levels crossed, 20 MB roaming steps, roaming arrivals. Records are taken in the
order (customer, event_time, line): records at the same instant keep their order in the input,
so splitting a time-ordered stream into files at any points gives the same notices.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from closeloop.care import rules as R
from closeloop.care.templates import (
    advice_expr,
    country_name_expr,
    human_mb_expr,
    month_expr,
    render_expr,
)

GROUPS = 1 << 16  # gkey = customer_id · GROUPS + months since year 0

CANDIDATE_SCHEMA = {
    "customer_id": pl.Int64,
    "msisdn": pl.String,
    "rule": pl.String,
    "period": pl.String,
    "threshold": pl.Int64,
    "country": pl.String,
    "text": pl.String,
    "dedup_key": pl.String,
}


def _month_starts(first: datetime, last: datetime, tz: ZoneInfo) -> tuple[list[int], list[str]]:
    """UTC start (epoch µs) and name of each local calendar month from `first` to `last`."""
    local = first.astimezone(tz)
    year, month = local.year, local.month
    starts, names = [], []
    while True:
        start = datetime(year, month, 1, tzinfo=tz)
        if start > last:
            break
        starts.append(int(start.timestamp() * 1_000_000))
        names.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return starts, names


def with_period(rows: pl.DataFrame, tz: ZoneInfo) -> pl.DataFrame:
    """Adds `period` (YYYY-MM of event_time in the operator's zone) and `gkey` (one integer
    per customer and month), ordered by customer, event_time, line."""
    times = rows["event_time"]
    first, last = times.min(), times.max()
    assert isinstance(first, datetime) and isinstance(last, datetime)
    starts, names = _month_starts(first, last, tz)
    index = pl.Series(starts, dtype=pl.Int64).search_sorted(times.dt.epoch("us"), side="right") - 1
    period = pl.Series(names, dtype=pl.String).gather(index)
    keyed = rows.with_columns(
        period=period,
        gkey=pl.col("customer_id") * GROUPS + pl.lit(_month_number(names[0])) + index,
    )
    if times.is_sorted():  # a time-ordered block: a stable sort by customer is enough
        return keyed.sort("customer_id", maintain_order=True)
    return keyed.sort(["customer_id", "event_time", "line"])


def _month_number(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def month_deltas(rows: pl.DataFrame) -> pl.DataFrame:
    """What the block adds to each (customer, month), and the month's last event in it."""
    data = pl.col("usage_type") == "data"
    home = pl.col("country") == ""
    amount = pl.col("amount")
    return rows.group_by("gkey").agg(
        customer_id=pl.col("customer_id").first(),
        period=pl.col("period").first(),
        quota=pl.col("quota").first(),
        msisdn=pl.col("msisdn").first(),
        home=amount.filter(data & home).sum(),
        roaming=amount.filter(data & ~home).sum(),
        voice=amount.filter(pl.col("usage_type") == "voice").sum(),
        sms=(amount.filter(pl.col("usage_type") == "sms").sum() // 1000),
        records=pl.len().cast(pl.Int64),
        last_at=pl.col("event_time").last(),  # rows are sorted by time, then line
        last_country=pl.col("country").last(),
    )


def _threshold_rows(
    rows: pl.DataFrame, groups: pl.DataFrame, roaming: bool, column: str
) -> pl.DataFrame:
    """Data records of one kind in the groups given, with the month's running total after
    each of them (`groups`: gkey and the total before the block in `column`)."""
    kind = (pl.col("country") != "") if roaming else (pl.col("country") == "")
    return (
        rows.filter(
            (pl.col("usage_type") == "data") & kind & pl.col("gkey").is_in(groups["gkey"].implode())
        )
        .join(groups.select("gkey", column), on="gkey", maintain_order="left")
        .with_columns(after=pl.col(column) + pl.col("amount").cum_sum().over("gkey"))
        .with_columns(prior=pl.col("after") - pl.col("amount"))
    )


def _explode(frame: pl.DataFrame, first: pl.Expr, last: pl.Expr) -> pl.DataFrame:
    return (
        frame.with_columns(_first=first, _last=last)
        .filter(pl.col("_last") > pl.col("_first"))
        .with_columns(index=pl.int_ranges(pl.col("_first") + 1, pl.col("_last") + 1))
        .explode("index")
    )


def _key(rule: str, *parts: pl.Expr) -> pl.Expr:
    return pl.concat_str([pl.col("msisdn"), pl.lit(rule), *parts], separator="|")


def data_threshold_notices(
    groups: pl.DataFrame, rows: pl.DataFrame, settings: R.RuleSettings
) -> pl.DataFrame:
    """Notices of home data reaching 80 %, 100 %, 200 % … of the plan's monthly data.

    Only months whose total crossed a level in this block are looked at record by record.
    """
    levels, every = settings.param("levels"), settings.param("every")
    max_level = settings.param("max_level")
    quota = pl.col("quota")
    crossing = groups.filter(
        R.threshold_count_expr(pl.col("home_before"), quota, levels, every, max_level)
        < R.threshold_count_expr(pl.col("home_after"), quota, levels, every, max_level)
    )
    frame = _threshold_rows(rows, crossing, roaming=False, column="home_before")
    crossed = _explode(
        frame,
        R.threshold_count_expr(pl.col("prior"), quota, levels, every, max_level),
        R.threshold_count_expr(pl.col("after"), quota, levels, every, max_level),
    ).with_columns(threshold=R.threshold_level_expr(pl.col("index"), levels, every))
    threshold = pl.col("threshold")
    return crossed.select(
        "customer_id",
        "msisdn",
        rule=pl.lit(R.DATA_THRESHOLD),
        period="period",
        threshold=threshold,
        country=pl.lit(None, dtype=pl.String),
        text=render_expr(
            R.DATA_THRESHOLD,
            month=month_expr(pl.col("period")),
            used=human_mb_expr(pl.col("after")),
            quota=human_mb_expr(quota),
            threshold=threshold.cast(pl.String),
            advice=advice_expr(threshold),
        ),
        dedup_key=_key(R.DATA_THRESHOLD, pl.col("period"), threshold.cast(pl.String)),
    )


def roaming_data_notices(
    groups: pl.DataFrame, rows: pl.DataFrame, settings: R.RuleSettings
) -> pl.DataFrame:
    """Notices at each 20 MB of roaming data in a month."""
    step_mb, max_steps = settings.param("step_mb"), settings.param("max_steps")
    crossing = groups.filter(
        R.step_count_expr(pl.col("roaming_before"), step_mb, max_steps)
        < R.step_count_expr(pl.col("roaming_after"), step_mb, max_steps)
    )
    frame = _threshold_rows(rows, crossing, roaming=True, column="roaming_before")
    crossed = _explode(
        frame,
        R.step_count_expr(pl.col("prior"), step_mb, max_steps),
        R.step_count_expr(pl.col("after"), step_mb, max_steps),
    ).with_columns(threshold=(pl.col("index") * step_mb).cast(pl.Int64))
    threshold = pl.col("threshold")
    return crossed.select(
        "customer_id",
        "msisdn",
        rule=pl.lit(R.ROAMING_DATA),
        period="period",
        threshold=threshold,
        country=pl.lit(None, dtype=pl.String),
        text=render_expr(
            R.ROAMING_DATA,
            month=month_expr(pl.col("period")),
            used=human_mb_expr(pl.col("after")),
            threshold=threshold.cast(pl.String),
        ),
        dedup_key=_key(R.ROAMING_DATA, pl.col("period"), threshold.cast(pl.String)),
    )


def roaming_customers(rows: pl.DataFrame) -> pl.Series:
    """Customers with an event abroad in the block: the only ones who can have arrived."""
    return rows.filter(pl.col("country") != "")["customer_id"].unique()


def arrival_notices(rows: pl.DataFrame, positions: pl.DataFrame) -> pl.DataFrame:
    """Notices of arriving in a roaming country: an event abroad whose country differs from
    the customer's previous event's.

    A record older than the customer's latest known event (a late file) never is an arrival:
    the customer has been seen since, so telling them about that country now would mislead.
    """
    travellers = roaming_customers(rows)
    candidates = rows.filter(pl.col("customer_id").is_in(travellers.implode()))
    joined = candidates.join(positions, on="customer_id", how="left", maintain_order="left")
    ontime = joined.filter(
        pl.col("known_at").is_null() | (pl.col("event_time") >= pl.col("known_at"))
    )
    previous = (
        pl.col("country")
        .shift(1)
        .over("customer_id")
        .fill_null(pl.col("known_country"))
        .fill_null("")
    )
    arrivals = ontime.with_columns(previous=previous).filter(
        (pl.col("country") != "") & (pl.col("country") != pl.col("previous"))
    )
    return arrivals.select(
        "customer_id",
        "msisdn",
        rule=pl.lit(R.ROAMING_ARRIVAL),
        period="period",
        threshold=pl.lit(None, dtype=pl.Int64),
        country="country",
        text=render_expr(R.ROAMING_ARRIVAL, country_name=country_name_expr(pl.col("country"))),
        dedup_key=_key(
            R.ROAMING_ARRIVAL,
            pl.col("event_time").dt.epoch("us").cast(pl.String),
            pl.col("country"),
        ),
    )


def notices(
    rows: pl.DataFrame,
    groups: pl.DataFrame,
    positions: pl.DataFrame,
    rules: dict[str, R.RuleSettings],
) -> pl.DataFrame:
    """Every notice the block makes due under the enabled rules.

    `groups`: per gkey the quota and the home and roaming totals before and after the block.
    """
    parts = []
    if rules[R.DATA_THRESHOLD].enabled:
        parts.append(data_threshold_notices(groups, rows, rules[R.DATA_THRESHOLD]))
    if rules[R.ROAMING_DATA].enabled:
        parts.append(roaming_data_notices(groups, rows, rules[R.ROAMING_DATA]))
    if rules[R.ROAMING_ARRIVAL].enabled:
        parts.append(arrival_notices(rows, positions))
    if not parts:
        return pl.DataFrame(schema=CANDIDATE_SCHEMA)
    return pl.concat([p.cast(CANDIDATE_SCHEMA) for p in parts])  # type: ignore[arg-type]
