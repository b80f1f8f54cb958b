from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xuncha.ops.demo import demo_exists, seed_demo


class Command(BaseCommand):
    help = "Load the fictional demo province (once). With --if-empty, do nothing if loaded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="skip silently when the demo data is already loaded")

    def handle(self, *args: str, **options: Any) -> None:
        if demo_exists():
            if options["if_empty"]:
                self.stdout.write("Demo data already loaded.")
                return
            self.stderr.write("Demo data already loaded; nothing done.")
            return
        demo = seed_demo()
        self.stdout.write(f"Demo loaded: {len(demo.committees)} committees, "
                          f"{len(demo.units)} units, {len(demo.users)} accounts.")
