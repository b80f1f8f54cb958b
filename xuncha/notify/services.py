"""Writes of the channels' settings: a person's e-mail choice, a committee's group robots.

Each checks its rule (``access``), validates, records an audit event in the same
transaction; nothing is sent inside it (a test message is a ``Delivery`` sent after the
commit). The robots' addresses and secrets never go into the audit trail: they carry keys.
"""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import Team
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_manage_channels_of, can_manage_webhook, can_open_preferences
from .channels import mask_url, webhook_url_problem
from .models import Delivery, EmailChoice, Preference, Webhook, WebhookFormat, WebhookKind
from .outbox import webhook_queue
from .sweep import group_name
from .tasks import deliveries_dispatch
from .texts import test_message


@transaction.atomic
def preference_set(*, actor: User, email: str) -> Preference:
    """The actor's own choice of e-mail (none, each reminder, daily digest)."""
    if not can_open_preferences(user=actor):
        raise Forbidden(_("Only accounts with a role receive reminders."))
    if email not in EmailChoice.values:
        raise DomainError(_("Choose how you want to receive e-mail."), field="email")
    if email != EmailChoice.NONE and not actor.email:
        raise DomainError(_("Your account has no e-mail address; ask your office "
                            "administrator to add one."), field="email")
    preference, created = Preference.objects.get_or_create(user=actor)
    before = None if created else preference.email
    preference.email = email
    preference.save(update_fields=["email", "updated_at"])
    event_record(actor=actor, action="notify.preference", obj=preference,
                 changes={"email": [before, email]})
    return preference


@transaction.atomic
def webhook_add(*, actor: User, data: dict[str, Any]) -> Webhook:
    """A group robot for the actor's committee: the office's group, or one team's."""
    committee_id = actor.committee_id
    if committee_id is None or not can_manage_channels_of(user=actor, committee_id=committee_id):
        raise Forbidden(_("Only the office administrators configure the group robots."))
    team: Team | None = data.get("team")
    if team is not None and team.round.committee_id != committee_id:
        raise Forbidden(_("Only the office administrators configure the group robots."))
    kind, fmt = data.get("kind", ""), data.get("format", WebhookFormat.MARKDOWN)
    if kind not in WebhookKind.values:
        raise DomainError(_("Choose the robot: WeCom or DingTalk."), field="kind")
    if fmt not in WebhookFormat.values:
        raise DomainError(_("Choose the format: Markdown or plain text."), field="format")
    name = str(data.get("name", "")).strip()
    if not name:
        raise DomainError(_("Give the group a name."), field="name")
    url = str(data.get("url", "")).strip()
    problem = webhook_url_problem(url)
    if problem:
        raise DomainError(problem, field="url")
    secret = str(data.get("secret", "")).strip()
    if secret and kind != WebhookKind.DINGTALK:
        raise DomainError(_("Only DingTalk robots have a signing secret."), field="secret")
    webhook = Webhook.objects.create(committee_id=committee_id, team=team, name=name[:64],
                                     kind=kind, format=fmt, url=url, secret=secret,
                                     created_by=actor)
    event_record(actor=actor, action="notify.webhook_add", obj=webhook, params={
        "name": webhook.name, "kind": kind, "format": fmt, "team": team.pk if team else None,
        "host": mask_url(url), "signed": bool(secret)})
    return webhook


def _require(actor: User, webhook: Webhook) -> None:
    if not can_manage_webhook(user=actor, webhook=webhook):
        raise Forbidden(_("Only the office administrators configure the group robots."))


@transaction.atomic
def webhook_remove(*, actor: User, webhook: Webhook) -> None:
    """Remove a robot; its deliveries stay in the log (without it)."""
    _require(actor, webhook)
    event_record(actor=actor, action="notify.webhook_remove", obj=webhook,
                 params={"name": webhook.name, "kind": webhook.kind,
                         "team": webhook.team_id})
    webhook.delete()


@transaction.atomic
def webhook_test(*, actor: User, webhook: Webhook) -> Delivery:
    """Send the group a test message (after the commit; the log shows how it went)."""
    _require(actor, webhook)
    delivery = webhook_queue(webhook=webhook, message=test_message(group=group_name(webhook)))
    event_record(actor=actor, action="notify.webhook_test", obj=webhook,
                 params={"delivery": delivery.pk})
    deliveries_dispatch([delivery.pk])
    return delivery
