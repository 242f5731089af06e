"""A small SMPP 3.4 server on loopback for the tests: binds, accepts submit_sm, sends receipts.

Written from the specification with struct (not with the client library), so the tests see a
real protocol exchange over TCP. `fail_next` makes the next submits answer an error status;
each accepted message gets a deliver_sm delivery receipt (stat DELIVRD, or UNDELIV for
numbers in `undeliverable`).
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

BIND_TRANSCEIVER, SUBMIT_SM, DELIVER_SM, UNBIND, ENQUIRE_LINK = 0x09, 0x04, 0x05, 0x06, 0x15
RESP = 0x80000000
ESME_RSYSERR, ESME_RINVDSTADR = 0x08, 0x0B


def _cstring(body: bytes, at: int) -> tuple[str, int]:
    end = body.index(b"\0", at)
    return body[at:end].decode("latin-1"), end + 1


def _pdu(command: int, status: int, sequence: int, body: bytes = b"") -> bytes:
    return struct.pack(">IIII", 16 + len(body), command, status, sequence) + body


@dataclass
class Submitted:
    """One submit_sm the server accepted: in which client session, answered when (epoch s)."""

    destination: str
    data_coding: int
    esm_class: int
    short_message: bytes
    message_id: str
    session: int = 0
    at: float = 0.0


@dataclass
class SmppServer:
    """Listens on 127.0.0.1 (a free port) until stopped."""

    system_id: str = "closeloop"
    password: str = "secret"
    submitted: list[Submitted] = field(default_factory=list)
    binds: list[str] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    undeliverable: set[str] = field(default_factory=set)
    unanswered: int = 0  # the next submits are taken but never answered (a stalled centre)

    def __post_init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.counter = 0
        self.mobile_originated = 0
        self.lock = threading.Lock()
        self.connections: list[socket.socket] = []
        self.sessions = 0  # client sessions opened so far; each submit names its session

    def start(self) -> SmppServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.sock.close()

    def drop_sessions(self) -> None:
        """Close every client session, as a centre does with idle binds."""
        for conn in self.connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self.connections.clear()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as SMS centres do
            self.connections.append(conn)
            self.sessions += 1
            threading.Thread(target=self._session, args=(conn, self.sessions), daemon=True).start()

    def _read(self, conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
        return data

    def send_mo(self, source: str, text: str) -> None:
        """A customer's own message (mobile originated, 上行) to the last bound session."""
        body = text.encode("utf-16-be")
        pdu = (
            b"\0" + b"\1\1" + source.encode() + b"\0" + b"\0\0" + b"10000\0"
            + bytes([0x00, 0, 0]) + b"\0" + b"\0" + bytes([0, 0, 0x08, 0, len(body)]) + body
        )  # fmt: skip
        with self.lock:
            conn = self.connections[-1]
            self.mobile_originated += 1
            conn.sendall(_pdu(DELIVER_SM, 0, 50000 + self.mobile_originated, pdu))

    def _session(self, conn: socket.socket, session: int) -> None:
        conn.settimeout(0.2)
        sequence_out = 1000
        with conn:
            while not self.stopping.is_set():
                try:
                    header = self._read(conn, 16)
                except TimeoutError:
                    continue
                except (ConnectionError, OSError):
                    return
                length, command, _status, sequence = struct.unpack(">IIII", header)
                try:
                    body = self._read(conn, length - 16) if length > 16 else b""
                    if command == BIND_TRANSCEIVER:
                        system_id, at = _cstring(body, 0)
                        password, _ = _cstring(body, at)
                        ok = (system_id, password) == (self.system_id, self.password)
                        self.binds.append(system_id)
                        status = 0 if ok else 0x0E  # ESME_RINVPASWD
                        conn.sendall(_pdu(BIND_TRANSCEIVER | RESP, status, sequence, b"smsc\0"))
                    elif command == SUBMIT_SM:
                        sequence_out += 1
                        self._submit(conn, body, (sequence, sequence_out, session))
                    elif command == ENQUIRE_LINK:
                        conn.sendall(_pdu(ENQUIRE_LINK | RESP, 0, sequence))
                    elif command == UNBIND:
                        conn.sendall(_pdu(UNBIND | RESP, 0, sequence))
                        return
                    elif command == DELIVER_SM | RESP:
                        continue
                except OSError:  # the client closed the session while it was being answered
                    return

    def _submit(self, conn: socket.socket, body: bytes, numbers: tuple[int, int, int]) -> None:
        sequence, out_seq, session = numbers
        _service, at = _cstring(body, 0)
        at += 2  # source ton, npi
        _source, at = _cstring(body, at)
        at += 2  # destination ton, npi
        destination, at = _cstring(body, at)
        esm_class = body[at]
        at += 3  # esm_class, protocol_id, priority
        _schedule, at = _cstring(body, at)
        _validity, at = _cstring(body, at)
        registered = body[at]
        data_coding = body[at + 2]
        length = body[at + 4]
        message = body[at + 5 : at + 5 + length]
        with self.lock:
            if self.fail_next:
                status = self.fail_next.pop(0)
                conn.sendall(_pdu(SUBMIT_SM | RESP, status, sequence, b"\0"))
                return
            self.counter += 1
            message_id = f"M{self.counter:06d}"
            self.submitted.append(
                Submitted(
                    destination, data_coding, esm_class, message, message_id, session, time.time()
                )
            )
        with self.lock:
            if self.unanswered:
                self.unanswered -= 1
                return
        conn.sendall(_pdu(SUBMIT_SM | RESP, 0, sequence, message_id.encode() + b"\0"))
        if registered:
            stat = "UNDELIV" if destination in self.undeliverable else "DELIVRD"
            text = (
                f"id:{message_id} sub:001 dlvrd:001 submit date:2611230200 "
                f"done date:2611230200 stat:{stat} err:000 text:"
            ).encode()
            receipt = (
                b"\0" + b"\0\0" + destination.encode() + b"\0" + b"\0\0" + b"10000\0"
                + bytes([0x04, 0, 0]) + b"\0" + b"\0" + bytes([0, 0, 0, 0, len(text)]) + text
            )  # fmt: skip
            conn.sendall(_pdu(DELIVER_SM, 0, out_seq, receipt))
