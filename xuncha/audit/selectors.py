"""Reads of the audit trail, scoped to the reader."""

import datetime

from django.db.models import QuerySet

from xuncha.accounts.access import is_office_admin_of
from xuncha.accounts.models import User

from .models import Event


def events_visible_to(*, user: User) -> QuerySet[Event]:
    """Office admins read their own committee's events; platform admins read all (the query
    form of ``access.can_read_event``)."""
    if user.is_superuser:
        return Event.objects.all()
    committee_id = user.committee_id
    if committee_id is not None and is_office_admin_of(user=user, committee_id=committee_id):
        return Event.objects.filter(committee_id=committee_id)
    return Event.objects.none()


def events_filter(
    qs: QuerySet[Event],
    *,
    actor: str = "",
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Event]:
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs
