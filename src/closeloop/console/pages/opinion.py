"""The public-opinion stream (舆情监测): filtered posts with their watch terms marked, the
sentiment trend and negative posts by category as charts, and the public reply form."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, cast

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from closeloop.console import charts
from closeloop.console.kb_views import highlight
from closeloop.console.labels import N_
from closeloop.console.page import Page
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.kit.errors import CloseLoopError
from closeloop.opinion import queries, replies, report
from closeloop.opinion.labels import CATEGORIES, SENTIMENTS
from closeloop.opinion.window import bound

router = APIRouter(include_in_schema=False)

SHOWN = 100
TREND_DAYS = 14
SENTIMENT_LABELS = {
    "negative": N_("Negative"),
    "neutral": N_("Neutral"),
    "positive": N_("Positive"),
}
CATEGORY_LABELS = {
    "signal": N_("Signal and data"),
    "activation": N_("Plans and activation"),
    "sms": N_("SMS"),
    "ringback": N_("Ringback tones"),
    "billing": N_("Billing"),
    "broadband": N_("Broadband"),
    "service": N_("Service and staff"),
    "other": N_("Other"),
}


def _flag(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _charts(
    page: Page, trend: list[dict[str, object]], tops: list[dict[str, object]]
) -> dict[str, Markup]:
    _ = page.gettext
    by_day = [
        (str(row["period"])[5:], tuple(int(str(row[s])) for s in SENTIMENTS)) for row in trend
    ]
    negative = [
        (_(CATEGORY_LABELS.get(str(t["category"]), str(t["category"]))), int(str(t["negative"])))
        for t in tops
    ]
    return {
        "trend": charts.stacked_bars(
            by_day,
            [_(SENTIMENT_LABELS[s]) for s in SENTIMENTS],
            title=_("Posts by day and sentiment"),
        ),
        "categories": charts.bar_chart(negative, title=_("Negative posts by category")),
    }


@router.get("/console/opinion", response_class=HTMLResponse)
def opinion_stream(
    page: Page,
    sentiment: str = "",
    complaint: str = "",
    urgent: str = "",
    category: str = "",
    q: str = "",
    to: str = "",
) -> HTMLResponse:
    """The newest watched posts matching the filters, and the charts of the window."""
    page.needs("opinion.read")
    work = page.work
    from_ = page.request.query_params.get("from", "")  # `from` is a Python keyword
    try:
        since = bound(from_, "from", work.tz, end=False)
        until = bound(to, "to", work.tz, end=True)
        problem = ""
    except CloseLoopError as exc:
        since, until, problem = None, None, exc.detail
    where = queries.PostFilter(
        sentiment=sentiment if sentiment in SENTIMENTS else None,
        complaint=_flag(complaint),
        urgent=_flag(urgent),
        category=category if category in CATEGORIES else None,
        q=q.strip()[:200] or None,
        since=since,
        until=until,
    )
    posts = queries.list_posts(work, where, limit=SHOWN).items
    chart_since = since or (work.now() - timedelta(days=TREND_DAYS))
    summary = report.build_report(work, chart_since, until, "day")
    marked = {p.id: highlight(p.text, p.matched_terms) for p in posts}
    return page.render(
        "opinion.html",
        posts=posts,
        marked=marked,
        filters={
            "sentiment": sentiment,
            "complaint": complaint,
            "urgent": urgent,
            "category": category,
            "q": q,
            "from": from_,
            "to": to,
        },
        problem=problem,
        sentiments=SENTIMENT_LABELS,
        categories=CATEGORY_LABELS,
        summary=summary,
        charts=_charts(
            page,
            cast(list[dict[str, object]], summary["trend"]),
            cast(list[dict[str, object]], summary["top_categories"]),
        ),
        can_reply=page.actor.can("opinion.reply"),
    )


@router.post("/console/opinion/{post_id}/reply")
def reply_to_post(
    post_id: str,
    page: Page,
    text: Annotated[str, Form()] = "",
    csrf_token_: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    """Record the public reply given to a post, then back to the stream."""
    page.check_csrf(csrf_token_)
    page.needs("opinion.reply")
    if text.strip():
        replies.record_reply(page.work, post_id, text.strip()[:2000])
    return redirect(f"/console/opinion#post-{post_id}")
