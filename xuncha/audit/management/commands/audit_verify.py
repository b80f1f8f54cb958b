"""``xuncha audit-verify``: walk the audit chain and compare it with the checkpoints."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xuncha.audit.chain import FIELDS, verify
from xuncha.audit.checkpoints import (
    Checkpoint,
    CheckpointError,
    checkpoint_pins,
    checkpoints_parse,
    checkpoints_stored,
    truncation,
)
from xuncha.audit.keys import audit_keys
from xuncha.audit.models import Event


class Command(BaseCommand):
    help = ("Check the audit trail's MAC chain and name the first broken row; compare it with "
            "the checkpoints (a truncated tail, a re-chained history). Exits non-zero on any "
            "finding.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints", metavar="FILE", type=Path,
            help="read the checkpoints from FILE (a copy of audit-checkpoints.jsonl) instead "
                 "of XUNCHA_AUDIT_CHECKPOINT_DIR")
        parser.add_argument(
            "--checkpoint", metavar="LINE", action="append", default=[],
            help="also compare with this checkpoint line (e.g. from the checkpoint e-mail); "
                 "may be repeated")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = audit_keys()
        try:
            checkpoints, source = self._checkpoints(options["checkpoints"])
            checkpoints += checkpoints_parse(options["checkpoint"], keys, source="--checkpoint")
            pins = checkpoint_pins(checkpoints)
        except (CheckpointError, OSError) as exc:
            raise CommandError(str(exc)) from None
        rows = Event.objects.order_by("seq").values(*FIELDS).iterator(chunk_size=5000)
        count, broken, head = verify(rows, keys=keys, pins=pins)
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at seq {broken.seq}: {broken.reason} "
                f"({head.count} row(s) before it are intact)."
            )
        cut = truncation(head, checkpoints)
        if cut:
            raise CommandError(cut)
        if checkpoints:
            latest = max(checkpoints, key=lambda c: (c.seq, c.count))
            compared = (f"matches {len(checkpoints)} checkpoint(s), the latest of {latest.at} "
                        f"at seq {latest.seq} ({source})")
        else:
            compared = f"not compared with a checkpoint: {source}"
        self.stdout.write(f"Audit chain intact: {count} event(s) verified; {compared}.")

    def _checkpoints(self, path: Path | None) -> tuple[list[Checkpoint], str]:
        if path is None:
            return checkpoints_stored()
        with path.open(encoding="utf-8") as handle:
            return checkpoints_parse(handle, audit_keys(), source=str(path)), str(path)
