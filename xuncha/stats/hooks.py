"""What the stats app adds: the dashboard in the menu."""

from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import Role
from xuncha.web import context


def install() -> None:
    context.register(_("Work"), context.NavItem(
        _("Statistics"), "stats:dashboard", (Role.OFFICE, Role.LEADERSHIP, Role.OVERSIGHT)))
