"""Watch rules (监测规则): which posts are about us. Pure matching plus the default terms.

Rules are data (`WatchRule` rows): `brand`, `product` and `hotline` terms keep a post that
mentions them; an `exclude` phrase is cut out of the text before matching, so the brand word
inside it (移动硬盘, 沃尔玛, 电信诈骗) does not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

KINDS = ("brand", "product", "hotline", "exclude")

DEFAULT_TERMS: dict[str, tuple[str, ...]] = {
    "brand": ("联通", "移动", "电信", "运营商", "沃", "广电", "营业厅", "客服"),
    "product": (
        "宽带",
        "彩铃",
        "短信",
        "验证码",
        "流量",
        "话费",
        "套餐",
        "信号",
        "基站",
        "5G",
        "光猫",
        "携号转网",
        "手机卡",
        "副卡",
        "停机",
        "扣费",
        "网速",
        "IPTV",
        "漫游",
        "WiFi",
        "断网",
    ),
    "hotline": ("10086", "10010", "10000", "10099"),
    "exclude": (
        "移动硬盘",
        "移动支付",
        "移动电源",
        "移动端",
        "移动办公",
        "移动互联网",
        "沃尔玛",
        "沃尔沃",
        "联通器",
        "连通器",
        "移动了一下",
        "联通两地",
        "电信诈骗",
    ),
}


@dataclass(frozen=True)
class Watch:
    """The active terms: those that keep a post, and the phrases cut out first."""

    keep: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    @classmethod
    def of(cls, rules: Iterable[tuple[str, str]]) -> Watch:
        """From (kind, term) pairs."""
        pairs = list(rules)
        return cls(
            keep=tuple(t for k, t in pairs if k != "exclude"),
            exclude=tuple(t for k, t in pairs if k == "exclude"),
        )

    def matches(self, text: str) -> list[str]:
        """The keep terms the post mentions outside any exclusion phrase (case-insensitive)."""
        cleaned = text.lower()
        for phrase in self.exclude:
            cleaned = cleaned.replace(phrase.lower(), " ")
        return [t for t in self.keep if t.lower() in cleaned]


def default_rules() -> list[tuple[str, str]]:
    return [(kind, term) for kind, terms in DEFAULT_TERMS.items() for term in terms]
