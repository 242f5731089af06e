"""Changing business settings in one place (业务参数管理): each with its default, the value in
force, and who changed it when; every change audited with before and after."""

from __future__ import annotations

import json
from typing import Any

from closeloop.auth import audit
from closeloop.kit.errors import InvalidInput, NotFound
from closeloop.runtime import business
from closeloop.runtime.business import BusinessSetting, BusinessSettingValue
from closeloop.runtime.work import Work


def _setting(key: str) -> BusinessSetting:
    setting = business.REGISTRY.get(key)
    if setting is None:
        raise NotFound(f"no business setting {key!r}")
    return setting


def setting_out(work: Work, setting: BusinessSetting) -> dict[str, Any]:
    """A setting as the API and the console show it."""
    row = business.overrides(work.session).get(setting.key)
    default = setting.default(work.settings)
    return {
        "key": setting.key,
        "name": setting.name,
        "name_en": setting.name_en,
        "unit": setting.unit,
        "value": row.value if row is not None else default,
        "default": default,
        "is_default": row is None,
        "changed_by": row.changed_by if row is not None else None,
        "changed_at": row.changed_at if row is not None else None,
    }


def list_settings(work: Work) -> list[dict[str, Any]]:
    """Every business setting the modules offer, by key."""
    return [setting_out(work, business.REGISTRY[k]) for k in sorted(business.REGISTRY)]


def change(work: Work, key: str, value: Any) -> dict[str, Any]:
    """Set a business setting; a value equal to the default still records who chose it."""
    setting = _setting(key)
    try:
        parsed = setting.parse(value)
    except ValueError as exc:
        raise InvalidInput.field("value", str(exc)) from None
    before = setting_out(work, setting)["value"]
    row = work.session.get(BusinessSettingValue, key)
    if row is None:
        row = BusinessSettingValue(key=key)
        work.session.add(row)
    row.value, row.changed_by, row.changed_at = parsed, work.actor.username, work.now()
    work.session.flush()
    business.forget(work.session)
    _audit(work, "setting.change", key, before, parsed)
    return setting_out(work, setting)


def reset(work: Work, key: str) -> dict[str, Any]:
    """Put a business setting back to its default."""
    setting = _setting(key)
    row = work.session.get(BusinessSettingValue, key)
    if row is not None:
        before = row.value
        work.session.delete(row)
        work.session.flush()
        business.forget(work.session)
        _audit(work, "setting.reset", key, before, setting.default(work.settings))
    return setting_out(work, setting)


def _audit(work: Work, action: str, key: str, before: Any, after: Any) -> None:
    audit.record(
        work.session, work.actor, action, "setting", key,
        f"{_text(before)} → {_text(after)}", clock=work.clock,
    )  # fmt: skip


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
