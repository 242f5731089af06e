"""Workforce tables: interval volumes imported from the phone system, agents' states, the
published roster and the load alerts raised (排班与话务)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from closeloop.db.base import Base, UTCDateTime


class IntervalVolume(Base):
    """Contacts (and their mean handling time) of one interval and channel, imported from a
    phone system's history (话务历史)."""

    __tablename__ = "wfm_interval_volumes"
    __table_args__ = (UniqueConstraint("channel", "interval_start", "interval_minutes"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    interval_start: Mapped[datetime] = mapped_column(UTCDateTime())
    interval_minutes: Mapped[int] = mapped_column(Integer)
    contacts: Mapped[int] = mapped_column(Integer)
    aht_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AgentState(Base):
    """One stretch of an agent in a state (坐席状态): signed in, on contact, after-contact work,
    break, signed out; open (`ended_at` empty) while it lasts."""

    __tablename__ = "wfm_agent_states"
    __table_args__ = (
        Index("ix_wfm_agent_states_agent_started", "agent", "started_at"),
        Index("ix_wfm_agent_states_started", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(24))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    source: Mapped[str] = mapped_column(String(16))
    call_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class RosterShift(Base):
    """One agent's shift on one day of a published roster (排班表), with its break."""

    __tablename__ = "wfm_roster_shifts"
    __table_args__ = (
        UniqueConstraint("agent", "day"),
        Index("ix_wfm_roster_shifts_day", "day"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agent: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    shift: Mapped[str] = mapped_column(String(32))
    skill: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    break_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(64))


class LoadAlert(Base):
    """A load alert raised for one interval (话务预警), so each interval alerts once."""

    __tablename__ = "wfm_load_alerts"
    __table_args__ = (UniqueConstraint("channel", "interval_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    interval_start: Mapped[datetime] = mapped_column(UTCDateTime())
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(32))
    actual: Mapped[float] = mapped_column(Float)
    expected: Mapped[float] = mapped_column(Float)
    required_agents: Mapped[int] = mapped_column(Integer)
    signed_in_agents: Mapped[int] = mapped_column(Integer)
