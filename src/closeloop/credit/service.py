"""A customer's credit as agents and the API see it (CONTRACT §11), and arrears disputes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.billing.service import BillView, bills_of_customer
from closeloop.credit import ladder
from closeloop.credit.models import CreditDispute, CreditEvent, CreditProfile
from closeloop.credit.policy import Policy
from closeloop.credit.policy_store import policy_in_force
from closeloop.credit.scratch import targets
from closeloop.credit.work_orders import dispatched
from closeloop.customers.models import Customer
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Conflict, InvalidInput
from closeloop.runtime.work import Work
from closeloop.tickets.events import TicketChanged

CENT = Decimal("0.01")


@dataclass(frozen=True)
class NextStep:
    """What happens next on the ladder if nothing is paid: the step, its action and its day."""

    step: int
    action: str
    on: date


@dataclass(frozen=True)
class Credit:
    """A customer's credit now."""

    grade: str
    score: int
    credit_limit: Decimal
    rewarded: bool
    arrears: Decimal
    oldest_unpaid_days: int | None
    step: int | None
    action: str | None
    line_status: str
    disputed: tuple[str, ...]
    next_step: NextStep | None

    def as_dict(self) -> dict[str, Any]:
        """The CONTRACT §11 body (and what the panel adds to it)."""
        return {
            "grade": self.grade,
            "score": self.score,
            "credit_limit": float(self.credit_limit),
            "arrears": float(self.arrears),
            "oldest_unpaid_days": self.oldest_unpaid_days,
            "step": self.step,
            "line_status": self.line_status,
            "action": self.action,
            "rewarded": self.rewarded,
            "disputed_periods": list(self.disputed),
            "next_step": None
            if self.next_step is None
            else {
                "step": self.next_step.step,
                "action": self.next_step.action,
                "on": self.next_step.on.isoformat(),
            },
        }


def _past_due(bills: list[BillView], today: date) -> list[BillView]:
    return [b for b in bills if b.due_date < today and b.outstanding > 0]


def open_disputes(session: Session, customer_id: int) -> tuple[str, ...]:
    """The periods of the customer's bills under dispute."""
    query = select(CreditDispute.period).where(
        CreditDispute.customer_id == customer_id, CreditDispute.closed_at.is_(None)
    )
    return tuple(sorted(set(session.scalars(query))))


def _next_step(
    policy: Policy, grade: str, rewarded: bool, oldest_due: date | None, current: int | None
) -> NextStep | None:
    if oldest_due is None:
        return None
    for step in policy.steps:
        if step.applies_to(grade) and (current is None or step.step > current):
            days = max(ladder.needed_days(step, rewarded, policy.rewards.grace_days), 1)
            return NextStep(step.step, step.action, oldest_due + timedelta(days=days))
    return None


def credit_of(session: Session, customer: Customer) -> Credit:
    """The customer's grade, arrears, ladder step, line status and next step, as of now."""
    work = Work.of(session)
    policy = policy_in_force(session)
    today = work.today()
    profile = session.get(CreditProfile, customer.id)
    if profile is None:  # not graded by a run yet (a new customer): grade now, without storing
        live = session.execute(targets(policy, today, [customer.id])).one()
        grade, score, limit, rewarded = live.grade, live.score, live.credit_limit, live.rewarded
        step, line = None, "active"
    else:
        grade, score, limit, rewarded = (
            profile.grade, profile.score, profile.credit_limit, profile.rewarded,
        )  # fmt: skip
        step, line = profile.step, profile.line_status
    disputed = open_disputes(session, customer.id)
    late = _past_due(bills_of_customer(session, customer.id), today)
    arrears = sum((b.outstanding for b in late), Decimal("0.00"))
    oldest = min((b.due_date for b in late), default=None)
    pursued = min((b.due_date for b in late if b.period not in disputed), default=None)
    current = policy.step(step)
    return Credit(
        grade=grade,
        score=int(score),
        credit_limit=Decimal(str(limit)).quantize(CENT),
        rewarded=bool(rewarded),
        arrears=arrears.quantize(CENT),
        oldest_unpaid_days=(today - oldest).days if oldest else None,
        step=step,
        action=current.action if current else None,
        line_status=line,
        disputed=disputed,
        next_step=_next_step(policy, grade, bool(rewarded), pursued, step),
    )


def open_dispute(
    session: Session, actor: Actor, customer: Customer, period: str, reason: str
) -> CreditDispute:
    """A customer disputes a bill: a billing ticket opens and the ladder pauses for that bill
    until the ticket is closed or cancelled."""
    actor.require("credit.dispute")
    work = Work.of(session)
    bills = {b.period: b for b in bills_of_customer(session, customer.id)}
    if period not in bills:
        raise InvalidInput.field(["body", "period"], f"the customer has no bill for {period}")
    if period in open_disputes(session, customer.id):
        raise Conflict(f"the bill of {period} is already under dispute")
    orders = policy_in_force(session).work_orders
    title = f"欠费争议：{period}账单（欠费{bills[period].outstanding:.2f}元）"
    ticket_id = dispatched(
        session, work, orders.station, customer.id, orders.dispute_category, title,
        "normal", "complaint", description=f"{title}\n{reason}",
    )  # fmt: skip
    dispute = CreditDispute(
        customer_id=customer.id, period=period, ticket_id=ticket_id, reason=reason,
        opened_at=work.now(),
    )  # fmt: skip
    session.add(dispute)
    session.add(
        CreditEvent(
            customer_id=customer.id, at=work.now(), kind="dispute",
            title=f"{period}账单欠费争议受理，该账单的欠费处置暂停",
        )
    )  # fmt: skip
    session.flush()
    audit.record(
        session, actor, "credit.dispute", "customer", customer.id, f"period {period}",
        clock=work.clock,
    )  # fmt: skip
    return dispute


def end_disputes_of_closed_tickets(work: Work, event: TicketChanged) -> None:
    """Listener: a dispute's ticket closed or cancelled ends the pause for its bill."""
    if event.ticket.status not in ("closed", "cancelled"):
        return
    session = work.session
    disputes = session.scalars(
        select(CreditDispute).where(
            CreditDispute.ticket_id == event.ticket.id, CreditDispute.closed_at.is_(None)
        )
    ).all()
    for dispute in disputes:
        dispute.closed_at = event.at
        session.add(
            CreditEvent(
                customer_id=dispute.customer_id, at=event.at, kind="dispute",
                title=f"{dispute.period}账单欠费争议已办结，欠费处置恢复",
            )
        )  # fmt: skip
