"""Checkpoints outside the database: written to the file, the e-mail and the log; and what
``audit-verify`` finds against them (a cut-off tail, a re-chained history)."""

import io
import json
from pathlib import Path
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from xuncha.audit.checkpoints import FILE_NAME, checkpoint_parse
from xuncha.audit.hooks import CHECKPOINT_EVERY_MINUTES
from xuncha.audit.keys import AuditKey, audit_keys
from xuncha.audit.testing import audit_triggers_lifted
from xuncha.web.registry import periodic_jobs

from .base import ChainTestCase, new_key
from .test_chain import forged, mac_under, plain_sha256


class CheckpointWritingTests(ChainTestCase):
    def lines(self) -> list[str]:
        return (Path(self.checkpoint_dir) / FILE_NAME).read_text().splitlines()

    def test_the_head_goes_to_the_file_the_mail_and_the_log(self):
        self.record(4)
        last = self.rows()[-1]
        with override_settings(XUNCHA_AUDIT_CHECKPOINT_EMAIL=["audit@example.gov.cn"]), \
                self.assertLogs("xuncha.audit", "INFO") as logs:
            call_command("audit_checkpoint", stdout=io.StringIO())
        [line] = self.lines()
        checkpoint = checkpoint_parse(line, audit_keys())
        self.assertEqual((checkpoint.count, checkpoint.seq, checkpoint.mac),
                         (4, 4, last["hash"]))
        self.assertTrue(checkpoint.at.endswith("Z"))
        self.assertEqual(json.loads(line)["key_id"], audit_keys()[0].id)
        [message] = mail.outbox
        self.assertEqual(message.to, ["audit@example.gov.cn"])
        self.assertIn("4 event(s) up to seq 4", message.subject)
        self.assertIn(line, message.body)
        self.assertIn(line, "\n".join(logs.output))
        # The file only grows: one line per checkpoint.
        self.record(1)
        self.checkpoint()
        self.assertEqual(len(self.lines()), 2)
        self.assertEqual(self.lines()[0], line)
        self.assertEqual(checkpoint_parse(self.lines()[1], audit_keys()).seq, 5)
        self.assertIn("matches 2 checkpoint(s)", self.verify())

    def test_an_unmounted_directory_fails_after_the_other_destinations(self):
        self.record(1)
        missing = str(Path(self.checkpoint_dir) / "not-mounted")
        with override_settings(XUNCHA_AUDIT_CHECKPOINT_DIR=missing,
                               XUNCHA_AUDIT_CHECKPOINT_EMAIL=["audit@example.gov.cn"]), \
                self.assertLogs("xuncha.audit", "INFO") as logs, \
                self.assertRaisesMessage(CommandError, "is not a directory (is the storage "
                                                       "mounted?)"):
            call_command("audit_checkpoint")
        self.assertFalse(Path(missing).exists())  # never created on the local disk
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("ERROR:xuncha.audit:audit checkpoint not delivered", "\n".join(logs.output))

    def test_a_changed_checkpoint_line_is_refused(self):
        self.record(2)
        self.checkpoint()
        path = Path(self.checkpoint_dir) / FILE_NAME
        data = json.loads(path.read_text())
        data["count"], data["seq"] = 1, 1
        path.write_text(json.dumps(data) + "\n")
        with self.assertRaisesMessage(CommandError, "line 1: its MAC does not verify"):
            self.verify()

    def test_the_scheduler_runs_the_checkpoint_daily(self):
        [job] = [job for job in periodic_jobs() if job.name == "audit-checkpoint"]
        self.assertEqual(job.every_minutes, CHECKPOINT_EVERY_MINUTES)
        self.assertEqual(CHECKPOINT_EVERY_MINUTES, 24 * 60)
        self.record(3)
        with self.assertLogs("xuncha.audit", "INFO"):
            result = job.enqueue()  # the immediate backend of the tests runs it now
        self.assertEqual(result.return_value["seq"], 3)
        self.assertEqual(checkpoint_parse(self.lines()[0], audit_keys()).count, 3)


class VerifyAgainstCheckpointTests(ChainTestCase):
    def test_deleting_the_last_three_rows_is_found(self):
        self.record(6)
        self.checkpoint()
        # An attacker with database access drops the triggers and cuts the tail: the
        # shorter chain is intact by itself.
        with audit_triggers_lifted(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event WHERE seq > 3")
        with self.assertRaisesMessage(CommandError, "Audit trail truncated: the checkpoint of "):
            self.verify()
        try:
            self.verify()
        except CommandError as exc:
            self.assertIn("recorded 6 event(s) up to seq 6; the database has 3 up to seq 3",
                          str(exc))
            self.assertEqual(exc.returncode, 1)

    def test_cutting_the_tail_and_appending_again_is_found(self):
        self.record(6)
        self.checkpoint()
        with audit_triggers_lifted(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event WHERE seq > 3")
        self.record(4)  # the application appends as if nothing happened: 7 rows again
        with self.assertRaisesMessage(CommandError, "broken at seq 6: MAC differs from the one a "
                                                    "checkpoint recorded"):
            self.verify()

    def test_a_history_rechained_with_the_real_key_is_found(self):
        # Even someone who stole the key cannot rewrite what a checkpoint has seen.
        self.record(5)
        self.checkpoint()
        self.rechain(2, mac_under(audit_keys()[0]), forged)
        with self.assertRaisesMessage(CommandError, "broken at seq 5: MAC differs from the one "
                                                    "a checkpoint recorded at this seq"):
            self.verify()

    def test_a_history_rehashed_without_a_key_is_found(self):
        self.record(5)
        self.checkpoint()
        self.rechain(1, plain_sha256, forged)
        with self.assertRaisesMessage(CommandError, "broken at seq 5: MAC differs"):
            self.verify()

    def test_a_checkpoint_from_the_mail_can_be_given_on_the_command_line(self):
        self.record(4)
        with override_settings(XUNCHA_AUDIT_CHECKPOINT_EMAIL=["audit@example.gov.cn"]):
            self.checkpoint()
        line = mail.outbox[0].body.strip().splitlines()[-1]
        (Path(self.checkpoint_dir) / FILE_NAME).unlink()  # the file is lost or out of reach
        with audit_triggers_lifted(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event WHERE seq = 4")
        self.assertIn("no checkpoint in", self.verify())
        with self.assertRaisesMessage(CommandError, "Audit trail truncated"):
            self.verify("--checkpoint", line)

    def test_checkpoints_can_be_read_from_a_copy(self):
        self.record(3)
        self.checkpoint()
        copy = Path(self.checkpoint_dir) / "copy.jsonl"
        copy.write_text((Path(self.checkpoint_dir) / FILE_NAME).read_text())
        with override_settings(XUNCHA_AUDIT_CHECKPOINT_DIR=""):
            self.assertIn("not compared with a checkpoint: no checkpoint directory configured",
                          self.verify())
            self.assertIn("matches 1 checkpoint(s), the latest of", self.verify(
                "--checkpoints", str(copy)))

    def test_an_unmounted_directory_is_an_error_not_a_pass(self):
        self.record(1)
        with override_settings(XUNCHA_AUDIT_CHECKPOINT_DIR=str(Path(self.checkpoint_dir) / "x")), \
                self.assertRaisesMessage(CommandError, "is not a directory"):
            self.verify()

    def test_checkpoints_signed_with_a_rotated_key_still_count(self):
        old, new = new_key("2025a"), new_key("2026a")
        with override_settings(XUNCHA_AUDIT_KEYS=[old]):
            self.record(4)
            self.checkpoint()
        with override_settings(XUNCHA_AUDIT_KEYS=[new, old]):
            self.record(1)
            with audit_triggers_lifted(), connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_event WHERE seq >= 4")
            with self.assertRaisesMessage(CommandError, "Audit trail truncated"):
                self.verify()

    def test_a_wrong_key_cannot_forge_a_checkpoint(self):
        self.record(2)
        self.checkpoint()
        with mock.patch("xuncha.audit.checkpoints.signing_key",
                        return_value=AuditKey(audit_keys()[0].id, b"x" * 32)), \
                self.assertLogs("xuncha.audit", "INFO"):
            call_command("audit_checkpoint", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "line 2: its MAC does not verify"):
            self.verify()
