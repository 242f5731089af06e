"""The server hashes at the standard Argon2id cost; only the test suite lowers it (conftest)."""

from __future__ import annotations

import subprocess
import sys

from closeloop.auth import passwords


def test_a_server_process_hashes_at_the_standard_cost() -> None:
    code = "from closeloop.auth.passwords import hash_password; print(hash_password('x'))"
    made = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_hash_made_at_one_cost_is_checked_at_that_cost() -> None:
    cheap = passwords.hash_password("closeloop-demo")
    assert "$m=19456,t=2,p=1$" in cheap
    passwords.use_cost(passwords.STANDARD_COST)
    try:
        assert passwords.verify_password("closeloop-demo", cheap)
        assert not passwords.verify_password("closeloop-dem0", cheap)
    finally:
        passwords.use_cost(passwords.OWASP_MINIMUM_COST)
