"""Survey results (调查结果): response rate and every score with its 95 % interval, by region,
segment, channel, station or period; the comments' most frequent terms. Also the read service
other domains use for satisfaction figures (`csat_for`, `nps_for`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.kit.errors import InvalidInput, NotFound
from closeloop.kit.ids import parse_id
from closeloop.kit.segment import segment
from closeloop.quality import scoring
from closeloop.quality.instruments import INSTRUMENTS
from closeloop.quality.models import Survey, SurveyInvitation, SurveyResponse
from closeloop.runtime.work import Work

GROUPINGS = ("region", "segment", "channel", "station", "period")
TOP_TERMS = 20


@dataclass(frozen=True)
class Answered:
    """One invitation as results see it: its grouping keys and, when answered, the answers."""

    region: str | None
    segment: str | None
    channel: str | None
    station: str | None
    period: str
    answers: dict[str, int] | None
    comment: str | None
    followup: bool


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def scores(instrument: str, answered: Sequence[dict[str, int]]) -> dict[str, Any]:
    """The instrument's scores over these answer sets."""
    spec = INSTRUMENTS[instrument]
    if instrument == "csat":
        return scoring.csat_summary([a["csat"] for a in answered])
    if instrument == "nps":
        return scoring.nps_summary([a["nps"] for a in answered])
    if instrument == "servqual":
        return scoring.servqual_summary(spec, answered)
    return scoring.loyalty_summary(spec, answered)


def summary(instrument: str, rows: Sequence[Answered]) -> dict[str, Any]:
    """Invited, responses, response rate with its interval, and the scores."""
    answered = [r.answers for r in rows if r.answers is not None]
    invited = len(rows)
    found: dict[str, Any] = _plain(
        {
            "invited": invited,
            "responses": len(answered),
            "response_rate": round(len(answered) / invited, 4) if invited else None,
            "response_rate_ci": scoring.wilson(len(answered), invited),
            **scores(instrument, answered),
        }
    )
    return found


def frequent_terms(comments: Sequence[str], top: int = TOP_TERMS) -> list[dict[str, Any]]:
    """The most frequent words of the comments (Chinese segmented), one count per comment."""
    counts: Counter[str] = Counter()
    for comment in comments:
        counts.update({w for w in segment(comment) if len(w) > 1})
    return [{"term": t, "count": n} for t, n in counts.most_common(top)]


def get_survey(work: Work, survey_id: str) -> Survey:
    """A survey by id (404 when there is none)."""
    number = parse_id(survey_id)
    survey = work.session.get(Survey, number) if number else None
    if survey is None:
        raise NotFound("no such survey")
    return survey


def load_rows(session: Session, survey_id: int, tz: ZoneInfo) -> list[Answered]:
    """Every invitation of a survey with its answers, if any."""
    query = (
        select(SurveyInvitation, SurveyResponse)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(SurveyInvitation.survey_id == survey_id)
        .order_by(SurveyInvitation.id)
    )
    return [
        Answered(
            inv.region,
            inv.segment,
            inv.channel,
            inv.station,
            inv.created_at.astimezone(tz).strftime("%Y-%m"),
            dict(resp.answers) if resp else None,
            resp.comment if resp else None,
            bool(resp and resp.followup_ticket_id),
        )
        for inv, resp in session.execute(query)
    ]


def survey_results(work: Work, survey: Survey, by: str | None = None) -> dict[str, Any]:
    """A survey's results, and per group of `by` when asked."""
    work.actor.require("surveys.read")
    if by is not None and by not in GROUPINGS:
        raise InvalidInput.field(["query", "by"], f"one of {', '.join(GROUPINGS)}")
    rows = load_rows(work.session, survey.id, work.tz)
    result = {
        "id": str(survey.id),
        "instrument": survey.instrument,
        "name": survey.name,
        **summary(survey.instrument, rows),
        "followups": sum(1 for r in rows if r.followup),
        "terms": frequent_terms([r.comment for r in rows if r.comment]),
    }
    if by is not None:
        key: Callable[[Answered], str | None] = lambda r: getattr(r, by)  # noqa: E731
        groups: dict[str, list[Answered]] = defaultdict(list)
        for row in rows:
            groups[key(row) or ""].append(row)
        result["by"] = by
        result["groups"] = [
            {"key": k, **summary(survey.instrument, v)} for k, v in sorted(groups.items())
        ]
    return result


# --- read service for other domains (KPIs, scorecards) ---------------------------------------


@dataclass(frozen=True)
class Figure:
    """A satisfaction figure of one group: how many answered, the score and its interval."""

    key: str
    responses: int
    value: float | None
    low: float | None
    high: float | None


def _answered(
    session: Session, instrument: str, start: datetime, end: datetime
) -> list[tuple[SurveyInvitation, dict[str, int]]]:
    query = (
        select(SurveyInvitation, SurveyResponse.answers)
        .join(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(
            Survey.instrument == instrument,
            SurveyResponse.created_at >= start,
            SurveyResponse.created_at < end,
        )
    )
    return [(inv, dict(answers)) for inv, answers in session.execute(query)]


def _grouped(
    rows: list[tuple[SurveyInvitation, dict[str, int]]], by: str | None
) -> dict[str, list[int]]:
    if by is not None and by not in GROUPINGS[:-1]:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS[:-1])}")
    groups: dict[str, list[int]] = defaultdict(list)
    for inv, answers in rows:
        key = (getattr(inv, by) or "") if by else "all"
        groups[key].extend(answers.values())
    return groups


def csat_for(
    session: Session, start: datetime, end: datetime, by: str | None = None
) -> list[Figure]:
    """Mean CSAT (1–5) of answers given in [start, end), overall (`key` "all") or per region,
    segment, channel or station, with 95 % intervals."""
    figures = []
    for key, values in sorted(_grouped(_answered(session, "csat", start, end), by).items()):
        mean, interval = scoring.mean_interval([float(v) for v in values])
        figures.append(Figure(key, len(values), mean, *(_ends(interval))))
    return figures


def nps_for(
    session: Session, start: datetime, end: datetime, by: str | None = None
) -> list[Figure]:
    """NPS (−100…100) of answers given in [start, end), overall or per group, with intervals."""
    figures = []
    for key, values in sorted(_grouped(_answered(session, "nps", start, end), by).items()):
        found = scoring.nps_summary(values)
        interval = found["nps_ci"]
        assert interval is None or isinstance(interval, scoring.Interval)
        value = found["nps"]
        assert value is None or isinstance(value, float)
        figures.append(Figure(key, len(values), value, *(_ends(interval))))
    return figures


def _ends(interval: scoring.Interval | None) -> tuple[float | None, float | None]:
    return (interval.low, interval.high) if interval else (None, None)
