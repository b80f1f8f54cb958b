"""Scoped reads of the dashboard: a reader's committee and every committee under it.

Below their own committee readers see statistics and rectification measures only; the
committees and measures here are what ``access.can_read_committee`` and
``access.can_read_measure`` allow, in one query each.
"""

from django.db.models import QuerySet

from xuncha.accounts.models import User
from xuncha.inspections.models import Round
from xuncha.organizations.models import Committee, Term
from xuncha.rectification.models import Measure
from xuncha.rectification.selectors import measures_filter

from .figures import Filters, _range, _via_inspection


def _reader_path(user: User) -> str | None:
    """The path of the reader's committee (who reads statistics at all is
    ``access.can_open_statistics``, the rule of the pages)."""
    own = user.committee
    return own.path if own is not None else None


def committees_readable_by(*, user: User) -> QuerySet[Committee]:
    """The reader's committee and every committee under it: the query form of
    ``access.can_read_committee``."""
    path = _reader_path(user)
    if path is None:
        return Committee.objects.none()
    return Committee.objects.filter(path__startswith=path)


def measures_readable_by(*, user: User) -> QuerySet[Measure]:
    """Measures of the reader's committee and of every committee under it (read only): the
    query form of ``access.can_read_measure``."""
    path = _reader_path(user)
    if path is None:
        return Measure.objects.none()
    return Measure.objects.filter(committee__path__startswith=path)


def committee_ancestors(*, user: User, committee: Committee) -> QuerySet[Committee]:
    """The committees between the reader's own and ``committee`` (the way back up)."""
    return committees_readable_by(user=user).filter(
        pk__in=committee.ancestor_ids()).order_by("path")


def filter_terms(*, committee: Committee) -> QuerySet[Term]:
    """The terms offered by the dashboard's filter (of a committee the reader may read)."""
    return Term.objects.filter(committee=committee)


def filter_rounds(*, committee: Committee) -> QuerySet[Round]:
    """The rounds offered by the dashboard's filter (of a committee the reader may read)."""
    return Round.objects.filter(committee=committee).select_related(
        "term", "committee").order_by("-planned_start")


def measures_listed(*, user: User, committee: Committee, subtree: bool, f: Filters,
                    q: str = "", status: str = "", light: str = "") -> QuerySet[Measure]:
    """The measure list behind a figure: ``committee``'s own measures, or its whole subtree
    with ``subtree``, filtered like the dashboard."""
    qs = measures_readable_by(user=user)
    if subtree:
        qs = qs.filter(committee__path__startswith=committee.path)
    else:
        qs = qs.filter(committee=committee)
    qs = qs.filter(_range("deadline", f), _via_inspection("inspection__", f))
    return measures_filter(qs, q=q, status=status, light=light, kind=f.kind)
