"""Background jobs: the reminder sweep, the daily digest and the sending of each message.
They take plain arguments, may run twice without harm (every step claims its rows), and
queue the sending only after the deciding transaction has committed."""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django_tasks import task

from .digest import digests_send
from .outbox import deliveries_to_resume, delivery_attempt
from .sweep import sweep


def deliveries_dispatch(ids: Iterable[int]) -> None:
    """Send these deliveries once the current transaction commits (at once outside one)."""
    for pk in ids:
        transaction.on_commit(partial(deliver_task.enqueue, pk, 1))


@task()
def deliver_task(delivery_id: int, attempt: int = 1) -> str:
    """One attempt; a failure queues the next after its pause (at once on a backend that
    cannot defer, as the tests' immediate one: the attempts stay bounded)."""
    outcome = delivery_attempt(delivery_id=delivery_id, attempt=attempt)
    if outcome.retry_at is not None:
        later = (deliver_task.using(run_after=outcome.retry_at)
                 if deliver_task.get_backend().supports_defer else deliver_task)
        transaction.on_commit(partial(later.enqueue, delivery_id, attempt + 1))
    return outcome.status


@task()
def sweep_task() -> dict:
    result = sweep()
    deliveries_dispatch(result.deliveries)
    for pk, attempt in deliveries_to_resume():
        transaction.on_commit(partial(deliver_task.enqueue, pk, attempt))
    return {"users": result.users, "reminders": result.reminders,
            "escalations": result.escalations, "notices": result.notices,
            "group_messages": result.group_messages, "errors": result.errors,
            "deliveries": len(result.deliveries)}


@task()
def digest_task() -> dict:
    ids = digests_send()
    deliveries_dispatch(ids)
    return {"digests": len(ids)}
