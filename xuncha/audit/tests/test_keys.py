"""The key lives in the environment: its format, the development fallback, and what a
production process and ``check --deploy`` say about a missing, public or weak key."""

import base64
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from xuncha.audit.deploy import deploy_problems
from xuncha.audit.keys import DEV_KEY, DEV_KEY_ID, AuditKey, audit_keys, parse_keys

from .base import new_key

DEV_ENTRY = f"{DEV_KEY_ID}:" + base64.b64encode(DEV_KEY).decode()


class KeyFormatTests(SimpleTestCase):
    def test_entries_are_id_and_base64_newest_first(self):
        keys = parse_keys([new_key("2026a"), " " + new_key("2025-b.x") + " "])
        self.assertEqual([k.id for k in keys], ["2026a", "2025-b.x"])
        self.assertEqual([len(k.secret) for k in keys], [32, 32])
        self.assertNotIn(keys[0].secret.hex(), repr(keys[0]))

    def test_malformed_entries_are_named_by_position(self):
        for entries, message in (
                (["no-colon"], "entry 1 is not 'id:base64key'"),
                ([new_key("a"), "bad id!:AAAA"], "entry 2 is not 'id:base64key'"),
                ([new_key("a"), new_key("a")], "lists the key id 'a' twice"),
                (["a:not*base64"], "the key of 'a' is not base64"),
                (["a:"], "the key of 'a' is empty")):
            with self.subTest(entries=entries), self.assertRaisesMessage(ValueError, message):
                parse_keys(entries)

    def test_a_malformed_key_stops_the_process_at_start(self):
        with override_settings(XUNCHA_AUDIT_KEYS=["no-colon"]), self.assertRaisesMessage(
                ImproperlyConfigured, "entry 1 is not 'id:base64key'"):
            apps.get_app_config("audit").ready()

    def test_the_public_key_only_for_development_and_tests(self):
        with override_settings(XUNCHA_AUDIT_KEYS=[]):
            self.assertEqual(audit_keys(), (AuditKey(DEV_KEY_ID, DEV_KEY),))
            with override_settings(DEBUG=False, TESTING=False), self.assertRaisesMessage(
                    ImproperlyConfigured, "XUNCHA_AUDIT_KEYS must be set"):
                audit_keys()


class ProductionStartTests(SimpleTestCase):
    def test_a_production_process_refuses_to_start_without_the_key(self):
        var = tempfile.mkdtemp(prefix="xuncha-keys-")
        self.addCleanup(shutil.rmtree, var, True)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XUNCHA_", "DJANGO_")) and k != "DATABASE_URL"}
        env.update({"XUNCHA_SECRET_KEY": "s" * 60, "XUNCHA_VAR_DIR": var})
        probe = [sys.executable, "-c", "import xuncha.settings as s; print(s.XUNCHA_AUDIT_KEYS)"]
        refused = subprocess.run(probe, cwd=settings.BASE_DIR, env=env, capture_output=True,
                                 text=True, timeout=60)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("XUNCHA_AUDIT_KEYS must be set when XUNCHA_DEBUG is off", refused.stderr)
        entry = new_key("2026a")
        started = subprocess.run(probe, cwd=settings.BASE_DIR, capture_output=True, text=True,
                                 env={**env, "XUNCHA_AUDIT_KEYS": entry}, timeout=60)
        self.assertEqual(started.returncode, 0, started.stderr)
        self.assertIn(entry, started.stdout)


class DeployCheckTests(SimpleTestCase):
    def setUp(self):
        self.elsewhere = tempfile.mkdtemp(prefix="xuncha-checkpoints-")
        self.addCleanup(shutil.rmtree, self.elsewhere, True)

    def problems(self, **overrides) -> list[tuple[str, str]]:
        values = {"XUNCHA_AUDIT_KEYS": [new_key("2026a")],
                  "XUNCHA_AUDIT_CHECKPOINT_DIR": self.elsewhere,
                  "XUNCHA_AUDIT_CHECKPOINT_EMAIL": [], **overrides}
        with override_settings(**values):
            return [(p.id or "", p.msg) for p in deploy_problems()]

    def test_a_strong_key_and_a_checkpoint_directory_pass(self):
        self.assertEqual(self.problems(), [])
        self.assertEqual(self.problems(XUNCHA_AUDIT_CHECKPOINT_DIR="",
                                       XUNCHA_AUDIT_CHECKPOINT_EMAIL=["audit@example.gov.cn"]),
                         [])

    def test_a_missing_public_short_or_malformed_key_is_refused(self):
        short = "short:" + base64.b64encode(b"x" * 16).decode()
        for keys, check_id, message in (
                ([], "xuncha.E020", "XUNCHA_AUDIT_KEYS is not set"),
                ([DEV_ENTRY], "xuncha.E020", "'dev' is the public development key"),
                ([new_key("new"), short], "xuncha.E021", "the key of 'short' has 16 bytes"),
                (["nope"], "xuncha.E021", "entry 1 is not 'id:base64key'")):
            with self.subTest(keys=keys):
                [(found_id, found)] = self.problems(XUNCHA_AUDIT_KEYS=keys)
                self.assertEqual(found_id, check_id)
                self.assertIn(message, found)

    def test_checkpoints_need_a_place_outside_the_database(self):
        [(check_id, message)] = self.problems(XUNCHA_AUDIT_CHECKPOINT_DIR="")
        self.assertEqual(check_id, "xuncha.W020")
        missing = str(Path(self.elsewhere) / "unmounted")
        [(check_id, message)] = self.problems(XUNCHA_AUDIT_CHECKPOINT_DIR=missing)
        self.assertEqual((check_id, "is not a directory" in message), ("xuncha.W021", True))
        inside = Path(settings.VAR_DIR) / "checkpoints-test"
        inside.mkdir(exist_ok=True)
        self.addCleanup(inside.rmdir)
        [(check_id, message)] = self.problems(XUNCHA_AUDIT_CHECKPOINT_DIR=str(inside))
        self.assertEqual((check_id, "lies inside XUNCHA_VAR_DIR" in message), ("xuncha.W021", True))

    def test_the_check_runs_with_check_deploy(self):
        from django.core import checks

        with override_settings(XUNCHA_AUDIT_KEYS=[], XUNCHA_AUDIT_CHECKPOINT_DIR=self.elsewhere):
            found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
        self.assertIn("xuncha.E020", {message.id for message in found})
