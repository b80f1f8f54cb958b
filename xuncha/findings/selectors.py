"""Reads of activities, problems, clues, reports and feedback, scoped to the reader.

Clue *content* is never read through these: only ``services.clue_open`` reveals it, to
the office head and the receiving body, and audits every attempt.
"""

from django.db.models import Q, QuerySet

from xuncha.accounts.roles import Role
from xuncha.inspections.selectors import inspections_visible_to

from .models import Activity, Clue, ClueStatus, Feedback, Problem, Report


def _case_inspections(user):
    """Inspections whose working files the user may read (not liaisons')."""
    if user.role in (Role.OFFICE, Role.LEADERSHIP, Role.TEAM):
        return inspections_visible_to(user=user)
    return inspections_visible_to(user=user).none()


def activities_visible_to(*, user) -> QuerySet[Activity]:
    return Activity.objects.filter(inspection__in=_case_inspections(user))


def problems_visible_to(*, user) -> QuerySet[Problem]:
    if user.role == Role.LIAISON and user.unit_id:
        # The unit sees the problems fed back to it, nothing earlier.
        return Problem.objects.filter(feedbacks__inspection__unit_id=user.unit_id).distinct()
    return Problem.objects.filter(inspection__in=_case_inspections(user))


def clues_visible_to(*, user) -> QuerySet[Clue]:
    """Clue records (number, dates, status) — not their content."""
    if user.role == Role.RECEIVER:
        return Clue.objects.filter(receiver_committee_id=user.committee_id,
                                   receiver_body=user.receiver_body).exclude(
            status=ClueStatus.SEALED)
    if user.role in (Role.OFFICE, Role.TEAM):
        return Clue.objects.filter(inspection__in=_case_inspections(user))
    return Clue.objects.none()


def reports_visible_to(*, user) -> QuerySet[Report]:
    return Report.objects.filter(inspection__in=_case_inspections(user))


def feedback_visible_to(*, user) -> QuerySet[Feedback]:
    if user.role == Role.LIAISON and user.unit_id:
        return Feedback.objects.filter(inspection__unit_id=user.unit_id)
    return Feedback.objects.filter(inspection__in=_case_inspections(user))


def problem_library(*, user) -> QuerySet[Problem]:
    """Signed problems across the committee's inspections (office and leading group)."""
    if user.role in (Role.OFFICE, Role.LEADERSHIP) and user.committee_id:
        return Problem.objects.filter(committee_id=user.committee_id, status="signed")
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
