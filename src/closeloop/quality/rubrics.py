"""QA rubrics (质检评分表) as data: items with weights adding up to 100 and optional fatal
items; writing a rubric with a code that exists adds its next version."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from closeloop.auth import audit
from closeloop.kit.errors import InvalidInput, NotFound
from closeloop.quality.models import Rubric
from closeloop.quality.qa_rules import RubricItem, check_rubric
from closeloop.runtime.work import Work


def items_of(rubric: Rubric) -> list[RubricItem]:
    """A rubric's items."""
    return [RubricItem(**item) for item in rubric.items]


def write_rubric(work: Work, code: str, name: str, items: Sequence[RubricItem]) -> Rubric:
    """Add a rubric, or the next version of the rubric with this code (422 names what is wrong)."""
    work.actor.require("qa.manage")
    problems = check_rubric(items)
    if problems:
        errors = [{"loc": [*loc], "msg": msg} for loc, msg in problems]
        raise InvalidInput("; ".join(msg for _, msg in problems), errors)
    latest = work.session.scalar(select(func.max(Rubric.version)).where(Rubric.code == code))
    rubric = Rubric(
        code=code, version=(latest or 0) + 1, name=name, items=[vars(i) for i in items],
        created_by=work.actor.username, created_at=work.now(),
    )  # fmt: skip
    work.session.add(rubric)
    work.session.flush()
    audit.record(
        work.session, work.actor, "qa.rubric.write", "qa_rubric", rubric.id,
        f"{code} v{rubric.version}: {len(items)} items", clock=work.clock,
    )  # fmt: skip
    return rubric


def latest_rubrics(work: Work) -> list[Rubric]:
    """Each rubric's latest version, by code."""
    latest = (
        select(Rubric.code, func.max(Rubric.version).label("version"))
        .group_by(Rubric.code)
        .subquery()
    )
    query = (
        select(Rubric)
        .join(latest, (Rubric.code == latest.c.code) & (Rubric.version == latest.c.version))
        .order_by(Rubric.code)
    )
    return list(work.session.scalars(query))


def rubric_by_code(work: Work, code: str, *, loc: list[str | int] | None = None) -> Rubric:
    """A rubric's latest version; 422 naming `loc` (or 404 without) when there is none."""
    rubric = work.session.scalar(
        select(Rubric).where(Rubric.code == code).order_by(Rubric.version.desc()).limit(1)
    )
    if rubric is None:
        if loc is not None:
            raise InvalidInput.field(loc, f"no rubric {code!r}")
        raise NotFound(f"no rubric {code!r}")
    return rubric
