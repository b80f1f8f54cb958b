"""The operations are commands of the ``ops`` app, under the names the README gives them."""

import io

from django.core.management import call_command, get_commands
from django.test import SimpleTestCase, TestCase

from xuncha.cli import normalize_argv
from xuncha.web.registry import periodic_jobs

OPERATIONS = ("backup", "restore", "generate", "bench", "seed_demo", "demo_logins", "scheduler",
              "serve")


class CommandTests(SimpleTestCase):
    def test_operations_are_commands_of_the_ops_app(self):
        commands = get_commands()
        self.assertEqual({name: commands.get(name) for name in OPERATIONS},
                         dict.fromkeys(OPERATIONS, "xuncha.ops"))

    def test_hyphenated_names_reach_them(self):
        for written in ("seed-demo", "demo-logins", "backup", "generate"):
            argv = normalize_argv(["xuncha", written, "--help"])
            self.assertIn(argv[1], OPERATIONS, written)
            self.assertEqual(argv[2:], ["--help"])


class SchedulerTests(TestCase):
    def test_once_enqueues_every_periodic_job(self):
        out = io.StringIO()
        call_command("scheduler", "--once", stdout=out)
        self.assertEqual(out.getvalue().splitlines(),
                         [f"enqueued {job.name}" for job in periodic_jobs()])
        self.assertGreaterEqual(len(periodic_jobs()), 2)  # the ledger sweep, the dashboards
