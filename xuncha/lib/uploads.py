"""What may be uploaded as a case document: the kinds of file and the size limit."""

from django.core.files.base import File
from django.utils.translation import gettext as _

from .errors import DomainError

ALLOWED_UPLOADS = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".txt")
MAX_UPLOAD = 20 * 1024 * 1024


def check_upload(upload: File) -> None:
    """Refuse (``DomainError`` on the ``file`` field) anything but a PDF, an image, a Word,
    Excel or text file of at most 20 MB."""
    name = (upload.name or "").lower()
    if not name.endswith(ALLOWED_UPLOADS):
        raise DomainError(_("Upload a PDF, image, Word, Excel or text file."), field="file")
    if upload.size > MAX_UPLOAD:
        raise DomainError(_("The file is larger than 20 MB."), field="file")
