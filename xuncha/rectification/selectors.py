"""Reads of plans, measures, reports and notices, scoped to the reader.

- the unit's liaison: only its own unit's rectification (never petitions, clues, reporters);
- office and leading group: their committee's;
- the inspection team: its own inspections';
- receivers (discipline commission, organization department): their committee's, because
  they review plans and supervise rectification day to day.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from xuncha.accounts.roles import Role
from xuncha.inspections.models import Inspection

from .models import OPEN_MEASURE, Measure, Notification, Plan, PublicNotice


def rectification_inspections(*, user) -> QuerySet[Inspection]:
    qs = Inspection.objects.exclude(feedback_on__isnull=True)
    if user.role == Role.LIAISON and user.unit_id:
        return qs.filter(unit_id=user.unit_id)
    if user.role in (Role.OFFICE, Role.LEADERSHIP, Role.RECEIVER) and user.committee_id:
        return qs.filter(committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return qs.filter(team__members__inspector_id=user.inspector_id)
    return qs.none()


def measures_visible_to(*, user) -> QuerySet[Measure]:
    if user.role == Role.LIAISON and user.unit_id:
        return Measure.objects.filter(inspection__unit_id=user.unit_id)
    if user.role in (Role.OFFICE, Role.LEADERSHIP, Role.RECEIVER) and user.committee_id:
        return Measure.objects.filter(committee_id=user.committee_id)
    if user.role == Role.TEAM and user.inspector_id:
        return Measure.objects.filter(inspection__team__members__inspector_id=user.inspector_id)
    return Measure.objects.none()


def plans_visible_to(*, user) -> QuerySet[Plan]:
    return Plan.objects.filter(inspection__in=rectification_inspections(user=user))


def measures_filter(qs: QuerySet[Measure], *, q: str = "", status: str = "", light: str = "",
                    inspection: int | None = None, kind: str = "",
                    today=None) -> QuerySet[Measure]:
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
        import datetime

        qs = qs.filter(status__in=OPEN_MEASURE, deadline__gte=today,
                       deadline__lte=today + datetime.timedelta(days=20))
    if inspection:
        qs = qs.filter(inspection_id=inspection)
    if kind:
        qs = qs.filter(inspection__unit__kind=kind)
    return qs


def notices_published() -> QuerySet[PublicNotice]:
    return PublicNotice.objects.filter(withdrawn_at__isnull=True)


def unread_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)
