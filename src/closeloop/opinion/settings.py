"""The opinion domain's business settings (业务参数)."""

from __future__ import annotations

from closeloop.runtime.business import BusinessSetting, positive_int


def _msisdn(value: object) -> str:
    text = str(value).strip()
    if len(text) != 11 or not text.isdigit() or not text.startswith("1"):
        raise ValueError("an 11-digit mobile number")
    return text


DEDUP_DAYS = BusinessSetting(
    "opinion.dedup_days", "同一作者同类舆情合并工单天数", "Days a repeat post joins the ticket",
    lambda s: 7, positive_int, unit="days",
)  # fmt: skip
PUBLIC_MSISDN = BusinessSetting(
    "opinion.public_msisdn", "舆情公共账户号码", "Number of the public-opinion account customer",
    lambda s: "19900000000", _msisdn,
)  # fmt: skip
SETTINGS = (DEDUP_DAYS, PUBLIC_MSISDN)
