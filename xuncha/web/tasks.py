"""Background jobs of the shell."""

from django_tasks import task

from xuncha.lib.importing import staged_sweep


@task()
def staged_sweep_task() -> dict:
    """Import files left at the preview for more than a day go (idempotent)."""
    return {"removed": staged_sweep()}
