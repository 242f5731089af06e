"""The KPI table as a file (报表导出): CSV, XLSX or JSON, the same columns as the API."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

FORMATS = ("csv", "xlsx", "json")
COLUMNS = ("code", "name", "group", "value", "numerator", "denominator", "target", "rag")


def as_csv(rows: Sequence[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese names."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in COLUMNS})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(rows: Sequence[dict[str, Any]]) -> bytes:
    """One sheet, a header row, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "KPIs"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([row.get(k) for k in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_json(rows: Sequence[dict[str, Any]]) -> bytes:
    """`{"items": [...]}` as the API answers."""
    return json.dumps({"items": list(rows)}, ensure_ascii=False, indent=1).encode("utf-8")


def render(rows: Sequence[dict[str, Any]], fmt: str) -> bytes:
    """The table in one of FORMATS."""
    return {"csv": as_csv, "xlsx": as_xlsx, "json": as_json}[fmt](rows)
