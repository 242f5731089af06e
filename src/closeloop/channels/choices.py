"""The words a customer reads for their ticket's stage (工单进度), by ticket status."""

from __future__ import annotations

from closeloop.kit.choices import Choice, Choices

_NEW = ("已受理，客服正在分析您的问题", "Received: we are looking into your problem")
_EXPERT = ("客服专家正在分析您的问题", "Our expert desk is looking into your problem")
_DISPATCHED = ("已转专业部门，等待受理", "Passed to the team that fixes it, waiting to be taken")
_PENDING = ("处理暂停，等待您补充信息或配合", "On hold: waiting for information or a visit")

TRACKING_STAGES = Choices(
    "tracking_stage",
    Choice("new", *_NEW),
    Choice("expert", *_EXPERT),
    Choice("dispatched", *_DISPATCHED),
    Choice("in_progress", "专业部门正在处理", "The team is working on it"),
    Choice("pending", *_PENDING),
    Choice("replied", "已处理完毕，等待回访确认", "Fixed: we will call you to confirm"),
    Choice("closed", "已办结", "Closed: your ticket is done", tone="ok"),
    Choice("cancelled", "已撤销", "Withdrawn: the ticket was cancelled", tone="ok"),
)
