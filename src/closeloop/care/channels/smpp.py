"""SMS over SMPP 3.4 to the operator's SMS centre (短信中心), with delivery receipts.

One transceiver session is kept open between dispatcher passes; Chinese text goes as UCS-2,
long texts are split into concatenated parts. Receipts (deliver_sm with esm_class 0x04) are
read whenever the session is polled and matched to the message id the centre gave; any other
deliver_sm is a customer's own message (上行短信), handed on by `inbound()`.
"""

from __future__ import annotations

import contextlib
import re
import select
import socket
from typing import Any

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm

from closeloop.care.channels import Accepted, DeliveryError, InboundText, Message, Receipt

# statuses the centre may answer that will not get better by retrying
PERMANENT_STATUSES = {
    smpplib.consts.SMPP_ESME_RINVDSTADR,
    smpplib.consts.SMPP_ESME_RINVSRCADR,
    smpplib.consts.SMPP_ESME_RINVMSGLEN,
}


def _closed(exc: BaseException) -> bool:
    """Whether the session was found closed (not merely slow: a submit that timed out may have
    been taken by the centre, and sending it again at once would send it twice)."""
    if isinstance(exc, TimeoutError):
        return False
    return isinstance(exc, smpplib.exceptions.ConnectionError | OSError)


RECEIPT = re.compile(r"id:(?P<id>\S+).*?stat:(?P<stat>\w+)", re.S)
RECEIPT_ESM = 0x04  # esm_class bit of an SMSC delivery receipt
UCS2 = 0x08


def _text_of(pdu: Any) -> str:
    raw = pdu.short_message or b""
    if isinstance(raw, str):
        return raw
    if int(getattr(pdu, "data_coding", 0) or 0) == UCS2:
        return bytes(raw).decode("utf-16-be", errors="replace")
    return bytes(raw).decode("latin-1")


def _number(address: Any) -> str:
    """The sender as customers are filed: a mainland mobile without its 86 prefix."""
    text = address.decode("ascii", "replace") if isinstance(address, bytes) else str(address)
    return text[2:] if text.startswith("86") and len(text) == 13 else text.lstrip("+")


class SmppTransport:
    """SMS through an SMPP transceiver bind (smpplib)."""

    channel = "sms"

    def __init__(
        self,
        host: str,
        port: int,
        system_id: str,
        password: str,
        source_addr: str,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.system_id, self.password, self.source_addr = system_id, password, source_addr
        self.client: smpplib.client.Client | None = None
        self._responses: list[Any] = []
        self._receipts: list[Receipt] = []
        self._inbound: list[InboundText] = []

    def _on_sent(self, pdu: Any, **_: Any) -> None:
        self._responses.append(pdu)

    def _on_received(self, pdu: Any, **_: Any) -> int:
        text = _text_of(pdu)
        if not int(getattr(pdu, "esm_class", 0) or 0) & RECEIPT_ESM and not RECEIPT.match(text):
            self._inbound.append(InboundText(_number(pdu.source_addr), text))
            return int(smpplib.consts.SMPP_ESME_ROK)
        match = RECEIPT.search(text or "")
        if match:
            stat = match.group("stat")
            self._receipts.append(Receipt(match.group("id"), stat == "DELIVRD", stat))
        return int(smpplib.consts.SMPP_ESME_ROK)

    def _error(self, pdu: Any) -> None:
        raise smpplib.exceptions.PDUError(f"status {pdu.status}", int(pdu.status))

    def _connect(self) -> smpplib.client.Client:
        if self.client is not None:
            return self.client
        client = smpplib.client.Client(
            self.host, self.port, timeout=self.timeout, allow_unknown_opt_params=True
        )
        client.set_message_sent_handler(self._on_sent)
        client.set_message_received_handler(self._on_received)
        client.set_error_pdu_handler(self._error)
        try:
            client.connect()
            # PDUs are small and answered one by one: without this, a submit written right
            # after a receipt's answer waits for the centre's delayed ACK (~40 ms a message)
            client._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.bind_transceiver(system_id=self.system_id, password=self.password)
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as exc:
            try:
                client.disconnect()
            finally:
                raise DeliveryError(f"SMPP bind to {self.host}:{self.port} failed: {exc}") from exc
        self.client = client
        return client

    def _drop(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):  # already broken
                self.client.disconnect()
            self.client = None

    def send(self, message: Message) -> Accepted:
        """Submit the text to the number; the centre's message id (of the last part).

        A session the centre closed while idle is reopened once before the attempt fails; a
        submit the centre did not answer in time fails (the dispatcher retries it later).
        """
        reused = self.client is not None
        try:
            return self._submit(message)
        except DeliveryError as exc:
            if not (reused and exc.__cause__ is not None and _closed(exc.__cause__)):
                raise
        return self._submit(message)

    def _submit(self, message: Message) -> Accepted:
        client = self._connect()
        parts, coding, esm_class = smpplib.gsm.make_parts(message.text)
        self._responses = []
        try:
            for part in parts:
                client.send_message(
                    source_addr_ton=smpplib.consts.SMPP_TON_ALNUM,
                    source_addr_npi=smpplib.consts.SMPP_NPI_UNK,
                    source_addr=self.source_addr,
                    dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                    dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                    destination_addr="86" + message.address,
                    short_message=part,
                    data_coding=coding,
                    esm_class=esm_class,
                    registered_delivery=True,
                )
            while len(self._responses) < len(parts):
                client.read_once(auto_send_enquire_link=False)
        except smpplib.exceptions.PDUError as exc:
            # responses to the other parts may still be on the wire: start a clean session
            self._drop()
            status = exc.args[1] if len(exc.args) > 1 else None
            raise DeliveryError(
                f"SMS centre refused: {smpplib.consts.DESCRIPTIONS.get(status, exc)}",
                permanent=status in PERMANENT_STATUSES,
            ) from exc
        except (smpplib.exceptions.ConnectionError, OSError) as exc:
            self._drop()
            raise DeliveryError(f"SMPP connection lost: {exc}") from exc
        last = self._responses[-1]
        message_id = last.message_id
        if isinstance(message_id, bytes):
            message_id = message_id.decode("ascii", errors="replace")
        return Accepted(str(message_id), f"{len(parts)} part(s)")

    def receipts(self) -> list[Receipt]:
        """Read whatever the centre sent since (receipts), without waiting."""
        self._read_pending()
        out, self._receipts = self._receipts, []
        return out

    def _read_pending(self) -> None:
        client = self.client
        if client is not None:
            try:
                while client._socket is not None and select.select([client._socket], [], [], 0)[0]:
                    client.read_once(auto_send_enquire_link=False)
            except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError):
                self._drop()

    def inbound(self) -> list[InboundText]:
        """The customers' own messages the centre sent since the last call, without waiting."""
        self._read_pending()
        out, self._inbound = self._inbound, []
        return out

    def close(self) -> None:
        """Unbind and disconnect."""
        if self.client is not None:
            with contextlib.suppress(Exception):  # the centre may already be gone
                self.client.unbind()
            self._drop()
