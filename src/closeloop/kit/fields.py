"""How a request field is declared when the check behind it is more than its type says."""

from __future__ import annotations

from typing import Any


def left_out_not_null(schema: dict[str, Any]) -> None:
    """`json_schema_extra` of a field that may be left out but not sent as null (a validator
    refuses null): the description drops null from the field's types and its null default."""
    options = schema.pop("anyOf", None)
    if options is not None:
        kept = [o for o in options if o.get("type") != "null"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    if schema.get("default", 0) is None:
        del schema["default"]
