"""Background jobs of the audit trail."""

from django_tasks import task

from .checkpoints import checkpoint_take


@task()
def checkpoint_task() -> dict:
    """The daily checkpoint (``hooks.PERIODIC``). Running it twice only adds a line: every
    checkpoint is a true statement about the chain at its time."""
    checkpoint, reached = checkpoint_take()
    return {"count": checkpoint.count, "seq": checkpoint.seq, "reached": reached}
