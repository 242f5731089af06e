"""The bot's level of confidence on messages it cannot answer, per FAQ (置信度基准).

An operator's FAQ puts the confidence on its own scale, so the bot's thresholds move with the
`Level` of the live articles (`decisions.limits`): a sample of the shipped out-of-scope messages
asked of the index. Measuring takes a second or more on a large FAQ, so it is done after the
articles change — by the `knowledge.bot_levels` job and at the end of `kb import` — and kept in
`kb_bot_levels` by the index's key, where every server process finds it. A chat uses the level
of the live articles when it has been measured, else the last one measured (a few changed
articles move it little), and measures it itself only when none ever was.
"""

from __future__ import annotations

import threading
import weakref
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot import strangers
from closeloop.knowledge.bot.evidence import evidence
from closeloop.knowledge.models import BotLevel
from closeloop.knowledge.search.index import KnowledgeIndex
from closeloop.knowledge.search.live import index_for
from closeloop.runtime.work import Work

_known: weakref.WeakKeyDictionary[KnowledgeIndex, bot.Limits] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def measure(index: KnowledgeIndex, today: date) -> bot.Level | None:
    """Ask the index a fixed sample of the shipped out-of-scope messages (None when the
    shipped calibration does not adapt or the index is empty)."""
    shipped = bot.calibration()
    if shipped.reference is None or not shipped.shift or not len(index):
        return None
    asked = strangers.sample(strangers.out_of_scope())
    return bot.level_of(
        [bot.features(evidence(index.search(s, today=today, limit=5))) for s in asked], shipped
    )


def stored(session: Session, key: str) -> bot.Level | None:
    """The level measured for the live articles named by `key`, else the last one measured
    for any (None: never measured)."""
    row = session.get(BotLevel, key) if key else None
    if row is None:
        row = session.scalars(
            select(BotLevel).order_by(BotLevel.measured_at.desc()).limit(1)
        ).first()
    return None if row is None else bot.Level(row.answer, row.either)


def limits_for(session: Session, index: KnowledgeIndex, today: date) -> bot.Limits:
    """The thresholds for the FAQ an index holds (kept per index in this process)."""
    with _lock:
        known = _known.get(index)
    if known is not None:
        return known
    own = session.get(BotLevel, index.key) if index.key else None
    level = bot.Level(own.answer, own.either) if own is not None else stored(session, "")
    # the last level measured stands in until the job has measured these articles
    final = own is not None or level is None
    if level is None:
        level = measure(index, today)
    found = bot.limits(bot.calibration(), level)
    if final:
        with _lock:
            _known[index] = found
    return found


def refresh(session: Session, index: KnowledgeIndex, today: date, clock: Clock) -> bool:
    """Measure and keep the level of the live articles unless it is kept already; whether it
    was measured now."""
    if not index.key or session.get(BotLevel, index.key) is not None:
        return False
    level = measure(index, today)
    if level is None:
        return False
    session.add(
        BotLevel(
            key=index.key,
            answer=level.answer,
            either=level.either,
            articles=len(index),
            measured_at=clock.now(),
        )
    )
    return True


def refresh_live(database: Database, clock: Clock) -> bool:
    """`refresh` for the database's live articles, in a unit of work of its own (False when
    another process kept the same level first). The `knowledge.bot_levels` job."""
    try:
        with database.unit_of_work() as session:
            today = clock.local_date(Work.of(session).settings.tz)
            return refresh(session, index_for(database, session), today, clock)
    except IntegrityError:
        return False
