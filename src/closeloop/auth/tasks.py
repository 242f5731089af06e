"""Housekeeping jobs for sign-in data."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from closeloop.auth.models import AccessToken, LoginFailure
from closeloop.kit.clock import Clock


def purge_expired(session: Session, clock: Clock) -> object:
    """Delete tokens a day past expiry and login failures older than an hour."""
    now = clock.now()
    tokens = session.execute(
        delete(AccessToken).where(AccessToken.expires_at < now - timedelta(days=1))
    )
    failures = session.execute(
        delete(LoginFailure).where(LoginFailure.at < now - timedelta(hours=1))
    )
    return {"tokens": tokens.rowcount, "failures": failures.rowcount}  # type: ignore[attr-defined]
