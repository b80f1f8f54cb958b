"""The inspection team's own conduct: the integrity pledge (廉洁承诺 / 八个严禁) each member
signs before stationing, and reports about the team itself (对巡察组的监督) that reach the
office and the discipline body, never the team reported on, with the accountability
recorded against the inspector when one is substantiated."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: The committee's pledge when it has written none: the seed's 八个严禁 and four
#: absolute prohibitions.
DEFAULT_PLEDGE = """巡察干部廉洁承诺书

本人作为巡察组成员，郑重承诺：严格遵守巡察工作纪律，自觉执行巡察干部"八个严禁"要求，严守政治纪律、保密纪律、廉洁纪律：
一、绝不接受任何形式的宴请；
二、绝不接受任何形式的馈赠；
三、绝不泄露任何与巡察工作有关的秘密；
四、绝不以巡察谋私；
五、不超越权限、不干预被巡察单位正常工作；
六、不以个人名义对被巡察单位作出承诺或表态；
七、不利用巡察工作便利为本人或他人谋取利益；
八、不打探、不过问与巡察工作无关的事项。
对巡察中发现的问题如实报告，不隐瞒、不遗漏、不夸大。如有违反，自愿接受组织严肃处理。"""


class PledgeText(models.Model):
    """One version of a committee's pledge text; the highest version is the one signed."""

    committee = models.ForeignKey("organizations.Committee", verbose_name=_("committee"),
                                  on_delete=models.PROTECT, related_name="pledge_texts")
    version = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("pledge text"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pledge text")
        verbose_name_plural = _("pledge texts")
        ordering = ["committee", "-version"]
        constraints = [models.UniqueConstraint(fields=["committee", "version"],
                                               name="pledge_text_unique_version")]

    def __str__(self) -> str:
        return f"v{self.version}"

    @property
    def audit_committee_id(self):
        return self.committee_id


class Pledge(models.Model):
    """A team member's signature under one version of the pledge text."""

    member = models.OneToOneField("inspections.TeamMember", verbose_name=_("team member"),
                                  on_delete=models.CASCADE, related_name="pledge")
    text = models.ForeignKey(PledgeText, verbose_name=_("pledge text"),
                             on_delete=models.PROTECT, related_name="pledges")
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    on_paper = models.BooleanField(_("signed on paper"), default=False,
                                   help_text=_("Recorded by the office from a signed paper "
                                               "copy."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = _("integrity pledge")
        verbose_name_plural = _("integrity pledges")
        ordering = ["member"]

    def __str__(self) -> str:
        return f"{self.member} {self.text}"

    @property
    def audit_committee_id(self):
        return self.text.committee_id


class ExemptionReason(models.TextChoices):
    STATIONED = "stationed", _("Stationed before pledges were recorded")
    IMPORTED = "imported", _("Imported from an announcement")


class PledgeExemption(models.Model):
    """An inspection stationed without pledges in the system (set by the data migration)."""

    inspection = models.OneToOneField("inspections.Inspection", on_delete=models.CASCADE,
                                      related_name="pledge_exemption")
    reason = models.CharField(_("reason"), max_length=10, choices=ExemptionReason.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pledge exemption")
        verbose_name_plural = _("pledge exemptions")

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.reason}"


class ConductPolicy(models.Model):
    """The committee's supervision channel for reports about its teams (监督电话)."""

    committee = models.OneToOneField("organizations.Committee", on_delete=models.CASCADE,
                                     related_name="conduct_policy")
    supervision_phone = models.CharField(
        _("supervision phone"), max_length=64, blank=True,
        help_text=_("Published on each notice for reports about the team itself."))
    supervision_note = models.CharField(_("supervision note"), max_length=200, blank=True)
    appraisal_grades = models.JSONField(
        _("appraisal grades"), default=list, blank=True,
        help_text=_("The grades of the 综合鉴定, best first; empty: 优秀, 称职, 基本称职, 不称职."))

    class Meta:
        verbose_name = _("conduct policy")
        verbose_name_plural = _("conduct policies")

    def __str__(self) -> str:
        return gettext("Conduct settings of committee %(committee)s") % {"committee": self.committee_id}

    @property
    def audit_committee_id(self):
        return self.committee_id


class ReportSource(models.TextChoices):
    PUBLIC = "public", _("Public (notice link)")
    PHONE = "phone", _("Supervision phone")
    STAFF = "staff", _("Staff")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received by the office")
    TRANSFERRED = "transferred", _("Transferred to the discipline body")
    SUBSTANTIATED = "substantiated", _("Substantiated")
    UNSUBSTANTIATED = "unsubstantiated", _("Not substantiated")


OPEN_REPORT = (ReportStatus.RECEIVED, ReportStatus.TRANSFERRED)


class ConductReport(models.Model):
    """A report about an inspection team or one of its members (灯下黑). The reporter's
    identity is stored as a petition's is (``xuncha.petitions.identity``): encrypted,
    masked for staff."""

    committee = models.ForeignKey("organizations.Committee", verbose_name=_("committee"),
                                  on_delete=models.PROTECT, related_name="conduct_reports")
    team = models.ForeignKey("inspections.Team", verbose_name=_("team"),
                             on_delete=models.PROTECT, related_name="conduct_reports")
    inspection = models.ForeignKey("inspections.Inspection", verbose_name=_("inspection"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="conduct_reports")
    inspector = models.ForeignKey("organizations.Inspector",
                                  verbose_name=_("inspector reported on"), null=True,
                                  blank=True, on_delete=models.PROTECT,
                                  related_name="conduct_reports")
    source = models.CharField(_("source"), max_length=8, choices=ReportSource.choices)
    content = models.TextField(_("content"))
    anonymous = models.BooleanField(default=True)
    reporter_name = models.TextField(blank=True)  # encrypted (fieldcrypto)
    reporter_phone = models.TextField(blank=True)  # encrypted
    reporter_id_number = models.TextField(blank=True)  # encrypted
    reporter_address = models.TextField(blank=True)  # encrypted
    reporter_name_masked = models.CharField(max_length=64, blank=True)
    reporter_phone_masked = models.CharField(max_length=32, blank=True)
    reporter_id_number_masked = models.CharField(max_length=32, blank=True)
    reporter_address_masked = models.CharField(max_length=8, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices,
                              default=ReportStatus.RECEIVED, db_index=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(null=True, blank=True)
    transfer_note = models.TextField(_("transfer note"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    concluded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report about a team")
        verbose_name_plural = _("reports about teams")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["committee", "status"], name="conduct_committee_status")]
        constraints = [models.CheckConstraint(
            name="conduct_concluded_has_conclusion",
            condition=~Q(status__in=["substantiated", "unsubstantiated"]) | ~Q(conclusion=""))]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def audit_committee_id(self):
        return self.committee_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REPORT


class SanctionKind(models.TextChoices):
    CRITICISM = "criticism", _("Criticism and education (批评教育)")
    ADMONITION = "admonition", _("Admonishing talk (诫勉谈话)")
    REMOVED = "removed", _("Removed from the team (调离巡察组)")
    ORGANIZATIONAL = "organizational", _("Organizational handling (组织处理)")
    DISCIPLINARY = "disciplinary", _("Disciplinary sanction (纪律处分)")


class InspectorAccountability(models.Model):
    """问责 of an inspector after a substantiated report about them."""

    report = models.ForeignKey(ConductReport, verbose_name=_("report"),
                               on_delete=models.PROTECT, related_name="accountabilities")
    inspector = models.ForeignKey("organizations.Inspector", verbose_name=_("inspector"),
                                  on_delete=models.PROTECT, related_name="accountabilities")
    kind = models.CharField(_("kind"), max_length=16, choices=SanctionKind.choices)
    text = models.TextField(_("decision"))
    decided_on = models.DateField(_("decided on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("inspector accountability")
        verbose_name_plural = _("inspector accountabilities")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.inspector_id} {self.kind}"

    @property
    def audit_committee_id(self):
        return self.report.committee_id


class SelfCheck(models.Model):
    """The unit's self-check report before the team is stationed (巡察前自查): what it found
    and what it already fixed (即知即改)."""

    inspection = models.OneToOneField("inspections.Inspection", verbose_name=_("inspection"),
                                      on_delete=models.PROTECT, related_name="self_check")
    summary = models.TextField(_("summary"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("self-check report")
        verbose_name_plural = _("self-check reports")

    def __str__(self) -> str:
        return gettext("Self-check of inspection %(inspection)s") % {"inspection": self.inspection_id}

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id


class SelfFoundProblem(models.Model):
    """A problem the unit found itself, tracked to its fix like a 立行立改 item."""

    self_check = models.ForeignKey(SelfCheck, verbose_name=_("self-check report"),
                                   on_delete=models.CASCADE, related_name="problems")
    inspection = models.ForeignKey("inspections.Inspection", on_delete=models.PROTECT,
                                   related_name="self_found_problems")
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="+")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("problem"))
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    fix_note = models.TextField(_("how it was fixed"), blank=True)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("self-found problem")
        verbose_name_plural = _("self-found problems")
        ordering = ["self_check", "number"]
        constraints = [
            models.UniqueConstraint(fields=["self_check", "number"],
                                    name="self_found_unique_number"),
            models.CheckConstraint(name="self_found_fixed_has_note",
                                   condition=Q(fixed_on__isnull=True) | ~Q(fix_note="")),
        ]
        indexes = [models.Index(fields=["committee", "fixed_on"], name="self_found_committee")]

    def __str__(self) -> str:
        return f"{self.self_check_id}-{self.number}"

    @property
    def audit_committee_id(self):
        return self.committee_id

    @property
    def fixed(self) -> bool:
        return self.fixed_on is not None


#: The grades of the 综合鉴定 when the committee has set none.
DEFAULT_GRADES = ["优秀", "称职", "基本称职", "不称职"]
#: The readers' names of the default grades (a committee's own grades are shown as written).
DEFAULT_GRADE_LABELS = {"优秀": _("Excellent"), "称职": _("Competent"),
                        "基本称职": _("Basically competent"), "不称职": _("Not competent")}


def grade_text(grade: str) -> str:
    """A grade as the reader reads it: the default grades in the reader's language."""
    label = DEFAULT_GRADE_LABELS.get(grade)
    return str(label) if label is not None else grade


class AppraisalStatus(models.TextChoices):
    DRAFT = "draft", _("Drafted by the team leader")
    CONFIRMED = "confirmed", _("Confirmed by the office")


class Appraisal(models.Model):
    """综合鉴定: the team leader's appraisal of one member's work on the team, confirmed by
    the office into the inspector's record in the pool; the office may send it to the
    organization department. Never shown to the member's peers."""

    member = models.OneToOneField("inspections.TeamMember", verbose_name=_("team member"),
                                  on_delete=models.PROTECT, related_name="appraisal")
    inspector = models.ForeignKey("organizations.Inspector", verbose_name=_("inspector"),
                                  on_delete=models.PROTECT, related_name="appraisals")
    team = models.ForeignKey("inspections.Team", verbose_name=_("team"),
                             on_delete=models.PROTECT, related_name="appraisals")
    committee = models.ForeignKey("organizations.Committee", on_delete=models.PROTECT,
                                  related_name="+")
    grade = models.CharField(_("grade"), max_length=20)
    text = models.TextField(_("appraisal"))
    status = models.CharField(_("status"), max_length=10, choices=AppraisalStatus.choices,
                              default=AppraisalStatus.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent to the organization department"), null=True,
                                   blank=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["-drafted_at", "-pk"]
        indexes = [models.Index(fields=["inspector", "status"], name="appraisal_inspector")]

    def __str__(self) -> str:
        return f"{self.inspector_id} {self.grade}"

    @property
    def grade_text(self) -> str:
        return grade_text(self.grade)

    @property
    def audit_committee_id(self):
        return self.committee_id


class Branch(models.Model):
    """临时党支部: the team's temporary party branch, from the team's forming until its last
    inspection of the round ends. Its members are the team's members."""

    team = models.OneToOneField("inspections.Team", verbose_name=_("team"),
                                on_delete=models.PROTECT, related_name="branch")
    secretary = models.ForeignKey("organizations.Inspector", verbose_name=_("secretary"),
                                  null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    dissolved_at = models.DateTimeField(_("dissolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("temporary party branch")
        verbose_name_plural = _("temporary party branches")

    def __str__(self) -> str:
        return gettext("Temporary party branch of team %(team)s") % {"team": self.team_id}

    @property
    def audit_committee_id(self):
        return self.team.round.committee_id


class MeetingKind(models.TextChoices):
    BRANCH_MEETING = "branch", _("Branch members' meeting (支部党员大会)")
    COMMITTEE = "committee", _("Branch committee meeting (支委会)")
    GROUP = "group", _("Party group meeting (党小组会)")
    LECTURE = "lecture", _("Party lecture (党课)")
    TALK = "talk", _("Heart-to-heart talk (谈心谈话)")
    THEME_DAY = "theme_day", _("Theme party day (主题党日)")


class BranchMeeting(models.Model):
    """组织生活: one meeting of the branch (三会一课, 谈心谈话)."""

    branch = models.ForeignKey(Branch, verbose_name=_("branch"), on_delete=models.PROTECT,
                               related_name="meetings")
    kind = models.CharField(_("kind"), max_length=10, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    attendees = models.ManyToManyField("organizations.Inspector", verbose_name=_("attendance"),
                                       blank=True, related_name="+")
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("branch meeting")
        verbose_name_plural = _("branch meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    @property
    def audit_committee_id(self):
        return self.branch.team.round.committee_id
