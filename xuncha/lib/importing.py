"""A small framework for table imports: map headers, validate every row, show a preview,
then commit all rows in one transaction or none."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
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


def _staging_dir(user_id: int) -> Path:
    path = Path(settings.MEDIA_ROOT) / "staging" / str(user_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def stage_upload(*, user_id: int, name: str, data: bytes) -> str:
    """Keep an upload until the user confirms the import; returns an opaque token."""
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    token = uuid.uuid4().hex + suffix
    (_staging_dir(user_id) / token).write_bytes(data)
    return token


def load_staged(*, user_id: int, token: str) -> Table:
    if not token or "/" in token or "\\" in token or ".." in token:
        raise DomainError(_("The uploaded file has expired; upload it again."), code="expired")
    path = _staging_dir(user_id) / token
    if not path.is_file():
        raise DomainError(_("The uploaded file has expired; upload it again."), code="expired")
    return read_table(path.name, path.read_bytes())


def discard_staged(*, user_id: int, token: str) -> None:
    if token and "/" not in token and ".." not in token:
        (_staging_dir(user_id) / token).unlink(missing_ok=True)


def parse_bool(text: str) -> bool | None:
    value = text.strip().lower()
    if value in {"是", "y", "yes", "true", "1", "√", "✓"}:
        return True
    if value in {"否", "n", "no", "false", "0", ""}:
        return False
    return None
