"""The navigation each role sees (visibility only; every view checks access itself)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import Role


@dataclass(frozen=True)
class NavItem:
    label: object
    url_name: str
    roles: tuple[str, ...]
    admin: bool = False
    platform: bool = False


ALL_STAFF = tuple(Role.values)
NAV: list[tuple[object, list[NavItem]]] = [
    (_("Work"), [
        NavItem(_("Home"), "web:home", ALL_STAFF, platform=True),
    ]),
    (_("Organization"), [
        NavItem(_("Committees"), "organizations:committee_list",
                (Role.OFFICE, Role.LEADERSHIP, Role.TEAM, Role.OVERSIGHT), platform=True),
        NavItem(_("Units"), "organizations:unit_list",
                (Role.OFFICE, Role.LEADERSHIP, Role.TEAM, Role.OVERSIGHT, Role.LIAISON),
                platform=True),
        NavItem(_("Cadres"), "organizations:cadre_list",
                (Role.OFFICE, Role.LEADERSHIP, Role.TEAM, Role.OVERSIGHT), platform=True),
        NavItem(_("Inspector pool"), "organizations:inspector_list",
                (Role.OFFICE, Role.LEADERSHIP, Role.TEAM, Role.OVERSIGHT), platform=True),
    ]),
    (_("Administration"), [
        NavItem(_("Accounts"), "accounts:user_list", (Role.OFFICE,), admin=True, platform=True),
        NavItem(_("Audit trail"), "audit:event_list", (Role.OFFICE,), admin=True, platform=True),
    ]),
]


def register(section_label, item: NavItem, *, position: int | None = None) -> None:
    """Apps add their pages to a section (created if new)."""
    for label, items in NAV:
        if str(label) == str(section_label):
            items.append(item)
            return
    entry = (section_label, [item])
    if position is None:
        NAV.append(entry)
    else:
        NAV.insert(position, entry)


def _visible(item: NavItem, user) -> bool:
    if user.is_superuser and item.platform:
        return True
    if user.role not in item.roles:
        return False
    return not item.admin or user.is_office_admin


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections = []
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    for label, items in NAV:
        links = []
        for item in items:
            if not _visible(item, user):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            namespace = item.url_name.split(":")[0]
            active = current == item.url_name or (
                current.startswith(namespace + ":") and item.url_name.endswith("_list")
                and current.split(":")[1].split("_")[0] == item.url_name.split(":")[1].split("_")[0])
            links.append({"label": item.label, "url": url, "active": active})
        if links:
            sections.append({"label": label, "links": links})
    return {"nav_sections": sections}
