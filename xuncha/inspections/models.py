"""Rounds, teams, inspections (one team at one target), channels, and the working-day calendar.

一托N is a team with N inspections in the same round: each target has its own period,
stationing date, petition deadline, scope and channels, and moves through its own states.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoundKind(models.TextChoices):
    REGULAR = "regular", _("Regular")
    SPECIAL = "special", _("Special (topic)")
    MOBILE = "mobile", _("Mobile")
    REVISIT = "revisit", _("Revisit (回头看)")
    ESCALATED = "escalated", _("Escalated (提级)")
    CROSS = "cross", _("Cross (交叉)")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class Round(models.Model):
    """轮次: a round of inspections planned by the office and approved by the leading group."""

    committee = models.ForeignKey("organizations.Committee", verbose_name=_("committee"),
                                  on_delete=models.PROTECT, related_name="rounds")
    term = models.ForeignKey("organizations.Term", verbose_name=_("term"),
                             on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round number"))
    kind = models.CharField(_("kind"), max_length=12, choices=RoundKind.choices,
                            default=RoundKind.REGULAR)
    topic = models.CharField(_("special topic"), max_length=100, blank=True,
                             help_text=_("For special rounds, e.g. 不作为不担当问题"))
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices,
                              default=RoundStatus.DRAFT)
    note = models.TextField(_("plan"), blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["committee", "-planned_start"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "term", "number"],
                                    name="round_unique_number"),
            models.CheckConstraint(name="round_dates_in_order",
                                   condition=Q(planned_end__gte=F("planned_start"))),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        word = "巡视" if self.committee.is_inspection_level_xunshi else "巡察"
        short = self.committee.short_name
        return f"{self.term.name}{short}第{self.number}轮{word}"

    @property
    def audit_committee_id(self):
        return self.committee_id


class TeamPosition(models.TextChoices):
    LEADER = "leader", _("Leader (组长)")
    DEPUTY = "deputy", _("Deputy leader (副组长)")
    MEMBER = "member", _("Member")


class Duty(models.TextChoices):
    TALKS = "talks", _("Talks")
    FINANCE = "finance", _("Finance and audit")
    PETITIONS = "petitions", _("Petitions officer")
    LIAISON = "liaison", _("Liaison")
    DOCUMENTS = "documents", _("Documents and records")


class Team(models.Model):
    """巡视组/巡察组 of one round."""

    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT,
                              related_name="teams")
    number = models.PositiveSmallIntegerField(_("team number"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["round", "number"]
        constraints = [models.UniqueConstraint(fields=["round", "number"],
                                               name="team_unique_number")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        word = "巡视组" if self.round.committee.is_inspection_level_xunshi else "巡察组"
        return f"第{_cn_number(self.number)}{word}"

    @property
    def audit_committee_id(self):
        return self.round.committee_id


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


class TeamMember(models.Model):
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="members")
    inspector = models.ForeignKey("organizations.Inspector", verbose_name=_("inspector"),
                                  on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(_("position"), max_length=8, choices=TeamPosition.choices,
                                default=TeamPosition.MEMBER)
    duties = models.JSONField(_("duties"), default=list, blank=True)
    override_reason = models.TextField(_("reason for overriding the avoidance check"),
                                       blank=True)
    overridden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "inspector"], name="member_unique"),
            models.UniqueConstraint(fields=["team"], condition=Q(position="leader"),
                                    name="team_one_leader"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.inspector}"

    @property
    def audit_committee_id(self):
        return self.team.round.committee_id

    def duty_labels(self) -> list[str]:
        labels = dict(Duty.choices)
        return [str(labels.get(d, d)) for d in self.duties]


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    STATIONED = "stationed", _("Stationed")
    ON_SITE = "on_site", _("On site")
    REPORTING = "reporting", _("Reporting")
    FEEDBACK = "feedback", _("Feedback given")
    RECTIFYING = "rectifying", _("Rectifying")
    RECTIFICATION_REPORTED = "rectification_reported", _("Rectification reported")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


STATUS_ORDER = list(InspectionStatus.values)


def new_public_code() -> str:
    """An unguessable code for the public pages of one target (notice, QR, reporting)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _i in range(12))


class Inspection(models.Model):
    """One team at one target (被巡察单位) in a round, with its own dates, channels and state."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT,
                             related_name="inspections")
    round = models.ForeignKey(Round, verbose_name=_("round"), on_delete=models.PROTECT,
                              related_name="inspections")
    committee = models.ForeignKey("organizations.Committee", verbose_name=_("committee"),
                                  on_delete=models.PROTECT, related_name="inspections")
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("target unit"),
                             on_delete=models.PROTECT, related_name="inspections")
    escalated = models.BooleanField(_("escalated (提级)"), default=False)
    revisit_of = models.ForeignKey("self", verbose_name=_("revisit of"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="revisits")
    period_start = models.DateField(_("on-site from"))
    period_end = models.DateField(_("on-site until"))
    stationed_on = models.DateField(_("stationing date"))
    petition_deadline = models.DateField(_("petition deadline"))
    notified_on = models.DateField(_("target notified on"), null=True, blank=True)
    scope_text = models.TextField(
        _("petition scope"), blank=True,
        help_text=_("Whose conduct and which matters the team accepts petitions about."))
    public_code = models.CharField(max_length=16, unique=True, default=new_public_code,
                                   editable=False)
    status = models.CharField(_("status"), max_length=24, choices=InspectionStatus.choices,
                              default=InspectionStatus.PLANNED, db_index=True)
    feedback_on = models.DateField(_("feedback date"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-period_start", "pk"]
        indexes = [
            models.Index(fields=["committee", "status"], name="inspection_committee_status"),
            models.Index(fields=["unit", "petition_deadline"], name="inspection_unit_deadline"),
        ]
        constraints = [
            models.CheckConstraint(name="inspection_period_in_order",
                                   condition=Q(period_end__gte=F("period_start"))),
            models.CheckConstraint(name="inspection_deadline_after_stationing",
                                   condition=Q(petition_deadline__gte=F("stationed_on"))),
        ]

    def __str__(self) -> str:
        return f"{self.team.name}·{self.unit.name}"

    @property
    def audit_committee_id(self):
        return self.committee_id

    def status_index(self) -> int:
        return STATUS_ORDER.index(self.status)

    def reached(self, status: str) -> bool:
        return self.status_index() >= STATUS_ORDER.index(status)

    def intake_open_on(self, day) -> bool:
        return self.reached(InspectionStatus.STATIONED) and self.stationed_on <= day <= (
            self.petition_deadline)

    def intake_state(self, day) -> str:
        """Where ``day`` falls in the intake window, as the public pages say it: ``"not_yet"``
        (before the stationing date: reports sent now wait for the team), ``"open"``
        (stationing date to the deadline, both included) or ``"closed"``."""
        if day > self.petition_deadline or self.reached(InspectionStatus.FEEDBACK):
            return "closed"
        if day < self.stationed_on or not self.reached(InspectionStatus.STATIONED):
            return "not_yet"
        return "open"


class ChannelKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("SMS")
    POSTAL = "postal", _("Postal box")
    EMAIL = "email", _("E-mail")
    ONLINE = "online", _("Online reporting")
    SUGGESTION_BOX = "box", _("Suggestion box")
    VISIT = "visit", _("Reception for visits")


class Channel(models.Model):
    """A published way to reach the team (联系方式)."""

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"),
                                   on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=8, choices=ChannelKind.choices)
    value = models.CharField(_("number, address or place"), max_length=200)
    hours = models.CharField(_("hours"), max_length=100, blank=True,
                             help_text=_("For example 每天8:00—20:00"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["inspection", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    @property
    def audit_committee_id(self):
        return self.inspection.committee_id


class WorkdayOverride(models.Model):
    """A local correction of the working-day calendar (or a year the package does not know).

    ``committee`` empty: applies everywhere (platform operator); otherwise to that committee.
    """

    committee = models.ForeignKey("organizations.Committee", verbose_name=_("committee"),
                                  null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="workday_overrides")
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "date"], name="override_unique_date"),
            models.UniqueConstraint(fields=["date"], condition=Q(committee__isnull=True),
                                    name="override_unique_global_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {'work' if self.is_workday else 'rest'}"

    @property
    def audit_committee_id(self):
        return self.committee_id


class ClockPolicy(models.Model):
    """A committee's own clock lengths (DESIGN.md "Clocks"); defaults apply without a row."""

    committee = models.OneToOneField("organizations.Committee", on_delete=models.CASCADE,
                                     related_name="clock_policy")
    notice_workdays = models.PositiveSmallIntegerField(
        _("notice to the target before stationing (working days)"), default=10)
    plan_workdays = models.PositiveSmallIntegerField(
        _("rectification plan after feedback (working days)"), default=15)
    report_months = models.PositiveSmallIntegerField(
        _("rectification report after feedback (months)"), null=True, blank=True,
        help_text=_("Empty: 2 months for 巡视, 3 months for 巡察."))
    clue_report_months = models.PositiveSmallIntegerField(
        _("receiver's report on a clue (months)"), default=3)
    clue_close_months = models.PositiveSmallIntegerField(
        _("transferred clue closed (months)"), default=6)
    clue_close_max_months = models.PositiveSmallIntegerField(
        _("transferred clue closed at the latest (months)"), default=12)
    transfer_answer_workdays = models.PositiveSmallIntegerField(
        _("answer on a transferred petition (working days)"), default=30)
    measure_green_days = models.PositiveSmallIntegerField(
        _("measure: warn (green) at days left"), default=20)
    measure_yellow_days = models.PositiveSmallIntegerField(
        _("measure: yellow at days left"), default=10)
    #: the one definition of the published rectification rate (rectification.RateBasis)
    notice_rate_basis = models.CharField(
        _("published rectification rate counts"), max_length=10, default="problems",
        choices=[("problems", _("Problems: rectified problems ÷ problems (all its measures "
                                "closed)")),
                 ("measures", _("Measures: closed measures ÷ measures"))],
        help_text=_("The public rectification notice states this definition beside the rate."))

    class Meta:
        verbose_name = _("clock policy")
        verbose_name_plural = _("clock policies")

    def __str__(self) -> str:
        return f"clocks of {self.committee_id}"

    @property
    def audit_committee_id(self):
        return self.committee_id
