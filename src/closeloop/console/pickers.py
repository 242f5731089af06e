"""Choices for the console's pickers: leaf categories and causes by top level, stations."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.organisation.models import Category, Cause, Station

Taxonomy = type[Category] | type[Cause]


@dataclass(frozen=True)
class Choice:
    """One option of a picker."""

    code: str
    label: str


@dataclass(frozen=True)
class ChoiceGroup:
    """An optgroup: the leaves under one top-level node."""

    label: str
    choices: list[Choice]


def leaf_groups(session: Session, model: Taxonomy) -> list[ChoiceGroup]:
    """Every leaf of a three-level taxonomy, grouped by its top level (one query)."""
    rows = session.execute(
        select(model.code, model.name, model.parent).order_by(model.level, model.code)
    ).all()
    names = {code: name for code, name, _parent in rows}
    parents = {code: parent for code, _name, parent in rows}
    inner = {parent for parent in parents.values() if parent}
    groups: dict[str, list[Choice]] = {}
    for code, _name, parent in rows:
        if parent is None:
            groups.setdefault(code, [])
            continue
        if code in inner:
            continue
        chain = [code]
        while parents.get(chain[-1]):
            chain.append(parents[chain[-1]] or "")
        top = chain[-1]
        label = " › ".join(names[c] for c in reversed(chain[:-1]))
        groups.setdefault(top, []).append(Choice(code, label))
    return [
        ChoiceGroup(names[top], sorted(choices, key=lambda c: c.code))
        for top, choices in groups.items()
        if choices
    ]


def names_along(session: Session, model: Taxonomy, code: str | None) -> list[str]:
    """The names from the top level down to `code` (codes are paths: signal/indoor/weak)."""
    if not code:
        return []
    parts = code.split("/")
    path = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    rows = session.execute(select(model.code, model.name).where(model.code.in_(path))).all()
    names = dict(rows)
    return [names[c] for c in path if c in names] or [code]


def station_choices(session: Session) -> list[Choice]:
    """Every station, by name."""
    rows = session.execute(select(Station.code, Station.name).order_by(Station.code))
    return [Choice(code, name) for code, name in rows]


def station_names(session: Session) -> dict[str, str]:
    """The name of every station by code."""
    return {c.code: c.label for c in station_choices(session)}


def category_station(session: Session, category: str) -> str | None:
    """The station a category's tickets usually go to (the dispatch picker's default)."""
    return session.scalar(select(Category.station_code).where(Category.code == category))
