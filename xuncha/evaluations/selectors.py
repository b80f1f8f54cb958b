"""Reads of 述职评议 sessions, scoped to the reader.

- office and leading group: the sessions of their own committee, their paper sheets and
  results;
- everybody else: none (voters use the public page with a one-time code, not an account).
"""

from django.db.models import QuerySet

from xuncha.accounts.access import is_office_of, is_staff_of
from xuncha.accounts.models import User

from .models import Evaluation, PaperSheet


def evaluations_visible_to(*, user: User) -> QuerySet[Evaluation]:
    """The sessions the reader may read: the query form of ``access.can_read_session``."""
    committee_id = user.committee_id
    if committee_id is not None and is_staff_of(user=user, committee_id=committee_id):
        return Evaluation.objects.filter(committee_id=committee_id)
    return Evaluation.objects.none()


def evaluations_managed_by(*, user: User) -> QuerySet[Evaluation]:
    """The sessions the reader's office runs: the query form of
    ``access.can_manage_session``."""
    committee_id = user.committee_id
    if committee_id is not None and is_office_of(user=user, committee_id=committee_id):
        return Evaluation.objects.filter(committee_id=committee_id)
    return Evaluation.objects.none()


def sheets_visible_to(*, user: User) -> QuerySet[PaperSheet]:
    """The paper sheets of the sessions the reader may read."""
    return PaperSheet.objects.filter(evaluation__in=evaluations_visible_to(user=user))
