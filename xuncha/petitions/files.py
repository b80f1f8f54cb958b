"""Checking and cleaning attachments: type by content (not by name), size, and images
re-encoded so that EXIF and GPS metadata never reach storage; storing them with a petition
or a message, all or nothing."""

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

from xuncha.lib.errors import DomainError

from .models import Petition, PetitionAttachment, PetitionMessage

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 5
MAX_PIXELS = 40_000_000
_CONTROL = frozenset(chr(c) for c in (*range(0, 9), 11, *range(14, 32), 127))
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf",
              "text/plain": ".txt", DOCX: ".docx", XLSX: ".xlsx"}
#: What the forms say is accepted (the check itself is by content, see ``sniff``).
ACCEPT = ".jpg,.jpeg,.png,.pdf,.docx,.xlsx,.txt"


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


def strip_image_metadata(data: bytes, content_type: str) -> bytes:
    """Re-encode the pixels only: EXIF (including GPS), XMP, comments and text chunks go."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            image: Image.Image = opened
            if image.width * image.height > MAX_PIXELS:
                raise DomainError(_("The image is too large (at most 40 million pixels)."),
                                  code="file_too_large", field="attachments")
            image.load()
            image = ImageOps.exif_transpose(image)  # keep the visible orientation
            if image.mode in ("P", "PA", "LA", "I;16"):
                image = image.convert("RGBA")
            pixels = Image.frombytes(image.mode, image.size, image.tobytes())
            out = io.BytesIO()
            if content_type == "image/jpeg":
                if pixels.mode not in ("RGB", "L"):
                    pixels = pixels.convert("RGB")
                pixels.save(out, format="JPEG", quality=90)
            else:
                pixels.save(out, format="PNG")
            return out.getvalue()
    except DomainError:
        raise
    except Exception as exc:  # Pillow raises many kinds on broken images
        raise DomainError(_("The image cannot be read."), code="file_type",
                          field="attachments") from exc


OFFICE_METADATA = {
    # Author, last editor, company and the like: who wrote the document.
    "docProps/core.xml": (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                          b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
                          b'package/2006/metadata/core-properties"/>'),
    "docProps/app.xml": (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                         b'2006/extended-properties"/>'),
}


def strip_office_metadata(data: bytes) -> bytes:
    """Word and Excel files keep the author's name in ``docProps``: those parts are
    replaced by empty ones; every other part is copied unchanged."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            infos = source.infolist()
            if sum(i.file_size for i in infos) > 20 * MAX_BYTES or len(infos) > 5000:
                raise DomainError(_("The document is too large once unpacked."),
                                  code="file_too_large", field="attachments")
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for info in infos:
                    if info.filename in OFFICE_METADATA:
                        target.writestr(info.filename, OFFICE_METADATA[info.filename])
                    else:
                        target.writestr(info, source.read(info.filename))
            return out.getvalue()
    except DomainError:
        raise
    except Exception as exc:  # broken archives
        raise DomainError(_("The document cannot be read."), code="file_type",
                          field="attachments") from exc


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
    content_type = sniff(data)
    if content_type is None:
        raise DomainError(_("%(name)s: only images (JPEG, PNG), PDF, Word, Excel and text files "
                            "are accepted.") % {"name": name}, code="file_type",
                          field="attachments")
    if content_type.startswith("image/"):
        data = strip_image_metadata(data, content_type)
    elif content_type in (DOCX, XLSX):
        data = strip_office_metadata(data)
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
    """Store cleaned files as attachments of ``petition`` (or of one of its messages)."""
    for clean in files:
        row = PetitionAttachment(petition=petition, message=message, name=clean.name,
                                 content_type=clean.content_type, size=len(clean.data),
                                 sha256=clean.sha256)
        row.file.save(clean.storage_name(), clean.as_content_file(), save=False)
        written.append(row.file)
        row.save()
