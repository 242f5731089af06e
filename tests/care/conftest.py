"""Fixtures of the care tests: a 10 GB plan with a few customers, usage files, the policy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text, update

from closeloop.care.ingest import IngestReport, Policy, ingest_usage
from closeloop.care.models import Notification
from closeloop.care.quiet import QuietHours
from closeloop.customers.models import Customer, Plan
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import FixedClock
from tests.care.smpp_server import SmppServer

HEADER = "record_id,msisdn,event_time,usage_type,amount,roaming_country\n"
TZ = ZoneInfo("Asia/Shanghai")
POLICY = Policy(TZ, QuietHours.parse("22:00-08:00"), 50)
USAGE_RULES = ("data_threshold", "roaming_data", "roaming_arrival")
NUMBERS = ("19900000001", "19900000002", "19900000003", "19900000004")


@dataclass(frozen=True)
class CareSetup:
    """The test customers: number → id, on plan CARE10 (10,240 MB a month)."""

    ids: dict[str, int]


@pytest.fixture
def care(database: Database) -> CareSetup:
    """Four customers on a 10 GB plan."""
    with database.unit_of_work() as session:
        plan = Plan(code="CARE10", name="关怀测试10G", monthly_fee=10, data_mb=10240, voice_min=100,
                    sms=100)  # fmt: skip
        session.add(plan)
        session.flush()
        for number in NUMBERS:
            session.add(Customer(msisdn=number, name="测试", region="长沙市", plan_id=plan.id))
        session.flush()
        query = select(Customer.msisdn, Customer.id).where(Customer.msisdn.in_(NUMBERS))
        ids = {str(m): int(i) for m, i in session.execute(query).all()}
    return CareSetup(ids)


def usage_file(tmp_path: Path, name: str, rows: Sequence[str]) -> Path:
    """A usage CSV with the contract's header and these lines."""
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def ingest(
    database: Database,
    path: Path,
    clock: FixedClock,
    *,
    policy: Policy = POLICY,
    strict: bool = False,
    chunk_bytes: int | None = None,
) -> IngestReport:
    """Run the engine on a file."""
    extra: dict[str, Any] = {"chunk_bytes": chunk_bytes} if chunk_bytes else {}
    return ingest_usage(database, path, SYSTEM, policy, clock=clock, strict=strict, **extra)


def notices(database: Database, rule: str | None = None) -> list[Notification]:
    """Customer notices in the outbox, oldest first."""
    with database.unit_of_work(write=False) as session:
        query = select(Notification).where(Notification.recipient == "customer")
        if rule:
            query = query.where(Notification.rule == rule)
        else:  # the demo data holds ticket progress notices too
            query = query.where(Notification.rule.in_(USAGE_RULES))
        return list(session.scalars(query.order_by(Notification.id)))


def keys(database: Database) -> set[tuple[str | None, str, str | None, int | None, str | None]]:
    """The (msisdn, rule, period, threshold, country) of every usage notice."""
    return {
        (n.msisdn, n.rule, n.period, n.threshold, n.country)
        for n in notices(database)
        if n.rule in ("data_threshold", "roaming_data", "roaming_arrival")
    }


def reset_usage(database: Database) -> None:
    """Forget every usage record, month state and usage notice (for repeated examples)."""
    with database.unit_of_work() as session:
        session.execute(text("DELETE FROM care_usage_records"))
        session.execute(text("DELETE FROM care_usage_months"))
        session.execute(
            text(
                "DELETE FROM notifications WHERE rule IN "
                "('data_threshold', 'roaming_data', 'roaming_arrival')"
            )
        )


def at(text_: str) -> datetime:
    """An aware instant from ISO 8601."""
    return datetime.fromisoformat(text_)


# -- the outbox and an SMS centre, for the delivery tests --------------------------------------


@pytest.fixture
def empty_outbox(database: Database) -> None:
    """The demo data's own notices are out of the way: only the test's are due."""
    with database.unit_of_work() as session:
        session.execute(
            update(Notification)
            .where(Notification.status.in_(("pending", "failed")))
            .values(status="sent")
        )


@pytest.fixture
def smsc() -> Iterator[SmppServer]:
    """A real SMPP 3.4 server on a free port that records what it is sent."""
    server = SmppServer().start()
    yield server
    server.stop()


def queue_sms(
    database: Database, clock: FixedClock, care: CareSetup, *, rule: str, text: str, **values: Any
) -> int:
    """A pending SMS notice to the first test customer, due now; `values` override its fields."""
    fields: dict[str, Any] = {
        "customer_id": care.ids[NUMBERS[0]], "msisdn": NUMBERS[0], "recipient": "customer",
        "channel": "sms", "rule": rule, "text": text, "status": "pending",
        "created_at": clock.now(), "send_after": clock.now(), "attempts": 0,
    }  # fmt: skip
    fields.update(values)
    with database.unit_of_work() as session:
        row = Notification(**fields)
        session.add(row)
        session.flush()
        return row.id


def get_notice(database: Database, notification_id: int) -> Notification:
    """The notice as stored now."""
    with database.unit_of_work(write=False) as session:
        found = session.get(Notification, notification_id)
        assert found is not None
        return found
