import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xuncha.web.registry import periodic_jobs


class Command(BaseCommand):
    help = "Enqueue the periodic jobs (sweeps, reminders) when they are due; runs until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue every job once and exit")

    def handle(self, *args: str, **options: Any) -> None:
        if options["once"]:
            for job in periodic_jobs():
                job.enqueue()
                self.stdout.write(f"enqueued {job.name}")
            return
        due = {job.name: 0.0 for job in periodic_jobs()}
        while True:
            now = time.monotonic()
            for job in periodic_jobs():
                if now >= due[job.name]:
                    try:
                        job.enqueue()
                    except Exception as exc:  # keep scheduling the others
                        self.stderr.write(f"{job.name}: {exc}")
                    due[job.name] = now + job.every_minutes * 60
            time.sleep(20)
