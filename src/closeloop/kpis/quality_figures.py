"""csat, nps and qa_score (服务质量指标) as KPI sums, read from the quality domain's results.

CSAT is the mean answer (numerator: the answers' sum, denominator: the answers), NPS the share
of promoters minus detractors in points (numerator: that difference × 100 ÷ nothing else, so
value × answers), the QA score the mean review total (numerator: the totals' sum, denominator:
the reviews). Surveys group by station, region and channel; reviews by agent; both by day, week
and month. A grouping the source cannot give lists no groups; no answers is "no data".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from closeloop.kpis.periods import TIME_GROUPINGS, Period, buckets
from closeloop.quality.agents import qa_scores
from closeloop.quality.results import csat_for, nps_for
from closeloop.runtime.work import Work

Sums = dict[str | None, tuple[float, float]]
SURVEY_GROUPINGS = frozenset({"station", "region", "channel"})


def quality_sums(session: Session, code: str, period: Period, by: str | None) -> Sums:
    """A quality KPI's numerator and denominator per group of the period."""
    if by in TIME_GROUPINGS:
        found: Sums = {}
        for bucket in buckets(period, by or "day"):
            whole = _sums(session, code, bucket.start, bucket.end, None)
            if None in whole:
                found[bucket.label] = whole[None]
        return found
    return _sums(session, code, period.start, period.end, by)


def _sums(session: Session, code: str, start: datetime, end: datetime, by: str | None) -> Sums:
    if code == "qa_score":
        return _reviews(session, start, end, by)
    if by is not None and by not in SURVEY_GROUPINGS:
        return {}
    figures = (csat_for if code == "csat" else nps_for)(session, start, end, by)
    return {
        (f.key if by else None): (f.value * f.responses, float(f.responses))
        for f in figures
        if f.value is not None and f.responses
    }


def _reviews(session: Session, start: datetime, end: datetime, by: str | None) -> Sums:
    scores = [s for s in qa_scores(Work.of(session), start, end) if s.average is not None]
    if by == "agent":
        return {s.agent: ((s.average or 0.0) * s.reviews, float(s.reviews)) for s in scores}
    reviews = sum(s.reviews for s in scores)
    if by is not None or not reviews:
        return {}
    return {None: (sum((s.average or 0.0) * s.reviews for s in scores), float(reviews))}
