"""Periodic jobs of proactive care: dispatch the outbox, usage summaries, trial expiry."""

from __future__ import annotations

from sqlalchemy.orm import Session

from closeloop.care.dispatcher import Dispatcher
from closeloop.care.settings import apply_delivery_limits, policy_in_force
from closeloop.care.subscriptions import end_trials
from closeloop.care.summary import send_summaries
from closeloop.config import get_settings
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from closeloop.runtime.work import Work

_dispatchers: dict[str, Dispatcher] = {}


def dispatch_outbox(database: Database, clock: Clock) -> dict[str, int]:
    """Send what is due through the configured channels (the SMPP session is kept open)."""
    dispatcher = _dispatchers.get(database.url)
    if dispatcher is None:
        dispatcher = Dispatcher.from_settings(database, get_settings())
        _dispatchers[database.url] = dispatcher
    dispatcher.clock = clock
    with database.unit_of_work() as session:
        apply_delivery_limits(Work(session, get_settings(), clock), dispatcher)
    return dispatcher.run_once()


def usage_summary(session: Session, clock: Clock) -> int:
    """The twice-monthly usage summary, on its days."""
    return send_summaries(session, clock.now(), policy_in_force(Work.of(session)))


def trial_expiry(session: Session, clock: Clock) -> int:
    """Cancel free trials that ended without renewal, with a notice."""
    return end_trials(session, clock)
