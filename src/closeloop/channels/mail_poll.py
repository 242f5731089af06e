"""Polling the mailbox over IMAP (收取邮件): each new mail, by UID, is stored in its own unit of
work (with the mailbox cursor) before the server is told it was seen; a crash before the commit
fetches it again (the Message-ID makes that a no-op), a crash after it finds the cursor past it.
Network I/O happens outside any transaction."""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from closeloop.channels.mail_inbox import keep_failed, take_mail
from closeloop.channels.mail_models import MailboxCursor
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock, system_clock
from closeloop.runtime.work import Work

log = logging.getLogger("closeloop.channels.mail")
TIMEOUT = 30.0
BATCH = 200  # mails one pass takes at most (the job runs again soon)


class MailboxError(Exception):
    """The mailbox could not be reached or refused a command."""


@dataclass
class PollResult:
    """What a pass did: mails fetched, stored new, already there, and with a problem."""

    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    problems: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts, for the command's output and the job's log."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class Mailbox:
    """Where the mail comes from (the IMAP settings)."""

    host: str
    port: int
    tls: bool
    username: str
    password: str
    folder: str = "INBOX"

    @classmethod
    def of(cls, settings: Settings) -> Mailbox:
        """The mailbox the settings name."""
        s = settings
        return cls(s.imap_host, s.imap_port, s.imap_tls, s.imap_username, s.imap_password,
                   s.imap_folder)  # fmt: skip


def _connect(box: Mailbox) -> imaplib.IMAP4:
    try:
        if box.tls:
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                box.host, box.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
            )
        else:
            imap = imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT)
        imap.login(box.username, box.password)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise MailboxError(f"IMAP {box.host}:{box.port}: {exc}") from exc
    return imap


def _quoted(folder: str) -> str:
    return f'"{folder}"' if re.search(r'[\s"]', folder) else folder


def _ok(answer: tuple[str, list[Any]], what: str) -> list[Any]:
    status, data = answer
    if status != "OK":
        raise MailboxError(f"IMAP {what}: {status} {data!r}")
    return data


def _uid_validity(imap: imaplib.IMAP4) -> int:
    _name, values = imap.response("UIDVALIDITY")
    first = values[0] if values else None
    text = first.decode("ascii", "replace") if isinstance(first, bytes) else str(first or "")
    return int(text) if text.strip().isdigit() else 0


def _raw(data: list[object]) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _cursor(database: Database, folder: str, validity: int) -> int:
    """The last UID stored from this folder (0 when its UIDVALIDITY changed)."""
    with database.unit_of_work() as session:
        cursor = session.get(MailboxCursor, folder)
        if cursor is None:
            session.add(MailboxCursor(folder=folder, uid_validity=validity, last_uid=0))
            return 0
        if cursor.uid_validity != validity:  # the folder was rebuilt: read it all again
            cursor.uid_validity, cursor.last_uid = validity, 0
        return cursor.last_uid


def poll_mailbox(
    database: Database,
    settings: Settings,
    clock: Clock = system_clock,
    *,
    on_mail: Callable[[int, int], None] | None = None,
) -> PollResult:
    """One pass over the mailbox: store every mail after the cursor, then flag it seen."""
    box = Mailbox.of(settings)
    result = PollResult()
    imap = _connect(box)
    try:
        _ok(imap.select(_quoted(box.folder)), "SELECT")
        validity = _uid_validity(imap)
        last = _cursor(database, box.folder, validity)
        found = _ok(imap.uid("SEARCH", f"UID {last + 1}:*"), "UID SEARCH")
        first = found[0] if found else b""
        uids = sorted(int(u) for u in (first or b"").split() if int(u) > last)[:BATCH]
        for done, uid in enumerate(uids, start=1):
            raw = _raw(_ok(imap.uid("FETCH", str(uid), "(BODY.PEEK[])"), "UID FETCH"))
            result.fetched += 1
            _store(database, settings, clock, box.folder, uid, raw or b"", result)
            _ok(imap.uid("STORE", str(uid), "+FLAGS", "(\\Seen)"), "UID STORE")
            if on_mail is not None:
                on_mail(done, len(uids))
    except (imaplib.IMAP4.error, OSError) as exc:
        raise MailboxError(f"IMAP {box.host}:{box.port}: {exc}") from exc
    finally:
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            log.warning("IMAP logout failed")
    return result


def _store(
    database: Database, settings: Settings, clock: Clock, folder: str, uid: int, raw: bytes,
    result: PollResult,
) -> None:  # fmt: skip
    """Store one mail and move the cursor past it, in one unit of work; a mail that fails to
    be taken is kept raw with the error, so one bad mail never blocks the mailbox."""
    try:
        with database.unit_of_work() as session:
            taken = take_mail(Work(session, settings, clock).bind(), raw, uid)
            _advance(session, folder, uid)
    except Exception as exc:
        log.exception("mail UID %s could not be taken", uid)
        with database.unit_of_work() as session:
            taken = keep_failed(Work(session, settings, clock).bind(), raw, uid, str(exc))
            _advance(session, folder, uid)
    if not taken.new:
        result.duplicates += 1
    else:
        result.stored += 1
        result.problems += taken.problem is not None


def _advance(session: Session, folder: str, uid: int) -> None:
    cursor = session.get(MailboxCursor, folder)
    if cursor is not None:
        cursor.last_uid = max(cursor.last_uid, uid)


def poll_job(database: Database, clock: Clock) -> object:
    """The worker's job: a pass when a mailbox is configured."""
    with database.unit_of_work(write=False) as session:
        settings = Work.of(session).settings
    if not settings.imap_host:
        return None
    return poll_mailbox(database, settings, clock).as_dict()
