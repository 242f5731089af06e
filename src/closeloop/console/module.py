"""The web console's manifest entry: its pages, static assets and HTML error pages, and the
monthly/quarterly report drawn as a file and a mail (`closeloop report monthly|send`, the
worker's scheduled send)."""

from __future__ import annotations

from datetime import timedelta

from closeloop.console import install, report_cli, report_mailing
from closeloop.runtime.jobs import every_standalone
from closeloop.runtime.module import Module

MODULE = Module(
    name="console",
    install=install,
    commands={"report": report_cli.app},
    jobs=(every_standalone(timedelta(minutes=30), "kpis.report_mail", report_mailing.send_due),),
)
