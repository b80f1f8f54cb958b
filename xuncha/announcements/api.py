from typing import Any

from ninja import Field, Router, Schema

from xuncha.accounts.http import ApiRequest
from xuncha.lib.errors import Forbidden

from .access import can_extract_announcement
from .extract import extract

router = Router(tags=["announcements"])


class TextIn(Schema):
    text: str = Field(..., max_length=12_000_000)


class PhoneOut(Schema):
    number: str
    hours: str | None


class ExtractionOut(Schema):
    kind: str
    inspecting_body: str | None
    level: str | None
    special_topic: str | None
    targets: list[str]
    leader: str | None
    deputy_leaders: list[str]
    meeting_date: str | None
    period_start: str | None
    period_end: str | None
    petition_deadline: str | None
    phones: list[PhoneOut]
    sms: list[str]
    postal_boxes: list[str]
    emails: list[str]
    online_channels: list[str]
    suggestion_boxes: list[str]
    scope_in: str | None
    scope_out_transferred: bool


@router.post("/announcements/extract", response=ExtractionOut,
             summary="Extract an inspection record from an announcement text")
def extract_announcement(request: ApiRequest, payload: TextIn) -> dict[str, Any]:
    if not can_extract_announcement(user=request.auth):
        raise Forbidden()
    return extract(payload.text)
