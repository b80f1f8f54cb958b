"""Reads of plans, measures, reports and notices, scoped to the reader.

- the unit's liaison: only its own unit's rectification (never petitions, clues, reporters);
- office and leading group: their committee's;
- the inspection team: its own inspections';
- receivers (discipline commission, organization department): their committee's, because
  they review plans and supervise rectification day to day.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.models import Inspection
from xuncha.lib.textdiff import FieldDiff, fields_diff

from .models import (
    OPEN_MEASURE,
    Measure,
    MeasureEvidence,
    MeasureStatus,
    Notification,
    Plan,
    PlanReview,
    PlanVersion,
    PublicNotice,
)


def rectification_inspections(*, user: User) -> QuerySet[Inspection]:
    qs = Inspection.objects.exclude(feedback_on__isnull=True)
    if user.role == Role.LIAISON and user.unit_id:
        return qs.filter(unit_id=user.unit_id)
    if user.role in (Role.OFFICE, Role.LEADERSHIP, Role.RECEIVER) and user.committee_id:
        return qs.filter(committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return qs.filter(team__members__inspector_id=user.inspector_id)
    return qs.none()


def measures_visible_to(*, user: User) -> QuerySet[Measure]:
    if user.role == Role.LIAISON and user.unit_id:
        return Measure.objects.filter(inspection__unit_id=user.unit_id)
    if user.role in (Role.OFFICE, Role.LEADERSHIP, Role.RECEIVER) and user.committee_id:
        return Measure.objects.filter(committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return Measure.objects.filter(inspection__team__members__inspector_id=user.inspector_id)
    return Measure.objects.none()


def plans_visible_to(*, user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(inspection__in=rectification_inspections(user=user))


def plan_versions_visible_to(*, user: User) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan__in=plans_visible_to(user=user))


def evidence_visible_to(*, user: User) -> QuerySet[MeasureEvidence]:
    return MeasureEvidence.objects.filter(measure__in=measures_visible_to(user=user))


def plan_of(inspection: Inspection) -> Plan | None:
    """The inspection's plan, if the unit has submitted one (read afresh: a plan cached on
    the inspection may have moved on since)."""
    return Plan.objects.filter(inspection=inspection).first()


@dataclass
class PlanVersionEntry:
    version: PlanVersion
    #: what changed in the text since the version before (empty for the first)
    diff: list[FieldDiff]
    previous: int | None


def plan_history(plan: Plan | None) -> list[PlanVersionEntry]:
    """Every submitted version, newest first, with who submitted it and when, its reviews,
    who approved or returned it and when, and what changed from the version before."""
    if plan is None:
        return []
    versions = list(plan.versions.select_related("submitted_by", "decided_by").prefetch_related(
        Prefetch("reviews", queryset=PlanReview.objects.select_related("reviewer")))
        .order_by("number"))
    entries: list[PlanVersionEntry] = []
    before: PlanVersion | None = None
    for version in versions:
        diff: list[FieldDiff] = [] if before is None else fields_diff(
            [(_("Rectification plan"), before.text, version.text)])
        entries.append(PlanVersionEntry(version, diff, before.number if before else None))
        before = version
    return entries[::-1]


def measures_filter(qs: QuerySet[Measure], *, q: str = "", status: str = "", light: str = "",
                    inspection: int | None = None, kind: str = "",
                    today: datetime.date | None = None) -> QuerySet[Measure]:
    today = today or timezone.localdate()
    if q:
        qs = qs.filter(Q(text__icontains=q) | Q(problem__title__icontains=q)
                       | Q(inspection__unit__name__icontains=q)
                       | Q(responsible_department__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if light == "overdue":
        qs = qs.filter(status__in=OPEN_MEASURE, deadline__lt=today)
    elif light == "due_soon":
        qs = qs.filter(status__in=OPEN_MEASURE, deadline__gte=today,
                       deadline__lte=today + datetime.timedelta(days=20))
    if inspection:
        qs = qs.filter(inspection_id=inspection)
    if kind:
        qs = qs.filter(inspection__unit__kind=kind)
    return qs


def measures_of_committee(qs: QuerySet[Measure], *, user: User,
                          committee: str) -> QuerySet[Measure]:
    """The dashboard's drill-down (``?committee=<id>``) narrows an office's list to one
    committee; other readers' lists ignore it."""
    if committee.isascii() and committee.isdigit() and len(committee) <= 18 and user.role == Role.OFFICE:
        return qs.filter(committee_id=int(committee))
    return qs


def completion(inspection: Inspection, *, published_only: bool = False) -> tuple[int, int]:
    """(total, done) where done means closed (销号) — the figures of the public notice."""
    qs = inspection.measures.all()
    if published_only:
        qs = qs.filter(publish=True)
    problems: dict[int, list[str]] = {}
    for problem_id, status in qs.values_list("problem_id", "status"):
        problems.setdefault(problem_id, []).append(status)
    total = len(problems)
    done = sum(1 for statuses in problems.values()
               if all(s == MeasureStatus.CLOSED for s in statuses))
    return total, done


def notices_published() -> QuerySet[PublicNotice]:
    return PublicNotice.objects.filter(withdrawn_at__isnull=True)


def notifications_of(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_notifications(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)
