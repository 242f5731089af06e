"""`closeloop seed --demo`: the demo operator, users, plans, customers and tickets (idempotent)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth.models import User
from closeloop.auth.users import create_user
from closeloop.config import Settings
from closeloop.customers.models import Customer, Plan
from closeloop.db.bulk import upsert
from closeloop.db.engine import Database
from closeloop.demo import people
from closeloop.demo.knowledge import seed_knowledge
from closeloop.demo.opinion_posts import seed_opinion
from closeloop.demo.organisation import STATIONS, seed_organisation
from closeloop.demo.tickets import seed_tickets
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import Clock, system_clock
from closeloop.modules import sync_defaults

DEMO_CUSTOMERS = 2000
# generated social posts `seed --demo` takes in (demo.opinion_posts)
DEMO_POSTS = 360

PLANS = [
    # code, name, fee, data MB, voice min, SMS
    ("LITE19", "畅享19元套餐", "19.00", 5 * 1024, 100, 50),
    ("CITY39", "城市39元套餐", "39.00", 10 * 1024, 200, 100),
    ("FIVEG59", "5G畅享59元套餐", "59.00", 30 * 1024, 300, 100),
    ("FIVEG99", "5G畅享99元套餐", "99.00", 60 * 1024, 500, 200),
    ("FAMILY129", "全家享129元融合套餐", "129.00", 100 * 1024, 1000, 300),
    ("ELDER8", "孝心卡8元套餐", "8.00", 1024, 100, 30),
]

# username → (display name, roles, station)
DEMO_USERS: dict[str, tuple[str, list[str], str | None]] = {
    "admin": ("系统管理员", ["admin"], None),
    "supervisor": ("值班长 周敏", ["supervisor"], None),
    "agent": ("一线坐席 李娜", ["agent"], None),
    "agent2": ("一线坐席 王强", ["agent"], None),
    "expert": ("专家坐席 陈刚", ["expert"], None),
    "callback": ("回访坐席 刘芳", ["callback"], None),
    "qa": ("质检员 吴婷", ["qa"], None),
    "editor": ("知识编辑 赵磊", ["editor"], None),
    **{code: (f"{name}值班员", ["station"], code) for code, (name, _d, _c) in STATIONS.items()},
    # the head of the field station, which alone follows the `field` calendar
    "field_head": ("装维中心负责人 孙伟", ["station", "station_head"], "field"),
}
# network operations' problem manager: works problems, sends alarms (问题经理)
DEMO_USERS["noc"] = ("网管问题经理 吴昊", ["netops"], None)

Step = Callable[[str], None]


def seed_plans(session: Session) -> int:
    """The demo plans (added or corrected)."""
    columns = ("code", "name", "monthly_fee", "data_mb", "voice_min", "sms")
    counts = upsert(session.connection(), "plans", "code", columns, PLANS)
    return counts.inserted


def seed_users(session: Session, password: str, clock: Clock) -> int:
    """The demo users of CONTRACT §3 (existing ones are left as they are)."""
    existing = set(session.scalars(select(User.username)))
    added = 0
    for username, (name, roles, station) in DEMO_USERS.items():
        if username not in existing:
            create_user(
                session,
                SYSTEM,
                username,
                password,
                roles,
                station=station,
                display_name=name,
                clock=clock,
            )
            added += 1
    return added


def seed_customers(session: Session, count: int = DEMO_CUSTOMERS) -> int:
    """Deterministic demo customers (only the missing ones are added)."""
    plan_ids = {code: pid for code, pid in session.execute(select(Plan.code, Plan.id))}
    rows = [
        (
            c.msisdn,
            c.name,
            c.region,
            plan_ids[c.plan_code],
            c.join_date.isoformat(),
            c.id_number,
            c.segment,
        )
        for c in people.customers(count, [p[0] for p in PLANS])
    ]
    existing = set(session.scalars(select(Customer.msisdn)))
    new = [r for r in rows if r[0] not in existing]
    columns = ("msisdn", "name", "region", "plan_id", "join_date", "id_number", "segment")
    return upsert(session.connection(), "customers", "msisdn", columns, new).inserted


def _reference(session: Session, settings: Settings, clock: Clock, step: Step) -> dict[str, int]:
    this_year = clock.now().astimezone(settings.tz).year
    counts: dict[str, int] = {}
    sync_defaults(session)
    step("organisation")
    counts.update(
        seed_organisation(
            session, settings.timezone, range(this_year - 1, this_year + 3), clock.now()
        )
    )
    step("plans")
    counts["plans"] = seed_plans(session)
    return counts


def seed_reference(
    database: Database,
    settings: Settings,
    *,
    clock: Clock = system_clock,
    step: Step = lambda _msg: None,
) -> dict[str, int]:
    """Only the reference data: stations, calendars, taxonomies and plans (no people)."""
    with database.unit_of_work() as session:
        return _reference(session, settings, clock, step)


def seed_demo(
    database: Database,
    settings: Settings,
    *,
    clock: Clock = system_clock,
    step: Step = lambda _msg: None,
    opinion_posts: int = 0,
) -> dict[str, int]:
    """Load the whole demo; running it again adds nothing. `opinion_posts` generated social
    posts (the CLI asks for a few hundred; the test template for none)."""
    with database.unit_of_work() as session:
        counts = _reference(session, settings, clock, step)
        step("users")
        counts["users"] = seed_users(session, settings.demo_password, clock)
        step("customers")
        counts["customers"] = seed_customers(session)
        step("knowledge")
        counts["knowledge"] = seed_knowledge(session, clock)
        step("tickets")
        counts["tickets"] = seed_tickets(session, settings, now=clock.now())
        if opinion_posts:
            step("opinion posts")
            counts["opinion_posts"] = seed_opinion(session, settings, clock, opinion_posts)
    return counts
