"""Scoped reads of the dashboard: a reader's committee and every committee under it."""

from django.db.models import QuerySet

from xuncha.lib.errors import NotFound
from xuncha.organizations.models import Committee
from xuncha.rectification.models import Measure


def readable_committee(*, user, committee_id: str | int | None) -> Committee:
    """The committee asked for, if it is the reader's own or under it; else NotFound."""
    own = user.committee
    if own is None:
        raise NotFound()
    if committee_id in (None, ""):
        return own
    try:
        chosen = Committee.objects.get(pk=int(committee_id))
    except (ValueError, TypeError, Committee.DoesNotExist):
        raise NotFound() from None
    if not chosen.path.startswith(own.path):
        raise NotFound()
    return chosen


def measures_readable(*, user) -> QuerySet[Measure]:
    """Measures of the reader's committee and of every committee under it (read only)."""
    if user.committee is None:
        return Measure.objects.none()
    return Measure.objects.filter(committee__path__startswith=user.committee.path)
