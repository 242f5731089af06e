"""Answering a customer's SMS (短信回复): an agent's reply to an inbound SMS contact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from closeloop.auth import audit
from closeloop.auth.deps import work_requiring
from closeloop.channels import sms_inbox
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1/sms", tags=["sms"])
Writer = Annotated[Work, Depends(work_requiring("contacts.write"))]


class SmsReplyIn(BaseModel):
    """The agent's SMS to the customer of an inbound SMS contact."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    contact_id: str = Field(min_length=1, max_length=20, pattern=r"^\d+$")
    text: str = Field(min_length=1, max_length=500)


class SmsReplyOut(BaseModel):
    """The queued SMS."""

    notification_id: str


@router.post(
    "/replies",
    status_code=201,
    response_model=SmsReplyOut,
    responses={404: {"description": "No such contact"}},
)
def reply_by_sms(body: SmsReplyIn, work: Writer) -> SmsReplyOut:
    """Answer an inbound SMS contact by SMS (sent through the outbox)."""
    notification = sms_inbox.reply(work, int(body.contact_id), body.text)
    audit.record(
        work.session, work.actor, "sms.reply", "contact", body.contact_id, clock=work.clock
    )
    return SmsReplyOut(notification_id=str(notification))
