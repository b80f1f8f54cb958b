"""Reads of activities, problems, clues, reports and feedback, scoped to the reader, and the
choices their forms offer.

Clue *content* is never read through these: only ``clues.clue_open`` reveals it, to the
office head and the receiving body, and audits every attempt.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspections_visible_to
from xuncha.lib import glossary
from xuncha.lib.textdiff import FieldDiff, fields_diff
from xuncha.organizations.models import Cadre, Committee, Inspector

from .models import (
    Activity,
    Clue,
    ClueStatus,
    Feedback,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Report,
    ReportComment,
    ReportKind,
    ReportStatus,
    ReportVersion,
)


def _case_inspections(user: User) -> QuerySet[Inspection]:
    """Inspections whose working files the user may read (not liaisons')."""
    if user.role in (Role.OFFICE, Role.LEADERSHIP, Role.TEAM):
        return inspections_visible_to(user=user)
    return inspections_visible_to(user=user).none()


def activities_visible_to(*, user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(inspection__in=_case_inspections(user))


def problems_visible_to(*, user: User) -> QuerySet[Problem]:
    if user.role == Role.LIAISON and user.unit_id:
        # The unit sees the problems fed back to it, nothing earlier.
        return Problem.objects.filter(feedbacks__inspection__unit_id=user.unit_id).distinct()
    return Problem.objects.filter(inspection__in=_case_inspections(user))


def clues_visible_to(*, user: User) -> QuerySet[Clue]:
    """Clue records (number, dates, status) — not their content."""
    if user.role == Role.RECEIVER:
        return Clue.objects.filter(receiver_committee_id=user.committee_id,
                                   receiver_body=user.receiver_body).exclude(
            status=ClueStatus.SEALED)
    if user.role in (Role.OFFICE, Role.TEAM):
        return Clue.objects.filter(inspection__in=_case_inspections(user))
    return Clue.objects.none()


def clues_openable_by(*, user: User) -> QuerySet[Clue]:
    """The clues whose sealed content the user may *ask* to read: those of the user's
    committee, found there or transferred to it. Asking is audited, a refusal too (see
    ``clues.clue_open``); anyone else's clue is simply not found."""
    return Clue.objects.filter(Q(committee_id=user.committee_id)
                               | Q(receiver_committee_id=user.committee_id))


def reports_visible_to(*, user: User) -> QuerySet[Report]:
    return Report.objects.filter(inspection__in=_case_inspections(user))


def feedback_visible_to(*, user: User) -> QuerySet[Feedback]:
    if user.role == Role.LIAISON and user.unit_id:
        return Feedback.objects.filter(inspection__unit_id=user.unit_id)
    return Feedback.objects.filter(inspection__in=_case_inspections(user))


def problem_library(*, user: User) -> QuerySet[Problem]:
    """Signed problems across the committee's inspections (office and leading group)."""
    if user.role in (Role.OFFICE, Role.LEADERSHIP) and user.committee_id:
        return Problem.objects.filter(committee_id=user.committee_id,
                                      status=ProblemStatus.SIGNED)
    return Problem.objects.none()


def problems_search(qs: QuerySet[Problem], *, q: str = "", category: int | None = None,
                    kind: str = "", year: int | None = None) -> QuerySet[Problem]:
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(manifestation__icontains=q)
                       | Q(inspection__unit__name__icontains=q))
    if category:
        qs = qs.filter(category_id=category)
    if kind:
        qs = qs.filter(inspection__unit__kind=kind)
    if year:
        qs = qs.filter(found_on__year=year)
    return qs


def approved_main_version(inspection: Inspection) -> ReportVersion | None:
    """The latest version of the inspection's main report the leading group approved."""
    return ReportVersion.objects.filter(
        report__inspection=inspection, report__kind=ReportKind.MAIN,
        status=ReportStatus.APPROVED).order_by("-number").first()


def receiving_body(clue: Clue) -> str:
    """The body a transferred clue went to, as the clue page shows it (empty before): its
    name (纪委监委, 组织部), never the stored code."""
    return glossary.display("receiver_body", clue.receiver_body) if clue.receiver_body else ""


# --- what the forms offer ---------------------------------------------------------------------


def categories_for(committee: Committee | None) -> list[ProblemCategory]:
    """The committee's own problem taxonomy, or the default one when it has none."""
    own = list(ProblemCategory.objects.filter(committee=committee, active=True))
    return own or list(ProblemCategory.objects.filter(committee__isnull=True, active=True))


def category_choices(committee: Committee | None) -> QuerySet[ProblemCategory]:
    """``categories_for`` as a queryset, for a form's choice field."""
    return ProblemCategory.objects.filter(pk__in=[c.pk for c in categories_for(committee)])


def team_inspectors(inspection: Inspection) -> QuerySet[Inspector]:
    """The members of the inspection's team (interviewers, who found a problem)."""
    return Inspector.objects.filter(memberships__team=inspection.team).select_related("cadre")


def unit_cadres(inspection: Inspection, *, current_only: bool = False) -> QuerySet[Cadre]:
    """The cadres of the inspected unit (interviewees, responsible persons)."""
    qs = Cadre.objects.filter(unit=inspection.unit)
    return qs.filter(archived_at__isnull=True) if current_only else qs


def clue_subjects(inspection: Inspection) -> QuerySet[Cadre]:
    """Who a clue may concern: the cadres of the inspecting and of the inspected committee."""
    return Cadre.objects.filter(
        unit__committee__in=[inspection.committee_id, inspection.unit.committee_id])


# --- a report's versions and what changed between them ------------------------------------


@dataclass
class VersionEntry:
    version: ReportVersion
    #: what changed since the version before (empty for the first)
    diff: list[FieldDiff]
    previous: int | None


def _problems_text(version: ReportVersion) -> str:
    return "\n".join(f"{p.number} {p.title}" for p in version.problems.all())


def report_history(report: Report) -> list[VersionEntry]:
    """Every version, newest first, with who made, submitted, reviewed (accepted or
    returned) and approved it and when, its comments, and the change from the one before."""
    versions = list(report.versions.select_related(
        "created_by", "submitted_by", "reviewed_by", "approved_by").prefetch_related(
        Prefetch("problems", queryset=Problem.objects.order_by("sequence")),
        Prefetch("comments", queryset=ReportComment.objects.select_related("author")))
        .order_by("number"))
    entries: list[VersionEntry] = []
    before: ReportVersion | None = None
    for version in versions:
        diff: list[FieldDiff] = [] if before is None else fields_diff([
            (_("Overview"), before.summary, version.summary),
            (_("Problems"), _problems_text(before), _problems_text(version)),
            (_("Suggestions"), before.conclusion, version.conclusion)])
        entries.append(VersionEntry(version, diff, before.number if before else None))
        before = version
    return entries[::-1]


def report_comments(report: Report) -> QuerySet[ReportComment]:
    """The comments on every version of the report, oldest first: the office's reasons for
    a return stay in view while the team redrafts in a new version."""
    return ReportComment.objects.filter(version__report=report).select_related(
        "author", "version").order_by("created_at", "pk")
