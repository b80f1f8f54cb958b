"""``xuncha backup`` and ``xuncha restore``: a round trip through a new database keeps every
row (audit chain, encrypted identities, ``auto_now`` times) and every uploaded file; a
database with rows, a broken or foreign archive, unsafe paths and a newer schema are refused
without changing anything."""

import datetime
import importlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from unittest import mock

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import TransactionTestCase, override_settings

from xuncha.accounts.models import User
from xuncha.audit.chain import FIELDS
from xuncha.audit.models import Event
from xuncha.audit.services import event_record
from xuncha.audit.testing import audit_triggers_lifted
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib import fieldcrypto
from xuncha.lib.testing import World, make_cadre, make_committee
from xuncha.ops.management.commands.backup import backup_models
from xuncha.ops.management.commands.restore import seeded_rows
from xuncha.organizations.models import Level
from xuncha.petitions import identity
from xuncha.petitions import intake as petitions
from xuncha.petitions.files import clean_upload
from xuncha.petitions.models import Petition, PetitionAttachment
from xuncha.petitions.tests.base import NOW, OTHER, TEXT, jpeg_with_gps

REPORTER = identity.Reporter(name="李明华", phone="13912348888", id_number="360102199001011234",
                             address="东湖区湖滨路1号")
#: Link tables whose permission keys are mapped on restore (compared by codename instead).
PERMISSION_LINKS = {"auth.group_permissions", "accounts.user_user_permissions"}


def snapshot() -> dict[str, list[tuple]]:
    """Every stored value of every backed-up table, by primary key."""
    return {model._meta.label_lower: list(model._base_manager.order_by("pk").values_list(
                *[f.attname for f in model._meta.concrete_fields]))
            for model in backup_models()}


def rows_besides_seeds() -> dict[str, int]:
    seeded = seeded_rows()
    counts = {}
    for model in backup_models():
        rows = model._base_manager.all()
        if model in seeded:
            rows = rows.exclude(seeded[model])
        if n := rows.count():
            counts[model._meta.label_lower] = n
    return counts


def files_under(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def rewrite(source: Path, target: Path, *, manifest=None, extra=(), cut=None) -> Path:
    """A copy of the archive ``source`` with its manifest edited, members added, or cut."""
    if cut is not None:
        target.write_bytes(source.read_bytes()[:cut])
        return target
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = old.extractfile(member).read()
            if member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        for name, data in extra:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


class BackupRestoreTests(TransactionTestCase):
    # Each test starts from a freshly migrated database (with the rows migrations write).
    serialized_rollback = True

    def _fixture_teardown(self):
        # SQLite flushes with DELETE, which the audit table's triggers refuse.
        with audit_triggers_lifted():
            super()._fixture_teardown()

    def setUp(self):
        super().setUp()
        cache.clear()
        self.media = Path(tempfile.mkdtemp(prefix="xuncha-media-"))
        self.addCleanup(shutil.rmtree, self.media, True)
        media_override = override_settings(MEDIA_ROOT=str(self.media))
        media_override.enable()
        self.addCleanup(media_override.disable)
        work = Path(tempfile.mkdtemp(prefix="xuncha-backup-"))
        self.addCleanup(shutil.rmtree, work, True)
        self.archive = work / "xuncha.tar.gz"
        self.work = work
        clock = mock.patch("django.utils.timezone.now", return_value=NOW)
        self.clock = clock.start()
        self.addCleanup(clock.stop)
        self.build()

    def build(self):
        World.build(self)
        self.inspection = stationed_inspection(self)
        self.petition = petitions.petition_intake(
            actor=self.office, committee=self.county, channel="phone", content=TEXT,
            unit=self.unit_edu, received_at=NOW, reporter=REPORTER,
            subjects=[{"name": "王建国", "position": "局长", "unit": self.unit_edu}],
            files=[clean_upload("现场照片.jpg", jpeg_with_gps())])
        petitions.petition_submit_public(inspection=self.inspection, content=OTHER)
        # A line separator inside a value: the archive is split on "\n" only.
        make_cadre("欧阳\u2028明", self.unit_fin, "科员")
        view_event = Permission.objects.get(codename="view_event")
        group = Group.objects.create(name="审计查阅")
        group.permissions.add(view_event)
        self.office.groups.add(group)
        self.office.user_permissions.add(view_event)
        User.objects.filter(pk=self.office.pk).update(
            totp_secret=fieldcrypto.encrypt("JBSWY3DPEHPK3PXP"))
        notes = self.media / "imports" / "2026" / "名单 说明.txt"
        notes.parent.mkdir(parents=True)
        notes.write_text("巡察名单\n", encoding="utf-8")

    def backup(self) -> str:
        out = io.StringIO()
        call_command("backup", str(self.archive), stdout=out)
        return out.getvalue()

    def restore(self, archive=None, *args) -> str:
        out = io.StringIO()
        call_command("restore", str(archive or self.archive), *args, stdout=out, stderr=out)
        return out.getvalue()

    def fresh_database(self) -> None:
        """What `xuncha migrate` leaves in a new database: content types and permissions,
        and the default problem categories. One permission gets a new key, so links to
        it must be mapped."""
        with audit_triggers_lifted():
            call_command("flush", interactive=False, verbosity=0)
        importlib.import_module("xuncha.findings.migrations.0002_default_categories").up(apps, None)
        Permission.objects.filter(codename="view_event").delete()
        create_permissions(apps.get_app_config("audit"), verbosity=0)
        shutil.rmtree(self.media)
        self.media.mkdir()
        self.assertEqual(rows_besides_seeds(), {})

    def permission_links(self) -> set[tuple[str, str]]:
        return ({(u, c) for u, c in User.user_permissions.through.objects.values_list(
                    "user__username", "permission__codename")}
                | {(g, c) for g, c in Group.permissions.through.objects.values_list(
                    "group__name", "permission__codename")})

    def test_round_trip_into_a_new_database(self):
        before = snapshot()
        links = self.permission_links()
        files = files_under(self.media)
        attachment = PetitionAttachment.objects.get(petition=self.petition)
        self.assertIn(attachment.file.name, files)
        output = self.backup()
        self.assertIn("2 media file(s)", output)
        self.assertEqual(oct(self.archive.stat().st_mode & 0o777), "0o600")

        self.fresh_database()
        self.clock.return_value = NOW + datetime.timedelta(days=30)  # auto_now must not move
        output = self.restore()
        self.assertIn(f"Restored {sum(len(rows) for rows in before.values())} rows", output)

        after = snapshot()
        self.assertEqual({label: len(rows) for label, rows in after.items()},
                         {label: len(rows) for label, rows in before.items()})
        for label in before:
            if label not in PERMISSION_LINKS:
                self.assertEqual(after[label], before[label], label)
        self.assertEqual(self.permission_links(), links)
        self.assertTrue(User.objects.get(username="office").has_perm("audit.view_event"))
        # Identities are restored as ciphertext and still decrypt with the same keys.
        petition = Petition.objects.get(pk=self.petition.pk)
        self.assertNotIn("李明华", petition.reporter_name)
        self.assertEqual(identity.Reporter(
            name=fieldcrypto.decrypt(petition.reporter_name),
            phone=fieldcrypto.decrypt(petition.reporter_phone),
            id_number=fieldcrypto.decrypt(petition.reporter_id_number),
            address=fieldcrypto.decrypt(petition.reporter_address)), REPORTER)
        self.assertEqual(fieldcrypto.decrypt(User.objects.get(username="office").totp_secret),
                         "JBSWY3DPEHPK3PXP")
        self.assertEqual(files_under(self.media), files)
        with PetitionAttachment.objects.get(pk=attachment.pk).file.open("rb") as handle:
            self.assertEqual(handle.read(), files[attachment.file.name])
        # The audit chain is intact, continues, and new rows get new keys.
        out = io.StringIO()
        call_command("audit_verify", stdout=out)
        self.assertIn(f"{len(before['audit.event'])} event(s) verified", out.getvalue())
        self.assertTrue(Event.objects.exists())
        event = event_record(actor=None, action="test.after_restore")
        self.assertEqual(event.seq, len(before["audit.event"]) + 1)
        make_committee("Q", Level.PROVINCIAL, region="新省")
        call_command("audit_verify", stdout=io.StringIO())

    def test_audit_events_keep_every_field_exactly(self):
        rows = list(Event.objects.order_by("seq").values("id", *FIELDS))
        self.assertTrue(any(row["created_at"].microsecond % 1000 for row in rows))
        self.backup()
        self.fresh_database()
        self.restore()
        self.assertEqual(list(Event.objects.order_by("seq").values("id", *FIELDS)), rows)

    def test_a_database_with_rows_is_refused_and_left_alone(self):
        self.backup()
        before, files = snapshot(), files_under(self.media)
        for args in ((), ("--force",)):
            with self.assertRaises(CommandError) as ctx:
                self.restore(None, *args)
            self.assertIn("not empty", str(ctx.exception))
            self.assertIn("Nothing was changed", str(ctx.exception))
        self.assertEqual(snapshot(), before)
        self.assertEqual(files_under(self.media), files)

    def test_broken_and_foreign_archives_are_refused(self):
        self.backup()
        size = self.archive.stat().st_size
        garbage = self.work / "garbage.tar.gz"
        garbage.write_bytes(os.urandom(4096))
        plain = self.work / "plain.tar.gz"
        with tarfile.open(plain, "w:gz") as tar:
            info = tarfile.TarInfo("notes.txt")
            info.size = 5
            tar.addfile(info, io.BytesIO(b"notes"))
        with tarfile.open(self.archive, "r:gz") as tar:
            data = tar.extractfile("data.jsonl").read()
        tampered = rewrite(self.archive, self.work / "tampered.tar.gz",
                           manifest=lambda m: {**m, "data": {**m["data"], "sha256": "0" * 64}})
        cases = {
            garbage: "not a readable Xuncha backup",
            plain: "not a readable Xuncha backup",
            rewrite(self.archive, self.work / "cut.tar.gz", cut=size // 2): "not a readable",
            rewrite(self.archive, self.work / "end.tar.gz", cut=size - 4): "not a readable",
            tampered: "checksum",
            rewrite(self.archive, self.work / "extra.tar.gz",
                    extra=[("data.jsonl", data)]): "unexpected archive member",
            rewrite(self.archive, self.work / "escape.tar.gz",
                    extra=[("media/../../escaped.txt", b"x")]): "unsafe file path",
            rewrite(self.archive, self.work / "absolute.tar.gz",
                    extra=[("/tmp/xuncha-absolute.txt", b"x")]): "unexpected archive member",
            rewrite(self.archive, self.work / "newer.tar.gz", manifest=lambda m: {
                **m, "migrations": {**m["migrations"], "petitions": ["0099_future"]}}): "newer version",
            rewrite(self.archive, self.work / "v2.tar.gz",
                    manifest=lambda m: {**m, "version": 2}): "format version",
            self.work / "missing.tar.gz": "is not a file",
        }
        self.fresh_database()
        for archive, message in cases.items():
            with self.subTest(archive=archive.name):
                with self.assertRaises(CommandError) as ctx:
                    self.restore(archive)
                self.assertIn(message, str(ctx.exception))
                self.assertIn("Nothing was changed", str(ctx.exception))
                self.assertEqual(rows_besides_seeds(), {})
                self.assertEqual(files_under(self.media), {})
        self.assertFalse((self.media.parent / "escaped.txt").exists())
        self.assertFalse(Path("/tmp/xuncha-absolute.txt").exists())
        # The intact archive still restores.
        self.restore()
        self.assertTrue(Petition.objects.filter(pk=self.petition.pk).exists())

    def test_different_files_in_media_root_need_force(self):
        self.backup()
        self.fresh_database()
        stale = self.media / "imports" / "2026" / "名单 说明.txt"
        stale.parent.mkdir(parents=True)
        stale.write_text("旧文件", encoding="utf-8")
        with self.assertRaises(CommandError) as ctx:
            self.restore()
        self.assertIn("--force", str(ctx.exception))
        self.assertEqual(rows_besides_seeds(), {})
        self.assertEqual(files_under(self.media), {"imports/2026/名单 说明.txt": "旧文件".encode()})
        self.restore(None, "--force")
        self.assertEqual(stale.read_text(encoding="utf-8"), "巡察名单\n")
