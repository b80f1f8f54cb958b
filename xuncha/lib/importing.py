"""A small framework for table imports: map headers, validate every row, show a preview,
then commit all rows in one transaction or none."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.lib.errors import DomainError
from xuncha.lib.tabular import Table, read_table


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, ...]  # accepted header texts, the first is the template's header
    required: bool = False


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Preview:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


class Importer:
    """Subclasses define ``columns``, ``clean_row`` and ``commit_rows``."""

    columns: Sequence[Column] = ()
    title = ""

    def __init__(self, *, actor):
        self.actor = actor

    # -- header mapping ------------------------------------------------------------
    def map_headers(self, headers: list[str]) -> dict[str, int]:
        normalized = [h.replace(" ", "").replace("*", "").lower() for h in headers]
        mapping: dict[str, int] = {}
        for column in self.columns:
            for label in column.labels:
                key = label.replace(" ", "").lower()
                if key in normalized:
                    mapping[column.key] = normalized.index(key)
                    break
        missing = [c.labels[0] for c in self.columns if c.required and c.key not in mapping]
        if missing:
            raise DomainError(_("Missing column(s): %(columns)s. Use the template's headers.")
                              % {"columns": "、".join(missing)}, code="bad_header")
        return mapping

    def column_label(self, key: str) -> str:
        for column in self.columns:
            if column.key == key:
                return column.labels[0]
        return key

    # -- validation ------------------------------------------------------------------
    def clean_row(self, raw: dict[str, str], context: dict) -> dict[str, Any]:
        raise NotImplementedError

    def prepare(self, raw_rows: list[dict[str, str]]) -> dict:
        """Load what validation needs in a few queries (not one per row)."""
        return {}

    def validate(self, table: Table) -> Preview:
        mapping = self.map_headers(table.headers)
        raw_rows = []
        for row in table.rows:
            raw_rows.append({k: (row[i] if i < len(row) else "").strip()
                             for k, i in mapping.items()})
        context = self.prepare(raw_rows)
        preview = Preview()
        for offset, raw in enumerate(raw_rows):
            number = table.first_row_number + offset
            if not any(raw.values()):
                continue
            problems: list[RowError] = []
            for column in self.columns:
                if column.required and not raw.get(column.key):
                    problems.append(RowError(number, column.labels[0], _("This cell is required.")))
            cleaned: dict[str, Any] = {}
            if not problems:
                try:
                    cleaned = self.clean_row(raw, context)
                except RowProblem as exc:
                    problems.append(RowError(number, self.column_label(exc.column), exc.message))
            preview.errors.extend(problems)
            preview.rows.append({"raw": raw, "cleaned": cleaned, "ok": not problems})
            preview.row_numbers.append(number)
        self.check_file(preview, context)
        if not preview.rows:
            raise DomainError(_("The file has no data rows."), code="empty")
        return preview

    def check_file(self, preview: Preview, context: dict) -> None:
        """Checks across rows (duplicates inside the file, references between rows)."""

    # -- commit ----------------------------------------------------------------------
    def commit_rows(self, rows: list[dict[str, Any]]) -> int:
        raise NotImplementedError

    def commit(self, table: Table) -> int:
        """Validate again and write every row, or nothing."""
        with transaction.atomic():
            preview = self.validate(table)
            if not preview.ok:
                raise DomainError(
                    _("The file has %(count)d error(s); nothing was imported.")
                    % {"count": len(preview.errors)}, code="invalid_rows")
            return self.commit_rows([r["cleaned"] for r in preview.rows])


# --- staged uploads between preview and commit ----------------------------------------
#
# A petitions file names reporters. Between its preview and its confirmation it is kept
# encrypted (the field keys of ``fieldcrypto``), readable by its owner only (0600), outside
# MEDIA_ROOT so no backup takes it (``XUNCHA_STAGING_DIR``, default ``var/staging``), and for
# at most ``STAGED_HOURS``: confirming or cancelling removes it at once, and every staging
# or loading sweeps away what is older.

STAGED_HOURS = 24


def _staging_root() -> Path:
    configured = getattr(settings, "XUNCHA_STAGING_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "staging"


def _staging_dir(user_id: int) -> Path:
    path = _staging_root() / str(int(user_id))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def staged_sweep(*, hours: int = STAGED_HOURS) -> int:
    """Remove staged uploads older than ``hours``; returns how many went."""
    import time

    root = _staging_root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - hours * 3600
    removed = 0
    for path in root.glob("*/*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def stage_upload(*, user_id: int, name: str, data: bytes) -> str:
    """Keep an upload (encrypted) until the user confirms the import; returns an opaque
    token."""
    import os

    from xuncha.lib.fieldcrypto import fernet

    staged_sweep()
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    token = uuid.uuid4().hex + suffix
    path = _staging_dir(user_id) / token
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(fernet().encrypt(data))
    return token


def _staged_path(user_id: int, token: str) -> Path:
    if not token or "/" in token or "\\" in token or ".." in token:
        raise DomainError(_("The uploaded file has expired; upload it again."), code="expired")
    return _staging_dir(user_id) / token


def load_staged(*, user_id: int, token: str) -> Table:
    from cryptography.fernet import InvalidToken

    from xuncha.lib.fieldcrypto import fernet

    staged_sweep()
    path = _staged_path(user_id, token)
    if not path.is_file():
        raise DomainError(_("The uploaded file has expired; upload it again."), code="expired")
    try:
        data = fernet().decrypt(path.read_bytes())
    except InvalidToken:
        path.unlink(missing_ok=True)
        raise DomainError(_("The uploaded file has expired; upload it again."),
                          code="expired") from None
    return read_table(path.name, data)


def discard_staged(*, user_id: int, token: str) -> None:
    if token and "/" not in token and ".." not in token and "\\" not in token:
        (_staging_dir(user_id) / token).unlink(missing_ok=True)


def discard_all_staged(*, user_id: int) -> int:
    """Remove every upload ``user_id`` has staged (at sign-out); returns how many went."""
    directory = _staging_root() / str(int(user_id))
    removed = 0
    if directory.is_dir():
        for path in directory.iterdir():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def staged_cancel(*, session: SessionBase, key: str, user_id: int) -> bool:
    """The user cancels the import they previewed: its staged file goes at once."""
    token = session.pop(key, "")
    if token:
        discard_staged(user_id=user_id, token=token)
    return bool(token)


def parse_bool(text: str) -> bool | None:
    value = text.strip().lower()
    if value in {"是", "y", "yes", "true", "1", "√", "✓"}:
        return True
    if value in {"否", "n", "no", "false", "0", ""}:
        return False
    return None
