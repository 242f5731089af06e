"""The category and cause trees in the administration (分类管理): three levels with Chinese and
English names; add, rename, move under another parent (the code stays), retire. Only the
administrator (`org.manage`)."""

from __future__ import annotations

import contextlib
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from closeloop.console import admin_org_views as views
from closeloop.console.page import Page, PageContext
from closeloop.console.posted import Posted
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.organisation import service, stewards, taxonomy
from closeloop.organisation.models import Category, Cause

router = APIRouter(include_in_schema=False)

TAXONOMY = "/console/admin/taxonomy"
MANAGE = stewards.MANAGE


def _model(tree: str) -> type[Category] | type[Cause]:
    model = views.TAXONOMIES.get(tree)
    if model is None:
        raise NotFound(f"no taxonomy {tree!r}")
    return model


# The services are generic over the taxonomy (Category or Cause); a page holds either.


def _nodes(page: PageContext, model: type[Category] | type[Cause]) -> list[Category | Cause]:
    if model is Category:
        return list(service.list_nodes(page.session, Category, retired=True))
    return list(service.list_nodes(page.session, Cause, retired=True))


def _node(page: PageContext, model: type[Category] | type[Cause], code: str) -> Category | Cause:
    if model is Category:
        return service.get_node(page.session, Category, code)
    return service.get_node(page.session, Cause, code)


def _add(page: PageContext, model: type[Category] | type[Cause], form: dict[str, str]) -> str:
    """The new node's code."""
    parent, name_en = form["parent"] or None, form["name_en"] or None
    if model is Category:
        return taxonomy.add_node(
            page.work, Category, form["code"], form["name"], parent,
            name_en=name_en, station=form["station"] or None,
        ).code  # fmt: skip
    return taxonomy.add_node(page.work, Cause, form["code"], form["name"], parent,
                             name_en=name_en).code  # fmt: skip


def _update(
    page: PageContext, model: type[Category] | type[Cause], code: str,
    changes: dict[str, str | None],
) -> None:  # fmt: skip
    if model is Category:
        taxonomy.update_node(page.work, Category, code, changes)
    else:
        taxonomy.update_node(page.work, Cause, code, changes)


def _retire(page: PageContext, model: type[Category] | type[Cause], code: str) -> None:
    if model is Category:
        taxonomy.retire_node(page.work, Category, code)
    else:
        taxonomy.retire_node(page.work, Cause, code)


@router.get(TAXONOMY)
def taxonomy_home(page: Page) -> Response:
    """The taxonomies' first page: the categories."""
    page.needs(MANAGE)
    return redirect(f"{TAXONOMY}/categories")


def _tree_page(
    page: PageContext,
    tree: str,
    *,
    form: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    nodes = _nodes(page, _model(tree))
    return page.render(
        "admin_taxonomy.html",
        status_code=status_code,
        tree=tree,
        trees=views.TREE_NAMES,
        nodes=views.tree(nodes),
        count=len(nodes),
        retired=sum(1 for n in nodes if n.retired_at is not None),
        parents=views.parent_choices(nodes),
        stations=_working_stations(page),
        form=form or views.node_form(),
        problems=problems or {},
        saved=page.request.query_params.get("saved", ""),
    )


def _working_stations(page: PageContext) -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in service.list_stations(page.session, retired=False)]


@router.get(TAXONOMY + "/{tree}", response_class=HTMLResponse)
def tree_page(tree: str, page: Page) -> HTMLResponse:
    """A taxonomy's three levels with Chinese and English names, retired nodes greyed; the
    form that adds a node."""
    page.needs(MANAGE)
    return _tree_page(page, tree)


@router.post(TAXONOMY + "/{tree}", response_class=HTMLResponse)
def add_node(tree: str, page: Page, posted: Posted) -> Response:
    """A new node under the chosen parent (none: the top level)."""
    page.check_csrf(posted.get(CSRF_FIELD))
    page.needs(MANAGE)
    model = _model(tree)
    _ = page.gettext
    form = {k: posted.get(k, "").strip() for k in ("code", "name", "name_en", "parent", "station")}
    try:
        added = _add(page, model, form)
    except InvalidInput as exc:
        problems = views.node_problems(_, exc)
    except Conflict:
        problems = {"code": _(views.NODE_TAKEN)}
    else:
        return redirect(f"{TAXONOMY}/{tree}?saved={added}#node-{added}")
    return _tree_page(page, tree, form=form, problems=problems, status_code=422)


def _node_page(
    page: PageContext,
    tree: str,
    code: str,
    *,
    form: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    model = _model(tree)
    node = _node(page, model, code)
    nodes = _nodes(page, model)
    below = [n for n in nodes if n.parent == code]
    return page.render(
        "admin_taxonomy_node.html",
        status_code=status_code,
        tree=tree,
        trees=views.TREE_NAMES,
        node=node,
        path=views.paths(nodes).get(code, node.name),
        below=below,
        leaf=service.is_leaf(page.session, model, code),
        parents=views.parent_choices(nodes, moving=code),
        stations=_working_stations(page),
        form=form or views.node_form(node),
        problems=problems or {},
        history=views.history(page.session, "category" if model is Category else "cause", code),
        saved=page.request.query_params.get("saved", ""),
    )


@router.get(TAXONOMY + "/{tree}/{code:path}", response_class=HTMLResponse)
def node_page(tree: str, code: str, page: Page) -> HTMLResponse:
    """One node: rename it, give its English name, move it under another parent, set the
    station its tickets usually go to (categories), retire it; its history."""
    page.needs(MANAGE)
    return _node_page(page, tree, code)


@router.post(TAXONOMY + "/{tree}/{code:path}", response_class=HTMLResponse)
def change_node(tree: str, code: str, page: Page, posted: Posted) -> Response:
    """Save the node's names, parent and station (`do=save`), or retire it once the box is
    ticked (`do=retire`); its code, and the codes its tickets carry, stay."""
    page.check_csrf(posted.get(CSRF_FIELD))
    page.needs(MANAGE)
    model = _model(tree)
    _node(page, model, code)  # 404 for an unknown code
    _ = page.gettext
    if posted.get("do") == "retire":
        if posted.get("confirm") != "yes":
            return _node_page(
                page, tree, code, problems={"confirm": _(views.CONFIRM)}, status_code=422
            )
        with contextlib.suppress(Conflict):  # already retired: the page says so
            _retire(page, model, code)
        return redirect(f"{TAXONOMY}/{tree}/{code}?saved=retired")
    form = {k: posted.get(k, "").strip() for k in ("name", "name_en", "parent", "station")}
    changes: dict[str, str | None] = {
        "name": form["name"],
        "name_en": form["name_en"],
        "parent": form["parent"] or None,
    }
    if model is Category:
        changes["station"] = form["station"] or None
    try:
        _update(page, model, code, changes)
    except InvalidInput as exc:
        shown = {**form, "code": code}
        problems = views.node_problems(_, exc)
        return _node_page(page, tree, code, form=shown, problems=problems, status_code=422)
    return redirect(f"{TAXONOMY}/{tree}/{code}?saved=saved")
