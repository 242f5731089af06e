"""KPI targets with their versions, scorecard weights, report recipients, and the day rollups
that KPI values are summed from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, Float, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class KpiTarget(Base):
    """One version of a KPI's target (指标目标): its value from a date on; never overwritten —
    a new value is a new row, and the versions side by side are the history."""

    __tablename__ = "kpi_targets"
    __table_args__ = (Index("ix_kpi_targets_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    since: Mapped[date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())


class KpiRollup(Base):
    """A KPI's numerator and denominator summed over one local day for one group of one
    grouping (`dim` "all" with key "" is the whole day), maintained by the ticket events as
    they happen; equal to recomputing them from the histories (`closeloop report rebuild`)."""

    __tablename__ = "kpi_rollups"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    dim: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    numerator: Mapped[float] = mapped_column(Float, default=0.0)
    denominator: Mapped[float] = mapped_column(Float, default=0.0)


class ScorecardWeight(Base):
    """How much a KPI weighs in the balanced scorecard (平衡计分卡) of a unit: a station's code,
    or "*" for every unit without its own weights."""

    __tablename__ = "kpi_scorecard_weights"

    unit: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    perspective: Mapped[str] = mapped_column(String(16))  # customer, process, people, finance
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2))


class ReportRecipient(Base):
    """An address the periodic KPI report (weekly, monthly, quarterly) is e-mailed to."""

    __tablename__ = "kpi_report_recipients"

    report: Mapped[str] = mapped_column(String(16), primary_key=True)
    address: Mapped[str] = mapped_column(String(254), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")


class ReportSend(Base):
    """A monthly or quarterly report mailed (报告发送记录): which period, to whom, by whom and
    when. A scheduled send holds its period in `schedule_key` (unique), claimed before the mail
    goes out, so a restart or a second worker never sends the same period twice; a send asked
    for by hand leaves it empty."""

    __tablename__ = "kpi_report_sends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(16))
    schedule_key: Mapped[str | None] = mapped_column(String(16), unique=True)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    sent_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KpiRollupMark(Base):
    """Rollups of a KPI that are incomplete before an instant (汇总起点): the events before it
    happened before the rollups were kept (a database upgraded with history in it). Values
    for days up to that instant's local day are recomputed exactly; `closeloop report
    rebuild` sums everything again and removes the mark."""

    __tablename__ = "kpi_rollup_marks"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    exact_before: Mapped[datetime] = mapped_column(UTCDateTime())
