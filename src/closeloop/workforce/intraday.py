"""Intraday management (实时话务监控): actual versus forecast contacts and required versus
signed-in agents per interval of today, the re-forecast for the rest of the day, and the load
alert to supervisors (seed 004 §4.4: 自动触发预警并增派坐席).

The re-forecast scales the rest of today's forecast by how today ran so far (actual ÷ forecast
over the finished intervals). An alert is raised once per interval, when the last finished
interval ran above its forecast by the alert threshold (and by at least 5 contacts), or when
fewer agents are signed in now than the re-forecast needs; it goes to `role:supervisor` through
the care outbox with the re-forecast and the agents to add.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care.outbox import notify_staff
from closeloop.kit.clock import Clock
from closeloop.runtime.work import Work
from closeloop.workforce import settings as wfm
from closeloop.workforce.erlang import Demand, fewest_agents
from closeloop.workforce.forecast import ForecastError, forecast
from closeloop.workforce.models import LoadAlert
from closeloop.workforce.planning import history_points
from closeloop.workforce.states import signed_in_at, stretches
from closeloop.workforce.volumes import check_interval, interval_floor, series, volumes

MIN_EXCESS = 5
ALERT_RULE = "load_alert"


@dataclass(frozen=True)
class IntervalRow:
    """One interval of today."""

    start: datetime
    forecast: float
    actual: float | None  # None for intervals not started
    reforecast: float
    required: int  # agents the forecast needs
    required_now: int  # agents the re-forecast (or the actual, once finished) needs
    signed_in: int | None


@dataclass(frozen=True)
class Intraday:
    """Today by interval, with how today runs against its forecast."""

    interval_minutes: int
    rows: list[IntervalRow]
    ratio: float  # actual ÷ forecast over the finished intervals
    current: IntervalRow | None
    last_finished: IntervalRow | None


def _staff(work: Work, contacts: float, minutes: int) -> int:
    demand = Demand(
        contacts, work.business(wfm.AHT_SECONDS.key), minutes * 60,
        work.business(wfm.TARGET_SL.key), work.business(wfm.TARGET_SECONDS.key),
    )  # fmt: skip
    return fewest_agents(demand).agents


def _today_forecast(work: Work, minutes: int, channel: str | None) -> dict[datetime, float]:
    now = work.now()
    day_start = interval_floor(now, 60, work.tz).astimezone(work.tz).replace(hour=0)
    history = [p for p in history_points(work, minutes, channel, 8) if p.start < day_start]
    if not history:
        return {}
    per_day = 24 * 60 // minutes
    try:
        ahead = forecast(
            history, per_day * 7, minutes, work.tz, after=day_start - timedelta(minutes=minutes)
        )
    except ForecastError:
        return {}
    tomorrow = day_start + timedelta(days=1)
    return {p.start: p.contacts for p in ahead if p.start < tomorrow}


def today(work: Work, minutes: int = 30, channel: str | None = None) -> Intraday:
    """Today's intervals: forecast, actual, re-forecast, required and signed-in agents."""
    check_interval(minutes)
    now = work.now()
    expected = _today_forecast(work, minutes, channel)
    current_start = interval_floor(now, minutes, work.tz)
    day_start = current_start.astimezone(work.tz).replace(hour=0, minute=0)
    actual = {p.start: p.contacts for p in series(volumes(
        work.session, day_start, now, minutes, work.tz, channel))}  # fmt: skip
    starts = sorted(set(expected) | set(actual))
    finished = [s for s in starts if s < current_start]
    so_far = sum(expected.get(s, 0.0) for s in finished)
    ratio = sum(actual.get(s, 0.0) for s in finished) / so_far if so_far > 0 else 1.0
    states = stretches(work, day_start, now + timedelta(seconds=1))
    rows = []
    for start in starts:
        f = expected.get(start, 0.0)
        done = start < current_start
        refit = actual.get(start, 0.0) if done else f * ratio
        seen = actual.get(start, 0.0) if start <= current_start else None
        at = min(start + timedelta(minutes=minutes / 2), now)
        rows.append(
            IntervalRow(
                start, f, seen, refit, _staff(work, f, minutes), _staff(work, refit, minutes),
                signed_in_at(states, at, now) if start <= current_start else None,
            )
        )  # fmt: skip
    by_start = {r.start: r for r in rows}
    previous = current_start - timedelta(minutes=minutes)
    return Intraday(minutes, rows, ratio, by_start.get(current_start), by_start.get(previous))


def _reason(work: Work, view: Intraday) -> tuple[str, IntervalRow] | None:
    last, current = view.last_finished, view.current
    threshold = work.business(wfm.ALERT_DEVIATION.key)
    if last is not None and last.actual is not None:
        excess = last.actual - last.forecast
        if excess >= MIN_EXCESS and excess >= threshold * last.forecast:
            return "volume", last
    if (
        current is not None
        and current.signed_in is not None
        and (current.signed_in < current.required_now)
    ):
        return "understaffed", current
    return None


def _text(work: Work, view: Intraday, reason: str, row: IntervalRow) -> str:
    local = row.start.astimezone(work.tz).strftime("%H:%M")
    rest = [r for r in view.rows if view.current is None or r.start >= view.current.start]
    peak = max(rest, key=lambda r: r.required_now - (r.signed_in or 0), default=row)
    add = max(0, (view.current.required_now if view.current else 0) - (row.signed_in or 0))
    what = (
        f"{local} 时段话务 {row.actual:.0f}，高于预测 {row.forecast:.0f}"
        if reason == "volume"
        else f"{local} 时段在线坐席 {row.signed_in} 人，低于需求 {row.required_now} 人"
    )
    return (
        f"【话务预警】{what}。今日余下时段按实际修正预测（系数 {view.ratio:.2f}），"
        f"高峰 {peak.start.astimezone(work.tz):%H:%M} 需坐席 {peak.required_now} 人；"
        f"建议增派坐席 {add} 人。"
    )


def check_load(work: Work, minutes: int = 30, channel: str = "hotline") -> LoadAlert | None:
    """Raise the load alert for the current situation once per interval (the worker runs it)."""
    view = today(work, minutes, channel)
    found = _reason(work, view)
    if found is None:
        return None
    reason, row = found
    exists = work.session.scalar(
        select(LoadAlert.id).where(
            LoadAlert.channel == channel, LoadAlert.interval_start == row.start
        )
    )
    if exists:
        return None
    alert = LoadAlert(
        channel=channel,
        interval_start=row.start,
        raised_at=work.now(),
        reason=reason,
        actual=row.actual or 0.0,
        expected=row.forecast,
        required_agents=row.required_now,
        signed_in_agents=row.signed_in or 0,
    )
    work.session.add(alert)
    text = _text(work, view, reason, row)
    notify_staff(work.session, "role:supervisor", ALERT_RULE, text, work.now())
    return alert


def watch_load(session: Session, clock: Clock) -> int:
    """The worker's job: check the hotline's load; 1 when an alert was raised."""
    work = replace(Work.of(session), clock=clock).bind()
    return 0 if check_load(work) is None else 1
