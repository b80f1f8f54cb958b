"""The top bar's count of what waits on the signed-in person.

The figure is kept in the Django cache for at most ``COUNT_SECONDS``, one key per person,
so a page costs one cache round trip (a get; a get and a set once the figure is older than
that). A page that has just listed the person's to-do shares its fresh figure instead
(``remember``). The person's own changes (any request that is not a read, the step's own
request among them) forget the figure (``TodoCountMiddleware``), so the next page counts
again; a step taken by someone else shows within ``COUNT_SECONDS``.
"""

from django.core.cache import cache
from django.http import HttpRequest

from xuncha.accounts.models import User

from .access import can_open_todo
from .selectors import todo_count

COUNT_SECONDS = 60
#: Methods that change nothing: only these read (and write) the cached figure.
READS = ("GET", "HEAD")
_ON_REQUEST = "_xuncha_todo_count"


def count_key(user_id: int) -> str:
    return f"xuncha:todo:count:{user_id}"


def remember(request: HttpRequest, *, user: User, count: int) -> None:
    """The page has just listed the to-do: the top bar shows that figure, and the cache
    keeps it (the page's one round trip)."""
    setattr(request, _ON_REQUEST, count)
    if request.method in READS:
        cache.set(count_key(user.pk), count, COUNT_SECONDS)


def count_for(request: HttpRequest, *, user: User) -> int:
    """The figure for the top bar of this request."""
    known = getattr(request, _ON_REQUEST, None)
    if isinstance(known, int):
        return known
    if not can_open_todo(user=user):
        return 0
    if request.method not in READS:
        # A change (a form shown again with its errors): counted afresh, never cached,
        # since the middleware forgets the cached figure after this very request.
        count = todo_count(user=user)
    else:
        key = count_key(user.pk)
        cached = cache.get(key)
        if isinstance(cached, int):
            count = cached
        else:
            count = todo_count(user=user)
            cache.set(key, count, COUNT_SECONDS)
    setattr(request, _ON_REQUEST, count)
    return count


def forget(*, user_id: int) -> None:
    cache.delete(count_key(user_id))
