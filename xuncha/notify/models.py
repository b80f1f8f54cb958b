"""Reminders and the channels that carry them.

- ``Preference``: how a person wants e-mail (none, each reminder, a daily digest).
- ``Reminder``: one reminder or escalation sent to one person about one to-do item at one
  light; unique, so the sweep can run any number of times (on several workers) and tells
  each person once. ``DigestSent`` does the same for the daily digest.
- ``Webhook``: a group robot (企业微信 or 钉钉) of a committee's office or of one of its
  teams; ``GroupNotice`` remembers what a group was told, so it hears of each item once.
- ``Delivery``: one outbound message (an e-mail or a group message) with its status, the
  number of attempts and the last error, shown to the office. Its text is a count and a
  link, never case content.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailChoice(models.TextChoices):
    NONE = "none", _("No e-mail")
    EACH = "each", _("An e-mail at each reminder")
    DAILY = "daily", _("A daily digest")


class Preference(models.Model):
    """A person's choice of e-mail; without a row the choice is ``EmailChoice.NONE``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notify_preference")
    email = models.CharField(_("e-mail"), max_length=8, choices=EmailChoice.choices,
                             default=EmailChoice.NONE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"

    @property
    def audit_committee_id(self):
        return self.user.committee_id


class Reminder(models.Model):
    """One person told about one to-do item at one light (yellow: due soon, red: overdue),
    for one due date: moving the deadline starts the lights again. ``escalation`` marks a
    message sent up the chain (the office head, the office) rather than to the item's own
    people. Inserted before anything is sent; a second run finds it and sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField(max_length=200)
    level = models.CharField(max_length=8)
    due = models.DateField()
    escalation = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    #: The sweep run that inserted the row: marks are inserted in bulk, skipping those that
    #: exist; the rows carrying the run's own id are the ones it won.
    run = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key", "level", "due"],
                                               name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key} {self.level}"


class DigestSent(models.Model):
    """The daily digest of one person for one day (claimed before it is built)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk group robot (钉钉)")


class WebhookFormat(models.TextChoices):
    MARKDOWN = "markdown", _("Markdown")
    TEXT = "text", _("Plain text")


class Webhook(models.Model):
    """A group robot: the office's group when ``team`` is empty, else the team's group.

    ``url`` holds the robot's key or access token and ``secret`` DingTalk's signing secret:
    pages and the API show them masked."""

    committee = models.ForeignKey("organizations.Committee", verbose_name=_("committee"),
                                  on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("inspections.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("robot"), max_length=10, choices=WebhookKind.choices)
    format = models.CharField(_("format"), max_length=10, choices=WebhookFormat.choices,
                              default=WebhookFormat.MARKDOWN)
    url = models.CharField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["committee", "team", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_committee_id(self):
        return self.committee_id


class GroupNotice(models.Model):
    """One to-do item announced to one group: ``level`` is ``new`` (first seen) or ``red``
    (overdue). The group hears of each once."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    level = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    #: The sweep run that inserted the row (see ``Reminder.run``).
    run = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["webhook", "key", "level"],
                                               name="group_notice_once")]

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.key} {self.level}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    RETRY = "retry", _("Failed, will retry")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


#: What ``Delivery.last_error`` holds: ``code`` or ``code:detail`` (the detail is what the
#: other side said: a status, the robot's error code, the system's reason). Stored as codes,
#: shown in the reader's language (``delivery_error_text``).
DELIVERY_ERRORS = {
    "no_address": _("The person has no e-mail address."),
    "robot_removed": _("The group robot was removed."),
    "interrupted": _("The attempt was interrupted and no attempt is left."),
    "address": _("The robot's address is no longer allowed on this server."),
    "redirect": _("The robot answered with a redirect (HTTP %(detail)s)."),
    "http": _("The robot answered with HTTP status %(detail)s."),
    "not_json": _("The robot's answer is not JSON."),
    "robot_refused": _("The robot refused the message (error code %(detail)s)."),
    "timeout": _("No answer within %(detail)s seconds."),
    "network": _("The connection failed: %(detail)s"),
    "mail": _("The mail server failed: %(detail)s"),
    "unexpected": _("Unexpected error (%(detail)s); see the server log."),
}


def delivery_error_text(stored: str) -> str:
    """The stored error in the active language (an older free text is shown as it is)."""
    code, _sep, detail = stored.partition(":")
    text = DELIVERY_ERRORS.get(code)
    if text is None:
        return stored
    return str(text) % {"detail": detail} if "%(detail)s" in str(text) else str(text)


class Delivery(models.Model):
    """One outbound message. Created in the transaction that decided to send it; sent by
    ``tasks.deliver_task`` after the commit, retried with backoff, never by the step."""

    channel = models.CharField(_("channel"), max_length=8, choices=DeliveryChannel.choices)
    committee = models.ForeignKey("organizations.Committee", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    webhook = models.ForeignKey(Webhook, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    address = models.EmailField(blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["committee", "created_at"], name="delivery_committee"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.pk} {self.status}"

    @property
    def last_error_text(self) -> str:
        return delivery_error_text(self.last_error)

    @property
    def audit_committee_id(self):
        return self.committee_id
