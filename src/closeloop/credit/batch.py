"""What a credit run defers to do set-wise at its end (批量处置): the billing station's work
orders (through the tickets service's bulk open) and the reminders (through care's bulk outbox),
instead of one round of services per customer — a first run may move thousands at once."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from closeloop.care.outbox import Notice
from closeloop.care.outbox_bulk import notify_many
from closeloop.care.rules import load_rules
from closeloop.credit import notices
from closeloop.credit.models import CreditAction
from closeloop.credit.policy import Policy
from closeloop.credit.work_orders import LADDER_ACTOR, NOTE, title_of
from closeloop.runtime.work import Work
from closeloop.tickets.bulk import Kind, Order, open_dispatched


@dataclass
class Batch:
    """Work orders and reminders gathered during a run, done together by `flush`."""

    policy: Policy
    orders: dict[tuple[str, str], list[tuple[Order, CreditAction | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    reminders: list[tuple[int, str, Notice]] = field(default_factory=list)

    def order(
        self,
        kind: str,
        customer: tuple[int, str],
        period: str | None,
        arrears: Decimal,
        severity: str,
        action: CreditAction | None = None,
    ) -> None:
        """A work order for the billing station (its id goes on `action` once opened)."""
        title = title_of(kind, customer[1], period, arrears)
        orders = self.policy.work_orders
        category = orders.restore_category if kind == "restore" else orders.category
        self.orders[(category, severity)].append((Order(customer[0], title), action))

    def remind(self, customer: tuple[int, str], notice: Notice) -> None:
        """A reminder for the care outbox."""
        self.reminders.append((customer[0], customer[1], notice))

    def flush(self, work: Work) -> None:
        """Open the work orders and queue the reminders gathered so far."""
        policy = self.policy
        for (category, severity), items in self.orders.items():
            kind = Kind(policy.work_orders.station, category, severity=severity, note=NOTE)
            tickets = open_dispatched(
                work.session, LADDER_ACTOR, kind, [o for o, _a in items],
                tz=work.tz, clock=work.clock,
            )  # fmt: skip
            for ticket, (_order, action) in zip(tickets, items, strict=True):
                if action is not None:
                    action.ticket_id = ticket.id
        self.orders.clear()
        if self.reminders:
            rule = notices.ARREARS_REMINDER
            settings = load_rules(work.session).get(rule, notices.DEFAULTS[rule])
            notify_many(work.session, settings, self.reminders)
            self.reminders.clear()
