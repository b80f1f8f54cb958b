"""Pagination for list pages, keeping the filters in the page links."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PER_PAGE = 25


class ListPage(Page):
    """A page of a list; ``querystring`` is the list's filters, for the page links."""

    querystring: str = ""


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: list pages stay fast on very large tables, and nobody
    pages through ten thousand rows anyway (filters and search are the way in)."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if isinstance(qs, QuerySet):
            return qs.order_by().values_list("pk", flat=True)[: self.cap + 1].count()
        return len(qs)

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap

    def _get_page(self, *args: Any, **kwargs: Any) -> ListPage:  # Paginator's hook for its pages
        return ListPage(*args, **kwargs)


def paginate(request: HttpRequest, qs: QuerySet[Any] | Sequence[Any], per_page: int = PER_PAGE
             ) -> ListPage:
    paginator = CappedPaginator(qs, per_page)
    page = paginator.get_page(request.GET.get("page"))
    assert isinstance(page, ListPage)
    params = request.GET.copy()
    params.pop("page", None)
    page.querystring = params.urlencode()
    return page


class KeysetPage(list):
    """One page of rows after a cursor: cheap at any depth (no OFFSET), newest first.

    The cursor is the last row's (timestamp, id); ``next_cursor`` is None on the last page.
    """

    next_cursor: str | None = None
    querystring: str = ""
    has_previous: bool = False


def keyset_paginate(request: HttpRequest, qs: QuerySet[Any], *, time_field: str,
                    per_page: int = PER_PAGE) -> KeysetPage:
    cursor = request.GET.get("after", "")
    if cursor:
        stamp, _sep, ident = cursor.rpartition("_")
        try:
            moment = datetime.datetime.fromisoformat(stamp)
            pk = int(ident)
        except ValueError:
            moment, pk = None, None
        if moment is not None:
            qs = qs.filter(Q(**{f"{time_field}__lt": moment})
                           | Q(**{time_field: moment, "pk__lt": pk}))
    rows = list(qs.order_by(f"-{time_field}", "-pk")[: per_page + 1])
    page = KeysetPage(rows[:per_page])
    if len(rows) > per_page:
        last = rows[per_page - 1]
        page.next_cursor = f"{getattr(last, time_field).isoformat()}_{last.pk}"
    params = request.GET.copy()
    params.pop("after", None)
    page.querystring = params.urlencode()
    page.has_previous = bool(cursor)
    return page
