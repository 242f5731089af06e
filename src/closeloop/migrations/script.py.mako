<%!
import re


def quoted(value):
    return f'"{value}"' if isinstance(value, str) else repr(value)
%>\
<%
    body = f"{upgrades or ''}\n{downgrades or ''}"
    third_party = sorted(line for line in (imports or "").splitlines() if line.strip())
    if re.search(r"\bop\.", body):
        third_party.insert(0, "from alembic import op")
    if re.search(r"\bsa\.", body):
        third_party.insert(0, "import sqlalchemy as sa")
    uses_base = "closeloop.db.base." in body
%>\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from collections.abc import Sequence
% if third_party:

${"\n".join(third_party)}
% endif
% if uses_base:

import closeloop.db.base
% endif

revision: str = ${quoted(up_revision)}
down_revision: str | None = ${quoted(down_revision)}
branch_labels: str | Sequence[str] | None = ${quoted(branch_labels)}
depends_on: str | Sequence[str] | None = ${quoted(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
