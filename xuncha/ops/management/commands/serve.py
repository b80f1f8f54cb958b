import atexit
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = ("Development server for `make run`: the web server plus the background worker "
            "and the scheduler of periodic jobs, stopped together.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args: str, **options: Any) -> None:
        children: list[subprocess.Popen] = []
        if not options["no_worker"]:
            base = [sys.executable, "-m", "xuncha.cli"]
            children.append(subprocess.Popen([*base, "db_worker"]))  # noqa: S603
            children.append(subprocess.Popen([*base, "scheduler"]))  # noqa: S603

        def stop(*_args):
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    child.kill()

        atexit.register(stop)
        signal.signal(signal.SIGTERM, lambda *_a: sys.exit(0))
        call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
