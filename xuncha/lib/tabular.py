"""Reading uploaded .xlsx/.csv tables and writing .xlsx files, with limits and clear errors."""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from xuncha.lib.dates import local
from xuncha.lib.errors import DomainError
from xuncha.lib.textnorm import printable

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)  # cell text, stripped
    first_row_number: int = 2  # spreadsheet row number of rows[0] (header is row 1)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    # NUL cannot be stored in a text column (PostgreSQL) and never means anything in a cell.
    return str(value).replace("\x00", "").strip()


def _decode_csv(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030/GBK; others save UTF-8 (with a BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("The CSV file is neither UTF-8 nor GBK text."), code="bad_file")


def read_table(name: str, data: bytes) -> Table:
    """Parse an upload into a header and rows of text. Raises DomainError on anything that
    is not a readable, reasonably sized table."""
    if not data:
        raise DomainError(_("The file is empty."), code="bad_file")
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than 10 MB; split it into smaller files."),
                          code="bad_file")
    lower = name.lower()
    if lower.endswith(".xlsx"):
        raw_rows = _read_xlsx(data)
    elif lower.endswith(".csv"):
        text = _decode_csv(data)
        try:
            raw_rows = [[c.replace("\x00", "").strip() for c in row]
                        for row in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise DomainError(_("The CSV file cannot be read: %(error)s") % {"error": exc},
                              code="bad_file") from exc
    else:
        raise DomainError(_("Upload an .xlsx or .csv file."), code="bad_file")
    # Skip blank lines before the header.
    while raw_rows and not any(raw_rows[0]):
        raw_rows.pop(0)
    if not raw_rows:
        raise DomainError(_("The file has no header row."), code="bad_file")
    headers = [h.strip() for h in raw_rows[0]]
    rows = raw_rows[1:]
    while rows and not any(rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS:
        raise DomainError(_("The file has more than %(max)d rows; split it.") % {"max": MAX_ROWS},
                          code="bad_file")
    width = len(headers)
    rows = [(r + [""] * width)[:max(width, len(r))] for r in rows]
    return Table(headers=headers, rows=rows)


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zipfile, zlib, lxml and openpyxl raise many kinds
        raise DomainError(_("The file is not a valid .xlsx workbook."), code="bad_file") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for index, row in enumerate(sheet.iter_rows(values_only=True)):
            if index > MAX_ROWS + 1:
                raise DomainError(_("The file has more than %(max)d rows; split it.")
                                  % {"max": MAX_ROWS}, code="bad_file")
            rows.append([_cell_text(v) for v in row])
        return rows
    except DomainError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on corrupt sheets
        raise DomainError(_("The workbook cannot be read."), code="bad_file") from exc
    finally:
        workbook.close()


def write_xlsx(*, title: str, headers: Sequence[str], rows: Iterable[Sequence],
               widths: Sequence[int] | None = None) -> bytes:
    """One sheet with a bold, frozen header row; values written as they are."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([_excel_safe(v) for v in row])
    for i, _h in enumerate(headers, start=1):
        width = widths[i - 1] if widths and i - 1 < len(widths) else 18
        sheet.column_dimensions[get_column_letter(i)].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_xlsx_sheets(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """Several sheets (title, headers, rows), each like :func:`write_xlsx`'s."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(title=sheet_title(str(title), taken))
        sheet.append([str(h) for h in headers])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([_excel_safe(v) for v in row])
        sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


#: Characters a sheet name cannot hold (Excel refuses the workbook otherwise).
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})
SHEET_TITLE_MAX = 31


def sheet_title(title: str, taken: set[str] | None = None) -> str:
    """A name Excel accepts: no ``[]:*?/\\``, no leading or trailing apostrophe, at most
    31 characters, not empty, and (with ``taken``) not used twice, compared as Excel does,
    case-insensitively. Full-width brackets and colons (（）：) are fine and kept."""
    name = printable(str(title)).translate(_SHEET_FORBIDDEN).strip().strip("'").strip()
    name = name[:SHEET_TITLE_MAX].strip() or _("Worksheet")
    if taken is None:
        return name
    base, number = name, 2
    while name.casefold() in taken:
        suffix = f"({number})"
        name = base[:SHEET_TITLE_MAX - len(suffix)] + suffix
        number += 1
    taken.add(name.casefold())
    return name


def _excel_safe(value):
    """Neutralise spreadsheet formulas in text (CSV/formula injection); drop the control
    characters a workbook cannot hold."""
    if isinstance(value, str):
        value = printable(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Excel has no zones: the committee's wall-clock time (xuncha/lib/dates.py).
        return local(value).replace(tzinfo=None)
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
