"""The README's own commands work exactly as written after ``make run`` (#18 item 15).

Each runs in a clean environment — no ``XUNCHA_*`` variable, a temporary ``var/`` — as a
subprocess of ``.venv/bin/xuncha``, after the steps ``make run`` takes before serving. Without
``make run`` a missing setting is one clear line, never a traceback.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

XUNCHA = Path(sys.executable).parent / "xuncha"
CORPUS = Path(settings.BASE_DIR) / "xuncha" / "announcements" / "tests" / "corpus"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def make_run_steps() -> list[list[str]]:
    """The Makefile's ``run`` recipe before ``serve``, as argument lists."""
    recipe = (Path(settings.BASE_DIR) / "Makefile").read_text(encoding="utf-8")
    body = recipe.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    steps = []
    for line in body.splitlines()[1:]:
        line = line.strip().lstrip("@")
        if " serve " in line or line.startswith("echo"):
            continue
        words = line.replace("$(PY)", sys.executable).replace("$(XUNCHA)", str(XUNCHA)).split()
        steps.append([w for w in words if w != "XUNCHA_DEBUG=1"] + (
            ["XUNCHA_DEBUG=1"] if "XUNCHA_DEBUG=1" in words else []))
    return steps


class ReadmeCommandTests(SimpleTestCase):
    def setUp(self):
        self.var = Path(tempfile.mkdtemp(prefix="xuncha-readme-"))
        self.addCleanup(shutil.rmtree, self.var, True)
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
        self.env = {k: v for k, v in os.environ.items() if k in keep}
        self.env["XUNCHA_VAR_DIR"] = str(self.var)

    def run_cli(self, *args: str, env: dict[str, str] | None = None,
                timeout: int = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(XUNCHA), *args], cwd=self.var, env=env or self.env,
                              capture_output=True, text=True, timeout=timeout)

    def ok(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = self.run_cli(*args, env=env)
        self.assertEqual(done.returncode, 0, f"{args}: {done.stderr[-2000:]}")
        self.assertNotIn("Traceback", done.stderr)
        return done.stdout

    def test_the_readme_shows_these_commands(self):
        readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
        for shown in ("xuncha demo-logins", "xuncha extract-announcement FILE",
                      "xuncha audit-verify", "xuncha sweep", "xuncha backup FILE.tar.gz",
                      "xuncha restore FILE.tar.gz", "xuncha generate --scale county"):
            self.assertIn(shown, readme)

    def test_without_make_run_a_missing_setting_is_one_line(self):
        for args in (["demo-logins"], ["extract-announcement",
                                        str(CORPUS / "004_autonomous_region_special.txt")]):
            done = self.run_cli(*args)
            self.assertEqual(done.returncode, 2, done.stdout)
            self.assertNotIn("Traceback", done.stderr)
            lines = done.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, done.stderr)
            self.assertIn("XUNCHA_SECRET_KEY must be set", lines[0])
            self.assertIn("make run", lines[0])

    def test_every_quick_readme_command_works_after_make_run(self):
        for step in make_run_steps():
            env = dict(self.env)
            if step[-1] == "XUNCHA_DEBUG=1":
                env["XUNCHA_DEBUG"] = "1"
                step = step[:-1]
            done = subprocess.run(step, cwd=self.var, env=env, capture_output=True, text=True,
                                  timeout=300)
            self.assertEqual(done.returncode, 0, f"{step}: {done.stderr[-2000:]}")
        self.assertTrue((self.var / "development.env").exists())

        # From here on, exactly as the README writes them: no variable at all.
        logins = self.ok("demo-logins").splitlines()
        self.assertIn("office dh_office Xuncha-demo-2026", logins)

        record = self.ok("extract-announcement", str(CORPUS / "004_autonomous_region_special.txt"))
        self.assertIn('"kind": "mobilization"', record)
        self.assertRegex(self.ok("audit-verify"), r"\d+ event")
        self.ok("sweep")
        archive = self.var / "demo.tar.gz"
        self.ok("backup", str(archive))
        self.assertTrue(archive.stat().st_size > 0)

        restored = {**self.env, "DATABASE_URL": f"sqlite:///{self.var / 'restored.sqlite3'}"}
        self.ok("migrate", "--no-input", env=restored)
        self.ok("restore", str(archive), env=restored)
        self.assertIn("office dh_office Xuncha-demo-2026",
                      self.ok("demo-logins", env=restored).splitlines())
        self.assertRegex(self.ok("audit-verify", env=restored), r"\d+ event")

        # The benchmark set is built on PostgreSQL: there it is made (the county scale takes
        # seconds); on SQLite the command says so in one line.
        on_sqlite = self.run_cli("generate", "--scale", "county")
        self.assertNotEqual(on_sqlite.returncode, 0)
        self.assertNotIn("Traceback", on_sqlite.stderr)
        self.assertIn("PostgreSQL", on_sqlite.stderr)
        self.generate_on_postgres()

    def generate_on_postgres(self) -> None:
        try:
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
                name = f"xuncha_readme_{uuid.uuid4().hex[:8]}"
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING \'UTF8\' '
                             "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
        except Exception:  # noqa: BLE001 — no PostgreSQL here: the SQLite answer was checked
            return
        try:
            env = {**self.env, "DATABASE_URL": re.sub(r"/postgres$", f"/{name}", PG_ADMIN)}
            self.ok("migrate", "--no-input", env=env)
            self.assertIn("done in", self.ok("generate", "--scale", "county", env=env))
        finally:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
