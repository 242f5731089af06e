"""Signed requests from the phone system (签名校验): HMAC-SHA256 of the raw body with the shared
key `CLOSELOOP_CTI_SECRET`, in the header `X-CloseLoop-Signature: sha256=<hex>` (the form the
TM Forum hub and the webhook channel use for what CloseLoop sends)."""

from __future__ import annotations

import hashlib
import hmac

from closeloop.kit.errors import Unauthenticated

HEADER = "X-CloseLoop-Signature"


def signature(secret: str, body: bytes) -> str:
    """The header value for a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check(secret: str, body: bytes, sent: str | None) -> None:
    """401 unless `sent` is the body's signature (nothing to check without a key)."""
    if not secret:
        return
    if not sent:
        raise Unauthenticated(f"the request must be signed ({HEADER})")
    if not hmac.compare_digest(signature(secret, body), sent.strip()):
        raise Unauthenticated(f"the {HEADER} header does not match the body")
