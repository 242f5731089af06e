"""Mapping an article's category path onto a leaf of the ticket taxonomy (工单分类)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.organisation.models import Category


def leaf_category(session: Session, path: str | None, fallback: str) -> str:
    """The leaf a ticket about `path` should use: the path itself when it is a leaf, else the
    first leaf under its nearest existing ancestor; `fallback` when nothing fits."""
    parts = (path or "").strip("/").split("/") if path else []
    while parts:
        code = "/".join(parts)
        if session.get(Category, code) is not None:
            leaf = _first_leaf(session, code)
            if leaf:
                return leaf
        parts.pop()
    return _first_leaf(session, fallback) or fallback


def _first_leaf(session: Session, code: str) -> str | None:
    current = code
    for _ in range(5):
        child = session.scalar(
            select(Category.code).where(Category.parent == current).order_by(Category.code).limit(1)
        )
        if child is None:
            return current if session.get(Category, current) is not None else None
        current = child
    return current
