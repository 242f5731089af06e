"""The one-time code a test customer was last sent by SMS, read from the care outbox."""

from __future__ import annotations

import re

from sqlalchemy import select

from closeloop.care.models import Notification
from closeloop.db.engine import Database


def sent_code(database: Database, msisdn: str) -> str:
    """The 6 digits of the newest verification SMS to `msisdn` (fails when none was sent)."""
    with database.unit_of_work(write=False) as session:
        text = session.scalars(
            select(Notification.text)
            .where(Notification.msisdn == msisdn, Notification.rule == "verification_code")
            .order_by(Notification.id.desc())
        ).first()
    assert text is not None, f"no code was sent to {msisdn}"
    found = re.search(r"\d{6}", text)
    assert found is not None, text
    return found.group()
