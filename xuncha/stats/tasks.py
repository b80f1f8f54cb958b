"""Background jobs of the dashboard."""

from django_tasks import task

from .figures import refresh_seen


@task()
def refresh_task() -> dict:
    return {"refreshed": refresh_seen()}
