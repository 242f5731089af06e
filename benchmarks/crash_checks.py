"""What benchmarks/crash.py finds in the database and at the SMS centre after the crashes:
acknowledged actions against ticket histories, notices against the SMPP peer's submits, and a
crashed-then-resent usage ingest against a clean one."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from tests.care.smpp_server import Submitted

from benchmarks.support import percentile
from closeloop.care.models import DeliveryReceipt, Notification, UsageMonth, UsageRecordSeen
from closeloop.tickets.models import Ticket, TicketEvent

USAGE_RULES = ("data_threshold", "roaming_arrival", "roaming_data")
UDH = 0x40
# A submit the outbox has no record of counts as cut off by a kill when it was the last of its
# SMPP session and a kill came within this many seconds of the centre's taking it (the window
# measured on every other notice is milliseconds).
KILL_WITHIN = 5.0


@dataclass
class TicketFigures:
    """Acknowledged actions and what the histories hold of them."""

    acknowledged: int
    tickets: int
    lost: list[tuple[int, str]]
    half_changed: list[int]


def ticket_figures(
    engine: Engine, acknowledged: list[tuple[int, str]], first_id: int
) -> TicketFigures:
    """Every acknowledged action must be in its ticket's history; every ticket created in the
    run must stand in the status of its last event."""
    with engine.connect() as conn:
        events = conn.execute(
            select(TicketEvent.ticket_id, TicketEvent.action, TicketEvent.to_status)
            .where(TicketEvent.ticket_id >= first_id)
            .order_by(TicketEvent.ticket_id, TicketEvent.id)
        ).all()
        statuses = dict(
            conn.execute(select(Ticket.id, Ticket.status).where(Ticket.id >= first_id)).all()
        )
    done = {(t, a) for t, a, _ in events}
    last = {t: s for t, _, s in events}
    lost = [pair for pair in acknowledged if pair not in done]
    half = [t for t, status in statuses.items() if last.get(t) != status]
    return TicketFigures(len(acknowledged), len(statuses), lost, half)


@dataclass(frozen=True)
class SmsMessage:
    """A whole message the SMS centre took (its parts put together)."""

    destination: str
    text: str
    message_id: str
    session: int
    at: float


def messages(submitted: list[Submitted]) -> list[SmsMessage]:
    """The peer's submits as whole messages (concatenated parts joined, UCS-2 decoded)."""
    out: list[SmsMessage] = []
    parts: dict[tuple[int, str, int], dict[int, bytes]] = defaultdict(dict)
    for s in submitted:
        payload, ref, total, seq = s.short_message, 0, 1, 1
        if s.esm_class & UDH:
            size = payload[0]
            header, payload = payload[1 : 1 + size], payload[1 + size :]
            if header[0] == 0x00:  # 8-bit reference
                ref, total, seq = header[2], header[3], header[4]
            else:  # 0x08: 16-bit reference
                ref, total, seq = header[2] << 8 | header[3], header[4], header[5]
        key = (s.session, s.destination, ref)
        parts[key][seq] = payload
        if len(parts[key]) < total:
            continue
        whole = parts.pop(key)
        raw = b"".join(whole[i] for i in range(1, total + 1))
        text = raw.decode("utf-16-be") if s.data_coding == 8 else raw.decode("latin-1")
        out.append(SmsMessage(s.destination, text, s.message_id, s.session, s.at))
    return out


@dataclass
class OutboxFigures:
    """Notices due, delivered, lost and sent twice; the window of one submit."""

    due: int = 0
    delivered: int = 0
    lost: int = 0
    phantom: int = 0  # marked sent but never seen by the centre
    submits: int = 0
    duplicated: int = 0  # extra submits of a notice
    in_window: int = 0  # …of which the process died between the centre's answer and `sent`
    not_yet_due: int = 0
    window_ms: list[float] = field(default_factory=list)
    kill_gap_ms: list[float] = field(default_factory=list)
    kills_during_delivery: int = 0
    undelivered: Counter[str] = field(default_factory=Counter)  # status: last error
    unexplained: list[str] = field(default_factory=list)  # duplicates beyond the window

    @property
    def beyond_window(self) -> int:
        """Duplicates the window of one submit does not explain."""
        return self.duplicated - self.in_window

    def window(self) -> str:
        """p50 / p99 / max of the window, in ms."""
        w = self.window_ms
        if not w:
            return "n/a"
        return f"p50 {percentile(w, 0.5):.1f} / p99 {percentile(w, 0.99):.1f} / max {max(w):.1f}"


def outbox_figures(
    engine: Engine, submitted: list[Submitted], kills: list[float], until: float
) -> OutboxFigures:
    """Compare the SMS notices in the outbox with what the SMPP peer took."""
    with engine.connect() as conn:
        notices = conn.execute(
            select(Notification.msisdn, Notification.text, Notification.status,
                   Notification.send_after, Notification.last_error)
            .where(Notification.channel == "sms", Notification.status != "held")
        ).all()  # fmt: skip
        recorded = dict(
            conn.execute(
                select(DeliveryReceipt.external_id, DeliveryReceipt.received_at).where(
                    DeliveryReceipt.channel == "sms", DeliveryReceipt.status == "accepted"
                )
            ).all()
        )
    figures = OutboxFigures()
    expected: Counter[tuple[str, str]] = Counter()
    for msisdn, text, status, send_after, error in notices:
        if send_after.timestamp() > until:
            figures.not_yet_due += 1
            continue
        figures.due += 1
        if status in ("sent", "delivered", "undelivered"):
            figures.delivered += 1
            expected[("86" + (msisdn or ""), text)] += 1
        else:
            figures.lost += 1
            figures.undelivered[f"{status}: {(error or '')[:60]}"] += 1
    sent = messages(submitted)
    figures.submits = len(sent)
    seen = Counter((m.destination, m.text) for m in sent)
    figures.phantom = sum(max(0, n - seen[key]) for key, n in expected.items())
    last_of_session = {m.session: m for m in sent}  # the last message of each session
    kills = sorted(kills)
    window_keys: Counter[tuple[str, str]] = Counter()
    unrecorded: dict[tuple[str, str], list[str]] = {}
    for m in sent:
        at = recorded.get(m.message_id)
        if at is not None:
            figures.window_ms.append((at.timestamp() - m.at) * 1000)
            continue
        # the kill nearest the centre's taking it: the centre may read a submit the process
        # wrote just before it died a moment after the kill
        gap = min((k - m.at for k in kills), key=abs, default=float("inf"))
        last = last_of_session[m.session] is m
        if last and abs(gap) < KILL_WITHIN:
            window_keys[(m.destination, m.text)] += 1
            figures.kill_gap_ms.append(gap * 1000)
        else:
            unrecorded.setdefault((m.destination, m.text), []).append(
                f"submit {m.message_id} at {m.at:.3f} in session {m.session} "
                f"(last of it: {last}; nearest kill {gap:+.1f} s from it)"
            )
    for key, n in seen.items():
        extra = max(0, n - expected[key])
        figures.duplicated += extra
        figures.in_window += min(extra, window_keys[key])
        if extra > window_keys[key]:
            figures.unexplained.append(
                f"{key[0]} {key[1][:30]}…: {unrecorded.get(key)}; "
                f"outbox receipts: {_receipts_of(engine, key)}"
            )
    figures.kills_during_delivery = sum(1 for k in kills if any(0 <= k - m.at <= 1.0 for m in sent))
    return figures


def _receipts_of(engine: Engine, key: tuple[str, str]) -> list[tuple[str, str | None, str]]:
    """What the outbox recorded of the notice with this destination and text."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(DeliveryReceipt.status, DeliveryReceipt.external_id, DeliveryReceipt.detail)
            .join(Notification, Notification.id == DeliveryReceipt.notification_id)
            .where(Notification.msisdn == key[0].removeprefix("86"), Notification.text == key[1])
            .order_by(DeliveryReceipt.id)
        ).all()
    return [(status, external, (detail or "")[:80]) for status, external, detail in rows]


@dataclass(frozen=True)
class IngestTotals:
    """What an ingest left: records seen, usage sums and the usage notices' keys."""

    records: int
    sums: tuple[int, ...]
    notices: frozenset[str]


def ingest_totals(engine: Engine) -> IngestTotals:
    """The usage state of one database."""
    with engine.connect() as conn:
        records = conn.scalar(select(func.count()).select_from(UsageRecordSeen)) or 0
        sums = conn.execute(
            select(
                func.coalesce(func.sum(UsageMonth.home_data_milli), 0),
                func.coalesce(func.sum(UsageMonth.roaming_data_milli), 0),
                func.coalesce(func.sum(UsageMonth.voice_milli), 0),
                func.coalesce(func.sum(UsageMonth.sms_count), 0),
                func.coalesce(func.sum(UsageMonth.records), 0),
            )
        ).one()
        keys = conn.scalars(
            select(Notification.dedup_key).where(
                Notification.rule.in_(USAGE_RULES), Notification.dedup_key.is_not(None)
            )
        ).all()
    return IngestTotals(int(records), tuple(int(v) for v in sums), frozenset(k for k in keys if k))
