"""The to-do page (待办) with its filters, and the done list (已办)."""

from django.http import HttpResponse
from django.shortcuts import render

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.web.access import allow_if
from xuncha.web.paging import paginate

from . import badge
from .access import can_open_todo
from .done import done_row
from .items import LEVELS
from .selectors import SHOW, steps_done_by, todo_for, todo_shown


@allow_if(can_open_todo)
def todo_list_view(request: AuthedHttpRequest) -> HttpResponse:
    """Everything that waits on the person or their body; ``?show=mine|body|all``."""
    show = request.GET.get("show", "all")
    if show not in SHOW:
        show = "all"
    items = todo_for(user=request.user)
    badge.remember(request, user=request.user, count=len(items))
    shown = todo_shown(items, show)
    filters = [{"key": key, "label": label, "count": len(todo_shown(items, key)),
                "current": key == show} for key, label in SHOW.items()]
    page = paginate(request, shown, per_page=50)
    context = {"page": page, "filters": filters, "show": show, "levels": LEVELS,
               "overdue": sum(1 for item in shown if item.overdue)}
    template = "todo/_rows.html" if request.htmx else "todo/list.html"
    return render(request, template, context)


@allow_if(can_open_todo)
def todo_done_view(request: AuthedHttpRequest) -> HttpResponse:
    """已办: the steps the person took, most recent first."""
    page = paginate(request, steps_done_by(user=request.user).order_by("-seq"))
    rows = [done_row(event) for event in page]
    template = "todo/_done_rows.html" if request.htmx else "todo/done.html"
    return render(request, template, {"page": page, "rows": rows})
