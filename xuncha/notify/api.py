"""The JSON operations of the channels: one's own e-mail choice; the office's group robots
(addresses masked; add, remove, send a test) and its deliveries (keyset pages).

Each operation asks the same rule as its page (``access.py``) and writes through the same
service (audited there); every error is ``{"error": code, "message": text}``."""

import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from xuncha.accounts.http import ApiRequest
from xuncha.inspections.models import Team
from xuncha.lib.apipaging import MAX_INT
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.lookup import get_or_404

from .access import access_webhook, can_open_channels, can_open_preferences
from .channels import mask_url
from .models import Delivery, Webhook, WebhookFormat
from .selectors import (
    deliveries_visible_to,
    email_choice_of,
    teams_for_webhooks,
    webhooks_visible_to,
)
from .services import preference_set, webhook_add, webhook_remove, webhook_test

router = Router(tags=["notify"])


class Error(Schema):
    error: str
    message: str


#: The errors every operation may answer (401 without a valid token, 403 refused, 422 for
#: parameters that do not parse); the operations add their own.
ERRORS: dict[int, type[Schema]] = {401: Error, 403: Error, 422: Error}


class PreferenceIO(Schema):
    email: str = Field(..., description="none, each (an e-mail at each reminder) or daily")


class WebhookOut(Schema):
    id: int
    name: str
    team_id: int | None
    kind: str
    format: str
    host: str = Field(..., description="The address with its key masked")
    signed: bool
    is_active: bool


class WebhookIn(Schema):
    name: str = Field(..., max_length=64, description="For the office to tell groups apart")
    team_id: int | None = Field(None, ge=1, le=MAX_INT,
                                description="A team of the office's committee; none: the office")
    kind: str = Field(..., description="wecom or dingtalk")
    format: str = Field(WebhookFormat.MARKDOWN, description="markdown or text")
    url: str = Field(..., max_length=500, description="The robot's webhook address (https)")
    secret: str = Field("", max_length=200, description="DingTalk's signing secret (加签)")


class DeliveryOut(Schema):
    id: int
    channel: str
    webhook_id: int | None
    user_id: int | None
    subject: str
    body: str
    status: str
    attempts: int
    last_error: str = Field(..., description="A code (``code`` or ``code:detail``)")
    last_error_text: str = Field(..., description="The error in the account's language")
    created_at: datetime.datetime
    sent_at: datetime.datetime | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next: str | None = Field(None, description="Pass as ``after`` for the next page")


class DeliveryFilters(Schema):
    after: str = Field("", max_length=80, description="``next`` of the previous page")
    limit: int = Field(50, ge=1, le=200)


def _webhook_out(w: Webhook) -> WebhookOut:
    return WebhookOut(id=w.pk, name=w.name, team_id=w.team_id, kind=w.kind, format=w.format,
                      host=mask_url(w.url), signed=bool(w.secret), is_active=w.is_active)


def _delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(id=d.pk, channel=d.channel, webhook_id=d.webhook_id, user_id=d.user_id,
                       subject=d.subject, body=d.body, status=d.status, attempts=d.attempts,
                       last_error=d.last_error, last_error_text=d.last_error_text,
                       created_at=d.created_at, sent_at=d.sent_at)


@router.get("/notify/preferences", response={200: PreferenceIO, **ERRORS},
            summary="My e-mail choice")
def preferences_get(request: ApiRequest) -> PreferenceIO:
    if not can_open_preferences(user=request.auth):
        raise Forbidden()
    return PreferenceIO(email=email_choice_of(user=request.auth))


@router.put("/notify/preferences", response={200: PreferenceIO, 400: Error, **ERRORS},
            summary="Set my e-mail choice")
def preferences_put(request: ApiRequest, payload: PreferenceIO) -> PreferenceIO:
    preference = preference_set(actor=request.auth, email=payload.email)
    return PreferenceIO(email=preference.email)


def _office(request: ApiRequest) -> None:
    if not can_open_channels(user=request.auth):
        raise Forbidden()


@router.get("/notify/webhooks", response={200: list[WebhookOut], **ERRORS},
            summary="The office's group robots")
def webhooks_list(request: ApiRequest) -> list[WebhookOut]:
    _office(request)
    return [_webhook_out(w) for w in webhooks_visible_to(user=request.auth)]


@router.post("/notify/webhooks", response={201: WebhookOut, 400: Error, 404: Error, **ERRORS},
             summary="Add a group robot (office administrators)")
def webhooks_add(request: ApiRequest, payload: WebhookIn) -> tuple[int, WebhookOut]:
    """The office's group, or one of its teams' (``team_id``); the address is checked as on
    the page (https, a public host). 400 with ``message`` when it is refused."""
    _office(request)
    data: dict[str, Any] = payload.dict()
    team_id = data.pop("team_id")
    if team_id is not None:
        team: Team = get_or_404(teams_for_webhooks(user=request.auth), team_id)
        data["team"] = team
    return 201, _webhook_out(webhook_add(actor=request.auth, data=data))


@router.delete("/notify/webhooks/{webhook_id}", response={204: None, 404: Error, **ERRORS},
               summary="Remove a group robot (its deliveries stay in the log)")
def webhooks_remove(request: ApiRequest, webhook_id: int) -> tuple[int, None]:
    _office(request)
    webhook_remove(actor=request.auth, webhook=access_webhook(user=request.auth, pk=webhook_id))
    return 204, None


@router.post("/notify/webhooks/{webhook_id}/test", response={202: DeliveryOut, 404: Error,
                                                             **ERRORS},
             summary="Send the group a test message (the delivery tells how it went)")
def webhooks_test(request: ApiRequest, webhook_id: int) -> tuple[int, DeliveryOut]:
    _office(request)
    delivery = webhook_test(actor=request.auth,
                            webhook=access_webhook(user=request.auth, pk=webhook_id))
    return 202, _delivery_out(delivery)


@router.get("/notify/deliveries", response={200: DeliveryPage, 400: Error, **ERRORS},
            summary="The deliveries of the office's committee, newest first")
def deliveries_list(request: ApiRequest, filters: Query[DeliveryFilters]) -> DeliveryPage:
    """Keyset pages by (created_at, id): pass ``next`` back as ``after``."""
    _office(request)
    qs = deliveries_visible_to(user=request.auth)
    if filters.after:
        stamp, _sep, ident = filters.after.rpartition("_")
        try:
            moment, pk = datetime.datetime.fromisoformat(stamp), int(ident)
        except ValueError:
            raise DomainError(_("The cursor is not valid."), code="invalid",
                              field="after") from None
        qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(qs.order_by("-created_at", "-pk")[:filters.limit + 1])
    next_cursor = None
    if len(rows) > filters.limit:
        last = rows[filters.limit - 1]
        next_cursor = f"{last.created_at.isoformat()}_{last.pk}"
    return DeliveryPage(items=[_delivery_out(d) for d in rows[:filters.limit]], next=next_cursor)
