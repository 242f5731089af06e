"""HTTP webhook (the operator's app-push gateway or message bus), signed with HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from closeloop.care.channels import Accepted, DeliveryError, Message, Receipt


class WebhookTransport:
    """POSTs each notice as JSON; 2xx is accepted, 4xx (but 429) is permanent, else retried."""

    channel = "webhook"

    def __init__(self, url: str, secret: str = "", timeout: float = 10.0) -> None:
        self.url, self.secret = url, secret
        self.http = httpx.Client(timeout=timeout)

    def send(self, message: Message) -> Accepted:
        """Deliver one notice."""
        body = json.dumps(
            {"id": str(message.id), "rule": message.rule, "text": message.text, **message.fields},
            ensure_ascii=False,
        ).encode()
        headers = {"Content-Type": "application/json", "X-CloseLoop-Notification": str(message.id)}
        if self.secret:
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-CloseLoop-Signature"] = f"sha256={digest}"
        try:
            response = self.http.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook {self.url}: {exc}") from exc
        if response.is_success:
            return Accepted(response.headers.get("X-Message-Id"), f"HTTP {response.status_code}")
        permanent = 400 <= response.status_code < 500 and response.status_code != 429
        raise DeliveryError(f"webhook answered HTTP {response.status_code}", permanent=permanent)

    def receipts(self) -> list[Receipt]:
        """Webhooks acknowledge synchronously."""
        return []

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()
