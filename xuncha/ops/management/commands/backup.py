"""``xuncha backup OUTFILE.tar.gz``: the database and the uploaded files in one archive.

The archive is a gzip tar of

    manifest.json   format and version, time, database vendor, the migrations applied
                    (the latest per app), the rows per model, the SHA-256 of data.jsonl,
                    the number and size of the media files, and the content type and
                    permission tables (so that links to them can be mapped on restore)
    data.jsonl      every row of every model of the ``xuncha.*`` apps and of auth groups,
                    one Django-serialized JSON object per line, by primary key, models in
                    dependency order; many-to-many links as rows of their link tables.
                    No natural keys: the same file restores into SQLite or PostgreSQL.
    media/...       every file under MEDIA_ROOT

Values are dumped as stored: encrypted fields stay ciphertext (restore needs the same
``XUNCHA_FIELD_KEYS``), and times keep their microseconds, which the audit chain's hashes
cover. The tables are read in one read-only transaction (a consistent snapshot that does
not hold up the application's writers), streamed in chunks; the archive is written under a
temporary name, readable by its owner only, and renamed when complete. Sessions, the cache
and queued background tasks are not included. ``xuncha restore`` reads the archive back.
"""

import contextlib
import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = "xuncha-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA_PREFIX = "media/"
CHUNK = 2000


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup must keep microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backup_models() -> list[type[models.Model]]:
    """The models whose rows a backup holds, in dependency order.

    Every concrete model of the ``xuncha.*`` apps (with the link tables of their
    many-to-many fields) and auth's groups. Content types and permissions are written by
    ``migrate`` itself; links to permissions are mapped by (app, model, codename).
    """
    chosen = []
    for app_config in apps.get_app_configs():
        if not (app_config.name.startswith("xuncha.") or app_config.label == "auth"):
            continue
        for model in app_config.get_models(include_auto_created=True):
            opts = model._meta
            if opts.proxy or not opts.managed or opts.swapped or model is Permission:
                continue
            chosen.append(model)
    return dependency_order(chosen)


def dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """Referenced models before the models that point at them (a cycle, should one appear,
    is cut where it is met: foreign keys are checked when the restore commits)."""
    members = set(chosen)
    needs = {
        model: ({field.related_model._meta.concrete_model for field in model._meta.concrete_fields
                 if field.is_relation and field.related_model is not None} & members) - {model}
        for model in chosen
    }
    ordered: list[type[models.Model]] = []
    placed: set[type[models.Model]] = set()
    remaining = list(chosen)
    while remaining:
        ready = [m for m in remaining if needs[m] <= placed] or remaining[:1]
        for model in ready:
            ordered.append(model)
            placed.add(model)
            remaining.remove(model)
    return ordered


def migration_state(conn=connection) -> dict[str, list[str]]:
    """Per app, the latest applied migration(s): applied ones no applied migration of the
    same app depends on."""
    loader = MigrationLoader(conn, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    state: dict[str, list[str]] = {}
    for key in applied:
        node = loader.graph.node_map.get(key)
        children = {c for c in node.children if c[0] == key[0] and c in applied} if node else set()
        if not children:
            state.setdefault(key[0], []).append(key[1])
    return {app: sorted(names) for app, names in sorted(state.items())}


@contextlib.contextmanager
def read_snapshot():
    """Read every table as of one moment, without holding up the application's writers."""
    if connection.in_atomic_block:  # the caller's transaction decides
        yield
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    elif connection.vendor == "sqlite":
        # transaction.atomic() would BEGIN IMMEDIATE (settings) and make every writer wait
        # for the whole backup; a deferred read transaction is a snapshot in WAL mode.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
    else:
        with transaction.atomic():
            yield


def serialized_fields(model: type[models.Model]) -> list[str]:
    """The fields written for ``model``: its own columns. Many-to-many links are written as
    rows of their link tables instead, so that every table is loaded the same way."""
    # django-stubs does not declare Field.serialize (every field has it).
    return [f.name for f in model._meta.local_fields if f.serialize]  # type: ignore[attr-defined]


def media_files(root: Path) -> list[tuple[Path, str]]:
    """(path, name in the archive) of every regular file under ``root``; symbolic links are
    not followed. Staged imports (which name reporters) are never backed up: older
    versions kept them in ``MEDIA_ROOT/staging``."""
    found: list[tuple[Path, str]] = []
    if not root.is_dir():
        return found
    for directory, dirnames, filenames in os.walk(root):
        if Path(directory) == root:
            dirnames[:] = [d for d in dirnames if d != "staging"]
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory) / filename
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path, MEDIA_PREFIX + path.relative_to(root).as_posix()))
    return found


class Command(BaseCommand):
    help = ("Write the database (every Xuncha table) and the uploaded files into one gzip "
            "tar archive that `xuncha restore` reads back.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outfile", help="the archive to write, e.g. xuncha-2026-03-20.tar.gz")

    def handle(self, *args: str, **options: Any) -> None:
        outfile = Path(options["outfile"]).absolute()
        media_root = Path(settings.MEDIA_ROOT).absolute()
        if outfile.exists():
            raise CommandError(f"{outfile} exists already; choose a new file name.")
        if not outfile.parent.is_dir():
            raise CommandError(f"The directory {outfile.parent} does not exist.")
        if outfile.resolve().is_relative_to(media_root.resolve()):
            raise CommandError("Write the backup outside MEDIA_ROOT "
                               f"({media_root}): it would contain itself.")

        partial = outfile.with_name(f".{outfile.name}.{os.getpid()}.partial")
        try:
            with tempfile.TemporaryFile(dir=outfile.parent) as data:
                counts = self.dump(data)
                digest = hashlib.sha256()
                data.seek(0)
                while block := data.read(1 << 20):
                    digest.update(block)
                size = data.tell()
                files = media_files(media_root)
                manifest: dict[str, Any] = {  # a JSON document
                    "format": FORMAT,
                    "version": VERSION,
                    "created_at": timezone.now().isoformat(),
                    "database": {"vendor": connection.vendor},
                    "migrations": migration_state(),
                    "counts": counts,
                    "data": {"name": DATA, "sha256": digest.hexdigest(), "bytes": size,
                             "objects": sum(counts.values())},
                    "media": {"files": len(files),
                              "bytes": sum(path.stat().st_size for path, _name in files)},
                    "content_types": {
                        str(pk): [app_label, model] for pk, app_label, model in
                        ContentType.objects.order_by("pk").values_list("pk", "app_label", "model")},
                    "permissions": {
                        str(pk): [app_label, model, codename]
                        for pk, app_label, model, codename in Permission.objects.order_by(
                            "pk").values_list("pk", "content_type__app_label",
                                              "content_type__model", "codename")},
                }
                data.seek(0)
                self.write_archive(partial, manifest, data, size, files)
            os.replace(partial, outfile)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        media = manifest["media"]
        self.stdout.write(
            f"Backup written to {outfile}: {manifest['data']['objects']} rows of "
            f"{sum(1 for n in counts.values() if n)} tables, {media['files']} media file(s) "
            f"({media['bytes']} bytes).")

    def dump(self, stream) -> dict[str, int]:
        """Serialize every backed-up model into ``stream``; return the rows per model."""
        counts: dict[str, int] = {}
        text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=False)
        with read_snapshot():
            for model in backup_models():
                label = model._meta.label_lower
                counts[label] = 0

                def rows(model=model, label=label):
                    for obj in model._base_manager.order_by("pk").iterator(chunk_size=CHUNK):
                        counts[label] += 1
                        yield obj

                Serializer().serialize(rows(), stream=text, fields=serialized_fields(model),
                                       cls=ExactJSONEncoder)
        text.flush()
        text.detach()
        return counts

    def write_archive(self, path: Path, manifest: dict, data, size: int,
                      files: list[tuple[Path, str]]) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6,
                              format=tarfile.PAX_FORMAT) as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                tar.addfile(self.member(MANIFEST, len(body)), io.BytesIO(body))
                tar.addfile(self.member(DATA, size), data)
                for source, name in files:
                    try:
                        handle = open(source, "rb")
                    except OSError as exc:
                        raise CommandError(f"The media file {source} cannot be read ({exc}); "
                                           "if it was just removed, run the backup again.") from exc
                    with handle:
                        stat = os.fstat(handle.fileno())
                        tar.addfile(self.member(name, stat.st_size, stat.st_mtime), handle)
            raw.flush()
            os.fsync(raw.fileno())

    @staticmethod
    def member(name: str, size: int, mtime: float | None = None) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = int(mtime if mtime is not None else timezone.now().timestamp())
        return info
