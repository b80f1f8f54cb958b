"""The menu: the entries of ``registry.nav_entries()`` whose rule lets the user in."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from . import registry


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
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
