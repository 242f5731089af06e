"""Workforce management's manifest entry (排班与话务预测)."""

from __future__ import annotations

from closeloop.runtime.module import Module
from closeloop.workforce import cli, models

MODULE = Module(
    name="workforce",
    models=(models,),
    commands={"wfm": cli.wfm_app},
)
