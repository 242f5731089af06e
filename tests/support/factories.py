"""Factories: the data a test needs, made through CloseLoop's own services.

    customer = factory.customer(region="株洲市")
    ticket = factory.ticket("in_progress", customer=customer)   # at the wireless station
    article = factory.article("published", question="…")
    user = factory.user("station", station="netops")

Everything is created with the services in src/closeloop/*/service.py (and auth/users.py,
tickets/actions.py), so the same rules, history, audit entries and notices follow as when a
person does it; nothing depends on the demo customers, tickets, articles or users. What the
factories do rely on is reference data of the demo organisation that every installation has
to configure (stations, categories, causes, calendars) and the roles of `closeloop migrate`.

Tickets and articles are moved by stand-in staff: an `Actor` per role (named `factory.<role>`,
station staff `factory.<station>`) holding exactly the permissions the role has in the
role_permissions table, as services are always called with an actor. Use `factory.user(...)`
when a test needs a person who can sign in.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import select

from closeloop.auth.users import actor_for, create_user, get_by_username, permissions_of
from closeloop.customers.models import Customer, Plan
from closeloop.customers.schemas import CustomerIn
from closeloop.customers.service import create_customer
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM, Actor
from closeloop.kit.clock import Clock
from closeloop.knowledge import service as knowledge
from closeloop.knowledge.models import Article
from closeloop.knowledge.schemas import ArticleIn
from closeloop.tickets import schemas as ticket_schemas
from closeloop.tickets.actions import perform
from closeloop.tickets.models import Ticket
from closeloop.tickets.schemas import TicketIn
from closeloop.tickets.service import create_ticket
from tests.support.demo import STATION

# Leaf codes of the demo taxonomy (CONTRACT §3).
CATEGORY = "signal/indoor/weak"
CAUSE = "network/coverage/weak_area"
# Numbers starting 194 are neither demo customers (closeloop.demo.people) nor used by tests.
MSISDN_PREFIX = "194"
FACTORY_PLAN = "FACTORY10"
FACTORY_PASSWORD = "factory-pass-1"

# What each step of a ticket's way does: the action, who takes it (a role; "station" is the
# staff of the ticket's station) and the body.
_STEPS: dict[str, tuple[str, BaseModel]] = {
    "escalate": ("agent", ticket_schemas.NoteBody(note="一线无法处理，转专家")),
    "accept": ("station", ticket_schemas.EmptyBody()),
    "hold": ("station", ticket_schemas.ReasonBody(reason="等待客户方便时上门")),
    "reply": (
        "station",
        ticket_schemas.ReplyBody(cause_code=CAUSE, resolution="已调整天线下倾角，信号恢复"),
    ),
    "callback": (
        "callback",
        ticket_schemas.CallbackBody(reached=True, satisfaction="satisfied", score=5),
    ),
    "cancel": ("agent", ticket_schemas.ReasonBody(reason="客户撤诉")),
    "resolve": ("agent", ticket_schemas.ResolveBody(resolution="已指导客户重启手机，问题解决")),
}
# From "new" to each status (dispatch is added with the ticket's station).
TICKET_PATHS: dict[str, tuple[str, ...]] = {
    "new": (),
    "expert": ("escalate",),
    "dispatched": ("escalate", "dispatch"),
    "in_progress": ("escalate", "dispatch", "accept"),
    "pending": ("escalate", "dispatch", "accept", "hold"),
    "replied": ("escalate", "dispatch", "accept", "reply"),
    "closed": ("escalate", "dispatch", "accept", "reply", "callback"),
    "cancelled": ("cancel",),
}
# Article workflow from a new draft to each status, with the role taking each step.
ARTICLE_PATHS: dict[str, tuple[tuple[str, str], ...]] = {
    "draft": (),
    "review": (("submit", "editor"),),
    "approved": (("submit", "editor"), ("approve", "supervisor")),
    "published": (("submit", "editor"), ("approve", "supervisor"), ("publish", "supervisor")),
    "retired": (
        ("submit", "editor"),
        ("approve", "supervisor"),
        ("publish", "supervisor"),
        ("retire", "supervisor"),
    ),
}


@dataclass(frozen=True)
class MadeCustomer:
    """A customer as the API names it (ids are strings there)."""

    id: str
    msisdn: str
    name: str
    region: str
    plan_code: str


@dataclass(frozen=True)
class MadeTicket:
    """A ticket where the factory left it."""

    id: str
    number: str
    status: str
    version: int
    station: str | None
    customer_id: str


@dataclass(frozen=True)
class MadeArticle:
    """A knowledge article where the factory left it."""

    id: str
    external_id: str
    status: str
    revision: int
    live_version: int | None
    question: str


@dataclass(frozen=True)
class MadeUser:
    """A user who can sign in with `password`."""

    username: str
    password: str
    roles: tuple[str, ...]
    station: str | None


def _ticket(row: Ticket) -> MadeTicket:
    return MadeTicket(
        str(row.id), row.number, row.status, row.version, row.station, str(row.customer_id)
    )


def _article(row: Article) -> MadeArticle:
    return MadeArticle(
        str(row.id), row.external_id, row.status, row.revision, row.live_version, row.question
    )


class Factory:
    """Makes customers, tickets, articles and users in the test's database at the test's time."""

    def __init__(self, database: Database, clock: Clock, tz: ZoneInfo) -> None:
        self.database = database
        self.clock = clock
        self.tz = tz
        self._numbers = itertools.count(1)
        self._names = itertools.count(1)

    # actors ----------------------------------------------------------------------------------
    def actor(self, role: str, station: str | None = None) -> Actor:
        """Stand-in staff with `role` (at `station` for the station role) and exactly the
        permissions the role_permissions table gives the role."""
        with self.database.unit_of_work(write=False) as session:
            permissions = permissions_of(session, [role])
        assert permissions, f"no role {role!r} (or it grants nothing)"
        name = f"factory.{station or role}"
        return Actor(username=name, roles=(role,), station=station, permissions=permissions)

    def actor_of(self, username: str) -> Actor:
        """The actor an existing user acts as (a demo user, or one made by `user`)."""
        with self.database.unit_of_work(write=False) as session:
            return actor_for(session, get_by_username(session, username))

    # users -----------------------------------------------------------------------------------
    def user(
        self,
        role: str = "agent",
        *,
        station: str | None = None,
        username: str | None = None,
        password: str = FACTORY_PASSWORD,
        roles: tuple[str, ...] = (),
    ) -> MadeUser:
        """A new active user (with `role`, or all of `roles`), created by the system."""
        all_roles = roles or (role,)
        name = username or f"u{next(self._names)}-{(station or all_roles[0]).replace('_', '-')}"
        with self.database.unit_of_work() as session:
            create_user(
                session, SYSTEM, name, password, list(all_roles), station=station, clock=self.clock
            )
        return MadeUser(name, password, tuple(sorted(set(all_roles))), station)

    # customers -------------------------------------------------------------------------------
    def plan(self, code: str = FACTORY_PLAN, *, data_mb: int = 10 * 1024) -> str:
        """A plan with this code (made when missing); its code. No service writes single plans
        (plans come by CSV import), so this one row is added through the ORM."""
        with self.database.unit_of_work() as session:
            if session.scalar(select(Plan.id).where(Plan.code == code)) is None:
                session.add(
                    Plan(code=code, name=f"测试套餐{code}", monthly_fee=Decimal("10.00"),
                         data_mb=data_mb, voice_min=100, sms=100)
                )  # fmt: skip
        return code

    def msisdn(self) -> str:
        """A mobile number no customer has yet (194…)."""
        with self.database.unit_of_work(write=False) as session:
            while True:
                number = f"{MSISDN_PREFIX}{next(self._numbers):08d}"
                taken = session.scalar(select(Customer.id).where(Customer.msisdn == number))
                if taken is None:
                    return number

    def customer(
        self,
        *,
        msisdn: str | None = None,
        name: str = "测试客户",
        region: str = "长沙市",
        plan_code: str | None = None,
        by: Actor | None = None,
        **fields: Any,
    ) -> MadeCustomer:
        """A new customer (a fresh number and the factory's plan unless given), registered by
        a stand-in agent; `fields`: the other CustomerIn fields (id_number, segment, join_date)."""
        data = CustomerIn(
            msisdn=msisdn or self.msisdn(),
            name=name,
            region=region,
            plan_code=plan_code or self.plan(),
            **fields,
        )
        actor = by or self.actor("agent")
        with self.database.unit_of_work() as session:
            row = create_customer(session, actor, data, clock=self.clock)
            return MadeCustomer(str(row.id), row.msisdn, row.name, row.region, data.plan_code)

    # tickets ---------------------------------------------------------------------------------
    def ticket(  # noqa: PLR0913 — a factory's keyword options, each with a usable default
        self,
        status: str = "new",
        *,
        customer: MadeCustomer | None = None,
        station: str = STATION,
        channel: str = "hotline",
        type: str = "fault",
        category: str = CATEGORY,
        severity: str = "high",
        title: str = "家里手机信号很差",
        description: str = "客户反映在家中室内几乎没有信号，通话经常中断。",
    ) -> MadeTicket:
        """A ticket opened by the front line for `customer` (a new one unless given) and walked
        to `status` by the roles of the workflow table; at `station` once dispatched."""
        if status not in TICKET_PATHS:
            raise ValueError(f"no way to a ticket that is {status!r}: {sorted(TICKET_PATHS)}")
        owner = customer or self.customer()
        data = TicketIn.model_validate(
            {"customer_id": owner.id, "channel": channel, "type": type, "category": category,
             "severity": severity, "title": title, "description": description}
        )  # fmt: skip
        with self.database.unit_of_work() as session:
            row, _duplicate = create_ticket(
                session, self.actor("agent"), data, tz=self.tz, clock=self.clock
            )
            made = _ticket(row)
        for action in TICKET_PATHS[status]:
            made = self.act(made, action, station=station)
        assert made.status == status, made
        return made

    def act(
        self,
        ticket: MadeTicket,
        action: str,
        *,
        by: Actor | None = None,
        station: str | None = None,
        body: BaseModel | None = None,
    ) -> MadeTicket:
        """One more action on a ticket, by the role the table names (station staff of the
        ticket's station, or of `station` for dispatch) unless `by` is given."""
        default: BaseModel
        if action == "dispatch":
            role, default = "expert", ticket_schemas.DispatchBody(station=station or STATION)
        else:
            role, default = _STEPS[action]
        if by is None:
            at = ticket.station if role == "station" else None
            by = self.actor(role, at)
        with self.database.unit_of_work() as session:
            row = perform(
                session, by, ticket.id, action, body or default, if_match=None, tz=self.tz,
                clock=self.clock,
            )  # fmt: skip
            return _ticket(row)

    # knowledge -------------------------------------------------------------------------------
    def article(
        self,
        status: str = "published",
        *,
        question: str | None = None,
        answer: str = "在营业厅APP的**积分商城**中查看并兑换。",
        category: str = "billing/points",
        **fields: Any,
    ) -> MadeArticle:
        """An article written by a stand-in editor and walked to `status` by the roles of the
        workflow (publishing embeds it for search); `fields`: the other ArticleIn fields."""
        if status not in ARTICLE_PATHS:
            raise ValueError(f"no way to an article that is {status!r}: {sorted(ARTICLE_PATHS)}")
        data = ArticleIn(
            category=category,
            question=question or f"测试问题{next(self._names)}：积分怎么兑换？",
            answer=answer,
            **fields,
        )
        with self.database.unit_of_work() as session:
            row = knowledge.create_article(session, self.actor("editor"), data, clock=self.clock)
            made = _article(row)
        for action, role in ARTICLE_PATHS[status]:
            made = self.article_act(made, action, self.actor(role))
        assert made.status == status, made
        return made

    def article_act(
        self, article: MadeArticle, action: str, by: Actor, note: str = ""
    ) -> MadeArticle:
        """One workflow step on an article (submit, reject, approve, publish, retire)."""
        with self.database.unit_of_work() as session:
            row = knowledge.load_article(session, by, article.id, lock=True)
            row = knowledge.act(session, by, row, action, note=note, clock=self.clock)
            return _article(row)
