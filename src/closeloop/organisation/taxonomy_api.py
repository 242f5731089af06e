"""The category and cause taxonomies over HTTP: reading them, and changing them (admin).

Codes are paths (signal/indoor/weak), so the routes take them as the rest of the path:
`PATCH /api/v1/taxonomy/categories/signal/indoor/weak`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session
from starlette.convertors import Convertor, register_url_convertor

from closeloop.auth.deps import work_requiring
from closeloop.organisation import service, taxonomy
from closeloop.organisation.models import Category, Cause
from closeloop.organisation.schemas import NodeIn, NodePatch, StationRefIn
from closeloop.organisation.service import T
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1/taxonomy", tags=["organisation"])


class _NodeCode(Convertor[str]):
    """A category or cause code in a path: parts separated by '/', never ending in `retire`
    (so `POST …/signal/retire` retires `signal` and `PATCH …/signal/retire` is no route: 405)."""

    regex = taxonomy.CODE_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("node_code", _NodeCode())

Reader = Annotated[Work, Depends(work_requiring("org.read"))]
Manager = Annotated[Work, Depends(work_requiring("org.manage"))]
Level = Annotated[int | None, Query(ge=1, le=3)]
Details = Annotated[
    bool,
    Query(description="every node, retired ones too, with name_en, leaf, retired and station"),
]


def _list(session: Session, model: type[T], level: int | None,
          details: bool) -> list[dict[str, Any]]:  # fmt: skip
    if not details:
        return [service.taxonomy_out(n) for n in service.list_nodes(session, model, level)]
    nodes = service.details_out(service.list_nodes(session, model, retired=True))
    return [n for n in nodes if level is None or n["level"] == level]


def _detail(session: Session, node: Category | Cause) -> dict[str, Any]:
    leaf = service.is_leaf(session, type(node), node.code)
    return service.taxonomy_detail(node, leaf=leaf)


@router.get("/categories")
def list_categories(
    work: Reader, level: Level = None, details: Details = False
) -> list[dict[str, Any]]:
    """The three-level fault/complaint category taxonomy: the active nodes, which new tickets
    choose from (leaves); `details=true` for every node with what administrators see."""
    return _list(work.session, Category, level, details)


@router.get("/causes")
def list_causes(
    work: Reader, level: Level = None, details: Details = False
) -> list[dict[str, Any]]:
    """The fault-cause taxonomy: the active nodes, which replies choose from (leaves);
    `details=true` for every node with what administrators see."""
    return _list(work.session, Cause, level, details)


@router.post("/categories", status_code=201)
def add_category(body: NodeIn, work: Manager) -> dict[str, Any]:
    """A new category under `parent` (null: top level); a leaf is usable by new tickets at once."""
    node = taxonomy.add_node(
        work, Category, body.code, body.name, body.parent,
        name_en=body.name_en, station=body.station,
    )  # fmt: skip
    return _detail(work.session, node)


@router.post("/causes", status_code=201)
def add_cause(body: NodeIn, work: Manager) -> dict[str, Any]:
    """A new cause under `parent` (null: top level); a leaf is usable by replies at once."""
    node = taxonomy.add_node(
        work, Cause, body.code, body.name, body.parent,
        name_en=body.name_en, station=body.station,
    )  # fmt: skip
    return _detail(work.session, node)


# The routes with a code come after the fixed ones; a code runs to the end of the path, or to
# the action after it (…/retire, …/station).


@router.put("/categories/{code:node_code}/station")
def set_category_station(code: str, body: StationRefIn, work: Manager) -> dict[str, Any]:
    """The station the dispatch picker suggests for the category's tickets (null: none)."""
    return _detail(
        work.session, taxonomy.update_node(work, Category, code, {"station": body.station})
    )


@router.post("/categories/{code:node_code}/retire")
def retire_category(code: str, work: Manager) -> dict[str, Any]:
    """Retire a category and those under it: new tickets can no longer choose them."""
    return _detail(work.session, taxonomy.retire_node(work, Category, code))


@router.post("/causes/{code:node_code}/retire")
def retire_cause(code: str, work: Manager) -> dict[str, Any]:
    """Retire a cause and those under it: replies can no longer give them."""
    return _detail(work.session, taxonomy.retire_node(work, Cause, code))


@router.get("/categories/{code:node_code}")
def get_category(code: str, work: Reader) -> dict[str, Any]:
    """One category in detail, retired or not."""
    return _detail(work.session, service.get_node(work.session, Category, code))


@router.get("/causes/{code:node_code}")
def get_cause(code: str, work: Reader) -> dict[str, Any]:
    """One cause in detail, retired or not."""
    return _detail(work.session, service.get_node(work.session, Cause, code))


@router.patch("/categories/{code:node_code}")
def update_category(code: str, body: NodePatch, work: Manager) -> dict[str, Any]:
    """Rename a category, set its English name or suggested station, or move it under
    another parent (null: to the top level); its code, and its tickets' codes, stay."""
    changes = body.model_dump(exclude_unset=True)
    return _detail(work.session, taxonomy.update_node(work, Category, code, changes))


@router.patch("/causes/{code:node_code}")
def update_cause(code: str, body: NodePatch, work: Manager) -> dict[str, Any]:
    """Rename a cause, set its English name, or move it under another parent (null: to the
    top level); its code, and the codes tickets were replied with, stay."""
    changes = body.model_dump(exclude_unset=True)
    return _detail(work.session, taxonomy.update_node(work, Cause, code, changes))
