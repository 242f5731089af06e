"""Outage and cut-over notices (故障/割接通知): tell every affected customer once, and again
when service is back; link the area's open tickets to the outage.

An outage names regions and/or cell ids. Its customers are those whose home region is named,
and those with an open ticket at one of the cells. Notices go out set-wise (one INSERT …
SELECT), respect opt-outs and quiet hours, and carry a dedup key per customer and phase, so
notifying twice never doubles a notice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, exists, insert, literal, or_, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.care.choices import OUTAGE_KINDS
from closeloop.care.models import Notification, OptOut, Outage, OutageTicket
from closeloop.care.rules import OUTAGE, load_rules
from closeloop.care.schemas import OutageOut
from closeloop.care.settings import quiet_hours_in_force
from closeloop.care.templates import local_text, render
from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.base import UTCDateTime
from closeloop.db.links import children_of
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.kit.ids import parse_id
from closeloop.runtime.work import Work
from closeloop.tickets.queries import customers_with_open_tickets_at, open_in_area

KINDS = OUTAGE_KINDS.labels("zh-CN")  # the kind as the notice names it


def _area(outage: Outage) -> str:
    regions, cells = json.loads(outage.regions), json.loads(outage.cell_ids)
    parts = ["、".join(regions)] if regions else []
    if cells:
        parts.append(f"基站{'、'.join(cells[:5])}{'等' if len(cells) > 5 else ''}覆盖区域")
    return "及".join(parts) or "相关区域"


def _affected(outage: Outage) -> Any:
    """A select of the affected customers' (id, msisdn)."""
    regions, cells = json.loads(outage.regions), json.loads(outage.cell_ids)
    conditions: list[Any] = []
    if regions:
        conditions.append(Customer.region.in_(regions))
    if cells:
        conditions.append(Customer.id.in_(customers_with_open_tickets_at(cells)))
    return or_(*conditions)


def _notify_all(
    session: Session, outage: Outage, phase: str, text: str, settings: Settings, now: datetime
) -> int:
    rule = load_rules(session)[OUTAGE]
    if not rule.enabled:
        return 0
    until = quiet_hours_in_force(Work.of(session)).until(now, settings.tz)
    send_after = until if (until and rule.quiet_hours) else now
    prefix = f"outage:{outage.id}:{phase}:"
    rows = select(
        Customer.id,
        Customer.msisdn,
        literal("customer"),
        literal(rule.channel),
        literal(OUTAGE),
        literal(text),
        literal("pending"),
        literal(now, type_=UTCDateTime()),
        literal(send_after, type_=UTCDateTime()),
        literal(0),
        literal(prefix) + cast(Customer.id, String),
        literal("quiet_hours" if send_after != now else None, type_=String),
    ).where(
        _affected(outage),
        ~exists().where(OptOut.customer_id == Customer.id, OptOut.rule == OUTAGE),
        ~exists().where(Notification.dedup_key == literal(prefix) + cast(Customer.id, String)),
    )
    columns = [
        "customer_id", "msisdn", "recipient", "channel", "rule", "text", "status",
        "created_at", "send_after", "attempts", "dedup_key", "hold_reason",
    ]  # fmt: skip
    inserted = session.execute(
        insert(Notification).from_select(columns, rows).returning(Notification.id)
    )
    count = len(inserted.all())
    for address in [a.strip() for a in settings.outage_emails.split(",") if a.strip()]:
        session.add(
            Notification(
                recipient=address, channel="email", rule=OUTAGE, text=text, status="pending",
                created_at=now, send_after=now, attempts=0,
                dedup_key=f"outage:{outage.id}:{phase}:mail:{address}"[:160],
            )
        )  # fmt: skip
    if settings.webhook_url:
        session.add(
            Notification(
                recipient="webhook", channel="webhook", rule=OUTAGE, text=text, status="pending",
                created_at=now, send_after=now, attempts=0,
                dedup_key=f"outage:{outage.id}:{phase}:webhook",
            )
        )  # fmt: skip
    return count


def _link_tickets(session: Session, outage: Outage) -> int:
    regions, cells = json.loads(outage.regions), json.loads(outage.cell_ids)
    area = open_in_area(regions, cells).subquery()
    rows = select(literal(outage.id), area.c.id).where(
        ~exists().where(
            and_(OutageTicket.outage_id == outage.id, OutageTicket.ticket_id == area.c.id)
        ),
    )
    linked = session.execute(
        insert(OutageTicket)
        .from_select(["outage_id", "ticket_id"], rows)
        .returning(OutageTicket.ticket_id)
    )
    return len(linked.all())


@dataclass(frozen=True)
class OutageSpec:
    """An outage or cut-over as declared: its kind, its area (regions and/or cell ids), when
    it starts and is expected to end, and what customers are told it is."""

    kind: str
    regions: Sequence[str]
    cell_ids: Sequence[str]
    starts_at: datetime
    expected_end_at: datetime
    description: str


def open_outage(
    session: Session,
    actor: Actor,
    settings: Settings,
    spec: OutageSpec,
    *,
    clock: Clock = system_clock,
) -> Outage:
    """Record an outage, link its area's open tickets and notify its customers once.

    422 for timestamps without an offset, an unknown kind, no area, or an end before the start.
    """
    kind, regions, cell_ids = spec.kind, spec.regions, spec.cell_ids
    starts_at, expected_end_at, description = spec.starts_at, spec.expected_end_at, spec.description
    if starts_at.tzinfo is None or expected_end_at.tzinfo is None:
        raise InvalidInput.field("start", "timestamps need an offset")
    if kind not in KINDS:
        raise InvalidInput.field("kind", f"must be {' or '.join(OUTAGE_KINDS.codes)}")
    if not regions and not cell_ids:
        raise InvalidInput.field("regions", "name at least one region or cell id")
    if expected_end_at <= starts_at:
        raise InvalidInput.field("expected_end", "must be after start")
    now = clock.now()
    outage = Outage(
        kind=kind, regions=json.dumps(sorted(set(regions)), ensure_ascii=False),
        cell_ids=json.dumps(sorted(set(cell_ids))), starts_at=starts_at,
        expected_end_at=expected_end_at, description=description, status="open",
        created_by=actor.username, created_at=now, notified=0, notified_closed=0,
    )  # fmt: skip
    session.add(outage)
    session.flush()
    tz = settings.tz
    text = render(
        "outage_open", kind=KINDS[kind], description=description, area=_area(outage),
        start=local_text(starts_at, tz), end=local_text(expected_end_at, tz),
    )  # fmt: skip
    outage.notified = _notify_all(session, outage, "open", text, settings, now)
    linked = _link_tickets(session, outage)
    audit.record(
        session, actor, "outage.open", "outage", outage.id,
        f"{kind} {_area(outage)}: notified {outage.notified}, linked {linked} tickets",
        clock=clock,
    )  # fmt: skip
    return outage


def close_outage(
    session: Session, actor: Actor, settings: Settings, outage: Outage, *, clock: Clock
) -> Outage:
    """Close an open outage and tell its customers service is back (409 if closed)."""
    if outage.status != "open":
        raise Conflict("the outage is already closed")
    now = clock.now()
    outage.status, outage.closed_at = "closed", now
    text = render("outage_closed", area=_area(outage), end=local_text(now, settings.tz))
    outage.notified_closed = _notify_all(session, outage, "closed", text, settings, now)
    audit.record(
        session, actor, "outage.close", "outage", outage.id,
        f"notified {outage.notified_closed}", clock=clock,
    )  # fmt: skip
    return outage


def get_outage(session: Session, outage_id: str) -> Outage:
    """One outage by its id as a URL spells it, or 404."""
    number = parse_id(outage_id)
    outage = session.get(Outage, number) if number is not None else None
    if outage is None:
        raise NotFound("no such outage")
    return outage


def linked_tickets(session: Session, outage_ids: list[int]) -> dict[int, list[int]]:
    """Ids of the tickets linked to each outage, in id order (one query)."""
    return children_of(session, OutageTicket.outage_id, OutageTicket.ticket_id, outage_ids)


def shown(session: Session, found: list[Outage]) -> list[OutageOut]:
    """Outages as the API shows them, each with its linked tickets (one query for all)."""
    linked = linked_tickets(session, [o.id for o in found])
    return [OutageOut.of(o, linked[o.id]) for o in found]


def list_outages(session: Session, status: str | None = None, limit: int = 50) -> list[Outage]:
    """Outages, newest first."""
    query = select(Outage).order_by(Outage.id.desc()).limit(limit)
    if status:
        query = query.where(Outage.status == status)
    return list(session.scalars(query))
