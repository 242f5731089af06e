"""Departments, stations with time limits, business calendars, category and cause taxonomies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class Department(Base):
    """A department (部门) of the operator, e.g. 客户服务中心 or 网络维护部."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class BusinessCalendar(Base):
    """When a station works (工作日历): daily hours, or around the clock."""

    __tablename__ = "business_calendars"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    always_open: Mapped[bool] = mapped_column(Boolean, default=False)
    day_start: Mapped[str] = mapped_column(String(5), default="08:30")
    day_end: Mapped[str] = mapped_column(String(5), default="17:30")
    follows_public_holidays: Mapped[bool] = mapped_column(Boolean, default=True)


class CalendarDay(Base):
    """An exception to the weekly pattern: a public holiday, or an adjusted working day (调休)."""

    __tablename__ = "calendar_days"

    calendar_code: Mapped[str] = mapped_column(
        ForeignKey("business_calendars.code", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(64), default="")


class CalendarHours(Base):
    """An opening interval of a calendar's week (营业时间), e.g. Monday 08:30–12:00.

    A calendar without rows here opens Monday–Friday from `day_start` to `day_end`."""

    __tablename__ = "calendar_hours"

    calendar_code: Mapped[str] = mapped_column(
        ForeignKey("business_calendars.code", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0 = Monday
    start: Mapped[str] = mapped_column(String(5), primary_key=True)  # HH:MM local
    end: Mapped[str] = mapped_column(String(5))


class CalendarSchedule(Base):
    """A year whose holiday schedule a calendar holds from an official source (节假日安排):
    the State Council's notice imported, or the `chinesecalendar` package's data."""

    __tablename__ = "calendar_schedules"

    calendar_code: Mapped[str] = mapped_column(
        ForeignKey("business_calendars.code", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(32))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    loaded_by: Mapped[str] = mapped_column(String(64))


class Station(Base):
    """A back-end station (后端工位) that accepts and works dispatched tickets in time limits."""

    __tablename__ = "stations"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str | None] = mapped_column(String(128), nullable=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    calendar_code: Mapped[str] = mapped_column(ForeignKey("business_calendars.code"))
    accept_minutes: Mapped[int] = mapped_column(Integer, default=30)
    limit_urgent_minutes: Mapped[int] = mapped_column(Integer, default=4 * 60)
    limit_high_minutes: Mapped[int] = mapped_column(Integer, default=8 * 60)
    limit_normal_minutes: Mapped[int] = mapped_column(Integer, default=24 * 60)
    limit_low_minutes: Mapped[int] = mapped_column(Integer, default=72 * 60)
    # Retired (撤销): keeps its history, receives no more dispatches.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def limit_minutes(self, severity: str) -> int:
        """The station's time limit for a ticket of this severity, in business minutes."""
        return int(getattr(self, f"limit_{severity}_minutes"))


class Category(Base):
    """A node of the three-level fault/complaint classification (故障现象分类).

    `parent` is the tree; the code is a stable identifier (the path where the node was made,
    e.g. signal/indoor/weak) that tickets keep, so a move changes the parent, never the code."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(96), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str | None] = mapped_column(String(128), nullable=True)
    parent: Mapped[str | None] = mapped_column(
        ForeignKey("categories.code"), nullable=True, index=True
    )
    level: Mapped[int] = mapped_column(Integer)
    station_code: Mapped[str | None] = mapped_column(ForeignKey("stations.code"), nullable=True)
    # Retired: no longer chosen for new tickets; tickets that have it keep and show it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Cause(Base):
    """A node of the fault-cause classification (故障原因) a station gives when it replies;
    parent and code relate as in Category."""

    __tablename__ = "causes"

    code: Mapped[str] = mapped_column(String(96), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str | None] = mapped_column(String(128), nullable=True)
    parent: Mapped[str | None] = mapped_column(ForeignKey("causes.code"), nullable=True, index=True)
    level: Mapped[int] = mapped_column(Integer)
    # Retired: no longer given in new replies; tickets that have it keep and show it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
