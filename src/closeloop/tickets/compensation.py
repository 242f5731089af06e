"""Compensation for a missed service promise (服务承诺), decided by a supervisor."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from closeloop.auth import audit
from closeloop.db.base import Base, UTCDateTime
from closeloop.kit.errors import Conflict, NotFound
from closeloop.kit.ids import parse_id
from closeloop.runtime.work import Work

# ticket type → severity → credit in yuan, written by `migrate` when missing (rules as data)
DEFAULT_RULES: dict[str, dict[str, str]] = {
    "fault": {"urgent": "30.00", "high": "20.00", "normal": "10.00", "low": "5.00"},
    "complaint": {"urgent": "20.00", "high": "10.00", "normal": "5.00", "low": "5.00"},
    "request": {"urgent": "10.00", "high": "5.00", "normal": "5.00", "low": "0.00"},
}


class CompensationRule(Base):
    """How much credit a missed promise earns, by ticket type and severity."""

    __tablename__ = "compensation_rules"

    ticket_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    severity: Mapped[str] = mapped_column(String(8), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class Compensation(Base):
    """A credit proposed to a customer for a missed promise, waiting for a supervisor (补偿)."""

    __tablename__ = "compensations"
    __table_args__ = (UniqueConstraint("ticket_id", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


def sync_rules(session: Session) -> int:
    """Write the default rules that are missing; the count added."""
    existing = {(r.ticket_type, r.severity) for r in session.scalars(select(CompensationRule))}
    added = 0
    for ticket_type, amounts in DEFAULT_RULES.items():
        for severity, amount in amounts.items():
            if (ticket_type, severity) not in existing:
                session.add(
                    CompensationRule(
                        ticket_type=ticket_type, severity=severity, amount=Decimal(amount)
                    )
                )
                added += 1
    session.flush()
    return added


def propose(
    session: Session,
    ticket_id: int,
    customer_id: int,
    ticket_type: str,
    severity: str,
    due_at: datetime,
    at: datetime,
) -> Compensation | None:
    """Propose the rule's credit for a missed promise (once per promise; none without a rule)."""
    rule = session.get(CompensationRule, (ticket_type, severity))
    if rule is None or rule.amount <= 0:
        return None
    exists = session.scalar(
        select(Compensation.id).where(
            Compensation.ticket_id == ticket_id, Compensation.due_at == due_at
        )
    )
    if exists is not None:
        return None
    proposal = Compensation(
        ticket_id=ticket_id,
        customer_id=customer_id,
        due_at=due_at,
        amount=rule.amount,
        status="proposed",
        proposed_at=at,
        note="",
    )
    session.add(proposal)
    session.flush()
    return proposal


def list_compensations(
    session: Session, *, status: str | None = None, before_id: int | None = None, limit: int = 50
) -> list[Compensation]:
    """Compensations, newest first."""
    query = select(Compensation).order_by(Compensation.id.desc()).limit(limit)
    if status:
        query = query.where(Compensation.status == status)
    if before_id is not None:
        query = query.where(Compensation.id < before_id)
    return list(session.scalars(query))


def decide(work: Work, compensation_id: str, approve: bool, note: str) -> Compensation:
    """The work's actor approves or rejects a proposal (409 once decided)."""
    session, actor = work.session, work.actor
    actor.require("compensations.decide")
    number = parse_id(compensation_id)
    found = session.get(Compensation, number) if number is not None else None
    if found is None:
        raise NotFound(f"no compensation {compensation_id!r}")
    if found.status != "proposed":
        raise Conflict(f"compensation {compensation_id} is already {found.status}")
    found.status = "approved" if approve else "rejected"
    found.decided_by = actor.username
    found.decided_at = work.now()
    found.note = note
    audit.record(
        session,
        actor,
        f"compensation.{found.status}",
        "compensation",
        found.id,
        f"ticket={found.ticket_id} amount={found.amount} {note}".strip(),
        clock=work.clock,
    )
    return found
