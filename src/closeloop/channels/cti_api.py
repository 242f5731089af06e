"""The phone system's API (CONTRACT §14): call events in, the agent's screen pop out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request

from closeloop.auth.deps import work_requiring
from closeloop.channels import calls, signing
from closeloop.channels.schemas import CallEventIn, CallOut, ScreenPopOut
from closeloop.channels.screen_pop import screen_pops
from closeloop.http.deps import AppSettings
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1/cti", tags=["phone system"])
PhoneSystem = Annotated[Work, Depends(work_requiring("cti.events"))]
Seat = Annotated[Work, Depends(work_requiring("customers.read"))]


async def signed(
    request: Request,
    settings: AppSettings,
    x_closeloop_signature: Annotated[str | None, Header()] = None,
) -> None:
    """401 unless the body carries the phone system's signature (when a key is set)."""
    signing.check(settings.cti_secret, await request.body(), x_closeloop_signature)


@router.post("/events", response_model=CallOut, dependencies=[Depends(signed)])
def call_event(body: CallEventIn, work: PhoneSystem) -> CallOut:
    """One event of a call: `ringing`, `answered` or `ended` (a `hotline` contact)."""
    return calls.call_out(calls.report(work, body))


@router.get("/pops", response_model=list[ScreenPopOut])
def my_screen_pops(work: Seat) -> list[ScreenPopOut]:
    """The calls ringing or in progress at the signed-in agent's seat, with the caller."""
    return screen_pops(work)
