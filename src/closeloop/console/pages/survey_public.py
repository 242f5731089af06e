"""The public survey page (问卷) at /s/{token}: no sign-in, made for a phone; the personal
link's token is the key. Shows the questions and the masked number, nothing else of the
customer; one answer per link."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from closeloop.console.posted import Posted
from closeloop.console.web import render
from closeloop.http.deps import RequestWork
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.quality.answers import answer_by_token
from closeloop.quality.questionnaire import form_answers, questionnaire

router = APIRouter(include_in_schema=False)


def _closed(request: Request, problem: Conflict | NotFound) -> HTMLResponse:
    reason = problem.extra.get("reason", "unknown") if isinstance(problem, Conflict) else "unknown"
    return render(request, "survey_closed.html", status_code=problem.status, reason=reason)


@router.get("/s/{token}", response_class=HTMLResponse)
def survey_page(token: str, request: Request, work: RequestWork) -> HTMLResponse:
    """The questionnaire of a personal link."""
    try:
        found = questionnaire(work, token)
    except (Conflict, NotFound) as problem:
        return _closed(request, problem)
    return render(request, "survey_public.html", q=found, token=token, errors={}, typed={})


@router.post("/s/{token}", response_class=HTMLResponse)
def answer_survey(token: str, request: Request, work: RequestWork, posted: Posted) -> HTMLResponse:
    """Record the answers; the questions again with what is missing named when incomplete."""
    try:
        found = questionnaire(work, token)
        answers = form_answers(found.instrument, posted)
        answer_by_token(work, token, answers, posted.get("comment") or None)
    except (Conflict, NotFound) as problem:
        return _closed(request, problem)
    except InvalidInput as problem:
        errors = {str(e["loc"][-1]): e["msg"] for e in problem.extra["errors"]}
        return render(
            request, "survey_public.html", status_code=422, q=found, token=token, errors=errors,
            typed=posted,
        )  # fmt: skip
    return render(request, "survey_thanks.html")
