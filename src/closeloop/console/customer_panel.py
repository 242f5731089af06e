"""The customer panel (客户视图): who the customer is, this month's usage against the plan,
their other open tickets, recent contacts and notices — a handful of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care.models import Notification, UsageMonth
from closeloop.console.labels import N_
from closeloop.credit.service import Credit, credit_of
from closeloop.customers import service as customers
from closeloop.customers.models import Contact, Customer
from closeloop.kit.actor import Actor
from closeloop.runtime.work import Work
from closeloop.tickets.queries import TicketFilter, list_tickets
from closeloop.tickets.workflow import OPEN_STATUSES
from closeloop.value.summary import ValueSummary, value_summary

RECENT = 5


@dataclass(frozen=True)
class Allowance:
    """One allowance of the plan and how much of it is used this month."""

    label: str
    used: float
    included: int
    unit: str

    @property
    def percent(self) -> int:
        """Share of the allowance used (may pass 100)."""
        return round(100 * self.used / self.included) if self.included else 0

    @property
    def over(self) -> bool:
        """Whether the customer used more than the plan includes."""
        return self.used > self.included


@dataclass(frozen=True)
class OpenTicket:
    """Another open ticket of the customer, as a link."""

    id: int
    number: str
    title: str
    status: str


@dataclass(frozen=True)
class CustomerPanel:
    """What the console shows of a customer."""

    id: int
    msisdn: str  # masked unless the user may read personal data
    masked: bool
    name: str
    region: str
    plan: str
    period: str  # YYYY-MM
    usage: list[Allowance]
    roaming_mb: float
    open_tickets: list[OpenTicket]
    contacts: list[Contact]
    notifications: list[Notification] | None  # None: the user may not read notices
    credit: Credit | None = None  # None: the user may not read credit
    tier: str | None = None  # the customer's value tier (badge)
    value: ValueSummary | None = None  # None: not computed yet, or the user may not read it
    deposit: Decimal | None = None  # 押金 taken at sign-up
    sales_channel: str | None = None  # 销售渠道


def month_of(now: datetime, tz: ZoneInfo) -> str:
    """The calendar month (YYYY-MM) of `now` in the site's time zone."""
    local = now.astimezone(tz)
    return f"{local.year}-{local.month:02d}"


def customer_panel(
    work: Work, customer: Customer, *, except_ticket: int | None = None
) -> CustomerPanel:
    """The panel of a customer for the work's user (an unmasked number is audited)."""
    session, actor, now = work.session, work.actor, work.now()
    shown = customers.customer_out(session, actor, customer, clock=work.clock)
    period = month_of(now, work.tz)
    month = session.get(UsageMonth, (customer.id, period))
    plan = customer.plan
    usage = [
        Allowance(N_("Data"), (month.home_data_milli if month else 0) / 1000, plan.data_mb, "MB"),
        Allowance(
            N_("Voice"), (month.voice_milli if month else 0) / 1000, plan.voice_min, N_("min")
        ),
        Allowance(N_("SMS"), float(month.sms_count if month else 0), plan.sms, N_("messages")),
    ]
    wanted = TicketFilter(status=OPEN_STATUSES, customer_id=str(customer.id))
    tickets, _next = list_tickets(session, actor, wanted, now, limit=RECENT + 1)
    contacts = session.scalars(
        select(Contact)
        .where(Contact.customer_id == customer.id)
        .order_by(Contact.at.desc(), Contact.id.desc())
        .limit(RECENT)
    )
    notifications = None
    if actor.can("notifications.read"):
        notifications = list(
            session.scalars(
                select(Notification)
                .where(Notification.customer_id == customer.id)
                .order_by(Notification.created_at.desc(), Notification.id.desc())
                .limit(RECENT)
            )
        )
    return CustomerPanel(
        id=customer.id,
        msisdn=shown.msisdn,
        masked=shown.masked,
        name=customer.name,
        region=customer.region,
        plan=plan.name,
        period=period,
        usage=usage,
        roaming_mb=(month.roaming_data_milli if month else 0) / 1000,
        open_tickets=[
            OpenTicket(t.id, t.number, t.title, t.status) for t in tickets if t.id != except_ticket
        ][:RECENT],
        contacts=list(contacts),
        notifications=notifications,
        credit=credit_of(session, customer) if actor.can("credit.read") else None,
        tier=customer.value_tier,
        value=value_summary(session, customer.id) if actor.can("value.read") else None,
        deposit=customer.deposit,
        sales_channel=customer.sales_channel,
    )


def find_customer(session: Session, actor: Actor, msisdn: str) -> Customer | None:
    """The customer with exactly this number (intake lookup)."""
    return customers.find_by_msisdn(session, actor, msisdn)
