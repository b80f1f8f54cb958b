"""Published texts about inspections, their extraction, the person's corrections, and the
inspection they were turned into."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="announcements")
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    extracted = models.JSONField(_("extracted"), default=dict)
    corrected = models.JSONField(_("reviewed values"), default=dict)
    inspections = models.ManyToManyField("inspections.Inspection", blank=True,
                                         related_name="announcements")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def audit_committee_id(self):
        return self.committee_id

    @property
    def values(self) -> dict:
        return self.corrected or self.extracted
