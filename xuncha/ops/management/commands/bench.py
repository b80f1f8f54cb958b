import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = ("Measure the figures of DESIGN.md on PostgreSQL: builds the data set when absent, "
            "then prints one 'name: value unit (target …)' line per figure.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["county", "city", "province"],
                            default=os.environ.get("XUNCHA_BENCH_SCALE", "province"))
        parser.add_argument("--rounds", type=int, default=10,
                            help="how many times each list page is requested per client")
        parser.add_argument("--only", action="append", default=[], metavar="GROUP",
                            help="measure only these groups of figures (repeatable): "
                                 "extraction, duplicates, pages, todo, public")

    def handle(self, *args: str, **options: Any) -> None:
        scale, rounds = options["scale"], options["rounds"]
        from xuncha.ops.bench.run import GROUPS

        only = tuple(g.strip() for value in options["only"] for g in value.split(",")
                     if g.strip()) or GROUPS
        unknown = sorted(set(only) - set(GROUPS))
        if unknown:
            raise CommandError(f"Unknown figures {', '.join(unknown)}: choose among "
                               f"{', '.join(GROUPS)}.")
        if connection.vendor != "postgresql":
            raise CommandError("make bench runs on PostgreSQL: set DATABASE_URL "
                               "(make bench uses BENCH_DATABASE_URL, default xuncha_bench).")
        from xuncha.ops.bench import generate, run

        xuncha = str(Path(sys.executable).with_name("xuncha"))
        subprocess.run([xuncha, "migrate", "--no-input", "-v0"], check=True)
        if not generate.exists(scale):
            subprocess.run([xuncha, "generate", "--scale", scale], check=True)
        sys.exit(run.run(scale=scale, rounds=rounds, only=only))
