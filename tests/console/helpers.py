"""Console test helpers: sign in through the form, read CSRF tokens from pages (they live in
tests/support/signin.py; the names here are the ones console tests have always used)."""

from __future__ import annotations

from tests.support.signin import console_sign_in as sign_in
from tests.support.signin import csrf_of

__all__ = ["csrf_of", "sign_in"]
