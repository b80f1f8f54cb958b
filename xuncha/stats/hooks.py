"""What the stats app adds: the dashboard in the menu and the job that keeps its figures
warm."""

from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import Role
from xuncha.lib import periodic
from xuncha.web import context


def _enqueue_refresh():
    from .tasks import refresh_task

    return refresh_task.enqueue()


def install() -> None:
    context.register(_("Work"), context.NavItem(
        _("Statistics"), "stats:dashboard", (Role.OFFICE, Role.LEADERSHIP, Role.OVERSIGHT)))
    periodic.register("stats-refresh", 1, _enqueue_refresh)
