"""A small IMAP4rev1 server for tests (IMAP 测试服务器): one folder of mails held in memory,
enough of RFC 3501 for a poller — CAPABILITY, LOGIN, SELECT, UID SEARCH, UID FETCH, UID STORE,
NOOP, LOGOUT — over plain TCP on a free local port, one thread per connection."""

from __future__ import annotations

import re
import socketserver
import threading
from dataclasses import dataclass, field
from typing import Any

_RANGE = re.compile(r"^(\d+|\*)(?::(\d+|\*))?$")


@dataclass
class StoredMail:
    """A mail in the folder: its UID, bytes and flags."""

    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


class ImapServer:
    """The server; `deliver` puts mail in the folder, `commands` lists what clients sent."""

    def __init__(self, username: str = "service@closeloop.test", password: str = "secret") -> None:
        self.username, self.password = username, password
        self.folder = "INBOX"
        self.uid_validity = 1700000001
        self.mails: list[StoredMail] = []
        self.commands: list[str] = []
        self.drop_on_store = 0  # close the connection instead of answering this many STOREs
        self.lock = threading.Lock()
        self._next_uid = 1
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                server._serve(self)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> ImapServer:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def deliver(self, raw: bytes) -> int:
        """A mail arrives in the folder; its UID."""
        with self.lock:
            uid = self._next_uid
            self._next_uid += 1
            self.mails.append(StoredMail(uid, raw))
            return uid

    def seen(self) -> list[int]:
        """The UIDs flagged \\Seen."""
        return [m.uid for m in self.mails if "\\Seen" in m.flags]

    # the protocol ---------------------------------------------------------------------------

    def _serve(self, conn: Any) -> None:
        out = conn.wfile
        out.write(b"* OK [CAPABILITY IMAP4rev1] CloseLoop test IMAP ready\r\n")
        state = {"auth": False, "selected": False}
        while True:
            line = conn.rfile.readline()
            if not line:
                return
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            self.commands.append(text)
            tag, _, rest = text.partition(" ")
            command, _, args = rest.partition(" ")
            answer = self._answer(command.upper(), args, state)
            if answer is None:  # the connection dropped (a crash in the middle)
                return
            out.write(answer.replace(b"{TAG}", tag.encode()))
            if command.upper() == "LOGOUT":
                return

    def _answer(self, command: str, args: str, state: dict[str, bool]) -> bytes | None:
        if command == "CAPABILITY":
            return b"* CAPABILITY IMAP4rev1\r\n{TAG} OK CAPABILITY completed\r\n"
        if command == "NOOP":
            return b"{TAG} OK NOOP completed\r\n"
        if command == "LOGOUT":
            return b"* BYE logging out\r\n{TAG} OK LOGOUT completed\r\n"
        if command == "LOGIN":
            user, password = (_unquote(p) for p in args.split(" ", 1))
            if (user, password) != (self.username, self.password):
                return b"{TAG} NO [AUTHENTICATIONFAILED] invalid credentials\r\n"
            state["auth"] = True
            return b"{TAG} OK LOGIN completed\r\n"
        if not state["auth"]:
            return b"{TAG} BAD log in first\r\n"
        if command in ("SELECT", "EXAMINE"):
            return self._select(_unquote(args), state)
        if command == "UID" and state["selected"]:
            return self._uid(args)
        return b"{TAG} BAD unknown or out-of-state command\r\n"

    def _select(self, folder: str, state: dict[str, bool]) -> bytes:
        if folder.upper() != self.folder.upper():
            return b"{TAG} NO [NONEXISTENT] no such folder\r\n"
        state["selected"] = True
        with self.lock:
            count, next_uid = len(self.mails), self._next_uid
        return (
            f"* {count} EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen \\Answered \\Flagged)\r\n"
            f"* OK [UIDVALIDITY {self.uid_validity}] UIDs valid\r\n"
            f"* OK [UIDNEXT {next_uid}] predicted next UID\r\n"
            "{TAG} OK [READ-WRITE] SELECT completed\r\n"
        ).encode()

    def _uid(self, args: str) -> bytes | None:
        command, _, rest = args.partition(" ")
        command = command.upper()
        if command == "SEARCH":
            return self._search(rest)
        uid_text, _, what = rest.partition(" ")
        found = self._find(uid_text)
        if found is None:
            return b"{TAG} OK nothing matched\r\n"
        number, mail = found
        if command == "FETCH":
            head = f"* {number} FETCH (UID {mail.uid} BODY[] {{{len(mail.raw)}}}\r\n".encode()
            return head + mail.raw + b")\r\n{TAG} OK FETCH completed\r\n"
        if command == "STORE":
            if self.drop_on_store > 0:
                self.drop_on_store -= 1
                return None
            if what.upper().startswith("+FLAGS"):
                mail.flags.update(re.findall(r"\\\w+", what))
            flags = " ".join(sorted(mail.flags))
            return f"* {number} FETCH (UID {mail.uid} FLAGS ({flags}))\r\n".encode() + (
                b"{TAG} OK STORE completed\r\n"
            )
        return b"{TAG} BAD unknown UID command\r\n"

    def _search(self, criteria: str) -> bytes:
        parts = criteria.split()
        with self.lock:
            uids = [m.uid for m in self.mails]
        if len(parts) == 2 and parts[0].upper() == "UID" and _RANGE.match(parts[1]):
            highest = max(uids, default=0)
            first, _, last = parts[1].partition(":")
            low = highest if first == "*" else int(first)
            high = low if not last else (highest if last == "*" else int(last))
            low, high = min(low, high), max(low, high)  # "7:*" with 5 the highest is 5:7
            uids = [u for u in uids if low <= u <= high]
        elif parts and parts[0].upper() != "ALL":
            return b"{TAG} BAD only UID ranges and ALL are searched here\r\n"
        listed = " ".join(str(u) for u in uids)
        return f"* SEARCH {listed}".rstrip().encode() + b"\r\n{TAG} OK SEARCH completed\r\n"

    def _find(self, uid_text: str) -> tuple[int, StoredMail] | None:
        if not uid_text.isdigit():
            return None
        with self.lock:
            for number, mail in enumerate(self.mails, start=1):
                if mail.uid == int(uid_text):
                    return number, mail
        return None


def _unquote(value: str) -> str:
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
