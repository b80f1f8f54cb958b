"""What the audit app adds: the trail in the menu and the daily checkpoint of its head."""

from django.utils.translation import gettext_lazy as _

from xuncha.lib import periodic
from xuncha.web.registry import NavEntry

from .access import can_open_audit_trail

CHECKPOINT_EVERY_MINUTES = 24 * 60


def _enqueue_checkpoint() -> object:
    from .tasks import checkpoint_task

    return checkpoint_task.enqueue()


NAV = [NavEntry("administration", _("Audit trail"), "audit:event_list", can_open_audit_trail)]
PERIODIC = [periodic.PeriodicJob("audit-checkpoint", CHECKPOINT_EVERY_MINUTES, _enqueue_checkpoint)]
