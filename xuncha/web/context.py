"""What every page's frame shows: the menu (the entries of ``registry.nav_entries()`` whose
rule lets the user in), who is signed in and how many steps wait on them. Templates read
these, never the user's role."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.todo import badge
from xuncha.todo.access import can_open_todo

from . import registry


def _signed_in_user(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    if isinstance(user, User) and user.is_authenticated:
        return user
    return None


def navigation(request: HttpRequest) -> dict[str, object]:
    user = _signed_in_user(request)
    if user is None:
        return {}
    labels = dict(registry.SECTIONS)
    sections: list[dict[str, object]] = []
    by_key: dict[str, list[dict[str, object]]] = {}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    for entry in registry.nav_entries():
        if not entry.visible(user=user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        namespace = entry.url_name.split(":")[0]
        active = current == entry.url_name or (
            current.startswith(namespace + ":") and entry.url_name.endswith("_list")
            and current.split(":")[1].split("_")[0] == entry.url_name.split(":")[1].split("_")[0])
        if entry.section not in by_key:
            by_key[entry.section] = []
            sections.append({"label": labels[entry.section], "links": by_key[entry.section]})
        by_key[entry.section].append({"label": entry.label, "url": url, "active": active})
    return {"nav_sections": sections}


def whoami(request: HttpRequest) -> dict[str, object]:
    """``role_label``: the signed-in person's role as shown in the top bar and on the home
    page; platform operators hold no role. ``show_todo`` and ``todo_count``: the top bar's
    link to the to-do and its figure (``xuncha.todo.badge``: a cached figure, read only when
    the page shows it, at most once)."""
    user = _signed_in_user(request)
    if user is None:
        return {}
    context: dict[str, object] = {"role_label": user.get_role_display() or _("Platform operator")}
    if can_open_todo(user=user):
        context["show_todo"] = True
        context["todo_count"] = SimpleLazyObject(lambda: badge.count_for(request, user=user))
    return context
