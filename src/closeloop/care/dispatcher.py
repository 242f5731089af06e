"""The outbox dispatcher (发送): claims due notices, sends them, retries, records receipts.

A pass claims a batch of due notices (`pending`, or `failed` whose retry time has come) with
`FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite has one writer), marks them `sending` and
commits; sends each through its channel outside any transaction, within the channel's rate
limit; then records the outcome: `sent` with the channel's message id, `failed` with the next
attempt after an exponential backoff, or `dead` after the last attempt or a permanent refusal.
Receipts that arrive later turn `sent` into `delivered` or `undelivered`.

A claim is a lease (`lease`, one minute by default): the claimer starts no send later than
half the lease after its claim and hands what it did not start back to `pending`, and each
transport gives up on one message within a quarter of it. So a notice still `sending` when its
lease has run out belongs to a process that died, and the next pass retries it. While the
database cannot be reached, a send's outcome is written again every second until the lease
runs out. Delivery is at least once: the only notice a crash can send twice is the one whose
submit the channel had taken when the process died, before its `sent` was committed
(benchmarks/crash.py measures that window); outside crashes, a submit the channel took but did
not answer within the transport's timeout is retried and may arrive twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import InterfaceError, OperationalError

from closeloop.care.channels import DeliveryError, InboundText, Message, Receipt, Transport
from closeloop.care.events import TextReceived
from closeloop.care.models import DeliveryReceipt, Notification
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock, system_clock
from closeloop.runtime.work import Work

LEASE = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
# One pass keeps claiming while batches come back full, for at most this long (the job runs
# every 10 s).
PASS_SECONDS = 8.0
RETRY_WRITE_SECONDS = 1.0

log = logging.getLogger("closeloop.care.dispatcher")


class RateLimiter:
    """A token bucket: at most `rate` sends a second, bursts of up to one second's worth."""

    def __init__(
        self,
        rate: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate, self.monotonic, self.sleep = rate, monotonic, sleep
        self.capacity = max(1.0, rate)
        self.tokens = self.capacity
        self.last = monotonic()

    def wait(self) -> None:
        """Block until a send is allowed, then take a token."""
        now = self.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens < 1:
            pause = (1 - self.tokens) / self.rate
            self.sleep(pause)
            self.last = self.monotonic()
            self.tokens = 1.0
        self.tokens -= 1


def backoff(attempts: int, base_seconds: int) -> timedelta:
    """Delay before the next attempt after `attempts` failed ones: base · 2^(attempts−1)."""
    return min(timedelta(seconds=base_seconds * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


@dataclass
class Dispatcher:
    """Sends the outbox through the configured transports."""

    database: Database
    transports: dict[str, Transport]
    clock: Clock = system_clock
    max_attempts: int = 6
    backoff_seconds: int = 30
    rates: dict[str, float] = field(default_factory=dict)
    batch: int = 200
    webhook_url: str = ""
    sleep: Callable[[float], None] = time.sleep
    limiters: dict[str, RateLimiter] = field(default_factory=dict)
    lease: timedelta = LEASE
    monotonic: Callable[[], float] = time.monotonic
    # receipts the database could not take yet, by channel
    held_receipts: dict[str, list[Receipt]] = field(default_factory=dict)
    _lease_ends: float = field(default=0.0, init=False, repr=False)

    @classmethod
    def from_settings(cls, database: Database, settings: Settings) -> Dispatcher:
        """A dispatcher with every channel the settings configure."""
        from closeloop.care.channels.smpp import SmppTransport
        from closeloop.care.channels.smtp import SmtpTransport
        from closeloop.care.channels.webhook import WebhookTransport

        transports: dict[str, Transport] = {}
        lease = timedelta(seconds=settings.delivery_lease_seconds)
        # a transport gives up on one message within a quarter of the lease
        timeout = min(10.0, lease.total_seconds() / 4)
        if settings.smpp_host:
            transports["sms"] = SmppTransport(
                settings.smpp_host, settings.smpp_port, settings.smpp_system_id,
                settings.smpp_password, settings.smpp_source_addr, timeout,
            )  # fmt: skip
        if settings.smtp_host:
            transports["email"] = SmtpTransport(
                settings.smtp_host, settings.smtp_port, settings.smtp_sender,
                settings.smtp_username, settings.smtp_password, settings.smtp_starttls,
            )  # fmt: skip
        if settings.webhook_url:
            transports["webhook"] = WebhookTransport(settings.webhook_url, settings.webhook_secret)
        return cls(
            database,
            transports,
            max_attempts=settings.delivery_max_attempts,
            backoff_seconds=settings.delivery_backoff_seconds,
            rates={
                "sms": settings.smpp_rate_per_sec,
                "email": settings.smtp_rate_per_sec,
                "webhook": settings.webhook_rate_per_sec,
            },
            lease=lease,
        )

    def _limiter(self, channel: str) -> RateLimiter:
        if channel not in self.limiters:
            self.limiters[channel] = RateLimiter(self.rates.get(channel, 10.0), sleep=self.sleep)
        return self.limiters[channel]

    def _claim(self, now: datetime) -> list[Notification]:
        channels = list(self.transports)
        with self.database.unit_of_work() as session:
            session.execute(
                update(Notification)
                .where(
                    Notification.status == "sending",
                    Notification.claimed_at < now - self.lease,
                )
                .values(status="failed", send_after=now, last_error="interrupted while sending")
            )
            query = (
                select(Notification)
                .where(
                    Notification.status.in_(("pending", "failed")),
                    Notification.send_after <= now,
                    Notification.channel.in_(channels),
                )
                .order_by(Notification.send_after, Notification.id)
                .limit(self.batch)
            )
            if self.database.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            for row in rows:
                row.status, row.claimed_at, row.attempts = "sending", now, row.attempts + 1
            return rows

    def _message(self, n: Notification) -> Message:
        address = n.msisdn if n.channel == "sms" else n.recipient
        fields: dict[str, Any] = {
            "msisdn": n.msisdn, "period": n.period, "threshold": n.threshold,
            "country": n.country, "created_at": n.created_at.isoformat(),
            "ticket_id": str(n.ticket_id) if n.ticket_id else None,
            "mail_headers": n.mail_headers,
        }  # fmt: skip
        return Message(n.id, n.channel, address or "", n.text, n.rule, fields)

    def _record(self, n: Notification, values: dict[str, Any], receipt: str, detail: str) -> None:
        """Write a send's outcome. The channel has the message already: while the database
        cannot be reached (it restarts), keep trying until the claim's lease runs out, or the
        next claimer would send the notice again."""
        while True:
            try:
                self._write_outcome(n, values, receipt, detail)
                return
            except (OperationalError, InterfaceError) as exc:
                if self.monotonic() >= self._lease_ends:
                    raise
                log.warning("outcome of notice %s not written yet (%s); retrying", n.id, exc)
                self.sleep(RETRY_WRITE_SECONDS)

    def _write_outcome(
        self, n: Notification, values: dict[str, Any], receipt: str, detail: str
    ) -> None:
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            session.execute(update(Notification).where(Notification.id == n.id).values(**values))
            session.add(
                DeliveryReceipt(
                    notification_id=n.id, channel=n.channel, status=receipt,
                    external_id=values.get("external_id"), detail=detail[:2000], received_at=now,
                )
            )  # fmt: skip

    def _send(self, n: Notification) -> str:
        values: dict[str, Any]
        transport = self.transports[n.channel]
        self._limiter(n.channel).wait()
        try:
            accepted = transport.send(self._message(n))
        except DeliveryError as exc:
            now = self.clock.now()
            if exc.permanent or n.attempts >= self.max_attempts:
                values = {"status": "dead", "last_error": str(exc)[:2000]}
                self._record(n, values, "dead", str(exc))
                return "dead"
            retry = now + backoff(n.attempts, self.backoff_seconds)
            values = {"status": "failed", "last_error": str(exc)[:2000], "send_after": retry}
            self._record(n, values, "failed", str(exc))
            return "failed"
        values = {
            "status": "sent", "sent_at": self.clock.now(), "external_id": accepted.external_id,
            "last_error": None,
        }  # fmt: skip
        self._record(n, values, "accepted", accepted.detail)
        return "sent"

    def collect_receipts(self) -> int:
        """Record the delivery receipts the transports received; how many matched."""
        matched = 0
        for channel, transport in self.transports.items():
            receipts = self.held_receipts.pop(channel, []) + transport.receipts()
            if not receipts:
                continue
            try:
                matched += self._record_receipts(channel, receipts)
            except (OperationalError, InterfaceError):
                self.held_receipts[channel] = receipts  # kept for the next pass
                raise
        return matched

    def collect_inbound(self) -> int:
        """Hand the customers' own messages to their listeners (`TextReceived`); how many."""
        count = 0
        for channel, transport in self.transports.items():
            read = getattr(transport, "inbound", None)
            texts: list[InboundText] = read() if callable(read) else []
            if texts:
                with self.database.unit_of_work() as session:
                    work = replace(Work.of(session), clock=self.clock).bind()
                    for text in texts:
                        work.publish(
                            TextReceived(
                                at=self.clock.now(), channel=channel,
                                address=text.address, text=text.text,
                            )
                        )  # fmt: skip
                count += len(texts)
        return count

    def _record_receipts(self, channel: str, receipts: list[Receipt]) -> int:
        """Mark the notices the receipts are about delivered or undelivered; how many."""
        matched = 0
        now = self.clock.now()
        with self.database.unit_of_work() as session:
            for receipt in receipts:
                n = session.scalar(
                    select(Notification).where(
                        Notification.channel == channel,
                        Notification.external_id == receipt.external_id,
                    )
                )
                if n is None:
                    continue
                matched += 1
                n.status = "delivered" if receipt.delivered else "undelivered"
                n.delivered_at = now if receipt.delivered else None
                session.add(
                    DeliveryReceipt(
                        notification_id=n.id, channel=channel, status=n.status,
                        external_id=receipt.external_id, detail=receipt.detail,
                        received_at=now,
                    )
                )  # fmt: skip
        return matched

    def _release(self, rows: list[Notification]) -> None:
        """Hand claimed notices whose send was never started back to `pending`."""
        if not rows:
            return
        with self.database.unit_of_work() as session:
            for n in rows:
                session.execute(
                    update(Notification)
                    .where(Notification.id == n.id, Notification.status == "sending")
                    .values(status="pending", claimed_at=None, attempts=n.attempts - 1)
                )

    def _send_batch(self, counts: dict[str, int]) -> bool:
        """Claim a batch and send it within half the lease; whether more may be due."""
        claimed = self.monotonic()
        self._lease_ends = claimed + self.lease.total_seconds()
        budget = self.lease.total_seconds() / 2
        rows = self._claim(self.clock.now())
        for i, n in enumerate(rows):
            if self.monotonic() - claimed > budget:
                self._release(rows[i:])
                return True  # more is due
            counts[self._send(n)] += 1
        return len(rows) >= self.batch

    def run_once(self) -> dict[str, int]:
        """One pass: send what is due (batch after batch while they come back full, for at
        most PASS_SECONDS), collecting receipts after each; counts by outcome."""
        counts = {"sent": 0, "failed": 0, "dead": 0, "receipts": 0}
        if not self.transports:
            return counts
        started = self.monotonic()
        while True:
            full = self._send_batch(counts)
            counts["receipts"] += self.collect_receipts()
            self.collect_inbound()
            if not full or self.monotonic() - started > PASS_SECONDS:
                return counts

    def close(self) -> None:
        """Close every transport."""
        for transport in self.transports.values():
            transport.close()
