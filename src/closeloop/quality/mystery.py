"""Mystery shopping (神秘顾客, seed 004 §5): visits to stores and calls to channels recorded
against a checklist — a rubric, scored like one — and their trend per place and month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from closeloop.auth import audit
from closeloop.kit.errors import InvalidInput
from closeloop.quality import qa_rules
from closeloop.quality.models import MysteryVisit
from closeloop.quality.rubrics import items_of, rubric_by_code
from closeloop.runtime.work import Work

CHANNELS = ("store", "hotline", "online", "app", "sms", "social")


@dataclass(frozen=True)
class Visit:
    """What the shopper reports: where, through which channel, when, who, the scores."""

    checklist: str
    place: str
    channel: str
    visited_at: datetime
    shopper: str
    scores: Mapping[str, Any]
    note: str | None = None


def record_visit(work: Work, visit: Visit) -> MysteryVisit:
    """Record a visit scored against its checklist (422 naming a bad score or field)."""
    work.actor.require("qa.manage")
    rubric = rubric_by_code(work, visit.checklist, loc=["checklist"])
    if visit.channel not in CHANNELS:
        raise InvalidInput.field("channel", f"one of {', '.join(CHANNELS)}")
    items = items_of(rubric)
    problems = qa_rules.check_scores(items, visit.scores)
    if problems:
        errors = [{"loc": ["scores", code], "msg": msg} for code, msg in problems]
        raise InvalidInput("; ".join(f"{c}: {m}" for c, m in problems), errors)
    scores = {k: int(v) for k, v in visit.scores.items()}
    row = MysteryVisit(
        rubric_id=rubric.id, place=visit.place, channel=visit.channel,
        visited_at=visit.visited_at, shopper=visit.shopper, scores=scores,
        total=qa_rules.total(items, scores), note=visit.note,
        recorded_by=work.actor.username, created_at=work.now(),
    )  # fmt: skip
    work.session.add(row)
    work.session.flush()
    audit.record(
        work.session, work.actor, "qa.mystery_visit", "qa_mystery_visit", row.id,
        f"{visit.place} {visit.channel}: {row.total}", clock=work.clock,
    )  # fmt: skip
    return row


def trends(work: Work, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Per place and month (local), the number of visits and their mean total."""
    work.actor.require("qa.read")
    rows = work.session.execute(
        select(MysteryVisit.place, MysteryVisit.visited_at, MysteryVisit.total).where(
            MysteryVisit.visited_at >= start, MysteryVisit.visited_at < end
        )
    )
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for place, at, total in rows:
        groups[(place, at.astimezone(work.tz).strftime("%Y-%m"))].append(total)
    return [
        {"place": p, "month": m, "visits": len(v), "average": round(sum(v) / len(v), 2)}
        for (p, m), v in sorted(groups.items())
    ]
