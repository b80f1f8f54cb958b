import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xuncha.rectification.sweep import sweep


class Command(BaseCommand):
    help = "Run the rectification reminder and escalation sweep now (safe to repeat)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="pretend today is YYYY-MM-DD")

    def handle(self, *args, **options):
        try:
            today = (datetime.date.fromisoformat(options["date"]) if options["date"]
                     else timezone.localdate())
        except ValueError as exc:
            raise CommandError("Use --date YYYY-MM-DD.") from exc
        result = sweep(today=today)
        self.stdout.write(f"checked {result.checked} measure(s); sent {result.alerts} alert(s): "
                          f"{result.notifications} in-app notice(s), {result.emails} e-mail(s) "
                          f"{result.by_step}")
