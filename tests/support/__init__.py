"""Helpers that let tests read like the domain: who acts (personas, sign-in), what the data is
(factories built on the services) and how an error looks (problem+json asserts).

    from tests.support import AT_STATION, Personas, assert_access, assert_problem

The fixtures `as_user` (Personas) and `factory` (Factory) are in tests/conftest.py.
"""

from tests.support.cli import Cli
from tests.support.demo import DEMO_PASSWORD, NOW
from tests.support.factories import (
    Factory,
    MadeArticle,
    MadeCustomer,
    MadeTicket,
    MadeUser,
)
from tests.support.personas import AT_STATION, Audience, Personas, assert_access
from tests.support.problems import PROBLEM_JSON, assert_problem, error_locs, problem_type
from tests.support.signin import (
    api_token,
    bearer,
    console_sign_in,
    csrf_of,
    issued_token,
    switch_console_user,
)

__all__ = [
    "AT_STATION",
    "DEMO_PASSWORD",
    "NOW",
    "PROBLEM_JSON",
    "Audience",
    "Cli",
    "Factory",
    "MadeArticle",
    "MadeCustomer",
    "MadeTicket",
    "MadeUser",
    "Personas",
    "api_token",
    "assert_access",
    "assert_problem",
    "bearer",
    "console_sign_in",
    "csrf_of",
    "error_locs",
    "issued_token",
    "problem_type",
    "switch_console_user",
]
