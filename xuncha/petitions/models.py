"""Petitions (信访举报) from every channel, their subjects, triage, duplicates, transfers, and
the reporter's identity — encrypted, masked, and revealed only through an approved request."""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("E-mail")
    BOX = "box", _("Suggestion box")
    ONLINE = "online", _("Online")


class Route(models.TextChoices):
    INSPECTION = "inspection", _("Inspection team")
    LATE = "late", _("Regular petition office (after the deadline)")
    OFFICE = "office", _("Inspection office queue")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACCEPTED = "accepted", _("Accepted")
    TRANSFERRED = "transferred", _("Transferred")
    FILED = "filed", _("Filed (存查)")
    DUPLICATE = "duplicate", _("Duplicate (重复件)")


class Discipline(models.TextChoices):
    POLITICAL = "political", _("Political discipline")
    ORGANIZATIONAL = "organizational", _("Organizational discipline")
    INTEGRITY = "integrity", _("Integrity discipline")
    MASS = "mass", _("Mass discipline")
    WORK = "work", _("Work discipline")
    LIFE = "life", _("Life discipline")


class TransferCategory(models.TextChoices):
    PERSONAL = "personal", _("Personal appeal")
    LAND = "land", _("Land acquisition and demolition")
    LITIGATION = "litigation", _("Litigation")
    OTHER = "other", _("Other matter for another department")


class Petition(models.Model):
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="petitions")
    inspection = models.ForeignKey("inspections.Inspection", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="petitions")
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("unit reported about"),
                             null=True, blank=True, on_delete=models.PROTECT,
                             related_name="petitions")
    route = models.CharField(_("queue"), max_length=10, choices=Route.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    box_location = models.CharField(_("suggestion box location"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    late = models.BooleanField(_("after the deadline"), default=False)
    content = models.TextField(_("content"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    reporter_name = models.TextField(blank=True)  # encrypted (fieldcrypto)
    reporter_phone = models.TextField(blank=True)  # encrypted
    reporter_id_number = models.TextField(blank=True)  # encrypted
    reporter_address = models.TextField(blank=True)  # encrypted
    reporter_name_masked = models.CharField(_("reporter"), max_length=32, blank=True)
    reporter_phone_masked = models.CharField(_("reporter's phone"), max_length=32, blank=True)
    reporter_id_number_masked = models.CharField(_("reporter's ID number"), max_length=32,
                                                 blank=True)
    reporter_address_masked = models.CharField(_("reporter's address"), max_length=64,
                                               blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.NEW)
    category = models.CharField(_("discipline"), max_length=16, choices=Discipline.choices,
                                blank=True)
    transfer_category = models.CharField(_("transfer category"), max_length=12,
                                         choices=TransferCategory.choices, blank=True)
    # {"kind": "discipline"|"transfer"|"", "category", "score", "matched": [words], "scores"}
    suggestion = models.JSONField(default=dict, blank=True)
    # [{"id", "ratio", "channel"}] found when the petition came in (re-checked in triage)
    possible_duplicates = models.JSONField(default=list, blank=True)
    triage_note = models.TextField(_("triage note"), blank=True)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates")
    duplicate_count = models.PositiveIntegerField(_("duplicates merged"), default=0)
    # HMAC-SHA256 of the online reporter's receipt under a server pepper; never the receipt.
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    search_text = models.TextField(blank=True)  # normalised text, used on SQLite only
    search_vector = SearchVectorField(null=True, blank=True)  # PostgreSQL only
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["committee", "-received_at", "-id"],
                         name="petition_committee_recent"),
            models.Index(fields=["inspection", "-received_at", "-id"],
                         name="petition_inspection_recent"),
            models.Index(fields=["committee", "status", "-received_at"],
                         name="petition_committee_status"),
            models.Index(fields=["committee", "route", "-received_at"],
                         name="petition_committee_route"),
            # The dashboard counts petitions by these columns in one index-only scan: the
            # province's roll-up over 1,000,000 petitions took 1.0 s from the table and
            # 0.29 s from this index (bench data set, PostgreSQL).
            models.Index(fields=["committee", "channel", "status", "category", "late"],
                         name="petition_stats"),
        ]
        constraints = [
            models.CheckConstraint(
                name="petition_duplicate_has_original",
                condition=(Q(status="duplicate", duplicate_of__isnull=False)
                           | (~Q(status="duplicate") & Q(duplicate_of__isnull=True)))),
            models.CheckConstraint(name="petition_accepted_has_category",
                                   condition=~Q(status="accepted") | ~Q(category="")),
            models.CheckConstraint(name="petition_transferred_has_category",
                                   condition=~Q(status="transferred") | ~Q(transfer_category="")),
            models.CheckConstraint(name="petition_team_queue_has_inspection",
                                   condition=~Q(route="inspection") | Q(inspection__isnull=False)),
            models.CheckConstraint(name="petition_late_in_late_queue",
                                   condition=Q(late=False) | Q(route="late")),
            models.CheckConstraint(name="petition_box_has_location",
                                   condition=~Q(channel="box") | ~Q(box_location="")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_channel_display()}"

    @property
    def audit_committee_id(self) -> int:
        return self.committee_id

    @property
    def summary(self) -> str:
        return self.content[:80]


class PetitionSubject(models.Model):
    """被反映人: a person (and their unit) the petition is about."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="subjects")
    name = models.CharField(_("name"), max_length=64)
    position = models.CharField(_("position"), max_length=100, blank=True)
    unit = models.ForeignKey("organizations.Unit", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    unit_name = models.CharField(_("unit"), max_length=100, blank=True)
    cadre = models.ForeignKey("organizations.Cadre", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["petition", "pk"]
        indexes = [models.Index(fields=["name"], name="subject_name")]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    QUESTION = "question", _("Question to the reporter")
    REPORTER = "reporter", _("From the reporter")


class PetitionMessage(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["petition", "created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class PetitionAttachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(PetitionMessage, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="attachments")
    file = models.FileField(upload_to="petitions/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["petition", "pk"]

    def __str__(self) -> str:
        return self.name


class Transfer(models.Model):
    """转办: an out-of-scope petition sent to the responsible department, tracked until it
    answers (分级负责、属地管理)."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="transfer")
    department = models.CharField(_("department"), max_length=100)
    transferred_on = models.DateField(_("transferred on"))
    due_on = models.DateField(_("answer due"))
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                       related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        indexes = [models.Index(fields=["answered_on", "due_on"], name="transfer_open_due")]
        constraints = [models.CheckConstraint(
            name="transfer_due_after_transfer", condition=Q(due_on__gte=F("transferred_on")))]

    def __str__(self) -> str:
        return f"{self.petition_id} → {self.department}"


class RevealStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a custodian")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class RevealRequest(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="reveals")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=RevealStatus.choices,
                              default=RevealStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="reveal_status_recent")]
        constraints = [models.CheckConstraint(
            name="reveal_approved_has_expiry",
            condition=~Q(status="approved") | Q(valid_until__isnull=False))]

    def __str__(self) -> str:
        return gettext("%(what)s: %(of)s") % {"what": gettext("Identity disclosure request"),
                                              "of": self.petition}

    def is_current(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return (self.status == RevealStatus.APPROVED and self.valid_until is not None
                and self.valid_until > now)

    @property
    def audit_committee_id(self) -> int:
        return self.petition.committee_id


class PetitionBand(models.Model):
    """One MinHash band key of a petition, for finding near-duplicates by index lookups."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+",
                                 db_index=False)
    committee_id = models.BigIntegerField()
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["committee_id", "key"], name="band_lookup"),
                   models.Index(fields=["petition"], name="band_petition")]

    def __str__(self) -> str:
        return f"{self.petition_id}:{self.key}"
