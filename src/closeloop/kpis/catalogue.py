"""The KPI catalogue (指标目录) as data: what each figure means, its unit and direction, where
its numbers come from, and the target it starts with.

The first eight codes are the external contract's (CONTRACT.md §8), word for word; the formulas
in `facts.py` and `contributions.py` follow these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Where a KPI's events come from: tickets' histories, contacts, self-service chats, or the
# quality domain (surveys, inspections) which feeds csat, nps and qa_score (`quality_figures`).
TICKETS, CONTACTS, CHATS, QUALITY = "tickets", "contacts", "chats", "quality"


@dataclass(frozen=True)
class Kpi:
    """One KPI: code, names, unit, whether higher or lower is better, its definition for
    people, the source of its events, and its starting target."""

    code: str
    name_zh: str
    name_en: str
    unit: str  # ratio (a fraction 0–1), per_10k, hours, seconds, minutes, score
    direction: str  # higher or lower is better
    definition: str
    source: str
    target: Decimal
    amber: Decimal  # how far from the target (in the unit) a value is still amber, not red

    def name(self, language: str) -> str:
        """The name in the reader's language."""
        return self.name_en if language.startswith("en") else self.name_zh

    def meets(self, value: float, target: float) -> bool:
        """Whether a value reaches the target in this KPI's direction."""
        return value >= target if self.direction == "higher" else value <= target

    def rag(self, value: float | None, target: float | None) -> str | None:
        """Red, amber or green against a target (None when either is missing)."""
        if value is None or target is None:
            return None
        if self.meets(value, target):
            return "green"
        near = (
            target - float(self.amber) if self.direction == "higher" else target + float(self.amber)
        )
        return "amber" if self.meets(value, near) else "red"


def _d(text: str) -> Decimal:
    return Decimal(text)


CATALOGUE: tuple[Kpi, ...] = (
    Kpi("fcr", "一次解决率", "First-contact resolution", "ratio", "higher",
        "tickets created whose first action was `resolve` from `new` ÷ tickets created",
        TICKETS, _d("0.70"), _d("0.05")),
    Kpi("preprocessing_rate", "预处理率", "Pre-processing rate", "ratio", "higher",
        "close events of tickets never dispatched before that close ÷ close events",
        TICKETS, _d("0.60"), _d("0.05")),
    Kpi("misroute_rate", "错派率", "Misroute rate", "ratio", "lower",
        "`return` actions ÷ `dispatch` actions",
        TICKETS, _d("0.05"), _d("0.03")),
    Kpi("reopen_rate", "重开率", "Reopen rate", "ratio", "lower",
        "moves from `replied` or `closed` back to `expert` ÷ close events",
        TICKETS, _d("0.05"), _d("0.03")),
    Kpi("callback_satisfaction", "回访满意率", "Callback satisfaction", "ratio", "higher",
        "reached callbacks satisfied or basically satisfied ÷ reached callbacks",
        TICKETS, _d("0.90"), _d("0.05")),
    Kpi("complaints_per_10k", "万户投诉率", "Complaints per 10,000 customers", "per_10k",
        "lower", "complaint tickets created × 10,000 ÷ customers at `to`",
        TICKETS, _d("2.0"), _d("1.0")),
    Kpi("sla_attainment", "时限达标率", "SLA attainment", "ratio", "higher",
        "station stages finished within their time limit ÷ station stages finished",
        TICKETS, _d("0.90"), _d("0.05")),
    Kpi("avg_resolution_hours", "平均处理时长", "Average resolution time", "hours", "lower",
        "mean over close events of the hours from the ticket's creation to that close",
        TICKETS, _d("24"), _d("12")),
    Kpi("aht", "平均通话处理时长", "Average handling time", "seconds", "lower",
        "mean handling time (start to end) of the contacts that ended in the period",
        CONTACTS, _d("300"), _d("60")),
    Kpi("asa", "平均首次响应时长", "Average speed of answer", "minutes", "lower",
        "mean minutes from a ticket's creation to its first action, over tickets created "
        "that have had one", TICKETS, _d("5"), _d("5")),
    Kpi("resolution_rate", "解决率", "Resolution rate", "ratio", "higher",
        "tickets created that have been closed at least once ÷ tickets created; by station, "
        "each ticket counts for the station it was first dispatched to (tickets never "
        "dispatched have no station)", TICKETS, _d("0.90"), _d("0.05")),
    Kpi("one_time_satisfaction", "一次性满意率", "One-time satisfaction", "ratio", "higher",
        "close events of tickets never moved back to `expert` from `replied` or `closed` "
        "before that close ÷ close events", TICKETS, _d("0.90"), _d("0.05")),
    Kpi("overtime_rate", "超时率", "Overtime rate", "ratio", "lower",
        "close events of tickets with a missed deadline recorded before that close ÷ close "
        "events", TICKETS, _d("0.05"), _d("0.05")),
    Kpi("bot_containment", "机器人自助解决率", "Bot containment", "ratio", "higher",
        "self-service conversations started in the period that were not handed over to an "
        "agent ÷ conversations started", CHATS, _d("0.60"), _d("0.10")),
    Kpi("csat", "满意度 (CSAT)", "Customer satisfaction (CSAT)", "score", "higher",
        "mean CSAT survey answer (1–5) in the period; no data until surveys are answered",
        QUALITY, _d("4.5"), _d("0.3")),
    Kpi("nps", "净推荐值 (NPS)", "Net promoter score", "score", "higher",
        "% of NPS answers 9–10 minus % of answers 0–6 in the period; no data until surveys "
        "are answered", QUALITY, _d("30"), _d("10")),
    Kpi("qa_score", "质检得分", "Quality inspection score", "score", "higher",
        "mean total of the quality reviews in the period (0–100); no data until reviews "
        "are made", QUALITY, _d("85"), _d("5")),
)  # fmt: skip

BY_CODE: dict[str, Kpi] = {k.code: k for k in CATALOGUE}
CODES: tuple[str, ...] = tuple(BY_CODE)
