"""`closeloop seed --demo`: the demo operator of CONTRACT §3, deterministic and idempotent."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from closeloop.auth.models import User
from closeloop.config import Settings
from closeloop.customers.models import Customer, Plan
from closeloop.customers.rules import id_number_problem, msisdn_problem
from closeloop.db.engine import Database
from closeloop.demo.seed import seed_demo
from closeloop.kit.clock import FixedClock
from closeloop.organisation.models import Category, Station


def _counts(database: Database) -> dict[str, int]:
    with database.unit_of_work() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (User, Customer, Plan, Station, Category)
        }


def test_demo_holds_the_contract_organisation(database: Database) -> None:
    with database.unit_of_work() as session:
        users = {u.username: u for u in session.scalars(select(User))}
        stations = {s.code: s.name for s in session.scalars(select(Station))}
        top = set(session.scalars(select(Category.code).where(Category.level == 1)))
        plans = session.scalar(select(func.count()).select_from(Plan))
    assert {"admin", "supervisor", "agent", "agent2", "expert", "callback", "editor"} <= set(users)
    assert stations == {
        "wireless": "无线中心",
        "netops": "网管监控中心",
        "billing": "计费账务中心",
        "vas": "增值业务部",
        "field": "装维中心",
    }
    for code in stations:
        assert users[code].station_code == code and users[code].role_codes == ["station"]
    assert top == {"signal", "activation", "sms", "ringback", "billing", "broadband", "service"}
    assert (plans or 0) >= 4


def test_demo_customers_are_plausible(database: Database) -> None:
    with database.unit_of_work() as session:
        customers = list(session.scalars(select(Customer)))
    assert len(customers) >= 2000
    assert all(msisdn_problem(c.msisdn) is None for c in customers)
    assert all(id_number_problem(c.id_number) is None for c in customers if c.id_number)
    assert all(2 <= len(c.name) <= 4 for c in customers)
    regions = Counter(c.region for c in customers)
    assert len(regions) >= 10 and regions.most_common(1)[0][0] == "长沙市"
    assert len({c.plan_id for c in customers}) >= 4
    assert len({c.join_date for c in customers}) > 500


def test_seeding_again_changes_nothing(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    before = _counts(database)
    again = seed_demo(database, settings, clock=clock)
    assert before == _counts(database)
    assert all(v == 0 for v in again.values())


def test_reference_seed_loads_only_reference_data(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.support import Cli

    url = f"sqlite:///{tmp_path / 'reference.db'}"
    result = Cli(url, monkeypatch)("seed", "--reference", "--json")
    assert result.exit_code == 0, result.output
    database = Database(url)
    counts = _counts(database)
    database.dispose()
    assert counts["stations"] == 5 and counts["categories"] > 300 and counts["plans"] >= 4
    assert counts["users"] == 0 and counts["customers"] == 0
