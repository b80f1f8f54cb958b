"""Reads of activities, problems, clues, reports and feedback, scoped to the reader, and the
choices their forms offer.

Clue *content* is never read through these: only ``clues.clue_open`` reveals it, to the
office head and the receiving body, and audits every attempt.
"""

from django.db.models import Q, QuerySet

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.models import Inspection
from xuncha.inspections.selectors import inspections_visible_to
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
    """The body a transferred clue went to, as the clue page shows it (empty before)."""
    return clue.receiver_body


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
