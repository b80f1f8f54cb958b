"""Rectification: the plan and its reviews, the ledger of measures, reminders, the report, the
public notice, follow-up and accountability."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.inspections.models import InspectionStatus
from xuncha.lib import glossary

#: The inspection's states in which the unit works on its rectification (from the feedback
#: to the follow-up).
RECTIFYING = (InspectionStatus.FEEDBACK, InspectionStatus.RECTIFYING,
              InspectionStatus.RECTIFICATION_REPORTED, InspectionStatus.FOLLOW_UP)


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Under review")
    RETURNED = "returned", _("Returned (退回重来)")
    APPROVED = "approved", _("Approved")


class Plan(models.Model):
    """整改方案 of one inspected unit; every submitted version is kept."""

    inspection = models.OneToOneField("inspections.Inspection", on_delete=models.PROTECT,
                                      related_name="rectification_plan")
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    principal_name = models.CharField(_("first responsible person (party secretary)"),
                                      max_length=64, blank=True)
    principal_email = models.EmailField(_("e-mail of the first responsible person"), blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")

    def __str__(self) -> str:
        return gettext("%(what)s: %(of)s") % {"what": gettext("Rectification plan"),
                                              "of": self.inspection}

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id

    def current(self):
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("plan"))
    file = models.FileField(_("attachment"), upload_to="rectification/plans/%Y/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=PlanStatus.choices,
                                default=PlanStatus.SUBMITTED)
    decision_note = models.TextField(blank=True)
    #: who approved or returned this version, and when
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="plan_version_unique")]

    def __str__(self) -> str:
        return gettext("%(what)s, version %(n)d") % {"what": self.plan, "n": self.number}


class ReviewSide(models.TextChoices):
    OFFICE = "office", _("Inspection office")
    DISCIPLINE = "discipline", _("Discipline commission")
    ORGANIZATION = "organization", _("Organization department")


class PlanReview(models.Model):
    """One side's opinion on a submitted version: complete and feasible, or not."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="reviews")
    side = models.CharField(_("reviewer"), max_length=12, choices=ReviewSide.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    complete = models.BooleanField(_("covers every problem fed back"))
    feasible = models.BooleanField(_("measures are specific and feasible"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["version", "created_at"]
        constraints = [models.UniqueConstraint(fields=["version", "side"],
                                               name="plan_review_one_per_side")]

    def __str__(self) -> str:
        return gettext("%(what)s: %(of)s") % {"what": self.get_side_display(),
                                              "of": self.version}

    @property
    def adequate(self) -> bool:
        return self.complete and self.feasible


class Phase(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate (立行立改)")
    CONCENTRATED = "concentrated", _("Concentrated (集中整改)")
    LONG_TERM = "long_term", _("Long-term (长期整改)")


class MeasureStatus(models.TextChoices):
    TODO = "todo", _("To do (待整改)")
    IN_PROGRESS = "in_progress", _("In progress (整改中)")
    DONE = "done", _("Done, awaiting verification (已完成)")
    CLOSED = "closed", _("Closed (已销号)")
    RETURNED = "returned", _("Returned for rework (退回)")


OPEN_MEASURE = [MeasureStatus.TODO, MeasureStatus.IN_PROGRESS, MeasureStatus.RETURNED]


class Measure(models.Model):
    """A line of the ledger (整改台账): one measure against one problem fed back."""

    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT,
                                   related_name="measures")
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="+")
    problem = models.ForeignKey("findings.Problem", verbose_name=_("problem"),
                                on_delete=models.PROTECT, related_name="measures")
    number = models.PositiveIntegerField(_("number"))
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    text = models.TextField(_("measure"))
    phase = models.CharField(_("phase"), max_length=14, choices=Phase.choices,
                             default=Phase.CONCENTRATED)
    responsible_leader = models.CharField(_("responsible leader"), max_length=64)
    leader_email = models.EmailField(_("responsible leader's e-mail"), blank=True)
    responsible_department = models.CharField(_("responsible department"), max_length=100)
    handler = models.CharField(_("handler"), max_length=64, blank=True)
    handler_email = models.EmailField(_("handler's e-mail"), blank=True)
    deadline = models.DateField(_("deadline"), db_index=True)
    deadline_reason = models.CharField(_("why the deadline is after the report is due"),
                                       max_length=300, blank=True)
    intended_result = models.CharField(_("intended result"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices,
                              default=MeasureStatus.TODO, db_index=True)
    publish = models.BooleanField(_("include in the public notice"), default=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["inspection", "number"]
        indexes = [
            models.Index(fields=["committee", "status", "deadline"],
                         name="measure_committee_status"),
            models.Index(fields=["inspection", "status"], name="measure_inspection_status"),
            # The ledger lists a committee's measures by deadline: without this the planner
            # walked the deadline index of the whole province and dropped 47,000 rows of
            # other committees for page 5 (86 ms; bench data set).
            models.Index(fields=["committee", "deadline", "id"], name="measure_committee_deadline"),
        ]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"],
                                               name="measure_unique_number")]

    def __str__(self) -> str:
        return f"M{self.number} {self.text[:30]}"

    @property
    def audit_committee_id(self):
        return self.committee_id

    @property
    def code(self) -> str:
        return f"M-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEASURE


class MeasureProgress(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="progress")
    text = models.TextField(_("progress"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure", "created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class MeasureEvidence(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="rectification/evidence/%Y/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measure", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class MeasureAlert(models.Model):
    """One reminder or escalation sent for a measure. Unique per (measure, step, due date)
    so the sweep can run any number of times and sends each step once."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="alerts")
    step = models.CharField(max_length=16)
    deadline = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "step", "deadline"],
                                               name="alert_once")]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.step}"


class Notification(models.Model):
    """An in-app notice (the bell)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=8, default="info")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text[:40]


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Good (好)")
    GOOD = "good", _("Fairly good (较好)")
    FAIR = "fair", _("Average (一般)")
    POOR = "poor", _("Poor (差)")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Under review")
    RETURNED = "returned", _("Returned for more work (补课)")
    ACCEPTED = "accepted", _("Accepted")


class RectificationReport(models.Model):
    """整改报告 and the principal leader's report on organising the rectification."""

    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT,
                                   related_name="rectification_reports")
    number = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("rectification report"))
    principal_text = models.TextField(_("the principal leader's report on organising it"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(_("status"), max_length=10, choices=ReportState.choices,
                             default=ReportState.SUBMITTED)
    main_problems_solved = models.BooleanField(_("main problems solved"), null=True)
    transfers_handled = models.BooleanField(_("transferred items handled"), null=True)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    review_note = models.TextField(_("review"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["inspection", "-number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "number"],
                                               name="rect_report_unique")]

    def __str__(self) -> str:
        return gettext("%(what)s, version %(n)d") % {
            "what": gettext("%(what)s: %(of)s") % {"what": gettext("Rectification report"),
                                                   "of": self.inspection},
            "n": self.number}

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id


class RateBasis(models.TextChoices):
    """What the published completion rate counts (a committee's choice, ClockPolicy)."""
    PROBLEMS = "problems", _("Problems: rectified problems ÷ problems (all its measures closed)")
    MEASURES = "measures", _("Measures: closed measures ÷ measures")


class WordingStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting approval")
    APPROVED = "approved", _("Approved for publication")


class PublicWording(models.Model):
    """How a problem is named in public (整改公开): written and approved separately from its
    internal title, which a notice never shows (rectification/access.py says who writes and
    who approves). A change goes back to awaiting approval."""

    problem = models.OneToOneField("findings.Problem", on_delete=models.CASCADE,
                                   related_name="public_wording")
    text = models.CharField(_("public wording"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=WordingStatus.choices,
                              default=WordingStatus.DRAFT)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("public wording")
        verbose_name_plural = _("public wordings")

    def __str__(self) -> str:
        return self.text

    @property
    def audit_committee_id(self):
        return self.problem.inspection.committee_id

    @property
    def approved(self) -> bool:
        return self.status == WordingStatus.APPROVED


class PublicNotice(models.Model):
    """整改公开: a published summary with counts and the completion rate."""

    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT,
                                   related_name="public_notices")
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="+")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField()
    withheld = models.PositiveIntegerField(default=0)
    #: what ``done``/``total`` count, by the committee's stated definition
    basis = models.CharField(max_length=10, choices=RateBasis.choices,
                             default=RateBasis.PROBLEMS)
    items = models.JSONField(default=list)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def rate(self) -> float:
        return round(100.0 * self.done / self.total, 2) if self.total else 100.0

    @property
    def rate_text(self) -> str:
        """The published figure in seed 004's style: ``688/697 = 98.71%`` (two decimals)."""
        return f"{self.done}/{self.total} = {self.rate:.2f}%"

    @property
    def audit_committee_id(self):
        return self.committee_id


class FollowUpKind(models.TextChoices):
    VISIT = "visit", _("Return visit (回访)")
    REVISIT = "revisit", _("Look back (回头看)")
    SUPERVISION = "supervision", _("Daily supervision")


class FollowUp(models.Model):
    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT,
                                   related_name="follow_ups")
    kind = models.CharField(_("kind"), max_length=12, choices=FollowUpKind.choices)
    held_on = models.DateField(_("date"))
    findings = models.TextField(_("what was found"))
    conclusion = models.TextField(_("conclusion"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["inspection", "-held_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id


class Accountability(models.Model):
    """问责 for poor rectification: who, the measure taken under the four forms, which
    ledger lines it concerns."""

    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT,
                                   related_name="accountabilities")
    follow_up = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="accountabilities")
    person = models.ForeignKey("organizations.Cadre", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(_("person held accountable"), max_length=64)
    form = models.CharField(_("four forms"), max_length=8)
    action_taken = models.TextField(_("measure taken"))
    decided_on = models.DateField(_("decided on"))
    measures = models.ManyToManyField(Measure, blank=True, related_name="accountabilities")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("accountability")
        verbose_name_plural = _("accountability")
        ordering = ["inspection", "-decided_on"]

    def __str__(self) -> str:
        return f"{self.person_name} {glossary.display('four_forms', self.form)}"

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id

