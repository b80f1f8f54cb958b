from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Build the realistic data set for make bench (PostgreSQL): --scale county|city|province."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["county", "city", "province"], default="county")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--if-absent", action="store_true",
                            help="do nothing when the data set of that scale is already there")

    def handle(self, *args: str, **options: Any) -> None:
        scale, seed, if_absent = options["scale"], options["seed"], options["if_absent"]
        from xuncha.ops.bench import generate

        if generate.exists(scale):
            if if_absent:
                self.stdout.write(f"The {scale} data set is already there.")
                return
            raise CommandError(f"The {scale} data set is already in this database; use a fresh "
                               "database (or --if-absent).")
        generate.generate(scale, seed=seed)
