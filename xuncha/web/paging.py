"""Pagination for list pages, keeping the filters in the page links."""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: list pages stay fast on very large tables, and nobody
    pages through ten thousand rows anyway (filters and search are the way in)."""

    cap = 10_000

    @property
    def count(self) -> int:  # type: ignore[override]
        if not hasattr(self, "_capped_count"):
            qs = self.object_list
            if hasattr(qs, "values_list"):
                self._capped_count = qs.order_by().values_list("pk", flat=True)[: self.cap + 1].count()
            else:
                self._capped_count = len(qs)
        return self._capped_count

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap


def paginate(request: HttpRequest, qs, per_page: int = PER_PAGE) -> Page:
    paginator = CappedPaginator(qs, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    page.querystring = params.urlencode()  # type: ignore[attr-defined]
    return page


class KeysetPage(list):
    """One page of rows after a cursor: cheap at any depth (no OFFSET), newest first.

    The cursor is the last row's (timestamp, id); ``next_cursor`` is None on the last page.
    """

    next_cursor: str | None = None
    querystring: str = ""
    has_previous: bool = False


def keyset_paginate(request: HttpRequest, qs, *, time_field: str, per_page: int = PER_PAGE
                    ) -> KeysetPage:
    import datetime

    from django.db.models import Q

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
