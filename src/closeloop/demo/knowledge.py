"""The demo knowledge base: ~170 telecom FAQ articles (in Chinese) with 20 agent scripts."""

from __future__ import annotations

from importlib import resources

from sqlalchemy.orm import Session

from closeloop.kit.clock import Clock
from closeloop.knowledge.importer import import_articles


def seed_knowledge(session: Session, clock: Clock) -> int:
    """Import and publish the demo articles; how many were added (0 when already there)."""
    text = resources.files("closeloop.demo").joinpath("data").joinpath("kb_articles.jsonl")
    report = import_articles(
        session, text.read_text("utf-8").splitlines(), publish=True, strict=True, clock=clock
    )
    return report.inserted
