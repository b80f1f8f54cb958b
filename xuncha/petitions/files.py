"""Checking and cleaning attachments: type by content (not by name), size, and everything
that may name the author removed (``xuncha.lib.metadata``) before any member of staff can
open the file; storing them with a petition or a message, all or nothing. Files of an
anonymous report are stored under neutral names (附件1.pdf), since a file's own name
often is its author's."""

import codecs
import contextlib
import hashlib
import io
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from xuncha.lib import metadata
from xuncha.lib.errors import DomainError

from .models import Petition, PetitionAttachment, PetitionMessage

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
_CONTROL = frozenset(chr(c) for c in (*range(0, 9), 11, *range(14, 32), 127))
DOCX = metadata.DOCX
XLSX = metadata.XLSX
PPTX = metadata.PPTX
EXTENSIONS = {metadata.JPEG: ".jpg", metadata.PNG: ".png", metadata.PDF: ".pdf",
              metadata.TEXT: ".txt", DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx"}
#: What the forms say is accepted (the check itself is by content, see ``sniff``).
ACCEPT = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx,.pptx,.txt"
#: Compound-file (OLE) documents: .doc/.xls/.ppt, and any password-protected Office file.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The stored name of an anonymous report's files: ``附件1.pdf``, ``附件2.docx`` …
NEUTRAL_NAME = "附件{n}{extension}"


@dataclass
class CleanFile:
    name: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, ".bin")

    def storage_name(self) -> str:
        """A random name: the uploaded name (which may say who sent it) is kept only in the
        database, never on disk."""
        return uuid.uuid4().hex + self.extension

    def as_content_file(self) -> ContentFile:
        return ContentFile(self.data, name=self.storage_name())


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
        if "ppt/presentation.xml" in names:
            return PPTX
        return None
    if b"\x00" not in data[:4096]:
        for encoding in ("utf-8", "gb18030"):
            try:
                # final=False: a character cut at the end of the sample is not an error.
                text = codecs.getincrementaldecoder(encoding)().decode(data[:65536],
                                                                        final=False)
            except UnicodeDecodeError:
                continue
            if any(c in _CONTROL for c in text):
                return None  # binary data that happens to decode
            return "text/plain"
    return None


def safe_name(name: str) -> str:
    """The file's own name without any path or control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()
    return name[:200] or "file"


def clean_upload(name: str, data: bytes) -> CleanFile:
    """Check one upload and clean it, or raise DomainError with a message for the sender."""
    name = safe_name(name)
    if not data:
        raise DomainError(_("The file %(name)s is empty.") % {"name": name}, code="file_empty",
                          field="attachments")
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file %(name)s is larger than 10 MB.") % {"name": name},
                          code="file_too_large", field="attachments")
    if data.startswith(OLE_MAGIC):
        raise metadata.Uncleanable(
            _("%(name)s is an old-format or password-protected Office document, which cannot "
              "be checked for its author's name. Save it as .docx, .xlsx or .pptx without a "
              "password and attach that.") % {"name": name}, code="file_encrypted")
    content_type = sniff(data)
    if content_type is None:
        raise DomainError(_("%(name)s: only images (JPEG, PNG), PDF, Word, Excel, PowerPoint "
                            "and text files are accepted.") % {"name": name}, code="file_type",
                          field="attachments")
    try:
        data = metadata.clean(data, content_type)
    except DomainError as exc:
        exc.message = f"{name}: {exc.message}"
        raise
    return CleanFile(name=name, content_type=content_type, data=data)


def clean_uploads(files: Iterable) -> list[CleanFile]:
    """Uploaded files (Django's) → cleaned files; more than ``MAX_FILES`` is refused."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise DomainError(_("At most %(n)d files.") % {"n": MAX_FILES}, code="too_many_files",
                          field="attachments")
    cleaned = []
    for upload in files:
        if upload.size is not None and upload.size > MAX_BYTES:
            raise DomainError(_("The file %(name)s is larger than 10 MB.")
                              % {"name": safe_name(upload.name)}, code="file_too_large",
                              field="attachments")
        cleaned.append(clean_upload(upload.name, upload.read()))
    return cleaned


# --- storing ----------------------------------------------------------------------------------


@contextlib.contextmanager
def files_kept_only_on_success() -> Iterator[list[FieldFile]]:
    """Attachments are written to storage inside the transaction; when the transaction
    fails, the files written so far are removed again (nothing stored half-way)."""
    written: list[FieldFile] = []
    try:
        yield written
    except BaseException:
        for stored in written:
            with contextlib.suppress(Exception):
                stored.delete(save=False)
        raise


def files_store(petition: Petition, files: Iterable[CleanFile], written: list[FieldFile],
                message: PetitionMessage | None = None) -> None:
    """Store cleaned files as attachments of ``petition`` (or of one of its messages); an
    anonymous report's files get neutral names."""
    number = petition.attachments.count() if petition.anonymous else 0
    for clean in files:
        name = clean.name
        if petition.anonymous:
            number += 1
            name = NEUTRAL_NAME.format(n=number, extension=clean.extension)
        row = PetitionAttachment(petition=petition, message=message, name=name,
                                 content_type=clean.content_type, size=len(clean.data),
                                 sha256=clean.sha256)
        row.file.save(clean.storage_name(), clean.as_content_file(), save=False)
        written.append(row.file)
        row.save()
