"""Survey answers for spreadsheets (导出): one row per invitation, CSV or XLSX; numbers masked."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from openpyxl import Workbook
from sqlalchemy import select

from closeloop.kit.masking import mask_msisdn
from closeloop.kit.timefmt import iso
from closeloop.quality.instruments import INSTRUMENTS
from closeloop.quality.models import Survey, SurveyInvitation, SurveyResponse
from closeloop.runtime.work import Work

FIXED = ("invitation", "msisdn", "region", "segment", "channel", "station", "ticket",
         "invited_at", "answered_at")  # fmt: skip


def rows(work: Work, survey: Survey) -> Iterator[list[object]]:
    """The header, then one row per invitation: who (masked), where, when, each answer."""
    work.actor.require("surveys.read")
    codes = [i.code for i in INSTRUMENTS[survey.instrument].items]
    yield [*FIXED, *codes, "comment", "followup_ticket"]
    query = (
        select(SurveyInvitation, SurveyResponse)
        .outerjoin(SurveyResponse, SurveyResponse.invitation_id == SurveyInvitation.id)
        .where(SurveyInvitation.survey_id == survey.id)
        .order_by(SurveyInvitation.id)
    )
    for inv, resp in work.session.execute(query):
        answers = resp.answers if resp else {}
        yield [
            inv.id, mask_msisdn(inv.msisdn), inv.region, inv.segment, inv.channel, inv.station,
            inv.ticket_number, iso(inv.created_at),
            iso(inv.answered_at) if inv.answered_at else None,
            *(answers.get(c) for c in codes),
            resp.comment if resp else None,
            resp.followup_ticket_id if resp else None,
        ]  # fmt: skip


def as_csv(work: Work, survey: Survey) -> str:
    """The rows as CSV text (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for row in rows(work, survey):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def as_xlsx(work: Work, survey: Survey) -> bytes:
    """The rows as an Excel workbook."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=f"survey-{survey.id}")
    for row in rows(work, survey):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
