"""The value domain's closed sets, each declared once with its Chinese and English name: value
tiers, lifecycle stages with the seed's strategy per stage, behavioural groups, churn reasons.

The strategies follow the seeds' customer-maintenance model (客户维护策略): prevent (预防) while
a customer is new, maintain (维护) while they grow and stay, retain (保留) when they decline,
and win back (挽回) once they have gone.
"""

from __future__ import annotations

from closeloop.kit.choices import Choice, Choices

TIERS = Choices(
    "value tier",
    Choice("diamond", "钻石", "Diamond", tone="ok"),
    Choice("gold", "金卡", "Gold", tone="ok"),
    Choice("silver", "银卡", "Silver"),
    Choice("regular", "普通", "Regular"),
)

STAGES = Choices(
    "lifecycle stage",
    Choice("onboarding", "入网期", "Onboarding", strategy="prevent"),
    Choice("growth", "成长期", "Growth", tone="ok", strategy="maintain"),
    Choice("stable", "稳定期", "Stable", tone="ok", strategy="maintain"),
    Choice("decline", "衰退期", "Decline", tone="warn", strategy="retain"),
    Choice("churned", "离网", "Churned", tone="danger", strategy="win_back"),
)

STRATEGIES = Choices(
    "lifecycle strategy",
    Choice("prevent", "预防：入网关怀，讲清套餐与资费，及早解决首次问题，防止早期流失",
           "Prevent: welcome care, explain the plan and charges, solve first problems early"),
    Choice("maintain", "维护：提高粘性与价值，推荐合适的业务，关怀回访，奖励忠诚",
           "Maintain: build loyalty and value, suggest fitting services, follow up, reward"),
    Choice("retain", "保留：流失预警，主动挽留，针对原因给出方案",
           "Retain: act on the churn warning, call to keep them, answer the reasons"),
    Choice("win_back", "挽回：了解离网原因，适时邀请回归",
           "Win back: learn why they left, invite them back when the time is right"),
)  # fmt: skip

GROUPS = Choices(
    "behavioural group",
    Choice("late_payer", "缴费拖延", "Late payer", tone="warn"),
    Choice("complainer", "多次投诉", "Frequent complainer", tone="warn"),
    Choice("shrinking", "消费下降", "Spending less", tone="warn"),
    Choice("growing", "消费增长", "Spending more", tone="ok"),
)

# the churn model's features, as an agent reads a reason (positive weight = raises the risk)
FEATURES = Choices(
    "churn reason",
    Choice("tenure_months", "网龄（月）", "Months with us"),
    Choice("monthly_spend", "月均消费", "Mean monthly bill"),
    Choice("trend", "消费趋势", "Spending trend"),
    Choice("usage_trend", "用量趋势", "Usage trend"),
    Choice("monthly_data_mb", "近3个月月均流量（MB）", "Monthly data, last 3 months (MB)"),
    Choice("monthly_voice_min", "近3个月月均通话（分钟）", "Monthly voice, last 3 months (min)"),
    Choice("last_bill", "最近一期账单", "Latest bill"),
    Choice("months_billed", "近12个月出账月数", "Billed months of the last 12"),
    Choice("late_bills", "逾期缴费次数", "Bills paid late"),
    Choice("arrears", "欠费", "Arrears"),
    Choice("plan_fee", "套餐月费", "Plan fee"),
    Choice("tickets_90d", "近90天工单", "Tickets in 90 days"),
    Choice("complaints_90d", "近90天投诉", "Complaints in 90 days"),
    Choice("unsatisfied_90d", "近90天回访不满意", "Unsatisfied callbacks in 90 days"),
)


def strategy_of(stage: str) -> str:
    """The strategy code for a lifecycle stage."""
    return STAGES[stage].extra["strategy"]
