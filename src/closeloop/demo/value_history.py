"""The demo's year of bills and usage (账单与用量), made so churn has learnable causes.

Each demo customer gets 12 months of bills (through the billing importer, as the operator's
own file would come) and monthly usage totals. Whether a customer leaves is drawn from causes
the churn model can find: falling usage, complaint tickets, unsatisfied callbacks and arrears
— and some who leave do so for no visible reason. Some customers still owe their last bills,
so the credit ladder has arrears to work on. Seeded: the same history every time.
"""

from __future__ import annotations

import math
import random
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.billing.importer import import_bills
from closeloop.billing.service import bill_rows
from closeloop.care.models import UsageMonth
from closeloop.config import Settings
from closeloop.customers.models import Customer, Plan
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import Clock
from closeloop.runtime.work import Work
from closeloop.tickets.models import Ticket
from closeloop.value.scoring import recompute
from closeloop.value.training import train

MONTHS = 12
SEED = 19
HEADER = "msisdn,period,amount_due,amount_paid,due_date,paid_date"


@dataclass(frozen=True)
class Person:
    """What the history of one customer is drawn from."""

    customer_id: int
    msisdn: str
    fee: float
    data_mb: int
    complaints: int
    unsatisfied: int


def periods_before(today: date, months: int = MONTHS) -> list[str]:
    """The `months` whole months before today's, oldest first."""
    index = today.year * 12 + today.month - 2
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


def churn_odds(rng: random.Random, p: Person) -> tuple[bool, bool, bool]:
    """Whether the customer pays late, uses less and less, and then leaves."""
    late = rng.random() < 0.15
    falling = rng.random() < 0.2
    z = -3.0 + 1.6 * late + 1.8 * falling + 0.9 * min(p.complaints, 2) + 1.2 * (p.unsatisfied > 0)
    leaves = rng.random() < 1 / (1 + math.exp(-z))
    return late, falling, leaves


def history_lines(
    rng: random.Random, p: Person, periods: list[str]
) -> tuple[list[str], list[tuple[str, float, float, int]]]:
    """The customer's bill lines and usage rows (period, data MB, voice min, SMS)."""
    late, falling, leaves = churn_odds(rng, p)
    last = rng.randrange(7, MONTHS - 1) if leaves else MONTHS  # leavers stop being billed
    lines: list[str] = []
    usage: list[tuple[str, float, float, int]] = []
    for k, period in enumerate(periods[:last]):
        shrink = max(0.2, 1 - 0.12 * max(0, k - (last - 5))) if falling or leaves else 1.0
        data_mb = p.data_mb * shrink * rng.uniform(0.5, 1.1)
        voice = 300 * shrink * rng.uniform(0.4, 1.2)
        due = round(p.fee * (0.7 + 0.3 * shrink) * rng.uniform(0.95, 1.15), 2)
        year, month = int(period[:4]), int(period[5:])
        due_date = date(year + month // 12, month % 12 + 1, 15)
        owing = late and k >= last - 2 and rng.random() < 0.7  # the last bills left unpaid
        if owing:
            paid, paid_date = 0.0, ""
        else:
            paid = due
            day = rng.randrange(16, 28) if late and rng.random() < 0.5 else rng.randrange(1, 14)
            paid_date = date(due_date.year, due_date.month, day).isoformat()
        lines.append(f"{p.msisdn},{period},{due:.2f},{paid:.2f},{due_date.isoformat()},{paid_date}")
        usage.append((period, data_mb, voice, int(rng.uniform(5, 40) * shrink)))
    return lines, usage


def _people(session: Session, limit: int | None) -> list[Person]:
    complaints = func.sum(func.cast(Ticket.type == "complaint", Ticket.id.type))
    unsatisfied = func.sum(func.cast(Ticket.satisfaction == "unsatisfied", Ticket.id.type))
    service = {
        cid: (int(c or 0), int(u or 0))
        for cid, c, u in session.execute(
            select(Ticket.customer_id, complaints, unsatisfied).group_by(Ticket.customer_id)
        )
    }
    rows = session.execute(
        select(Customer.id, Customer.msisdn, Plan.monthly_fee, Plan.data_mb)
        .join(Plan)
        .order_by(Customer.id)
        .limit(limit)
    )
    return [
        Person(cid, msisdn, float(fee), int(data_mb), *service.get(cid, (0, 0)))
        for cid, msisdn, fee, data_mb in rows
    ]


def seed_value_history(
    database: Database, clock: Clock, *, limit: int | None = None
) -> dict[str, int]:
    """Bills (through the importer) and usage for every demo customer (the first `limit`
    when given), once."""
    today = clock.now().date()
    periods = periods_before(today)
    with database.unit_of_work() as session:
        if session.scalar(select(func.count()).select_from(bill_rows().subquery())):
            return {"bills": 0, "usage_months": 0}
        people = _people(session, limit)
        rng = random.Random(SEED)
        lines, usage_rows = [HEADER], 0
        for p in people:
            bills, usage = history_lines(rng, p, periods)
            lines += bills
            for period, data_mb, voice, sms in usage:
                session.add(
                    UsageMonth(
                        customer_id=p.customer_id, period=period,
                        home_data_milli=int(data_mb * 1000), roaming_data_milli=0,
                        voice_milli=int(voice * 1000), sms_count=sms, records=1,
                        last_event_at=datetime(int(period[:4]), int(period[5:]), 28, tzinfo=UTC),
                        last_country="CN",
                    )
                )  # fmt: skip
                usage_rows += 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-bills.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        report = import_bills(database, path, SYSTEM)
    return {"bills": report.inserted, "usage_months": usage_rows}


def seed_value(database: Database, settings: Settings, clock: Clock) -> dict[str, int]:
    """A year of bills and usage, then the churn model and everyone's value picture (once)."""
    added = seed_value_history(database, clock)
    if added["bills"]:
        with database.unit_of_work() as session:
            work = Work(session, settings, actor=SYSTEM, clock=clock)
            added["churn_model_rows"] = train(session, work).rows
            added["value_pictures"] = recompute(session, work).customers
    return added
