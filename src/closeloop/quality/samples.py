"""QA samples (质检抽样): per front-line agent, tickets they handled that closed in a period,
drawn at random or riskiest first, reproducibly with a seed."""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select

from closeloop.auth import audit
from closeloop.auth.models import User, UserRole
from closeloop.kit.errors import InvalidInput, NotFound
from closeloop.kit.ids import parse_id
from closeloop.quality import qa_rules
from closeloop.quality.models import QaSample, QaSampleItem
from closeloop.quality.rubrics import rubric_by_code
from closeloop.runtime.work import Work
from closeloop.tickets.handled import HandledTicket, closed_between

FRONT_LINE_ROLE = "agent"
METHODS = ("risk", "random")


def front_line_agents(work: Work) -> set[str]:
    """Usernames of the front-line agents (一线坐席)."""
    query = (
        select(User.username)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role_code == FRONT_LINE_ROLE)
    )
    return set(work.session.scalars(query))


def candidates(handled: list[HandledTicket], agents: set[str]) -> list[qa_rules.Candidate]:
    """Each closed ticket charged to the first front-line agent among its handlers."""
    found = []
    for t in handled:
        agent = next((h for h in t.handlers if h in agents), None)
        if agent is not None:
            found.append(
                qa_rules.Candidate(
                    t.ticket_id,
                    agent,
                    t.unsatisfied_callbacks,
                    t.reopen_count,
                    t.type == "complaint",
                    t.handling_minutes / 60,
                )
            )
    return found


def draw_sample(
    work: Work,
    rubric_code: str,
    start: datetime,
    end: datetime,
    per_agent: int,
    *,
    method: str = "risk",
    seed: int | None = None,
) -> tuple[QaSample, list[QaSampleItem]]:
    """Draw and keep a sample; its items by ticket."""
    work.actor.require("qa.manage")
    rubric = rubric_by_code(work, rubric_code, loc=["rubric"])
    if end <= start:
        raise InvalidInput.field(["to"], "must be after from")
    if method not in METHODS:
        raise InvalidInput.field(["method"], f"one of {', '.join(METHODS)}")
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    pool = candidates(closed_between(work.session, start, end), front_line_agents(work))
    chosen = qa_rules.sample(pool, per_agent, seed, method=method)
    sample = QaSample(
        rubric_id=rubric.id, period_from=start, period_to=end, per_agent=per_agent,
        method=method, seed=seed, created_by=work.actor.username, created_at=work.now(),
    )  # fmt: skip
    work.session.add(sample)
    work.session.flush()
    items = []
    for c in chosen:
        score, why = qa_rules.risk(c)
        items.append(
            QaSampleItem(sample_id=sample.id, ticket_id=c.ticket_id, agent=c.agent,
                         risk=round(score, 3), reasons=why)
        )  # fmt: skip
    work.session.add_all(items)
    work.session.flush()
    audit.record(
        work.session, work.actor, "qa.sample.draw", "qa_sample", sample.id,
        f"{rubric.code} v{rubric.version} {method} seed={seed}: {len(items)} tickets",
        clock=work.clock,
    )  # fmt: skip
    return sample, items


def get_sample(work: Work, sample_id: str) -> QaSample:
    """A sample by id (404 when there is none)."""
    number = parse_id(sample_id)
    sample = work.session.get(QaSample, number) if number else None
    if sample is None:
        raise NotFound("no such sample")
    return sample


def sample_items(work: Work, sample_id: int) -> list[QaSampleItem]:
    """A sample's items, by id."""
    return list(
        work.session.scalars(
            select(QaSampleItem)
            .where(QaSampleItem.sample_id == sample_id)
            .order_by(QaSampleItem.id)
        )
    )
