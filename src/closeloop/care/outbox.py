"""Writing to and reading the notification outbox; customers' opt-outs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.care.models import Notification, OptOut
from closeloop.care.quiet import schedule_one
from closeloop.care.rules import DEFAULT_RULES, OPT_OUT_RULES, RuleSettings, load_rules
from closeloop.care.schemas import NotificationOut, NotificationPage
from closeloop.care.settings import DAILY_CAP, quiet_hours_in_force
from closeloop.customers.models import Customer
from closeloop.customers.service import PERSONAL_DATA
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import InvalidInput
from closeloop.kit.masking import mask_msisdn
from closeloop.kit.pagination import id_page
from closeloop.runtime.work import Work

CUSTOMER_RULES = OPT_OUT_RULES
CAPPED_RULES = tuple(r for r, s in DEFAULT_RULES.items() if s.capped)


def opted_out(session: Session, customer_id: int, rule: str) -> bool:
    """Whether the customer declined notices of this rule."""
    return session.get(OptOut, (customer_id, rule)) is not None


@dataclass(frozen=True)
class Notice:
    """A notice to a customer: the rule it is sent under, its text, when it was raised, and
    what it is about (the ticket, the usage period, threshold or country) and its dedup key."""

    rule: str
    text: str
    at: datetime
    ticket_id: int | None = None
    period: str | None = None
    threshold: int | None = None
    country: str | None = None
    dedup_key: str | None = None


@dataclass(frozen=True)
class Recipient:
    """Whom a notice goes to, and whether they opted out of its rule (`declined`)."""

    customer_id: int
    msisdn: str
    declined: bool = False


def notify_customer(session: Session, customer: Customer, notice: Notice) -> Notification | None:
    """Queue a notice to a customer under the rule's settings, quiet hours and daily cap.

    None when the rule is switched off, the customer opted out of it, or its `dedup_key` was
    already notified.
    """
    rule = notice.rule
    settings = load_rules(session).get(rule, DEFAULT_RULES.get(rule))
    if settings is not None and not settings.enabled:
        return None
    declined = (settings is None or settings.opt_out) and opted_out(session, customer.id, rule)
    return notify_recipient(
        session, Recipient(customer.id, customer.msisdn, declined), settings, notice
    )


def notify_recipient(
    session: Session, recipient: Recipient, settings: RuleSettings | None, notice: Notice
) -> Notification | None:
    """notify_customer when the caller already read the rule in force (`settings`) and the
    opt-out (`recipient.declined`: the customer opted out of this rule)."""
    if settings is not None and not settings.enabled:
        return None
    if (settings is None or settings.opt_out) and recipient.declined:
        return None
    dedup_key, at = notice.dedup_key, notice.at
    if dedup_key is not None and session.scalar(
        select(Notification.id).where(Notification.dedup_key == dedup_key)
    ):
        return None
    status, send_after, hold_reason = "pending", at, None
    if settings is not None:
        work = Work.of(session)
        status, send_after, hold_reason = schedule_one(
            session, recipient.customer_id, settings, at, work.tz,
            quiet_hours_in_force(work), work.business(DAILY_CAP.key), CAPPED_RULES,
        )  # fmt: skip
    notification = Notification(
        customer_id=recipient.customer_id,
        msisdn=recipient.msisdn,
        recipient="customer",
        channel=settings.channel if settings else "sms",
        rule=notice.rule,
        period=notice.period,
        threshold=notice.threshold,
        country=notice.country,
        ticket_id=notice.ticket_id,
        text=notice.text,
        status=status,
        created_at=at,
        send_after=send_after,
        attempts=0,
        dedup_key=dedup_key,
        hold_reason=hold_reason,
    )
    session.add(notification)
    return notification


def notify_staff(
    session: Session,
    recipient: str,
    rule: str,
    text: str,
    at: datetime,
    *,
    ticket_id: int | None = None,
) -> Notification:
    """Queue an internal notice to `station:<code>` or `role:<role>` (shown in their queues)."""
    notification = Notification(
        recipient=recipient,
        channel="internal",
        rule=rule,
        ticket_id=ticket_id,
        text=text,
        status="pending",
        created_at=at,
        send_after=at,
        attempts=0,
    )
    session.add(notification)
    return notification


@dataclass(frozen=True)
class Mailing:
    """An e-mail to one address with its own headers (a reply that keeps a customer's thread)."""

    customer_id: int | None
    address: str
    rule: str
    text: str
    at: datetime
    headers: dict[str, str]
    ticket_id: int | None = None


def notify_by_mail(session: Session, mailing: Mailing) -> Notification:
    """Queue an e-mail to an address, sent as soon as the dispatcher passes (an answer the
    customer waits for: no quiet hours, no daily cap)."""
    notification = Notification(
        customer_id=mailing.customer_id,
        recipient=mailing.address,
        channel="email",
        rule=mailing.rule,
        ticket_id=mailing.ticket_id,
        text=mailing.text,
        status="pending",
        created_at=mailing.at,
        send_after=mailing.at,
        attempts=0,
        mail_headers=mailing.headers,
    )
    session.add(notification)
    return notification


@dataclass(frozen=True)
class NotificationFilter:
    """Which outbox entries a reader asks for (each criterion given narrows the list)."""

    msisdn: str | None = None
    rule: str | None = None
    recipient: str | None = None
    ticket_id: int | None = None
    status: str | None = None


def list_notifications(
    session: Session,
    where: NotificationFilter = NotificationFilter(),
    *,
    before_id: int | None = None,
    limit: int = 50,
) -> list[Notification]:
    """Outbox entries, newest first."""
    query = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if where.msisdn:
        query = query.where(Notification.msisdn == where.msisdn)
    if where.rule:
        query = query.where(Notification.rule == where.rule)
    if where.recipient:
        query = query.where(Notification.recipient == where.recipient)
    if where.ticket_id is not None:
        query = query.where(Notification.ticket_id == where.ticket_id)
    if where.status:
        query = query.where(Notification.status == where.status)
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(session.scalars(query))


def read_notifications(
    session: Session,
    actor: Actor,
    where: NotificationFilter = NotificationFilter(),
    *,
    before_id: int | None = None,
    limit: int = 50,
    clock: Clock = system_clock,
) -> NotificationPage:
    """A page of outbox entries, newest first, as this reader may see them: numbers masked
    unless the role may read personal data, and a page shown unmasked is audited."""
    actor.require("notifications.read")
    rows = list_notifications(session, where, before_id=before_id, limit=limit + 1)
    page, next_cursor = id_page(rows, limit)
    unmasked = actor.can(PERSONAL_DATA)
    if unmasked and any(n.msisdn for n in page):
        audit.record(
            session, actor, "notification.read_personal", "notification", page[0].id,
            f"{len(page)} entries shown unmasked", clock=clock,
        )  # fmt: skip
    items = [NotificationOut.of(n, _shown(n.msisdn, unmasked)) for n in page]
    return NotificationPage(items=items, next_cursor=next_cursor)


def _shown(msisdn: str | None, unmasked: bool) -> str | None:
    return msisdn if unmasked or msisdn is None else mask_msisdn(msisdn)


def set_opt_out(
    session: Session,
    actor: Actor,
    customer: Customer,
    rule: str,
    opted: bool,
    *,
    clock: Clock = system_clock,
) -> bool:
    """Record or withdraw a customer's opt-out of a rule; whether anything changed."""
    if rule not in CUSTOMER_RULES:
        raise InvalidInput.field("rule", f"unknown rule; one of {', '.join(CUSTOMER_RULES)}")
    existing = session.get(OptOut, (customer.id, rule))
    if opted and existing is None:
        session.add(OptOut(customer_id=customer.id, rule=rule, created_at=clock.now()))
    elif not opted and existing is not None:
        session.delete(existing)
    else:
        return False
    audit.record(
        session,
        actor,
        "customer.opt_out" if opted else "customer.opt_in",
        "customer",
        customer.id,
        f"rule={rule}",
        clock=clock,
    )
    return True


def opt_outs(session: Session, customer_id: int) -> list[str]:
    """The rules a customer opted out of."""
    return list(
        session.scalars(
            select(OptOut.rule).where(OptOut.customer_id == customer_id).order_by(OptOut.rule)
        )
    )
