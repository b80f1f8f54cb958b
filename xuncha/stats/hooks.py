"""What the stats app adds: the dashboard in the menu and the job that keeps its figures
warm."""

from django.utils.translation import gettext_lazy as _

from xuncha.lib import periodic
from xuncha.web.registry import NavEntry

from .access import can_open_statistics


def _enqueue_refresh():
    from .tasks import refresh_task

    return refresh_task.enqueue()


NAV = [NavEntry("work", _("Statistics"), "stats:dashboard", can_open_statistics)]
PERIODIC = [periodic.PeriodicJob("stats-refresh", 1, _enqueue_refresh)]
