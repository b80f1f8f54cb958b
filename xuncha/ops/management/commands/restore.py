"""``xuncha restore INFILE.tar.gz``: load an archive written by ``xuncha backup`` into a new,
empty, migrated database, and its files into MEDIA_ROOT.

Nothing is written until the whole archive has been read and checked: the gzip checksum,
the manifest, the migrations (the backup's must be exactly this database's), the rows
(every line deserializes, the counts and the SHA-256 match the manifest), the media paths
(no absolute paths, no ``..``, no links), and that the database has no rows. Then, in one
transaction: the rows are inserted model by model in dependency order (only INSERTs,
with their stored values: the audit trail stays append-only and its hash chain intact),
foreign keys are checked, PostgreSQL sequences are moved past the restored keys, and the
media files are put in place; any failure rolls everything back.

A database that already has rows is refused; there is deliberately no way around it (the
audit trail cannot be deleted). ``--force`` only lets the backup's files replace
different files already under MEDIA_ROOT.
"""

import functools
import hashlib
import importlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.loader import MigrationLoader

from .backup import CHUNK, DATA, FORMAT, MANIFEST, MEDIA_PREFIX, VERSION, backup_models, migration_state

#: Errors that mean "this file is not a readable backup".
UNREADABLE = (tarfile.TarError, OSError, EOFError, zlib.error, ValueError, DeserializationError)
MAX_MANIFEST = 16 * 1024 * 1024
NOTHING_CHANGED = "Nothing was changed."


def seeded_rows() -> dict[type[models.Model], models.Q]:
    """Rows that ``migrate`` itself writes: a new database has them, and the backup carries
    its own copy (possibly edited), which replaces them."""
    from xuncha.findings.models import ProblemCategory

    defaults = importlib.import_module("xuncha.findings.migrations.0002_default_categories")
    return {ProblemCategory: models.Q(committee__isnull=True,
                                      code__in=[code for code, _name in defaults.DEFAULTS])}


@functools.cache
def linked(model: type[models.Model]) -> dict[type[models.Model], list]:
    """The fields of ``model`` that point at content types or permissions: tables that
    ``migrate`` fills, whose keys may differ between databases."""
    found: dict[type[models.Model], list] = {}
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model in (ContentType, Permission):
            found.setdefault(f.related_model, []).append(f)
    return found


class _HashingReader(io.RawIOBase):
    def __init__(self, raw):
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        self.digest.update(data)
        return len(data)


def _lines(handle) -> io.TextIOWrapper:
    """Text lines split on "\\n" only (JSON strings may hold U+2028 and the like)."""
    return io.TextIOWrapper(handle, encoding="utf-8", newline="\n")


@dataclass
class MediaFile:
    member: tarfile.TarInfo
    relative: str
    write: bool = True  # False: an identical file is already in place


@dataclass
class Plan:
    data: tarfile.TarInfo
    counts: Counter
    remap: dict[type[models.Model], dict] = field(default_factory=dict)
    media: list[MediaFile] = field(default_factory=list)


class Command(BaseCommand):
    help = ("Restore an archive written by `xuncha backup` into a new, empty, migrated "
            "database (and its files into MEDIA_ROOT).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("infile", help="the archive written by `xuncha backup`")
        parser.add_argument(
            "--force", action="store_true",
            help="let the backup's files replace different files already under MEDIA_ROOT "
                 "(the database must still be empty: no rows are ever deleted)")

    def handle(self, *args: str, **options: Any) -> None:
        path = Path(options["infile"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file. {NOTHING_CHANGED}")
        self.path = path
        self.models = backup_models()
        self.by_label = {model._meta.label_lower: model for model in self.models}
        self.media_root = Path(settings.MEDIA_ROOT).absolute()
        try:
            tar = tarfile.open(path, "r:gz")
        except UNREADABLE as exc:
            raise self.unreadable(exc) from exc
        with tar:
            manifest = self.read_manifest(tar)
            self.check_backup_migrations(manifest)
            self.check_empty()
            try:
                plan = self.validate(tar, manifest, force=options["force"])
            except UNREADABLE as exc:
                raise self.unreadable(exc) from exc
            try:
                self.load(tar, plan, manifest)
            except (DatabaseError, OSError, *UNREADABLE) as exc:
                raise CommandError(f"The restore failed ({str(exc) or type(exc).__name__}) and was "
                                   "rolled back: the database is unchanged and no file was "
                                   "left in MEDIA_ROOT.") from exc
        self.report(plan, manifest)

    # --- checks before anything is written ------------------------------------------------

    def unreadable(self, exc: BaseException) -> CommandError:
        detail = str(exc) or type(exc).__name__
        return CommandError(f"{self.path} is not a readable Xuncha backup ({detail}). "
                            f"{NOTHING_CHANGED}")

    def read_manifest(self, tar: tarfile.TarFile) -> dict:
        # The archive's first member (``open`` has read it already; ``next`` hands it over).
        self.manifest_member = first = tar.next()
        if first is None or first.name != MANIFEST or not first.isfile():
            raise self.unreadable(ValueError(f"it does not start with {MANIFEST}"))
        if first.size > MAX_MANIFEST:
            raise self.unreadable(ValueError(f"{MANIFEST} is too large"))
        try:
            handle = tar.extractfile(first)
            assert handle is not None  # a regular file (checked above)
            manifest = json.loads(handle.read().decode("utf-8"))
        except UNREADABLE as exc:
            raise self.unreadable(exc) from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise self.unreadable(ValueError(f"{MANIFEST} is not a Xuncha backup manifest"))
        if manifest.get("version") != VERSION:
            raise CommandError(f"{self.path} is a backup of format version "
                               f"{manifest.get('version')!r}; this version of Xuncha reads "
                               f"version {VERSION}. {NOTHING_CHANGED}")
        expected = {"created_at": str, "database": dict, "migrations": dict, "counts": dict,
                    "data": dict, "media": dict, "content_types": dict, "permissions": dict}
        for key, kind in expected.items():
            if not isinstance(manifest.get(key), kind):
                raise self.unreadable(ValueError(f"{MANIFEST} lacks {key!r}"))
        migrations = manifest["migrations"]
        if not all(isinstance(names, list) and all(isinstance(n, str) for n in names)
                   for names in migrations.values()):
            raise self.unreadable(ValueError(f"{MANIFEST} has malformed migrations"))
        if not all(isinstance(n, int) and n >= 0 for n in manifest["counts"].values()):
            raise self.unreadable(ValueError(f"{MANIFEST} has malformed counts"))
        return manifest

    def check_backup_migrations(self, manifest: dict) -> None:
        """The backup's migrations must be this database's, exactly, for every app whose
        tables it holds."""
        recorded: dict[str, list[str]] = manifest["migrations"]
        concerned = sorted({label.split(".")[0] for label in self.by_label}
                           | {label.split(".")[0] for label in manifest["counts"]})
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        unknown = [f"{app}.{name}" for app in concerned for name in recorded.get(app, [])
                   if (app, name) not in loader.graph.nodes]
        if unknown:
            raise CommandError(
                f"The backup was made by a newer version of Xuncha: its database has "
                f"migrations this version does not know ({', '.join(unknown)}). Install the "
                f"version that made the backup, or a later one, and restore again. "
                f"{NOTHING_CHANGED}")
        missing = [f"{app}.{name}" for app in concerned for name in recorded.get(app, [])
                   if (app, name) not in loader.applied_migrations]
        if missing:
            raise CommandError(
                f"This database lacks migrations the backup has ({', '.join(missing)}): run "
                f"`xuncha migrate` first, then restore. {NOTHING_CHANGED}")
        current = migration_state()
        ahead = [app for app in concerned if sorted(recorded.get(app, [])) != current.get(app, [])]
        if ahead:
            steps = "; ".join(
                f"xuncha migrate {app} {recorded[app][-1] if recorded.get(app) else 'zero'}"
                for app in ahead)
            raise CommandError(
                f"The backup was made at an older schema than this database's (apps: "
                f"{', '.join(ahead)}). Create a new database, migrate it to the backup's "
                f"state ({steps}), restore into it, then run `xuncha migrate`. "
                f"{NOTHING_CHANGED}")

    def check_empty(self) -> None:
        seeded = seeded_rows()
        filled = []
        for model in self.models:
            rows = model._base_manager.all()
            if model in seeded:
                rows = rows.exclude(seeded[model])
            if rows.exists():
                filled.append(model._meta.label_lower)
        if filled:
            shown = ", ".join(filled[:6]) + (f" and {len(filled) - 6} more" if len(filled) > 6 else "")
            raise CommandError(
                f"The database is not empty ({shown} have rows). A backup is restored only "
                f"into a new database: create an empty database, point DATABASE_URL at it, run "
                f"`xuncha migrate`, then `xuncha restore` again. {NOTHING_CHANGED}")

    def media_path(self, name: str) -> str:
        """The path under MEDIA_ROOT of an archive member ``media/...``, or an error."""
        relative = name[len(MEDIA_PREFIX):]
        parts = PurePosixPath(relative).parts
        if (not relative or "\\" in relative or "\x00" in relative or relative.startswith("/")
                or any(part in ("", ".", "..") for part in parts)):
            raise ValueError(f"unsafe file path {name!r}")
        target = (self.media_root / relative).resolve()
        if not target.is_relative_to(self.media_root.resolve()):
            raise ValueError(f"file path {name!r} leads outside MEDIA_ROOT")
        return "/".join(parts)

    def validate(self, tar: tarfile.TarFile, manifest: dict, *, force: bool) -> Plan:
        """Read the whole archive once; return what to load. Writes nothing."""
        data_member = None
        counts: Counter = Counter()
        references: dict[type[models.Model], set] = {ContentType: set(), Permission: set()}
        media: list[MediaFile] = []
        conflicts: list[str] = []
        media_bytes = 0
        for member in tar:
            if member is self.manifest_member:
                continue
            if member.name == DATA and member.isfile() and data_member is None:
                data_member = member
                counts = self.read_rows(tar, member, manifest, references)
            elif member.name.startswith(MEDIA_PREFIX) and member.isfile():
                entry = MediaFile(member, self.media_path(member.name))
                media_bytes += member.size
                target = self.media_root / entry.relative
                if target.exists() or target.is_symlink():
                    if target.is_file() and self.same_content(tar, member, target):
                        entry.write = False
                    elif not force:
                        conflicts.append(entry.relative)
                media.append(entry)
            elif member.isdir() and (member.name == MEDIA_PREFIX.rstrip("/")
                                     or self.media_path(member.name.rstrip("/"))):
                continue  # directories are made as needed
            else:
                raise ValueError(f"unexpected archive member {member.name!r}")
        # The rest of the gzip stream: its CRC and length are checked at the end.
        while tar.fileobj.read(1 << 20):
            pass
        if data_member is None:
            raise ValueError(f"{DATA} is missing")
        expected = Counter({label: n for label, n in manifest["counts"].items() if n})
        if +counts != expected:
            raise ValueError(f"the rows in {DATA} do not match the manifest's counts")
        if (len(media), media_bytes) != (manifest["media"].get("files"),
                                         manifest["media"].get("bytes")):
            raise ValueError("the media files do not match the manifest")
        if conflicts:
            raise CommandError(
                f"MEDIA_ROOT ({self.media_root}) already holds different files at "
                f"{len(conflicts)} of the backup's paths (e.g. {conflicts[0]}). Use an empty "
                f"MEDIA_ROOT, or --force to replace them. {NOTHING_CHANGED}")
        return Plan(data=data_member, counts=counts, media=media,
                    remap=self.remapping(manifest, references))

    def read_rows(self, tar, member, manifest, references) -> Counter:
        """Deserialize every row (no database access); count them, check the digest."""
        counts: Counter = Counter()
        reader = _HashingReader(tar.extractfile(member))
        text = _lines(io.BufferedReader(reader, 1 << 16))
        for item in serializers.deserialize("jsonl", text):
            obj = item.object
            label = obj._meta.label_lower
            if label not in self.by_label or obj.pk is None or item.m2m_data:
                raise ValueError(f"unexpected row of {label} in {DATA}")
            counts[label] += 1
            for target, fields in linked(type(obj)).items():
                references[target].update(getattr(obj, f.attname) for f in fields)
        if text.read().strip():
            raise ValueError(f"trailing data in {DATA}")
        if reader.digest.hexdigest() != manifest["data"].get("sha256"):
            raise ValueError(f"{DATA} does not match its checksum")
        return counts

    @staticmethod
    def same_content(tar, member, target: Path) -> bool:
        if target.stat().st_size != member.size:
            return False
        ours, theirs = hashlib.sha256(), hashlib.sha256()
        source = tar.extractfile(member)
        while block := source.read(1 << 20):
            ours.update(block)
        with open(target, "rb") as handle:
            while block := handle.read(1 << 20):
                theirs.update(block)
        return ours.digest() == theirs.digest()

    def remapping(self, manifest, references) -> dict[type[models.Model], dict]:
        """Old key → this database's key, for the content types and permissions used."""
        here_types = {(a, m): pk for pk, a, m in
                      ContentType.objects.values_list("pk", "app_label", "model")}
        here_perms = {(a, m, c): pk for pk, a, m, c in Permission.objects.values_list(
            "pk", "content_type__app_label", "content_type__model", "codename")}
        remap: dict[type[models.Model], dict] = {ContentType: {}, Permission: {}}
        for target, table, here in ((ContentType, "content_types", here_types),
                                    (Permission, "permissions", here_perms)):
            for old in sorted(references[target] - {None}):
                key = manifest[table].get(str(old))
                new = here.get(tuple(key)) if isinstance(key, list) else None
                if new is None:
                    raise CommandError(
                        f"The backup refers to a {target._meta.verbose_name} ({key or old}) that "
                        f"this database does not have. {NOTHING_CHANGED}")
                remap[target][old] = new
        return remap

    # --- writing --------------------------------------------------------------------------

    def load(self, tar: tarfile.TarFile, plan: Plan, manifest: dict) -> None:
        with transaction.atomic():
            self.check_empty()  # again, now that writers wait for us
            for model, condition in seeded_rows().items():
                model._base_manager.filter(condition).delete()
            text = _lines(tar.extractfile(plan.data))
            batch: list[DeserializedObject] = []
            for item in serializers.deserialize("jsonl", text):
                if batch and (type(item.object) is not type(batch[0].object) or len(batch) >= CHUNK):
                    self.insert(batch, plan)
                    batch = []
                batch.append(item)
            if batch:
                self.insert(batch, plan)
            connection.check_constraints()
            statements = connection.ops.sequence_reset_sql(no_style(), self.models)
            if statements:
                with connection.cursor() as cursor:
                    for sql in statements:
                        cursor.execute(sql)
            if manifest["database"].get("vendor") != connection.vendor:
                self.rebuild_search()
            self.put_media(tar, plan)

    def insert(self, batch: list[DeserializedObject], plan: Plan) -> None:
        """INSERT the rows as they were stored: never an UPDATE (the audit table refuses
        them), and no field recomputes its value (``auto_now`` times are kept)."""
        model = type(batch[0].object)
        for target, fields in linked(model).items():
            for item in batch:
                for f in fields:
                    value = getattr(item.object, f.attname)
                    if value is not None:
                        setattr(item.object, f.attname, plan.remap[target][value])
        opts = model._meta
        recomputed = any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                         for f in opts.concrete_fields)
        if opts.parents or recomputed:
            for item in batch:
                item.save(force_insert=True)  # a raw save: the values as deserialized
        else:
            model._base_manager.bulk_create([item.object for item in batch])

    def rebuild_search(self) -> None:
        """The petitions' search column differs by database (tsvector on PostgreSQL, the
        normalised text on SQLite): rebuild it when the backup came from the other kind."""
        from xuncha.petitions.search import search_index_rebuild

        search_index_rebuild()

    def put_media(self, tar: tarfile.TarFile, plan: Plan) -> None:
        """Extract into a staging directory, then move each file into place; on failure the
        files moved so far are removed again (and the transaction rolls back)."""
        wanted = [entry for entry in plan.media if entry.write]
        if not wanted:
            return
        self.media_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=self.media_root))
        moved: list[Path] = []
        try:
            for entry in wanted:
                temporary = staging / entry.relative
                temporary.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(entry.member)
                assert source is not None  # only regular files are planned
                with source, open(temporary, "xb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                os.utime(temporary, (entry.member.mtime, entry.member.mtime))
            for entry in wanted:
                final = self.media_root / entry.relative
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / entry.relative, final)
                moved.append(final)
        except BaseException:
            for final in moved:
                final.unlink(missing_ok=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def report(self, plan: Plan, manifest: dict) -> None:
        for label in sorted(self.by_label):
            if plan.counts[label]:
                self.stdout.write(f"  {label:<44} {plan.counts[label]:>9}")
        written = sum(1 for entry in plan.media if entry.write)
        self.stdout.write(
            f"Restored {sum(plan.counts.values())} rows into "
            f"{sum(1 for n in plan.counts.values() if n)} tables and {len(plan.media)} media "
            f"file(s) ({written} written, {len(plan.media) - written} already in place) from "
            f"{self.path} (made {manifest['created_at']} on {manifest['database'].get('vendor')}).")
        if manifest["database"].get("vendor") != connection.vendor:
            self.stdout.write("The petitions' search index was rebuilt for "
                              f"{connection.vendor}.")
        self.warn_if_keys_differ()
        self.stdout.write("Check the audit trail with `xuncha audit-verify`.")

    def warn_if_keys_differ(self) -> None:
        from xuncha.lib import fieldcrypto
        from xuncha.petitions.models import Petition

        sample = (Petition.objects.exclude(reporter_name="").order_by("pk")
                  .values_list("reporter_name", flat=True).first())
        if sample:
            try:
                fieldcrypto.decrypt(sample)
            except ValueError:
                self.stderr.write(
                    "Warning: the reporters' identities cannot be decrypted with the "
                    "configured XUNCHA_FIELD_KEYS; configure the keys of the installation the "
                    "backup came from.")
