"""The web console's manifest entry: its pages, static assets and HTML error pages."""

from __future__ import annotations

from closeloop.console import install
from closeloop.runtime.module import Module

MODULE = Module(name="console", install=install)
