"""Service quality's business settings (业务参数): automatic CSAT invitations, the survey link,
the detractor follow-up and the coaching threshold."""

from __future__ import annotations

from typing import Any

from closeloop.runtime.business import BusinessSetting, positive_int


def _switch(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise ValueError("must be a text of 1–200 characters")
    return value.strip()


def _score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ValueError("must be a number from 0 to 100")
    return float(value)


AUTO_CSAT = BusinessSetting(
    "quality.auto_csat", "回访办结后与机器人会话后自动发送满意度调查",
    "Send a CSAT survey after a callback closes a ticket and after a bot conversation",
    lambda _s: True, _switch,
)  # fmt: skip
AUTO_CSAT_DAYS = BusinessSetting(
    "quality.auto_csat_days", "每位客户自动满意度调查的最短间隔", "Days between a customer's "
    "automatic CSAT surveys at least", lambda _s: 7, positive_int, unit="d",
)  # fmt: skip
SURVEY_LINK = BusinessSetting(
    "quality.survey_link", "调查短信中的链接地址", "Address of the survey link in the SMS",
    lambda _s: "http://127.0.0.1:8000", _text,
)  # fmt: skip
FOLLOWUP_CATEGORY = BusinessSetting(
    "quality.followup_category", "贬损客户回访工单的分类", "Category of a detractor's follow-up "
    "ticket", lambda _s: "service/complaint/result_unsatisfied", _text,
)  # fmt: skip
COACHING_THRESHOLD = BusinessSetting(
    "quality.coaching_threshold", "质检平均分低于此值时安排辅导",
    "Quality score below which an agent is given coaching", lambda _s: 80.0, _score,
)  # fmt: skip

SETTINGS = (AUTO_CSAT, AUTO_CSAT_DAYS, SURVEY_LINK, FOLLOWUP_CATEGORY, COACHING_THRESHOLD)
