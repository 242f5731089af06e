"""Chinese message templates (短信模板) and amounts written for people: "已用8.2GB/共10GB".

Each template has named fields; `render` fills it in Python and `render_expr` builds the same
text over a Polars frame, so one notice reads the same whichever path wrote it.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl

from closeloop.care.frames import format_text

SIGNATURE = "【CloseLoop】"

TEMPLATES: dict[str, str] = {
    "data_threshold": (
        "尊敬的客户，您{month}月国内流量已用{used}/共{quota}，已达套餐的{threshold}%。{advice}"
    ),
    "roaming_arrival": (
        "尊敬的客户，欢迎抵达{country_name}！您的号码已开通国际及港澳台漫游，"
        "当地资费可发送“ZF”至10086查询；为避免产生高额流量费，可在手机设置中关闭数据漫游。"
    ),
    "roaming_data": (
        "尊敬的客户，您{month}月在境外已使用漫游数据流量{used}（累计达{threshold}MB），"
        "请留意漫游费用。"
    ),
    "usage_summary": (
        "尊敬的客户，截至{date}，您{month}月已用国内流量{home}/共{quota}，漫游流量{roaming}，"
        "通话{voice}分钟，短信{sms}条。"
    ),
    "subscribed": (
        "尊敬的客户，您已成功订购{service}，资费{fee}元/月{trial}。"
        "退订请发送“TD{code}”至10086，或致电10000。"
    ),
    "cancelled": "尊敬的客户，您已退订{service}，次月起不再收取费用。",
    "trial_ended": (
        "尊敬的客户，您的{service}免费体验已于{date}到期，因您未续订，已为您自动退订，不会产生费用。"
    ),
    "outage_open": (
        "【{kind}通知】尊敬的客户，因{description}，{area}的通信服务预计于{start}至{end}期间"
        "可能受到影响，给您带来不便，敬请谅解。"
    ),
    "outage_closed": (
        "【恢复通知】尊敬的客户，{area}的通信服务已于{end}恢复正常，感谢您的耐心等待。"
    ),
}

ADVICE_NEAR = "请合理安排使用，可发送“LLB”至10086订购流量加油包。"
ADVICE_OVER = "超出部分将按套餐外资费计费，可发送“LLB”至10086订购流量加油包。"

COUNTRIES: dict[str, str] = {
    "HK": "中国香港", "MO": "中国澳门", "TW": "中国台湾", "JP": "日本", "KR": "韩国",
    "SG": "新加坡", "TH": "泰国", "MY": "马来西亚", "VN": "越南", "ID": "印度尼西亚",
    "PH": "菲律宾", "KH": "柬埔寨", "IN": "印度", "AE": "阿联酋", "US": "美国",
    "CA": "加拿大", "GB": "英国", "FR": "法国", "DE": "德国", "IT": "意大利",
    "ES": "西班牙", "NL": "荷兰", "CH": "瑞士", "RU": "俄罗斯", "AU": "澳大利亚",
    "NZ": "新西兰", "EG": "埃及", "ZA": "南非", "BR": "巴西", "MX": "墨西哥",
}  # fmt: skip

_FIELD = re.compile(r"\{(\w+)\}")


def render(name: str, **values: object) -> str:
    """The text of a template with its fields filled in."""
    return SIGNATURE + TEMPLATES[name].format(**values)


def render_expr(name: str, **values: pl.Expr) -> pl.Expr:
    """The same text as `render`, built over a frame from one expression per field."""
    template = TEMPLATES[name]
    fields = _FIELD.findall(template)
    return format_text(SIGNATURE + _FIELD.sub("{}", template), *[values[f] for f in fields])


def country_name(code: str) -> str:
    """A country's Chinese name, or its code when unknown."""
    return COUNTRIES.get(code, code)


def country_name_expr(code: pl.Expr) -> pl.Expr:
    """`country_name` over a frame."""
    return code.replace(COUNTRIES)


def _tenths_text(tenths: int) -> str:
    whole, frac = divmod(tenths, 10)
    return f"{whole}" if frac == 0 else f"{whole}.{frac}"


def human_mb(milli_mb: int) -> str:
    """Data amount for people: 512MB, 1.5MB, 8.2GB, 10GB (rounded to a tenth, half up)."""
    if milli_mb < 1024 * 1000:
        return _tenths_text((milli_mb + 50) // 100) + "MB"
    return _tenths_text((milli_mb * 10 + 512000) // 1024000) + "GB"


def _tenths_expr(tenths: pl.Expr) -> pl.Expr:
    whole, frac = (tenths // 10).cast(pl.String), (tenths % 10).cast(pl.String)
    return (
        pl.when(tenths % 10 == 0).then(whole).otherwise(pl.concat_str([whole, frac], separator="."))
    )


def human_mb_expr(milli_mb: pl.Expr) -> pl.Expr:
    """`human_mb` over a frame."""
    return (
        pl.when(milli_mb < 1024 * 1000)
        .then(_tenths_expr((milli_mb + 50) // 100) + "MB")
        .otherwise(_tenths_expr((milli_mb * 10 + 512000) // 1024000) + "GB")
    )


def human_minutes(milli: int) -> str:
    """Minutes for people, rounded to whole minutes."""
    return str((milli + 500) // 1000)


def month_text(period: str) -> str:
    """`2026-11` → `11` (for "11月")."""
    return str(int(period[5:7]))


def month_expr(period: pl.Expr) -> pl.Expr:
    """`month_text` over a frame."""
    return period.str.slice(5, 2).cast(pl.Int32).cast(pl.String)


def advice_expr(threshold: pl.Expr) -> pl.Expr:
    """The advice after a data-threshold notice: plan ahead below 100 %, extra charges above."""
    return pl.when(threshold >= 100).then(pl.lit(ADVICE_OVER)).otherwise(pl.lit(ADVICE_NEAR))


def local_text(at: datetime, tz: ZoneInfo) -> str:
    """An instant as people read it: 11月23日 22:00."""
    local = at.astimezone(tz)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
