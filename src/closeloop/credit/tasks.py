"""The daily credit run of the worker."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from closeloop.credit.run import run_credit
from closeloop.kit.clock import Clock


def daily_run(session: Session, _clock: Clock) -> dict[str, Any]:
    """Grade every customer and take each one in arrears to their step (idempotent); the worker
    binds the session's work to its clock."""
    return run_credit(session).as_dict()
