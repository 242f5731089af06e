"""A real SMTP server for tests (aiosmtpd) on a free port, keeping what it receives."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


class Mailbox:
    """The envelopes an SMTP test server received, in order."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"

    def parsed(self) -> list[Message]:
        """The received mails, parsed."""
        return [email.message_from_bytes(m.content, policy=policy.default) for m in self.messages]


def smtp_server(mailbox: Mailbox) -> Controller:
    """A started SMTP server on a free port (another one if a parallel test worker takes the
    port between choosing and binding it); stop it with `.stop()`."""
    for attempt in range(3):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(mailbox, hostname="127.0.0.1", port=port)
        try:
            controller.start()
        except OSError:
            if attempt == 2:
                raise
            continue
        return controller
    raise AssertionError("unreachable")
