"""What the test template database holds: the demo organisation seeded at NOW, whose users
all sign in with DEMO_PASSWORD (closeloop.demo.seed.DEMO_USERS, CONTRACT §3)."""

from __future__ import annotations

from datetime import UTC, datetime

DEMO_PASSWORD = "closeloop-demo"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai

# Demo users by what they do.
ADMIN = "admin"
SUPERVISOR = "supervisor"
AGENT = "agent"  # front line (一线)
EXPERT = "expert"  # the expert seat that dispatches to stations
CALLBACK = "callback"  # calls customers back before closing
QA = "qa"  # quality inspection (质检): scores sampled tickets
EDITOR = "editor"  # writes knowledge articles, sees no customers or tickets
# Station staff are named after their station.
STATION = "wireless"
OTHER_STATION = "field"
UNRELATED_STATION = "netops"
# The head of OTHER_STATION (field): its members and calendar (which no other station follows).
STATION_HEAD = "field_head"
