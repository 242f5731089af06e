"""Where a problem is (问题区域): its region and cells, and the top-level category of a
ticket's leaf category. Pure helpers plus one read of the category tree."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.organisation.models import Category


def cells_of(text: str) -> list[str]:
    """A problem's or alarm's cells from their stored JSON list."""
    found = json.loads(text or "[]")
    return [str(c) for c in found]


def cells_text(cells: Iterable[str]) -> str:
    """Cells as stored: a sorted JSON list without duplicates."""
    return json.dumps(sorted({c for c in cells if c}))


def covers(
    problem_region: str | None,
    problem_cells: list[str],
    region: str | None,
    cell_id: str | None,
) -> bool:
    """Whether a place (a ticket's region and cell) lies in a problem's area: one of its cells
    when it names cells (a ticket without a cell is not placed at one site of a whole city),
    else its region."""
    if problem_cells:
        return cell_id is not None and cell_id in problem_cells
    return problem_region is not None and region == problem_region


def top_levels(session: Session) -> dict[str, str]:
    """Every category code with the code of its top-level ancestor (one query)."""
    parents: dict[str, str | None] = {
        code: parent for code, parent in session.execute(select(Category.code, Category.parent))
    }
    return {code: top_of(code, parents) for code in parents}


def top_of(code: str, parents: dict[str, str | None]) -> str:
    """The top-level ancestor of a category in a child → parent map."""
    seen: set[str] = set()
    while parents.get(code) and code not in seen:
        seen.add(code)
        code = parents[code]  # type: ignore[assignment]
    return code


def is_top_level(session: Session, code: str) -> bool:
    """Whether `code` is a top-level category (no parent)."""
    row = session.execute(select(Category.parent).where(Category.code == code)).first()
    return row is not None and row[0] is None
