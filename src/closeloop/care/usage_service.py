"""Reading customers' monthly usage totals (用量月汇总), for customer value and reports.

Other domains read usage only through this function, never `care_usage_months` itself.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Select, select

from closeloop.care.models import UsageMonth

MILLI = 1000.0
# customer_id, period, data_mb, voice_minutes, sms
UsageQuery = Select[int, str, float | Decimal, float | Decimal, int]


def usage_rows(first: str | None = None, last: str | None = None) -> UsageQuery:
    """A query of each customer's usage in the periods first…last (`YYYY-MM`, both included;
    None = open): `customer_id`, `period`, `data_mb` (home and roaming), `voice_minutes`,
    `sms` — for set-based analytics that join or aggregate it further."""
    query = select(
        UsageMonth.customer_id.label("customer_id"),
        UsageMonth.period.label("period"),
        ((UsageMonth.home_data_milli + UsageMonth.roaming_data_milli) / MILLI).label("data_mb"),
        (UsageMonth.voice_milli / MILLI).label("voice_minutes"),
        UsageMonth.sms_count.label("sms"),
    )
    if first is not None:
        query = query.where(UsageMonth.period >= first)
    if last is not None:
        query = query.where(UsageMonth.period <= last)
    return query
