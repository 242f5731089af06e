"""Choices for the console's pickers: leaf categories and causes by top level, stations.

Pickers offer only what the services accept: active leaves, working stations. Retired codes
stay readable (names_along, station_names) on the tickets that have them. Names are in the page's
language: English pages show a node's or station's English name where it has one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from closeloop.organisation.models import Category, Cause, Station

Taxonomy = type[Category] | type[Cause]
Named = Taxonomy | type[Station]


def name_in(model: Named, language: str) -> ColumnElement[str]:
    """The name of a category, cause or station in the page's language (zh-CN or en): the
    English name on English pages where there is one, else the Chinese."""
    if language.startswith("en"):
        return func.coalesce(func.nullif(model.name_en, ""), model.name)
    return model.name  # type: ignore[return-value]


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


def leaf_groups(session: Session, model: Taxonomy, language: str = "zh-CN") -> list[ChoiceGroup]:
    """Every active leaf of a three-level taxonomy, grouped by its top level (one query); a
    node whose children are all retired is a leaf again (service.leaf_problem)."""
    rows = session.execute(
        select(model.code, name_in(model, language), model.parent)
        .where(model.retired_at.is_(None))
        .order_by(model.level, model.code)
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


def names_along(
    session: Session, model: Taxonomy, code: str | None, language: str = "zh-CN"
) -> list[str]:
    """The names from the top level down to `code`, following the parents (a node moved to
    another parent keeps its code, so the code's path is not the tree); retired nodes too."""
    if not code:
        return []
    above = aliased(model)
    top = aliased(model)
    row = session.execute(
        select(name_in(model, language), name_in(above, language), name_in(top, language))
        .outerjoin(above, above.code == model.parent)
        .outerjoin(top, top.code == above.parent)
        .where(model.code == code)
    ).first()
    if row is None:
        return [code]
    return [name for name in reversed(tuple(row)) if name is not None]


def station_choices(
    session: Session, *, retired: bool = True, language: str = "zh-CN"
) -> list[Choice]:
    """Every station by code (retired ones only when asked): what a dispatch may choose is
    `retired=False`."""
    query = select(Station.code, name_in(Station, language)).order_by(Station.code)
    if not retired:
        query = query.where(Station.retired_at.is_(None))
    return [Choice(code, name) for code, name in session.execute(query)]


def station_names(session: Session, language: str = "zh-CN") -> dict[str, str]:
    """The name of every station by code, retired ones too (tickets still show them)."""
    return {c.code: c.label for c in station_choices(session, language=language)}


def category_station(session: Session, category: str) -> str | None:
    """The station a category's tickets usually go to (the dispatch picker's default), when it
    still works."""
    return session.scalar(
        select(Category.station_code)
        .join(Station, Station.code == Category.station_code)
        .where(Category.code == category, Station.retired_at.is_(None))
    )
