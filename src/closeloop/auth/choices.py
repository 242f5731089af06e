"""The roles (角色): the console's short names, and `name`, the longer name stored with the role."""

from __future__ import annotations

from closeloop.kit.choices import Choice, Choices

ROLES = Choices(
    "role",
    Choice("admin", "系统管理员", "Administrator", name="系统管理员"),
    Choice("supervisor", "值班长", "Supervisor", name="值班长/质检"),
    Choice("agent", "一线坐席", "Front-line agent", name="一线坐席"),
    Choice("expert", "专家坐席", "Expert seat", name="专家坐席"),
    Choice("callback", "回访坐席", "Callback agent", name="回访坐席"),
    Choice("qa", "质检员", "QA reviewer", name="质检员"),
    Choice("editor", "知识编辑", "Knowledge editor", name="知识编辑"),
    Choice("station", "后端工位", "Station staff", name="后端工位"),
    Choice("client", "对接系统", "Machine client", name="对接系统 (OSS/BSS machine client)"),
)
