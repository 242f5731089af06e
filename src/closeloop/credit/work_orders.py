"""Work orders the ladder opens for the billing station, through the tickets service: a line
restricted or suspended, a collection or legal task, a restoration, a customer's dispute."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from closeloop.credit.policy import WorkOrders
from closeloop.kit.actor import Actor
from closeloop.kit.masking import mask_msisdn
from closeloop.runtime.work import Work
from closeloop.tickets.actions import perform
from closeloop.tickets.schemas import DispatchBody, TicketIn
from closeloop.tickets.service import create_ticket

LADDER_ACTOR = Actor(
    username="credit-ladder",
    roles=("supervisor",),
    permissions=frozenset({"tickets.create", "tickets.read"}),
)

TITLES = {
    "restricted": "欠费限制呼出：{msisdn}（{period}账单，欠费{arrears}元）",
    "suspended": "欠费停机：{msisdn}（{period}账单，欠费{arrears}元）",
    "collect": "欠费催收任务：{msisdn}（{period}账单，欠费{arrears}元）",
    "legal": "欠费法律追缴：{msisdn}（{period}账单，欠费{arrears}元）",
    "restore": "缴费复机：{msisdn}（恢复为{status}）",
}
STATUS_NAMES = {"active": "正常", "restricted": "限制呼出", "suspended": "停机"}
NOTE = "信用管理自动派单"


def title_of(kind: str, msisdn: str, period: str | None, arrears: Decimal) -> str:
    """The work order's title for `kind` (the number masked)."""
    return TITLES[kind].format(
        msisdn=mask_msisdn(msisdn), period=period or "-", arrears=f"{arrears:.2f}",
        status=STATUS_NAMES.get(kind, kind),
    )  # fmt: skip


def open_for_billing(
    session: Session,
    orders: WorkOrders,
    kind: str,
    customer: tuple[int, str],
    period: str | None,
    arrears: Decimal,
    *,
    severity: str = "normal",
    type_: str = "request",
) -> int:
    """Open a `request` work order for the billing station about `customer` (id, msisdn) and
    dispatch it there; its id."""
    work = Work.of(session)
    customer_id, msisdn = customer
    title = title_of(kind, msisdn, period, arrears)
    category = orders.restore_category if kind == "restore" else orders.category
    return dispatched(session, work, orders.station, customer_id, category, title, severity, type_)


def dispatched(  # noqa: PLR0913 — a ticket's fields
    session: Session,
    work: Work,
    station: str,
    customer_id: int,
    category: str,
    title: str,
    severity: str,
    type_: str,
    description: str = "",
) -> int:
    """Create a ticket and dispatch it to `station` at once (its time limit starts now)."""
    body = TicketIn(
        customer_id=str(customer_id),
        channel="online",
        type=type_,
        category=category,
        severity=severity,
        title=title[:200],
        description=description or title,
    )
    ticket, _duplicate = create_ticket(session, LADDER_ACTOR, body, tz=work.tz, clock=work.clock)
    perform(
        session,
        LADDER_ACTOR,
        str(ticket.id),
        "dispatch",
        DispatchBody(station=station, note=NOTE),
        if_match=None,
        tz=work.tz,
        clock=work.clock,
    )
    return ticket.id
