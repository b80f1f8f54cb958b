"""Fetching one object out of a scoped queryset: the one get-or-404 of the project."""

from typing import TypeVar

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db.models import Model, QuerySet

from .errors import NotFound

M = TypeVar("M", bound=Model)


def get_or_404(qs: QuerySet[M], pk: object) -> M:
    """The object with ``pk`` in ``qs``, or ``NotFound``: the same answer whether the object
    does not exist or ``qs`` (scoped to a reader) leaves it out, so nobody learns which."""
    try:
        return qs.get(pk=int(pk))  # type: ignore[call-overload]  # pk arrives as str or int
    # The model's own DoesNotExist/MultipleObjectsReturned derive from these two.
    except (ValueError, TypeError, OverflowError, ObjectDoesNotExist, MultipleObjectsReturned):
        raise NotFound() from None
