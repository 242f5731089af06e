"""Chinese texts of progress notices to customers and of SLA notices to staff (进度通知)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def _local(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%m月%d日%H:%M")


def progress_text(
    action: str, number: str, station_name: str | None, promised: datetime | None, tz: ZoneInfo
) -> str | None:
    """The customer's message for a step of their ticket, or None for steps they aren't told."""
    when = f"，预计{_local(promised, tz)}前处理完毕" if promised else ""
    texts = {
        "dispatch": f"【客服】您的工单{number}已转{station_name or '专业部门'}处理{when}。"
        "如有疑问请拨打客服热线。",
        "accept": f"【客服】您的工单{number}已由{station_name or '专业部门'}受理，"
        f"正在处理中{when}。",
        "reply": f"【客服】您的工单{number}已处理完毕，我们将尽快回访确认处理结果，感谢您的耐心。",
        "close": f"【客服】您的工单{number}已办结。感谢您的支持，如仍有问题请随时联系我们。",
    }
    return texts.get(action)


def prewarn_text(number: str, station_name: str, due: datetime, tz: ZoneInfo) -> str:
    """Staff notice: 80 % of the station's time limit has passed."""
    return (
        f"【预警】工单{number}已用去{station_name}处理时限的80%，请于{_local(due, tz)}前完成处理。"
    )


def breach_text(
    number: str, stage: str, station_name: str | None, due: datetime, tz: ZoneInfo
) -> str:
    """Staff notice: a deadline was missed."""
    stage_names = {"accept": "受理", "work": "处理", "callback": "回访", "resolution": "服务承诺"}
    where = f"（{station_name}）" if station_name else ""
    return (
        f"【超时】工单{number}{where}{stage_names.get(stage, stage)}时限已于"
        f"{_local(due, tz)}到期，请立即处理。"
    )
