"""The billing domain's manifest entry: bills and payments, imported by `closeloop import bills`."""

from __future__ import annotations

from closeloop.billing import cli, models
from closeloop.runtime.module import Module

MODULE = Module(
    name="billing",
    models=(models,),
    # joins the `closeloop import …` group that customers started (see closeloop.cli)
    commands={"import": cli.app},
)
