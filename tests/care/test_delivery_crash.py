"""Delivery across crashes: a claim is a lease, what a claimer could not start goes back, and
a send's outcome waits for a database that is restarting instead of being lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from closeloop.care.channels.smpp import SmppTransport
from closeloop.care.dispatcher import LEASE, Dispatcher
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.care.conftest import CareSetup, get_notice, queue_sms
from tests.care.smpp_server import SmppServer

A = "19900000001"
TEXT = "【CloseLoop】尊敬的客户，您的工单已受理。"
SENT = ("sent", "delivered")  # the receipt may already have come back

pytestmark = pytest.mark.usefixtures("empty_outbox")
_queue = partial(queue_sms, rule="ticket_progress", text=TEXT)
_get = get_notice


def _ticks(*values: float) -> Callable[[], float]:
    """A monotonic clock reading the given values in turn, then staying on the last."""
    left = list(values)
    return lambda: left.pop(0) if len(left) > 1 else left[0]


def _sms(database: Database, clock: FixedClock, server: SmppServer, **kw: Any) -> Dispatcher:
    transport = SmppTransport("127.0.0.1", server.port, "closeloop", "secret", "10000", timeout=5)
    return Dispatcher(database, {"sms": transport}, clock, sleep=lambda _s: None, **kw)


def test_a_notice_left_sending_is_sent_again_only_once_its_claimers_lease_ran_out(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    now = clock.now()
    dead = _queue(
        database, clock, care, status="sending", attempts=1,
        claimed_at=now - LEASE - timedelta(seconds=1),
    )  # fmt: skip
    busy = _queue(
        database, clock, care, status="sending", attempts=1,
        claimed_at=now - timedelta(seconds=10), text=TEXT + "（另一条）",
    )  # fmt: skip
    dispatcher = _sms(database, clock, smsc)
    try:
        assert dispatcher.run_once()["sent"] == 1
    finally:
        dispatcher.close()
    assert _get(database, dead).status in SENT
    assert _get(database, dead).attempts == 2
    assert _get(database, busy).status == "sending"  # its claimer may still be sending it
    assert [s.short_message.decode("utf-16-be") for s in smsc.submitted] == [TEXT]


def test_what_a_claimer_has_not_started_within_half_its_lease_goes_back_to_pending(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    ids = [_queue(database, clock, care, text=f"{TEXT}{i}") for i in range(3)]
    half = LEASE.total_seconds() / 2
    # the pass starts at 0 and claims at 0; the first send starts at 1 s, the second would
    # start after half the lease
    dispatcher = _sms(database, clock, smsc, monotonic=_ticks(0, 0, 1, half + 1))
    try:
        counts = dispatcher.run_once()
    finally:
        dispatcher.close()
    assert counts["sent"] == 1
    first, *rest = (_get(database, i) for i in ids)
    assert first.status in SENT
    assert [(n.status, n.attempts, n.claimed_at) for n in rest] == [("pending", 0, None)] * 2
    assert len(smsc.submitted) == 1


def test_a_sends_outcome_is_written_once_the_database_is_back(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    queued = _queue(database, clock, care)
    pauses: list[float] = []
    dispatcher = _sms(database, clock, smsc)
    dispatcher.sleep = pauses.append
    write = dispatcher._write_outcome
    outage = [OperationalError("UPDATE notifications", {}, Exception("server closed"))] * 2

    def flaky(*args: Any) -> None:
        if outage:  # the database restarts: the first two writes find no server
            raise outage.pop()
        write(*args)

    dispatcher._write_outcome = flaky  # type: ignore[method-assign,assignment]
    try:
        assert dispatcher.run_once()["sent"] == 1
    finally:
        dispatcher.close()
    assert len(pauses) == 2
    assert _get(database, queued).status in SENT
    assert len(smsc.submitted) == 1  # taken once; not left `sending` to be sent again


def test_a_sends_outcome_gives_up_when_the_lease_has_run_out(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    queued = _queue(database, clock, care)
    after_lease = LEASE.total_seconds() + 1
    dispatcher = _sms(database, clock, smsc, monotonic=_ticks(0, 0, 0, after_lease))

    def down(*_args: Any) -> None:
        raise OperationalError("UPDATE notifications", {}, Exception("server closed"))

    dispatcher._write_outcome = down  # type: ignore[method-assign,assignment]
    try:
        with pytest.raises(OperationalError):
            dispatcher.run_once()
    finally:
        dispatcher.close()
    assert _get(database, queued).status == "sending"  # retried after the lease, by anyone


def test_a_submit_the_centre_took_but_did_not_answer_is_not_sent_again_at_once(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    first = _queue(database, clock, care)
    transport = SmppTransport("127.0.0.1", smsc.port, "closeloop", "secret", "10000", timeout=0.5)
    dispatcher = Dispatcher(database, {"sms": transport}, clock, sleep=lambda _s: None)
    try:
        dispatcher.run_once()  # the session is open now
        assert _get(database, first).status in SENT
        stalled = _queue(database, clock, care, text=TEXT + "（二）")
        smsc.unanswered = 1
        assert dispatcher.run_once()["failed"] == 1
    finally:
        dispatcher.close()
    assert _get(database, stalled).status == "failed"  # retried after the backoff, not at once
    texts = [s.short_message.decode("utf-16-be") for s in smsc.submitted]
    assert texts == [TEXT, TEXT + "（二）"]
