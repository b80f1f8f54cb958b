"""Background jobs. They take plain arguments, call services, and may run twice safely."""

import datetime

from django.utils import timezone
from django_tasks import task

from .sweep import sweep


@task()
def sweep_task(day: str | None = None) -> dict:
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    result = sweep(today=today)
    return {"checked": result.checked, "alerts": result.alerts,
            "notifications": result.notifications, "emails": result.emails}
