from django.core.management.base import BaseCommand, CommandError

from xuncha.audit.chain import FIELDS, verify
from xuncha.audit.models import Event


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and name the first broken row."

    def handle(self, *args, **options):
        rows = Event.objects.order_by("seq").values(*FIELDS).iterator(chunk_size=5000)
        count, broken = verify(rows)
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at seq {broken.seq}: {broken.reason} "
                f"({count - 1} row(s) before it are intact)."
            )
        self.stdout.write(f"Audit chain intact: {count} event(s) verified.")
