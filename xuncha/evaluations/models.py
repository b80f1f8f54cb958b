"""述职评议: a configurable evaluation vote — objects in groups, grades, ballot types with
weights, quotas, one-time voting codes, paper ballots entered twice, and results."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Voting")
    CLOSED = "closed", _("Closed")


class UnmarkedRule(models.TextChoices):
    BLANK = "blank", _("Count as blank (abstention) for that object")
    VOID = "void", _("The ballot is void")
    LOWEST = "lowest", _("Count as the lowest grade")


class Evaluation(models.Model):
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="evaluations")
    title = models.CharField(_("title"), max_length=200)
    meeting_date = models.DateField(_("meeting date"))
    closes_at = models.DateTimeField(_("voting closes at"))
    unmarked_rule = models.CharField(_("an object left unmarked"), max_length=8,
                                     choices=UnmarkedRule.choices, default=UnmarkedRule.BLANK)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices,
                              default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-meeting_date", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_committee_id(self):
        return self.committee_id

    def is_open_now(self) -> bool:
        return self.status == Status.OPEN and timezone.now() < self.closes_at


class Grade(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="grades")
    code = models.CharField(_("code"), max_length=16)
    label = models.CharField(_("grade"), max_length=20)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["evaluation", "position"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "code"],
                                               name="grade_unique_code")]

    def __str__(self) -> str:
        return self.label


class Group(models.Model):
    """A class of objects graded together, with its quota on one grade (usually 好)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    quota_grade = models.CharField(_("limited grade"), max_length=16, default="good")
    quota_ratio = models.DecimalField(_("at most this share of the group"), max_digits=4,
                                      decimal_places=3, null=True, blank=True)
    quota_max = models.PositiveSmallIntegerField(_("and at most this many"), null=True,
                                                 blank=True)

    class Meta:
        ordering = ["evaluation", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class Object(models.Model):
    """Someone evaluated (the secretary of a county party committee, of a university…)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey("organizations.Unit", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class BallotType(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE,
                                   related_name="ballot_types")
    code = models.CharField(_("code"), max_length=4)
    name = models.CharField(_("name"), max_length=100)
    voters = models.CharField(_("who receives it"), max_length=300)
    weight = models.DecimalField(_("weight in the combined result"), max_digits=5,
                                 decimal_places=3)

    class Meta:
        ordering = ["evaluation", "code"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "code"],
                                               name="ballot_type_unique_code")]

    def __str__(self) -> str:
        return self.name


class VotingCode(models.Model):
    """A one-time code. Only its keyed hash is kept, and nothing links it to the ballot cast
    with it: no foreign key, no time of use."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="codes")
    ballot_type = models.ForeignKey(BallotType, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"code of {self.ballot_type_id}"


class Source(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper")


class Ballot(models.Model):
    """A cast ballot. Random key and no timestamp, so its order reveals nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ballots")
    ballot_type = models.ForeignKey(BallotType, on_delete=models.CASCADE, related_name="ballots")
    source = models.CharField(max_length=8, choices=Source.choices)
    marks = models.JSONField(default=dict)  # {object id: [grade codes]}
    valid = models.BooleanField(default=True)
    void_reasons = models.JSONField(default=list)

    class Meta:
        indexes = [models.Index(fields=["evaluation", "ballot_type"], name="ballot_type_idx")]

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class SheetStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for the second entry")
    AGREED = "agreed", _("Both entries agree")
    MISMATCH = "mismatch", _("Entries differ: to resolve")
    RESOLVED = "resolved", _("Resolved")


class PaperSheet(models.Model):
    """A paper ballot, identified by its serial number, entered by two clerks."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="sheets")
    ballot_type = models.ForeignKey(BallotType, on_delete=models.CASCADE, related_name="sheets")
    number = models.PositiveIntegerField(_("sheet number"))
    status = models.CharField(max_length=10, choices=SheetStatus.choices,
                              default=SheetStatus.WAITING)
    ballot = models.OneToOneField(Ballot, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="sheet")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["evaluation", "ballot_type", "number"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "ballot_type", "number"],
                                               name="sheet_unique_number")]

    def __str__(self) -> str:
        return f"{self.ballot_type} #{self.number}"


class PaperEntry(models.Model):
    sheet = models.ForeignKey(PaperSheet, on_delete=models.CASCADE, related_name="entries")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    marks = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "clerk"], name="entry_one_per_clerk"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} by {self.clerk_id}"

