"""The article workflow's closed sets (知识审核流程): statuses and actions, declared once."""

from __future__ import annotations

from typing import Literal

from closeloop.kit.choices import Choice, Choices

STATUSES = Choices(
    "article status",
    Choice("draft", "草稿", "Draft"),
    Choice("review", "审核中", "In review"),
    Choice("approved", "已审核", "Approved"),
    Choice("published", "已发布", "Published"),
    Choice("retired", "已下线", "Retired"),
)
ArticleStatus = Literal["draft", "review", "approved", "published", "retired"]
STATUSES.check_literal(ArticleStatus)

ACTIONS = Choices(
    "article action",
    Choice("submit", "提交审核", "Submit for review"),
    Choice("reject", "退回修改", "Send back to draft"),
    Choice("approve", "审核通过", "Approve"),
    Choice("publish", "发布", "Publish"),
    Choice("retire", "下线", "Retire"),
)
ArticleAction = Literal["submit", "reject", "approve", "publish", "retire"]
ACTIONS.check_literal(ArticleAction)
