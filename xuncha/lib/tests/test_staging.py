"""Staged imports (a petitions file names reporters): encrypted at rest, owner-only,
outside MEDIA_ROOT, removed on confirm or cancel and after 24 hours, never backed up."""

import os
import tempfile
import time
from pathlib import Path

from django.test import SimpleTestCase, override_settings

from xuncha.lib import importing
from xuncha.lib.testing import RefusalAssertions
from xuncha.ops.management.commands.backup import media_files

CSV = "反映人,电话\n李明华,13907918888\n".encode()


class StagingTests(RefusalAssertions, SimpleTestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        override = override_settings(XUNCHA_STAGING_DIR=self.tmp + "/staging",
                                     MEDIA_ROOT=self.tmp + "/media")
        override.enable()
        self.addCleanup(override.disable)

    def staged(self) -> list[Path]:
        return sorted(Path(self.tmp, "staging").glob("*/*"))

    def test_kept_encrypted_and_owner_only_and_read_back(self):
        token = importing.stage_upload(user_id=7, name="来信.csv", data=CSV)
        (path,) = self.staged()
        self.assertNotIn("李明华".encode(), path.read_bytes())
        self.assertNotIn(b"13907918888", path.read_bytes())
        self.assertEqual(path.stat().st_mode & 0o777, 0o600)
        self.assertFalse(path.is_relative_to(Path(self.tmp, "media")))
        table = importing.load_staged(user_id=7, token=token)
        self.assertEqual(table.rows[0][0], "李明华")

    def test_removed_on_discard_and_unreadable_by_another_user(self):
        token = importing.stage_upload(user_id=7, name="来信.csv", data=CSV)
        with self.assertRefused(code="expired"):
            importing.load_staged(user_id=8, token=token)
        importing.discard_staged(user_id=7, token=token)
        self.assertEqual(self.staged(), [])

    def test_older_than_a_day_is_swept_away(self):
        token = importing.stage_upload(user_id=7, name="来信.csv", data=CSV)
        (path,) = self.staged()
        day_old = time.time() - 25 * 3600
        os.utime(path, (day_old, day_old))
        with self.assertRefused(code="expired"):
            importing.load_staged(user_id=7, token=token)
        self.assertEqual(self.staged(), [])

    def test_never_backed_up(self):
        legacy = Path(self.tmp, "media", "staging", "7")
        legacy.mkdir(parents=True)
        (legacy / "old.csv").write_bytes(CSV)
        Path(self.tmp, "media", "petitions").mkdir()
        (Path(self.tmp, "media", "petitions") / "a.pdf").write_bytes(b"%PDF")
        names = [name for _path, name in media_files(Path(self.tmp, "media"))]
        self.assertEqual(names, ["media/petitions/a.pdf"])


class StagedCancelTests(StagingTests):
    def test_cancel_and_sign_out_remove_the_file(self):
        from django.contrib.sessions.backends.signed_cookies import SessionStore

        session = SessionStore()
        session["k"] = importing.stage_upload(user_id=7, name="来信.csv", data=CSV)
        importing.stage_upload(user_id=7, name="第二份.csv", data=CSV)
        self.assertTrue(importing.staged_cancel(session=session, key="k", user_id=7))
        self.assertEqual(len(self.staged()), 1)
        self.assertFalse(importing.staged_cancel(session=session, key="k", user_id=7))
        self.assertEqual(importing.discard_all_staged(user_id=7), 1)
        self.assertEqual(self.staged(), [])


class StagedSweepJobTests(SimpleTestCase):
    def test_the_scheduler_sweeps_staged_imports_every_hour(self):
        from xuncha.web import registry

        jobs = {job.name: job for job in registry.periodic_jobs()}
        self.assertEqual(jobs["staged-imports-sweep"].every_minutes, 60)
