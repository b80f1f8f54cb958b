"""The home page: the person's to-do first, then the panels the apps declare in their
``hooks.HOME_PANELS``."""

from django.http import HttpRequest

from xuncha.accounts.models import User
from xuncha.todo import badge
from xuncha.todo.access import can_open_todo
from xuncha.todo.items import LEVELS
from xuncha.todo.selectors import todo_for

from . import registry

#: How many of the person's steps the home page lists (the to-do page has them all).
TODO_ON_HOME = 8


def home_context(request: HttpRequest, user: User) -> dict[str, object]:
    todo = None
    if can_open_todo(user=user):
        items = todo_for(user=user)
        badge.remember(request, user=user, count=len(items))  # the top bar shows this figure
        todo = {"items": items[:TODO_ON_HOME], "count": len(items), "levels": LEVELS}
    panels = []
    for provider in registry.home_panels():
        panel = provider(user)
        if panel:
            panels.append(panel)
    return {"todo": todo, "panels": panels}
