"""`closeloop mail poll`: one pass over the IMAP mailbox, with a progress bar."""

from __future__ import annotations

import json

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from closeloop.channels.mail_poll import MailboxError, poll_mailbox
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr

app = typer.Typer(help="Inbound e-mail (邮件渠道).", no_args_is_help=True)


@app.command("poll")
@reports_errors
def poll() -> None:
    """Fetch new mail from the mailbox (CLOSELOOP_IMAP_*) into contacts and tickets."""
    config = settings()
    if not config.imap_host:
        fail("no mailbox configured: set CLOSELOOP_IMAP_HOST")
    bar = Progress(TextColumn("mail"), BarColumn(), MofNCompleteColumn(), console=stderr)
    with bar:
        task = bar.add_task("mail", total=None)

        def on_mail(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = poll_mailbox(database(), config, on_mail=on_mail)
        except MailboxError as exc:
            fail(str(exc))
    stderr.print(f"mail poll: {json.dumps(result.as_dict())}")
