"""``xuncha audit-checkpoint``: send the audit chain's head outside the database."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xuncha.audit.checkpoints import CheckpointError, checkpoint_take


class Command(BaseCommand):
    help = ("Record the audit chain's head (rows, last seq, its MAC, the time) outside the "
            "database: the checkpoint file in XUNCHA_AUDIT_CHECKPOINT_DIR, an e-mail to "
            "XUNCHA_AUDIT_CHECKPOINT_EMAIL and the xuncha.audit log. The scheduler runs it "
            "daily.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint, reached = checkpoint_take()
        except CheckpointError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Audit checkpoint: {checkpoint.count} event(s) up to seq "
                          f"{checkpoint.seq}, sent to {'; '.join(reached)}.")
