"""The audit trail: one append-only, MAC-chained row per action (see ``chain.py``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Something a person (or the public, or the system) did.

    Rows are never updated or deleted (database triggers refuse it). Each row's
    ``hash`` is the HMAC-SHA256, under the key ``key_id`` names (``XUNCHA_AUDIT_KEYS``), of
    its own content and the previous row's ``hash``, so any edit or removal breaks the chain
    at that row; ``xuncha audit-verify`` finds it, and a cut-off tail against the last
    checkpoint. Rows from before the keyed chain have no ``key_id`` and a plain
    SHA-256 ``hash``.
    """

    seq = models.BigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    committee_id = models.BigIntegerField(_("committee"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    #: The id of the ``XUNCHA_AUDIT_KEYS`` key that signed the row; NULL for the SHA-256
    #: rows written before the keyed chain (a nullable column is added without rewriting,
    #: or on SQLite re-creating, the append-only table).
    key_id = models.CharField(max_length=16, null=True, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["committee_id", "-seq"], name="audit_committee_seq"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "-seq"], name="audit_actor_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only.")
