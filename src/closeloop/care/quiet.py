"""Quiet hours (免打扰时段) and the per-customer daily cap — when and whether a notice goes out.

A notice created in quiet hours (22:00–08:00 local by default) is written at once and sent
at the end of them. Notices of capped rules beyond the daily cap of a customer are written
with status `held` and `hold_reason = daily_cap`, and never sent: the record of what was held
back stays in the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.care.models import Notification
from closeloop.care.rules import RuleSettings

QUIET = "quiet_hours"
DAILY_CAP = "daily_cap"


@dataclass(frozen=True)
class QuietHours:
    """A nightly window in local time when customers are not disturbed."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """`22:00-08:00` → QuietHours; an empty text disables quiet hours."""
        if not text.strip():
            return cls(time(0), time(0))
        first, _, second = text.partition("-")
        return cls(time.fromisoformat(first.strip()), time.fromisoformat(second.strip()))

    def until(self, at: datetime, tz: ZoneInfo) -> datetime | None:
        """When the quiet hours around `at` end (UTC), or None when `at` is not in them."""
        if self.start == self.end:
            return None
        local = at.astimezone(tz)
        clock = local.time().replace(tzinfo=None)
        wraps = self.start > self.end
        inside = (
            (clock >= self.start or clock < self.end) if wraps else (self.start <= clock < self.end)
        )
        if not inside:
            return None
        day = local.date()
        if wraps and clock >= self.start:
            day += timedelta(days=1)
        end = datetime.combine(day, self.end, tzinfo=tz)
        return end.astimezone(UTC)


def local_day_start(at: datetime, tz: ZoneInfo) -> datetime:
    """The start of the local day of `at`, in UTC."""
    local = at.astimezone(tz)
    return datetime.combine(local.date(), time(0), tzinfo=tz).astimezone(UTC)


def capped_today(
    session: Session, customer_ids: Iterable[int], capped_rules: Iterable[str], since: datetime
) -> dict[int, int]:
    """How many notices of capped rules each customer was given (not held) since `since`."""
    ids, rules = list(customer_ids), list(capped_rules)
    counts: dict[int, int] = {}
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        query = (
            select(Notification.customer_id, func.count())
            .where(
                Notification.customer_id.in_(part),
                Notification.rule.in_(rules),
                Notification.created_at >= since,
                Notification.status != "held",
            )
            .group_by(Notification.customer_id)
        )
        counts.update({int(cid): int(n) for cid, n in session.execute(query) if cid is not None})
    return counts


def schedule_one(
    session: Session,
    customer_id: int,
    settings: RuleSettings,
    now: datetime,
    tz: ZoneInfo,
    quiet: QuietHours,
    cap: int,
    capped_rules: Iterable[str],
) -> tuple[str, datetime, str | None]:
    """(status, send_after, hold_reason) of one new notice to a customer."""
    if settings.capped:
        given = capped_today(session, [customer_id], capped_rules, local_day_start(now, tz))
        if given.get(customer_id, 0) >= cap:
            return "held", now, DAILY_CAP
    until = quiet.until(now, tz) if settings.quiet_hours else None
    if until is not None:
        return "pending", until, QUIET
    return "pending", now, None


def apply_policy(
    frame: pl.DataFrame,
    rules: dict[str, RuleSettings],
    given: dict[int, int],
    now: datetime,
    tz: ZoneInfo,
    quiet: QuietHours,
    cap: int,
) -> pl.DataFrame:
    """Add status, send_after and hold_reason to new notices (customer_id, rule, threshold).

    Within a customer the cap keeps the notices of higher priority first, then lower
    thresholds; `given` counts what each customer already had today.
    """
    capped = [r for r, s in rules.items() if s.capped]
    quiet_rules = [r for r, s in rules.items() if s.quiet_hours]
    priority = {r: s.priority for r, s in rules.items()}
    until = quiet.until(now, tz)
    given_frame = pl.DataFrame(
        {"customer_id": list(given), "given": list(given.values())},
        schema={"customer_id": pl.Int64, "given": pl.Int64},
    )
    ranked = (
        frame.with_columns(
            _capped=pl.col("rule").is_in(capped),
            _priority=pl.col("rule").replace_strict(priority, default=99, return_dtype=pl.Int64),
        )
        .join(given_frame, on="customer_id", how="left")
        .sort(["customer_id", "_priority", "period", "threshold"], nulls_last=True)
        .with_columns(
            _rank=pl.col("_capped").cast(pl.Int64).cum_sum().over("customer_id"),
        )
    )
    over = pl.col("_capped") & (pl.col("given").fill_null(0) + pl.col("_rank") > cap)
    quiet_now = pl.lit(until is not None) & pl.col("rule").is_in(quiet_rules)
    return ranked.with_columns(
        status=pl.when(over).then(pl.lit("held")).otherwise(pl.lit("pending")),
        hold_reason=pl.when(over)
        .then(pl.lit(DAILY_CAP))
        .when(quiet_now)
        .then(pl.lit(QUIET))
        .otherwise(pl.lit(None, dtype=pl.String)),
        send_after=pl.when(quiet_now & ~over).then(pl.lit(until or now)).otherwise(pl.lit(now)),
    ).drop("_capped", "_priority", "_rank", "given")
