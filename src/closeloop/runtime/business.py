"""Business settings (业务参数): values an operator changes from the console without a release —
quiet hours, daily caps, delivery limits, service promises. Each module declares its own in its
manifest entry with a default (from the environment or the module's rule table); a changed value
is a row in `business_settings` with who changed it and when."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from closeloop.config import Settings
from closeloop.db.base import Base, UTCDateTime


class BusinessSettingValue(Base):
    """A business setting's value as an operator set it (the default applies without a row)."""

    __tablename__ = "business_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class BusinessSetting:
    """A setting a module offers: its key, names in both languages, default and validation."""

    key: str
    name: str  # Chinese
    name_en: str
    default: Callable[[Settings], Any]
    # turns a submitted JSON value into the stored one; ValueError says what is wrong
    parse: Callable[[Any], Any]
    unit: str = ""


REGISTRY: dict[str, BusinessSetting] = {}
_CACHE = "closeloop.business_settings"


def register(setting: BusinessSetting) -> None:
    """Offer a setting (the module manifest does this for every module), once per key."""
    REGISTRY[setting.key] = setting


def overrides(session: Session) -> dict[str, BusinessSettingValue]:
    """The values operators set, read once per unit of work."""
    cached: dict[str, BusinessSettingValue] | None = session.info.get(_CACHE)
    if cached is None:
        rows = session.scalars(select(BusinessSettingValue))
        cached = session.info[_CACHE] = {row.key: row for row in rows}
    return cached


def forget(session: Session) -> None:
    """Drop the cached values (after one changed): this unit of work's and this process's."""
    session.info.pop(_CACHE, None)
    with _lock:
        _in_force.clear()


# Values in force, per database, kept a few seconds: a ticket or a notice reads them on every
# step, and they change a few times a year. Another process sees a change within SECONDS.
SECONDS = 30.0
_in_force: dict[str, tuple[float, dict[str, Any]]] = {}
_lock = threading.Lock()


def _values(session: Session) -> dict[str, Any]:
    where = str(session.get_bind().engine.url)
    with _lock:
        cached = _in_force.get(where)
    if cached is not None and time.monotonic() - cached[0] < SECONDS:
        return cached[1]
    values = {row.key: row.value for row in overrides(session).values()}
    with _lock:
        _in_force[where] = (time.monotonic(), values)
    return values


def current(session: Session, settings: Settings, key: str) -> Any:
    """A setting's value in force: the operator's, else the default."""
    values = _values(session)
    return values[key] if key in values else REGISTRY[key].default(settings)


def positive_int(value: Any) -> int:
    """A whole number of at least 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError("must be a whole number of at least 1")
    return value


def positive_number(value: Any) -> float:
    """A number above 0."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError("must be a number above 0")
    return float(value)
