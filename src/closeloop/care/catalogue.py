"""The value-added services on offer (增值业务目录): what a customer may subscribe to."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Service:
    """A value-added service on offer: code, name, monthly fee and free-trial days."""

    code: str
    name: str
    monthly_fee: Decimal
    trial_days: int


CATALOGUE: dict[str, Service] = {
    s.code: s
    for s in (
        Service("CRBT", "彩铃", Decimal("5.00"), 30),
        Service("CALLER", "来电提醒", Decimal("3.00"), 0),
        Service("NEWS", "手机报", Decimal("5.00"), 7),
        Service("VIDEO", "视频会员", Decimal("15.00"), 7),
        Service("CLOUD", "云盘50G", Decimal("10.00"), 30),
    )
}
