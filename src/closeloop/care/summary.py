"""The twice-monthly usage summary (用量提醒, 1st and 16th): one notice per customer with usage.

On the 16th it reports the month so far, on the 1st the month just ended. The job runs
hourly and acts once the day's summary hour has come; a dedup key per customer and day makes
a second run add nothing. Customers are read in pages and the texts built in Polars.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
from sqlalchemy.orm import Session

from closeloop.care.ingest import Policy
from closeloop.care.quiet import apply_policy, capped_today, local_day_start
from closeloop.care.rules import USAGE_SUMMARY, load_rules
from closeloop.care.templates import human_mb_expr, month_expr, render_expr
from closeloop.care.usage_store import UsageStore

PAGE = 20000


def summary_period(now: datetime, policy: Policy, days: list[int], hour: int) -> str | None:
    """The month to summarise now, or None when today is not a summary day (or too early)."""
    local = now.astimezone(policy.tz)
    if local.day not in days or local.hour < hour:
        return None
    if local.day == 1:
        previous = local.replace(day=1) - timedelta(days=1)
        return f"{previous.year}-{previous.month:02d}"
    return f"{local.year}-{local.month:02d}"


def send_summaries(session: Session, now: datetime, policy: Policy) -> int:
    """Queue the summary of every customer with usage, if today is a summary day; how many."""
    rules = load_rules(session)
    settings = rules[USAGE_SUMMARY]
    if not settings.enabled:
        return 0
    period = summary_period(now, policy, settings.param("days"), settings.param("hour"))
    if period is None:
        return 0
    local = now.astimezone(policy.tz)
    date = f"{local.month}月{local.day}日" if local.day != 1 else f"{int(period[5:])}月底"
    store = UsageStore(session.connection())
    sql = store.sql
    schema = {
        "customer_id": pl.Int64, "msisdn": pl.String, "home": pl.Int64, "roaming": pl.Int64,
        "voice": pl.Int64, "sms": pl.Int64, "quota": pl.Int64,
    }  # fmt: skip
    after, total = 0, 0
    capped = [r for r, s in rules.items() if s.capped]
    while True:
        page = sql.frame(
            "SELECT m.customer_id, c.msisdn, m.home_data_milli, m.roaming_data_milli, "
            "m.voice_milli, m.sms_count, p.data_mb * 1000 FROM care_usage_months m "
            "JOIN customers c ON c.id = m.customer_id JOIN plans p ON p.id = c.plan_id "
            f"WHERE m.period = {sql.mark} AND m.customer_id > {sql.mark} "
            f"ORDER BY m.customer_id LIMIT {PAGE}",
            [period, after],
            schema,
        )
        if page.height == 0:
            return total
        after = int(page["customer_id"][-1])
        notices = page.select(
            "customer_id",
            "msisdn",
            rule=pl.lit(USAGE_SUMMARY),
            period=pl.lit(period),
            threshold=pl.lit(None, dtype=pl.Int64),
            country=pl.lit(None, dtype=pl.String),
            text=render_expr(
                USAGE_SUMMARY,
                date=pl.lit(date),
                month=month_expr(pl.lit(period)),
                home=human_mb_expr(pl.col("home")),
                quota=human_mb_expr(pl.col("quota")),
                roaming=human_mb_expr(pl.col("roaming")),
                voice=((pl.col("voice") + 500) // 1000).cast(pl.String),
                sms=pl.col("sms").cast(pl.String),
            ),
            dedup_key=pl.concat_str(
                [pl.col("msisdn"), pl.lit(USAGE_SUMMARY), pl.lit(local.date().isoformat())],
                separator="|",
            ),
        )
        optouts = store.opted_out(notices["customer_id"])
        notices = notices.join(optouts, on=["customer_id", "rule"], how="anti")
        given = capped_today(
            session, notices["customer_id"].to_list(), capped, local_day_start(now, policy.tz)
        )
        scheduled = apply_policy(
            notices, rules, given, now, policy.tz, policy.quiet, policy.daily_cap
        ).with_columns(channel=pl.lit(settings.channel))
        total += store.insert_notices(scheduled, now)
