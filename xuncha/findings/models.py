"""What the team learns on site: activities, problems (问题底稿), clues, the report, the feedback."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    TALK = "talk", _("Individual talk (个别谈话)")
    DOCUMENTS = "documents", _("Document review (调阅)")
    SYMPOSIUM = "symposium", _("Symposium (座谈会)")
    VISIT = "visit", _("Visit (走访)")
    UNANNOUNCED = "unannounced", _("Unannounced check (明察暗访)")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire (民主测评)")
    MEETING = "meeting", _("Attending a meeting (列席会议)")


class Activity(models.Model):
    inspection = models.ForeignKey("inspections.Inspection", verbose_name=_("inspection"),
                                   on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("subject"), max_length=200)
    interviewee = models.ForeignKey("organizations.Cadre", verbose_name=_("interviewee"),
                                    null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    interviewee_name = models.CharField(_("interviewee (if not a recorded cadre)"),
                                        max_length=64, blank=True)
    interviewers = models.ManyToManyField("organizations.Inspector",
                                          verbose_name=_("interviewers"), blank=True,
                                          related_name="+")
    location = models.CharField(_("place"), max_length=200, blank=True)
    record = models.TextField(_("record"), blank=True)
    signed_record = models.FileField(_("signed record"), upload_to="findings/records/%Y/",
                                     blank=True)
    signed_record_name = models.CharField(max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    questionnaires_sent = models.PositiveIntegerField(_("questionnaires handed out"), null=True,
                                                      blank=True)
    questionnaires_returned = models.PositiveIntegerField(_("questionnaires returned"),
                                                          null=True, blank=True)
    satisfaction = models.DecimalField(_("satisfied or basically satisfied (%)"),
                                       max_digits=5, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["inspection", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id


class ProblemCategory(models.Model):
    """A node of the problem taxonomy; ``committee`` empty = the default taxonomy
    (六个围绕、一个加强), which a committee may replace with its own."""

    committee = models.ForeignKey("organizations.Committee", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="problem_categories")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "code"], name="category_unique_code"),
            models.UniqueConstraint(fields=["code"], condition=Q(committee__isnull=True),
                                    name="category_unique_default_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Responsibility(models.TextChoices):
    PRIMARY = "primary", _("Primary responsibility (主体责任)")
    FIRST = "first", _("First responsible person (第一责任人)")
    LEADERSHIP = "leadership", _("Leadership responsibility (领导责任)")
    SUPERVISION = "supervision", _("Supervisory responsibility (监督责任)")


class ProblemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    TEAM_APPROVED = "team_approved", _("Approved by the team meeting")
    SIGNED = "signed", _("Signed by the leader")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Problem(models.Model):
    """问题底稿: one problem with its evidence; only signed problems enter the report."""

    inspection = models.ForeignKey("inspections.Inspection", verbose_name=_("inspection"),
                                   on_delete=models.PROTECT, related_name="problems")
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="+")
    sequence = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    manifestation = models.TextField(_("manifestation (表现)"))
    basis = models.TextField(_("basis (定性依据)"), blank=True)
    category = models.ForeignKey(ProblemCategory, verbose_name=_("category"),
                                 on_delete=models.PROTECT, related_name="problems")
    responsibility = models.CharField(_("responsibility"), max_length=12,
                                      choices=Responsibility.choices, blank=True)
    persons = models.ManyToManyField("organizations.Cadre", verbose_name=_("responsible persons"),
                                     blank=True, related_name="+")
    persons_text = models.CharField(_("other responsible persons"), max_length=200, blank=True)
    activities = models.ManyToManyField(Activity, verbose_name=_("evidence: activities"),
                                        blank=True, related_name="problems")
    petitions = models.ManyToManyField("petitions.Petition", verbose_name=_("evidence: petitions"),
                                       blank=True, related_name="problems")
    found_on = models.DateField(_("found on"), default=timezone.localdate)
    found_by = models.ForeignKey("organizations.Inspector", verbose_name=_("found by"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ProblemStatus.choices,
                              default=ProblemStatus.DRAFT, db_index=True)
    meeting_on = models.DateField(_("team meeting on"), null=True, blank=True)
    meeting_opinion = models.TextField(_("team meeting opinion"), blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    immediate = models.BooleanField(_("rectify at once (立行立改)"), default=False)
    handed_over_on = models.DateField(_("handed to the target on"), null=True, blank=True)
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    fix_note = models.TextField(_("how it was fixed"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["inspection", "sequence"]
        indexes = [
            # Covers the dashboard's count by category (an index-only scan: 100 ms -> ~20 ms
            # for the province's 250,000 problems), and still serves committee/status lookups.
            models.Index(fields=["committee", "status", "category", "immediate"],
                         name="problem_committee_status"),
            models.Index(fields=["category", "found_on"], name="problem_category_date"),
            # The problem library lists a committee's problems newest first.
            models.Index(fields=["committee", "-found_on", "-id"], name="problem_committee_recent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "sequence"], name="problem_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def audit_committee_id(self):
        return self.committee_id


class ProblemFile(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to="findings/evidence/%Y/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class ClueHandling(models.TextChoices):
    TALK = "talk", _("Talk or written inquiry (谈话函询)")
    VERIFY = "verify", _("Preliminary verification (初步核实)")
    HOLD = "hold", _("Kept for later (暂存待查)")
    CLOSE = "close", _("Closed (予以了结)")


class FourForms(models.TextChoices):
    NONE = "none", _("No discipline found")
    FORM1 = "form1", _("Form 1: talk, criticism, self-examination, admonition")
    FORM2 = "form2", _("Form 2: light sanction or organizational adjustment")
    FORM3 = "form3", _("Form 3: heavy sanction or major adjustment")
    FORM4 = "form4", _("Form 4: case investigation, criminal liability")


#: The outcome codes by the four forms (the rectification app's accountability uses them).
FOUR_FORMS_VALUES: tuple[str, ...] = tuple(FourForms.values)


class ClueStatus(models.TextChoices):
    SEALED = "sealed", _("Sealed, awaiting transfer")
    TRANSFERRED = "transferred", _("Transferred")
    HANDLING = "handling", _("Being handled")
    REPORTED = "reported", _("Handling reported")
    CLOSED = "closed", _("Closed")


class Clue(models.Model):
    """问题线索: sealed on entry; only the office head and the receiver read its content."""

    inspection = models.ForeignKey("inspections.Inspection", verbose_name=_("inspection"),
                                   on_delete=models.PROTECT, related_name="clues")
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="+")
    number = models.CharField(_("number"), max_length=64)
    problem = models.ForeignKey(Problem, verbose_name=_("problem"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="clues")
    subject = models.ForeignKey("organizations.Cadre", verbose_name=_("cadre concerned"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    subject_name = models.CharField(_("person concerned"), max_length=64)
    content = models.TextField(_("content"))
    receiver_committee = models.ForeignKey("organizations.Committee", null=True, blank=True,
                                           verbose_name=_("receiving committee"),
                                           on_delete=models.PROTECT, related_name="+")
    receiver_body = models.CharField(_("receiving body"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ClueStatus.choices,
                              default=ClueStatus.SEALED, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    transferred_on = models.DateField(_("transferred on"), null=True, blank=True)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    report_due = models.DateField(_("report due"), null=True, blank=True)
    close_due = models.DateField(_("closing due"), null=True, blank=True)
    close_latest = models.DateField(_("closing at the latest"), null=True, blank=True)
    handling = models.CharField(_("handling"), max_length=8, choices=ClueHandling.choices,
                                blank=True)
    outcome = models.CharField(_("outcome (four forms)"), max_length=8,
                               choices=FourForms.choices, blank=True)
    outcome_note = models.TextField(_("outcome"), blank=True)
    reported_on = models.DateField(_("reported back on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("clue")
        verbose_name_plural = _("clues")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["receiver_committee", "receiver_body", "status"],
                                name="clue_receiver_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def audit_committee_id(self):
        return self.committee_id


class ReportKind(models.TextChoices):
    MAIN = "main", _("Main report")
    THEMATIC = "thematic", _("Thematic report")
    CLUES = "clues", _("Clue report")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the office")
    RETURNED = "returned", _("Returned by the office")
    REVIEWED = "reviewed", _("Reviewed by the office")
    APPROVED = "approved", _("Approved by the leading group")


class Report(models.Model):
    inspection = models.ForeignKey("inspections.Inspection", verbose_name=_("inspection"),
                                   on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["inspection", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["inspection"], condition=Q(kind="main"),
                                               name="one_main_report")]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id

    def current(self) -> "ReportVersion":
        """The latest version (a report has its first from the start)."""
        version = self.versions.order_by("-number").first()
        assert version is not None, "a report without versions"
        return version


class ReportVersion(models.Model):
    """A version of a report. Once approved it is frozen: changes make a new version."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    summary = models.TextField(_("overview"), blank=True)
    conclusion = models.TextField(_("suggestions"), blank=True)
    problems = models.ManyToManyField(Problem, verbose_name=_("problems"), blank=True,
                                      related_name="report_versions")
    none_found = models.BooleanField(_("no problems found"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    #: Who sent this version to the office and when; who reviewed it there (accepted it for
    #: the leading group, or returned it) and when. A returned version is kept as it was:
    #: the next edit or resubmission makes a new version.
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    frozen_docx = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"],
                                               name="report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    @property
    def frozen(self) -> bool:
        return self.status == ReportStatus.APPROVED

    @property
    def audit_committee_id(self):
        return self.report.inspection.committee_id


class ReportComment(models.Model):
    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class Feedback(models.Model):
    """反馈: the meetings, the opinion listing the problems, the recipients (四抄告) and the
    feedback date that starts the rectification clocks."""

    inspection = models.OneToOneField("inspections.Inspection", on_delete=models.PROTECT,
                                      related_name="feedback")
    principal_meeting_on = models.DateField(_("one-to-one with the principal leader on"))
    team_meeting_on = models.DateField(_("feedback to the leadership team on"))
    feedback_on = models.DateField(_("feedback date"))
    opinion = models.TextField(_("feedback opinion"))
    problems = models.ManyToManyField(Problem, related_name="feedbacks")
    recipients = models.JSONField(_("copies to (四抄告)"), default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        # As the audit log and the to-do name it (stored with the event): words, not codes.
        return gettext("%(what)s: %(of)s") % {"what": gettext("Feedback"),
                                              "of": self.inspection}

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id


class NumberingPolicy(models.Model):
    """How a committee numbers its problem drafts and clues."""

    committee = models.OneToOneField("organizations.Committee", on_delete=models.CASCADE,
                                     related_name="numbering_policy")
    problem_pattern = models.CharField(
        _("problem number pattern"), max_length=100,
        default="[{year}]{abbr}巡-{team}组-{seq:02d}号",
        help_text=_("Placeholders: {year}, {abbr} (committee), {round}, {team}, {seq}."))
    clue_pattern = models.CharField(_("clue number pattern"), max_length=100,
                                    default="[{year}]{abbr}巡线-{team}组-{seq:02d}号")
    abbreviation = models.CharField(_("committee abbreviation"), max_length=10, blank=True)

    def __str__(self) -> str:
        return f"numbering of {self.committee_id}"
