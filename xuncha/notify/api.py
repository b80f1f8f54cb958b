"""The JSON operations of the channels: one's own e-mail choice; the office's group robots
(addresses masked) and its deliveries."""

import datetime

from ninja import Router, Schema

from xuncha.accounts.http import ApiRequest
from xuncha.lib.errors import Forbidden

from .access import can_open_channels
from .channels import mask_url
from .selectors import deliveries_visible_to, email_choice_of, webhooks_visible_to
from .services import preference_set

router = Router(tags=["notify"])


class PreferenceIO(Schema):
    email: str


class WebhookOut(Schema):
    id: int
    name: str
    team_id: int | None
    kind: str
    format: str
    host: str
    signed: bool
    is_active: bool


class DeliveryOut(Schema):
    id: int
    channel: str
    webhook_id: int | None
    user_id: int | None
    subject: str
    body: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime.datetime
    sent_at: datetime.datetime | None


@router.get("/notify/preferences", response=PreferenceIO, summary="My e-mail choice")
def preferences_get(request: ApiRequest) -> PreferenceIO:
    return PreferenceIO(email=email_choice_of(user=request.auth))


@router.put("/notify/preferences", response=PreferenceIO, summary="Set my e-mail choice")
def preferences_put(request: ApiRequest, payload: PreferenceIO) -> PreferenceIO:
    preference = preference_set(actor=request.auth, email=payload.email)
    return PreferenceIO(email=preference.email)


def _office(request: ApiRequest) -> None:
    if not can_open_channels(user=request.auth):
        raise Forbidden()


@router.get("/notify/webhooks", response=list[WebhookOut], summary="The office's group robots")
def webhooks_list(request: ApiRequest) -> list[WebhookOut]:
    _office(request)
    return [WebhookOut(id=w.pk, name=w.name, team_id=w.team_id, kind=w.kind, format=w.format,
                       host=mask_url(w.url), signed=bool(w.secret), is_active=w.is_active)
            for w in webhooks_visible_to(user=request.auth)]


@router.get("/notify/deliveries", response=list[DeliveryOut],
            summary="The latest 100 deliveries of the office's committee")
def deliveries_list(request: ApiRequest) -> list[DeliveryOut]:
    _office(request)
    return [DeliveryOut(id=d.pk, channel=d.channel, webhook_id=d.webhook_id, user_id=d.user_id,
                        subject=d.subject, body=d.body, status=d.status, attempts=d.attempts,
                        last_error=d.last_error, created_at=d.created_at, sent_at=d.sent_at)
            for d in deliveries_visible_to(user=request.auth)[:100]]
