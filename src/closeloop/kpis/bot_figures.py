"""The self-service bot's containment (机器人自助解决情况) for the supervisors' dashboard: the
conversations it answered without people, the answers its users called not helpful, and the
conversations it handed over to people with a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.knowledge.models import ArticleUsage
from closeloop.kpis.periods import Period
from closeloop.kpis.values import kpi_values

NOT_HELPFUL = "not_helpful_bot"


@dataclass(frozen=True)
class BotFigures:
    """Conversations started, contained (answered by the bot, never handed over), handed over;
    and answers the bot's users rated not helpful (wrong answers)."""

    started: int
    contained: int
    not_helpful: int

    @property
    def handed_over(self) -> int:
        """Conversations handed over to people with a ticket."""
        return self.started - self.contained

    @property
    def percent(self) -> float | None:
        """Containment (`bot_containment`) in per cent, one decimal; None without data."""
        return round(100.0 * self.contained / self.started, 1) if self.started else None


def bot_figures(session: Session, start: datetime, end: datetime, tz: ZoneInfo) -> BotFigures:
    """The bot's figures for conversations started and ratings given in [start, end)."""
    (value,) = kpi_values(session, ["bot_containment"], Period(start, end, tz), None)
    rated = session.scalar(
        select(func.count())
        .select_from(ArticleUsage)
        .where(ArticleUsage.kind == NOT_HELPFUL, ArticleUsage.at >= start, ArticleUsage.at < end)
    )
    return BotFigures(
        started=round(value.denominator or 0),
        contained=round(value.numerator or 0),
        not_helpful=int(rated or 0),
    )
