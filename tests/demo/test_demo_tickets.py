"""The demo's work orders: hundreds of tickets in every state, walked through the real services."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.demo.people import data
from closeloop.demo.seed import seed_demo
from closeloop.demo.ticket_texts import own_entries, templates, untagged_leaves, values
from closeloop.demo.tickets import SEED, load_world, plan_ticket
from closeloop.kit.clock import FixedClock
from closeloop.organisation.models import Category
from closeloop.tickets.models import Breach, Ticket, TicketEvent
from closeloop.tickets.workflow import STATUSES
from tests.support import NOW

TZ = ZoneInfo("Asia/Shanghai")


def _leaves(name: str) -> set[str]:
    nodes = data(name)
    parents = {n["parent"] for n in nodes}
    return {n["code"] for n in nodes if n["code"] not in parents}


def test_hundreds_of_tickets_in_every_status_most_closed(database: Database) -> None:
    with database.unit_of_work() as session:
        statuses = Counter(session.scalars(select(Ticket.status)))
    assert sum(statuses.values()) >= 500
    assert set(statuses) == set(STATUSES)
    assert statuses.most_common(1)[0][0] == "closed"
    assert statuses["closed"] > sum(statuses.values()) / 2


def test_the_whole_loop_is_there(database: Database) -> None:
    with database.unit_of_work() as session:
        tickets = list(session.scalars(select(Ticket)))
        breach_stages = set(session.scalars(select(Breach.stage)))
        returns = list(session.scalars(select(TicketEvent).where(TicketEvent.action == "return")))
        redispatched = session.scalar(
            select(func.count())
            .select_from(TicketEvent)
            .where(TicketEvent.action == "dispatch", TicketEvent.from_status == "in_progress")
        )
    closed = [t for t in tickets if t.status == "closed"]
    assert any(t.first_contact_resolved for t in closed)  # resolved at the front line
    assert any(t.station is None and t.resolution and not t.first_contact_resolved for t in closed)
    assert any(t.return_count > 0 for t in tickets)
    assert returns and all("退回" in e.note for e in returns)
    assert redispatched
    assert any(t.reopen_count > 0 for t in tickets)
    rated = [t for t in closed if t.satisfaction in ("satisfied", "basically_satisfied")]
    assert {t.satisfaction for t in rated} == {"satisfied", "basically_satisfied"}
    assert all(t.score and 1 <= t.score <= 5 for t in rated)
    assert {"accept", "work", "resolution", "callback"} <= breach_stages
    overdue = [t for t in tickets if t.status in ("dispatched", "in_progress") and t.due_at]
    assert any(t.due_at < NOW for t in overdue if t.due_at)


def test_titles_and_descriptions_are_varied_chinese(database: Database) -> None:
    with database.unit_of_work() as session:
        rows = session.execute(select(Ticket.title, Ticket.description)).all()
    assert len({title for title, _d in rows}) >= 200
    assert len({description for _t, description in rows}) >= 300
    assert all("{" not in title + description for title, description in rows)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in title) for title, _d in rows)


def test_each_history_is_consistent(database: Database) -> None:
    with database.unit_of_work() as session:
        tickets = {t.id: t for t in session.scalars(select(Ticket))}
        histories: dict[int, list[TicketEvent]] = {}
        for event in session.scalars(select(TicketEvent).order_by(TicketEvent.id)):
            histories.setdefault(event.ticket_id, []).append(event)
    for ticket_id, ticket in tickets.items():
        history = histories[ticket_id]
        first, last = history[0], history[-1]
        assert (first.action, first.from_status, first.to_status) == ("create", None, "new")
        assert first.at == ticket.created_at
        assert last.to_status == ticket.status
        assert last.at == ticket.updated_at <= NOW
        for before, after in pairwise(history):
            assert after.from_status == before.to_status
            assert after.at >= before.at


def test_work_happens_mostly_in_working_hours(database: Database) -> None:
    with database.unit_of_work() as session:
        times = list(session.scalars(select(TicketEvent.at)))
    created = min(times)
    assert NOW - created <= timedelta(days=21)
    daytime = [t for t in times if 8 <= t.astimezone(TZ).hour < 22]
    assert len(daytime) >= 0.9 * len(times)


def test_tickets_go_to_their_categorys_station_and_stay_in_the_customers_region(
    database: Database,
) -> None:
    with database.unit_of_work() as session:
        station_of = dict(session.execute(select(Category.code, Category.station_code)).all())
        tickets = list(session.scalars(select(Ticket)))
        regions = dict(session.execute(select(Customer.id, Customer.region)).all())
        first_dispatch: dict[int, str | None] = {}
        for event in session.scalars(
            select(TicketEvent).where(TicketEvent.action == "dispatch").order_by(TicketEvent.id)
        ):
            first_dispatch.setdefault(event.ticket_id, event.station)
    cells = {r["name"]: set(r["cells"]) for r in data("regions.json")}
    for ticket in tickets:
        assert ticket.region == regions[ticket.customer_id]
        if ticket.category.startswith("signal/"):
            assert ticket.cell_id in cells[ticket.region]
        if ticket.id in first_dispatch and ticket.return_count == 0:
            assert first_dispatch[ticket.id] == station_of[ticket.category]


def test_causes_fit_the_category_family(database: Database) -> None:
    families = templates()["families"]
    causes = _leaves("causes.json")
    with database.unit_of_work() as session:
        rows = session.execute(
            select(Ticket.category, Ticket.cause_code).where(Ticket.cause_code.is_not(None))
        ).all()
    assert len(rows) >= 300
    for category, cause in rows:
        assert cause in causes
        prefixes = families[category.split("/")[0]]["cause_prefixes"]
        assert cause.startswith(tuple(prefixes)), (category, cause)


def test_a_later_sla_scan_finds_the_overdue_tickets(cli) -> None:  # type: ignore[no-untyped-def]
    later = (NOW + timedelta(days=3)).isoformat()
    result = cli("sla", "scan", "--at", later)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["examined"] > 0 and summary["breaches"] > 0
    again = json.loads(cli("sla", "scan", "--at", later).stdout)
    assert again["breaches"] == 0  # recorded once


def test_seeding_again_adds_no_tickets(database: Database, settings: Settings) -> None:
    with database.unit_of_work() as session:
        before = session.scalar(select(func.count()).select_from(Ticket))
    counts = seed_demo(database, settings, clock=FixedClock(NOW + timedelta(days=2)))
    with database.unit_of_work() as session:
        after = session.scalar(select(func.count()).select_from(Ticket))
    assert counts["tickets"] == 0 and after == before


def test_planning_is_deterministic(database: Database, settings: Settings) -> None:
    with database.unit_of_work() as session:
        world = load_world(session, settings.tz, NOW)

    def titles() -> list[str]:
        rng = random.Random(SEED)
        return [plan_ticket(world, rng).data.title for _ in range(50)]

    assert titles() == titles()


def test_templates_fit_the_taxonomy() -> None:
    categories, causes = _leaves("categories.json"), _leaves("causes.json")
    t = templates()
    filled = values(random.Random(1), "长沙市", NOW.astimezone(TZ))
    extra = {"station": "无线中心", "right": "装维中心", "to": "网管监控中心"}
    for note in (n for notes in t["notes"].values() for n in notes):
        note.format_map({**filled, **extra})
    for family, spec in t["families"].items():
        for scenario in spec["scenarios"]:
            leaves = scenario["leaves"]
            assert set(leaves) <= categories and all(c.startswith(family + "/") for c in leaves)
            for title in scenario["titles"]:
                tag = title["leaf"] if isinstance(title, dict) else None
                assert tag is None or any(c == tag or c.startswith(tag + "/") for c in leaves)
            assert untagged_leaves(scenario) or all(isinstance(x, dict) for x in scenario["titles"])
            for leaf in leaves:
                descriptions = own_entries(
                    scenario["descriptions"],
                    leaf,
                    lambda e: e["leaf"] if isinstance(e, dict) else None,
                )
                assert descriptions, leaf
                replies = own_entries(
                    scenario["replies"], leaf, lambda e: e[2] if len(e) > 2 else None
                )
                assert replies, leaf  # every leaf can be dispatched and replied to
            for key in ("front", "expert", "replies"):
                for entry in scenario.get(key, []):
                    assert entry[0] in causes and entry[0].startswith(tuple(spec["cause_prefixes"]))
                    entry[1].format_map(filled)
            for text in [*scenario["titles"], *scenario["descriptions"]]:
                (text["text"] if isinstance(text, dict) else text).format_map(filled)
