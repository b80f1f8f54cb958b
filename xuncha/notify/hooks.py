"""What the notify app adds: two pages in the menu and the periodic jobs (the reminder
sweep, with the resumption of lost deliveries, and the daily digest)."""

from django.utils.translation import gettext_lazy as _

from xuncha.lib import periodic
from xuncha.web.registry import NavEntry

from .access import can_open_channels, can_open_preferences


def _enqueue_sweep():
    from .tasks import sweep_task

    return sweep_task.enqueue()


def _enqueue_digest():
    from .tasks import digest_task

    return digest_task.enqueue()


NAV = [
    NavEntry("work", _("My notifications"), "notify:preferences", can_open_preferences),
    NavEntry("administration", _("Channels"), "notify:channels", can_open_channels),
]
PERIODIC = [
    periodic.PeriodicJob("notify-reminders", 60, _enqueue_sweep),
    periodic.PeriodicJob("notify-digest", 30, _enqueue_digest),
]
