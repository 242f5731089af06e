"""Delivery: real SMPP, SMTP and HTTP exchanges on loopback; retries with backoff, the dead
letter, receipts, rate limits, quiet hours respected by the dispatcher."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from closeloop.care.channels.smpp import SmppTransport
from closeloop.care.channels.smtp import SmtpTransport
from closeloop.care.channels.webhook import WebhookTransport
from closeloop.care.dispatcher import Dispatcher, RateLimiter, backoff
from closeloop.care.models import DeliveryReceipt
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.care.conftest import CareSetup, get_notice, queue_sms
from tests.care.smpp_server import ESME_RINVDSTADR, ESME_RSYSERR, SmppServer
from tests.support.smtp_server import Mailbox, smtp_server

A = "19900000001"
TEXT = "【CloseLoop】尊敬的客户，您11月国内流量已用8.2GB/共10GB，已达套餐的80%。"

pytestmark = pytest.mark.usefixtures("empty_outbox")
_queue = partial(queue_sms, rule="data_threshold", text=TEXT)
_get = get_notice


def _sms(database: Database, clock: FixedClock, server: SmppServer, **kw: Any) -> Dispatcher:
    transport = SmppTransport("127.0.0.1", server.port, "closeloop", "secret", "10000", timeout=5)
    return Dispatcher(database, {"sms": transport}, clock, sleep=lambda _s: None, **kw)


def _wait_receipts(dispatcher: Dispatcher) -> int:
    for _ in range(200):  # receipts arrive on their own schedule; poll, bounded
        matched = dispatcher.collect_receipts()
        if matched:
            return matched
        time.sleep(0.02)
    return 0


def test_an_sms_goes_over_smpp_in_ucs2_and_its_receipt_marks_it_delivered(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    short = _queue(database, clock, care)
    long = _queue(database, clock, care, text=TEXT * 3)  # more than one SMS
    dispatcher = _sms(database, clock, smsc)
    try:
        assert dispatcher.run_once()["sent"] == 2
        assert smsc.binds == ["closeloop"]
        first = smsc.submitted[0]
        assert first.destination == "86" + A and first.data_coding == 8  # UCS-2
        assert first.short_message.decode("utf-16-be") == TEXT
        assert len(smsc.submitted) > 2 and smsc.submitted[1].esm_class & 0x40  # concatenated
        sent = _get(database, short)
        assert sent.attempts == 1 and sent.external_id == "M000001" and sent.sent_at
        for _ in range(200):  # receipts come when the centre sends them: poll, bounded
            if {_get(database, short).status, _get(database, long).status} == {"delivered"}:
                break
            dispatcher.collect_receipts()
            time.sleep(0.02)
    finally:
        dispatcher.close()
    assert _get(database, short).status == "delivered"
    assert _get(database, long).status == "delivered"
    with database.unit_of_work(write=False) as session:
        receipts = [r.status for r in session.scalars(
            select(DeliveryReceipt).where(DeliveryReceipt.notification_id == short)
            .order_by(DeliveryReceipt.id)
        )]  # fmt: skip
    assert receipts == ["accepted", "delivered"]


def test_a_negative_receipt_marks_the_message_undelivered(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    smsc.undeliverable.add("86" + A)
    queued = _queue(database, clock, care)
    dispatcher = _sms(database, clock, smsc)
    try:
        dispatcher.run_once()
        if _get(database, queued).status == "sent":
            _wait_receipts(dispatcher)
    finally:
        dispatcher.close()
    assert _get(database, queued).status == "undelivered"


def test_failures_are_retried_with_exponential_backoff_then_dead_lettered(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    smsc.fail_next = [ESME_RSYSERR] * 3
    queued = _queue(database, clock, care)
    dispatcher = _sms(database, clock, smsc, max_attempts=3, backoff_seconds=30)
    try:
        assert dispatcher.run_once()["failed"] == 1
        first = _get(database, queued)
        assert (first.status, first.attempts) == ("failed", 1)
        assert first.send_after == clock.now() + timedelta(seconds=30)
        assert "refused" in (first.last_error or "")
        assert dispatcher.run_once()["failed"] == 0  # not due yet
        clock.advance(timedelta(seconds=30))
        dispatcher.run_once()
        second = _get(database, queued)
        assert (second.status, second.attempts) == ("failed", 2)
        assert second.send_after == clock.now() + timedelta(seconds=60)  # doubled
        clock.advance(timedelta(seconds=60))
        assert dispatcher.run_once()["dead"] == 1
        assert _get(database, queued).status == "dead"
        clock.advance(timedelta(days=1))
        assert dispatcher.run_once() == {"sent": 0, "failed": 0, "dead": 0, "receipts": 0}
    finally:
        dispatcher.close()
    assert smsc.submitted == []


def test_a_retry_after_a_transient_failure_is_sent_and_a_permanent_one_is_dead_at_once(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    smsc.fail_next = [ESME_RSYSERR, ESME_RINVDSTADR]
    transient = _queue(database, clock, care)
    permanent = _queue(database, clock, care)
    dispatcher = _sms(database, clock, smsc, max_attempts=5)
    try:
        dispatcher.run_once()
        assert _get(database, permanent).status == "dead"
        clock.advance(backoff(1, 30))
        dispatcher.run_once()
    finally:
        dispatcher.close()
    assert _get(database, transient).status in ("sent", "delivered")
    assert _get(database, transient).attempts == 2


def test_a_session_the_centre_closed_is_reopened(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    first = _queue(database, clock, care)
    dispatcher = _sms(database, clock, smsc)
    try:
        assert dispatcher.run_once()["sent"] == 1
        smsc.drop_sessions()
        second = _queue(database, clock, care)
        assert dispatcher.run_once()["sent"] == 1
    finally:
        dispatcher.close()
    assert len(smsc.binds) == 2
    assert _get(database, first).attempts == _get(database, second).attempts == 1


def test_the_dispatcher_waits_for_the_end_of_quiet_hours(
    database: Database, clock: FixedClock, care: CareSetup, smsc: SmppServer
) -> None:
    queued = _queue(database, clock, care, send_after=clock.now() + timedelta(hours=9),
                    hold_reason="quiet_hours")  # fmt: skip
    dispatcher = _sms(database, clock, smsc)
    try:
        assert dispatcher.run_once()["sent"] == 0
        clock.advance(timedelta(hours=9))
        assert dispatcher.run_once()["sent"] == 1
    finally:
        dispatcher.close()
    assert _get(database, queued).status in ("sent", "delivered")


def test_email_goes_over_smtp(database: Database, clock: FixedClock, care: CareSetup) -> None:
    mailbox = Mailbox()
    controller = smtp_server(mailbox)
    port = controller.port
    try:
        queued = _queue(database, clock, care, channel="email", recipient="noc@op.example",
                        rule="outage", msisdn=None, customer_id=None)  # fmt: skip
        transport = SmtpTransport("127.0.0.1", port, "closeloop@op.example")
        dispatcher = Dispatcher(database, {"email": transport}, clock)
        assert dispatcher.run_once()["sent"] == 1
    finally:
        controller.stop()
    [envelope] = mailbox.messages
    assert envelope.rcpt_tos == ["noc@op.example"]
    mail = email.message_from_bytes(envelope.content)
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert TEXT in payload.decode("utf-8")
    assert _get(database, queued).external_id == mail["Message-ID"]


def test_an_unreachable_smtp_server_is_retried(
    database: Database, clock: FixedClock, care: CareSetup
) -> None:
    queued = _queue(database, clock, care, channel="email", recipient="noc@op.example")
    transport = SmtpTransport("127.0.0.1", 1, "closeloop@op.example", timeout=2)
    Dispatcher(database, {"email": transport}, clock).run_once()
    assert _get(database, queued).status == "failed"


def test_the_webhook_is_signed_and_retried_after_a_server_error(
    database: Database, clock: FixedClock, care: CareSetup
) -> None:
    answers = [500, 200]
    received: list[tuple[dict[str, Any], str]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((json.loads(body), self.headers["X-CloseLoop-Signature"]))
            self.send_response(answers.pop(0))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        queued = _queue(database, clock, care, channel="webhook")
        dispatcher = Dispatcher(database, {"webhook": WebhookTransport(url, "s3cret")}, clock)
        assert dispatcher.run_once()["failed"] == 1
        clock.advance(timedelta(seconds=30))
        assert dispatcher.run_once()["sent"] == 1
        dispatcher.close()
    finally:
        server.shutdown()
    body, signature = received[-1]
    assert body["id"] == str(queued) and body["text"] == TEXT and body["msisdn"] == A
    raw = json.dumps(body, ensure_ascii=False).encode()
    assert signature == "sha256=" + hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
    assert _get(database, queued).status == "sent"


def test_the_rate_limiter_spaces_sends_out() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    limiter = RateLimiter(2.0, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(6):
        limiter.wait()
    assert slept == [0.5, 0.5, 0.5, 0.5]  # a burst of two, then two a second
