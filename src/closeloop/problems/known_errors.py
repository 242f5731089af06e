"""A known error becomes a knowledge draft (已知错误转知识): what agents should tell callers
about this kind of fault, written from the problem and left for the editors to review."""

from __future__ import annotations

from dataclasses import replace

from closeloop.kit.errors import Conflict
from closeloop.knowledge import service as knowledge
from closeloop.knowledge.schemas import ArticleIn
from closeloop.problems import timeline
from closeloop.problems.models import Problem
from closeloop.problems.notices import area_text
from closeloop.runtime.work import Work

DRAFT = "kb.draft"


def draft_article(work: Work, problem: Problem) -> int:
    """Write a draft article from a known error (or a resolved problem); its id. 409 when the
    problem is not yet a known error or has its draft already.

    Drafting it is part of managing the problem: the draft is written in the problem
    manager's name with the right to draft added for this one step, and waits for editors."""
    if problem.status not in ("known_error", "resolved", "closed"):
        raise Conflict("only a known error (or a resolved problem) becomes a knowledge draft")
    if problem.article_id is not None:
        raise Conflict("this problem has its knowledge draft already")
    fix = problem.resolution or "技术人员正在抢修，恢复后将短信通知受影响客户。"
    data = ArticleIn(
        category=f"{problem.category}/known_problems",
        question=f"{area_text(problem)}出现“{problem.title}”怎么办？"[:300],
        answer=(
            f"这是已知网络问题（问题单{problem.number}）。\n\n"
            f"- 影响范围：{area_text(problem)}\n- 原因：{problem.cause_code or '排查中'}\n"
            f"- 处理：{fix}\n\n"
            "请告知客户故障已知、无需重复报障，新工单会自动挂靠到该问题单，恢复后短信通知。"
        ),
        tags=["known_problem", problem.number or ""],
    )
    actor = work.actor
    drafting = replace(actor, permissions=actor.permissions | {DRAFT})
    article = knowledge.create_article(work.session, drafting, data, clock=work.clock)
    problem.article_id = article.id
    timeline.note(work, problem, "article", f"knowledge draft {article.external_id}")
    return article.id
