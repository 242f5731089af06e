"""Whose post it is (发帖人): the customer a post is about, when the operator can know it — the
number it gives, else the customer of the same author's earlier post on the same platform.
The public-opinion account is never such a customer."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.customers.models import Customer
from closeloop.customers.service import find_by_msisdn
from closeloop.kit.actor import Actor
from closeloop.opinion.models import OpinionPost

MSISDN = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def named_customer(session: Session, actor: Actor, text: str) -> Customer | None:
    """The first customer whose number appears in `text`."""
    for number in MSISDN.findall(text):
        found = find_by_msisdn(session, actor, number)
        if found is not None:
            return found
    return None


def known_customer_id(session: Session, actor: Actor, post: OpinionPost) -> int | None:
    """The customer `post` is about: the one it names, else the author's latest known one."""
    named = named_customer(session, actor, post.text)
    if named is not None:
        return named.id
    return session.scalar(
        select(OpinionPost.customer_id)
        .where(
            OpinionPost.author == post.author,
            OpinionPost.source == post.source,
            OpinionPost.customer_id.is_not(None),
            OpinionPost.id != post.id,
        )
        .order_by(OpinionPost.posted_at.desc(), OpinionPost.id.desc())
        .limit(1)
    )
