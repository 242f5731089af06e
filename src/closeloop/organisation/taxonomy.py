"""Administering the category and cause taxonomies (分类管理): add, rename, move and retire nodes
of the three levels, with Chinese and English names, and the station a category's tickets are
usually dispatched to; every change audited with before and after.

The tree is `parent`; a code is a stable identifier that tickets keep (by convention the path
where the node was made, e.g. signal/indoor/weak), so moving a node changes its parent and
level, never its code, nor the codes of the tickets that use it.

New tickets and replies must use an active leaf (service.leaf_problem). A node that gets its
first child stops being a leaf: tickets that already have it keep it and go on as before (a
category is checked only when a ticket is opened, a cause when it is given); new ones choose
among the children. Retiring a node retires the nodes under it; tickets keep and show them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from closeloop.auth import audit
from closeloop.kit.errors import Conflict, InvalidInput
from closeloop.organisation.models import Category, Cause, Station
from closeloop.organisation.service import T, get_node, subtree
from closeloop.runtime.work import Work

# A code is a path of parts (signal/indoor/weak). A part after the first is never `retire`: in
# the API, `…/{code}/retire` retires the node, so `signal/retire` could not be told from it.
_PART = r"[a-z0-9][a-z0-9_-]*"
CODE_PATTERN = rf"{_PART}(?:/(?!retire$){_PART})*"
CODE = re.compile(rf"^{CODE_PATTERN}\Z")
MAX_LEVEL = 3
CHANGEABLE = {
    Category: ("name", "name_en", "parent", "station"),
    Cause: ("name", "name_en", "parent"),
}


def _entity(model: type[Category] | type[Cause]) -> str:
    return "category" if model is Category else "cause"


def _name(text: str | None) -> str:
    name = (text or "").strip()
    if not name:
        raise InvalidInput.field("name", "must not be blank")
    if len(name) > 64:
        raise InvalidInput.field("name", "at most 64 characters")
    return name


def _name_en(text: str | None) -> str | None:
    name = (text or "").strip()
    if len(name) > 128:
        raise InvalidInput.field("name_en", "at most 128 characters")
    return name or None


def _parent(work: Work, model: type[T], code: str | None) -> T | None:
    """The node to put a child under (None: the top level); 422 naming `parent` when it is
    unknown, retired, or already at the third level."""
    if code is None:
        return None
    parent = work.session.get(model, code)
    if parent is None:
        raise InvalidInput.field("parent", f"no {_entity(model)} {code!r}")
    if parent.retired_at is not None:
        raise InvalidInput.field("parent", f"{_entity(model)} {code!r} is retired")
    if parent.level >= MAX_LEVEL:
        raise InvalidInput.field(
            "parent", f"{code!r} is at level {MAX_LEVEL}: the taxonomy has {MAX_LEVEL} levels"
        )
    return parent


def _station(work: Work, code: str | None) -> str | None:
    """A station categories may suggest: it exists and is not retired (422 naming it)."""
    if code is None:
        return None
    station = work.session.get(Station, code)
    if station is None:
        raise InvalidInput.field("station", f"no station {code!r}")
    if station.retired_at is not None:
        raise InvalidInput.field("station", f"station {code!r} is retired")
    return code


def _fields(node: Category | Cause) -> dict[str, str]:
    """What an administrator sets on a node, as the audit log writes it."""
    fields = {
        "name": node.name,
        "name_en": node.name_en or "(none)",
        "parent": node.parent or "(top)",
        "level": str(node.level),
    }
    if isinstance(node, Category):
        fields["station"] = node.station_code or "(none)"
    return fields


def add_node(
    work: Work,
    model: type[T],
    code: str,
    name: str,
    parent: str | None,
    *,
    name_en: str | None = None,
    station: str | None = None,
) -> T:
    """A new node under `parent` (None: a top-level one), usable at once by new tickets
    (categories) or replies (causes) when it is a leaf; 409 when the code is taken."""
    code = code.strip()
    if len(code) > 96 or not CODE.match(code):
        raise InvalidInput.field(
            "code",
            "use lowercase letters, digits, dash or underscore, in up to three parts "
            "separated by '/' (e.g. signal/indoor/weak), at most 96 characters",
        )
    node = model(code=code, name=_name(name), name_en=_name_en(name_en))
    above = _parent(work, model, parent)
    node.parent = above.code if above is not None else None
    node.level = above.level + 1 if above is not None else 1
    if isinstance(node, Category):
        node.station_code = _station(work, station)
    elif station is not None:
        raise InvalidInput.field("station", "only categories suggest a station")
    if work.session.get(model, code) is not None:
        raise Conflict(f"{_entity(model)} {code!r} already exists")
    work.session.add(node)
    try:
        with work.session.begin_nested():
            work.session.flush()
    except IntegrityError as exc:  # a concurrent add of the same code
        raise Conflict(f"{_entity(model)} {code!r} already exists") from exc
    audit.record(
        work.session, work.actor, f"{_entity(model)}.create", _entity(model), code,
        "(none) → " + "; ".join(f"{k}: {v}" for k, v in _fields(node).items()),
        clock=work.clock,
    )  # fmt: skip
    return node


def update_node(work: Work, model: type[T], code: str, changes: Mapping[str, str | None]) -> T:
    """Rename a node, set its English name, move it under another parent (None: to the top)
    or, for a category, set the station its tickets are usually dispatched to (None: none);
    only the keys given change. Audited with before and after."""
    node = get_node(work.session, model, code)
    unknown = sorted(set(changes) - set(CHANGEABLE[model]))
    if unknown:
        raise InvalidInput.field(unknown[0], f"a {_entity(model)} has no such field")
    before = _fields(node)
    if "name" in changes:
        node.name = _name(changes["name"])
    if "name_en" in changes:
        node.name_en = _name_en(changes["name_en"])
    if isinstance(node, Category) and "station" in changes:
        node.station_code = _station(work, changes["station"])
    moved: list[str] = []
    if "parent" in changes and changes["parent"] != node.parent:
        moved = _move(work, model, node, changes["parent"])
    after = _fields(node)
    lines = [f"{k}: {before[k]} → {after[k]}" for k in before if before[k] != after[k]]
    if moved:
        lines.append(f"with {len(moved)} node(s) under it: {', '.join(moved)}")
    if lines:
        work.session.flush()
        audit.record(
            work.session, work.actor, f"{_entity(model)}.update", _entity(model), code,
            "; ".join(lines), clock=work.clock,
        )  # fmt: skip
    return node


def _move(work: Work, model: type[T], node: T, parent_code: str | None) -> list[str]:
    """Put `node` under another parent, its descendants' levels following; the codes of the
    nodes moved along. 422 naming `parent` for a move under itself or past the third level."""
    above = _parent(work, model, parent_code)
    below = work.session.scalars(
        select(model).where(model.code.in_(subtree(model, node.code)), model.code != node.code)
    ).all()
    if above is not None and (above.code == node.code or above in below):
        raise InvalidInput.field("parent", f"cannot move {node.code!r} under itself")
    level = above.level + 1 if above is not None else 1
    depth = max((n.level for n in below), default=node.level) - node.level
    if level + depth > MAX_LEVEL:
        raise InvalidInput.field(
            "parent",
            f"{node.code!r} has {depth} level(s) under it: under "
            f"{parent_code!r} they would pass level {MAX_LEVEL}",
        )
    shift = level - node.level
    for n in below:
        n.level += shift
    node.parent, node.level = parent_code, level
    return sorted(n.code for n in below)


def retire_node(work: Work, model: type[T], code: str) -> T:
    """Retire a node and every node under it: new tickets and replies can no longer choose
    them; tickets that have them keep and show them. 409 when already retired."""
    node = get_node(work.session, model, code)
    if node.retired_at is not None:
        raise Conflict(f"{_entity(model)} {code!r} is already retired")
    now = work.now()
    below: Sequence[T] = work.session.scalars(
        select(model)
        .where(model.code.in_(subtree(model, code)), model.code != code)
        .where(model.retired_at.is_(None))
        .order_by(model.code)
    ).all()
    node.retired_at = now
    for n in below:
        n.retired_at = now
    work.session.flush()
    summary = f"retired: no → yes at {now.isoformat()}"
    if below:
        summary += f"; with {len(below)} node(s) under it: {', '.join(n.code for n in below)}"
    audit.record(
        work.session, work.actor, f"{_entity(model)}.retire", _entity(model), code, summary,
        clock=work.clock,
    )  # fmt: skip
    return node
