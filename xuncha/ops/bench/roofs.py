"""The roofs of the to-do figures of ``xuncha bench``: minimal views that run the same reads
as the page with a bare rendering (no template, no layout, no top bar), on the same server,
so a figure can be read beside the most the page could gain.

Mounted at ``/_bench/`` only when ``XUNCHA_BENCH_ROOFS`` is on (the bench's server sets it;
it is off everywhere else). Each answers only a signed-in account with a to-do, and only
with that account's own items.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from xuncha.accounts.models import User
from xuncha.todo import badge
from xuncha.todo.access import can_open_todo
from xuncha.todo.selectors import todo_for
from xuncha.web.access import allow_if


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@allow_if(can_open_todo)
def todo_roof(request: HttpRequest) -> HttpResponse:
    """The to-do page's reads (every provider, its clocks), the keys as plain text."""
    items = todo_for(user=_user(request))
    return HttpResponse("\n".join(item.key for item in items[:50]),
                        content_type="text/plain; charset=utf-8")


@allow_if(can_open_todo)
def bare(request: HttpRequest) -> HttpResponse:
    """A signed-in request and nothing else; ``?count=1`` adds the top bar's figure as a
    page reads it (``badge.count_for``: the cached figure, counted on a miss)."""
    text = "ok"
    if request.GET.get("count") == "1":
        text = str(badge.count_for(request, user=_user(request)))
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


app_name = "bench"
urlpatterns = [
    path("todo/", todo_roof, name="todo_roof"),
    path("bare/", bare, name="bare"),
]
