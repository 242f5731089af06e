"""The nightly recompute block by block: any block size gives the same value pictures (RFM is
scored over every customer, not per block), written set-wise, and only tier changes audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from closeloop.auth.models import AuditEntry
from closeloop.billing.importer import import_bills
from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.runtime.work import Work
from closeloop.value import scoring
from closeloop.value.models import CustomerValue, StageMonth
from tests.support.cli import Cli
from tests.support.factories import Factory
from tests.value.test_value_api import write_bills


def pictures(database: Database) -> dict[int, tuple[Any, ...]]:
    with database.unit_of_work(write=False) as session:
        return {
            v.customer_id: (v.segment, v.groups, v.r, v.f, v.m, v.monthly_spend, v.clv,
                            v.lifecycle_stage, v.churn_risk, v.expected_value)
            for v in session.scalars(select(CustomerValue))
        }  # fmt: skip


def run(database: Database, settings: Settings) -> scoring.Recomputed:
    with database.unit_of_work() as session:
        return scoring.recompute(session, Work(session, settings, actor=SYSTEM))


def test_blocks_give_the_same_pictures_as_one_pass(
    tmp_path: Path, database: Database, factory: Factory, settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    ids = [int(i) for i in write_bills(tmp_path, factory, customers=60)]
    assert import_bills(database, tmp_path / "bills.csv", SYSTEM).rejected == 0
    monkeypatch.setattr(scoring, "BLOCK", 10**9)
    whole = run(database, settings)
    one_pass = pictures(database)
    with database.unit_of_work(write=False) as session:
        first = session.scalar(select(func.min(Customer.id)))
    assert first is not None
    monkeypatch.setattr(scoring, "BLOCK", ids[30] - first)  # the billed customers straddle two
    seen: list[int] = []
    with database.unit_of_work() as session:
        again = scoring.recompute(session, Work(session, settings, actor=SYSTEM), seen.append)
    assert again.customers == whole.customers == sum(seen) and len(seen) >= 2 and seen[-1] > 0
    assert pictures(database) == one_pass
    # the second night changes no tier, so it audits nothing more
    assert again.tier_changes == 0 and whole.tier_changes > 0
    with database.unit_of_work(write=False) as session:
        audited = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "value.segment")
        )
        stages = session.scalar(select(func.count()).select_from(StageMonth))
    assert audited == whole.tier_changes and stages == whole.customers


def test_the_recompute_command_reports_what_it_did(
    tmp_path: Path, database: Database, factory: Factory, cli: Cli
) -> None:
    write_bills(tmp_path, factory, customers=20)
    assert import_bills(database, tmp_path / "bills.csv", SYSTEM).rejected == 0
    result = cli("value", "recompute", "--json")
    assert result.exit_code == 0, result.output
    done = json.loads(result.stdout)
    with database.unit_of_work(write=False) as session:
        stored = session.scalar(select(func.count()).select_from(CustomerValue))
    assert stored is not None and stored > 20
    assert done["period"] == "2026-10" and done["customers"] == stored
    assert done["tier_changes"] > 0 and "tier changes" in result.stderr
