"""What the shell itself puts in the menu, and its periodic jobs."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from xuncha.accounts.access import can_open_home
from xuncha.lib import periodic

from .registry import NavEntry


def _enqueue_staged_sweep() -> Any:
    from .tasks import staged_sweep_task

    return staged_sweep_task.enqueue()


NAV = [NavEntry("work", _("Home"), "web:home", can_open_home)]
PERIODIC = [periodic.PeriodicJob("staged-imports-sweep", 60, _enqueue_staged_sweep)]
