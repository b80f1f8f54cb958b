"""Removing what a file says about who made it, before any member of staff can open it.

A reporter's attachment must not name the reporter. Office programs, PDF writers and
cameras record names, account ids, machine paths and times in places the reader never
sees; each cleaner below removes them from one family of formats, or refuses the file with
a message the sender can act on. Nothing is passed through uncleaned.

Office Open XML (.docx, .xlsx, .pptx)
    Core, app and custom properties are emptied or dropped; the parts that list people
    (``word/people.xml``, ``xl/persons/``, ``ppt/commentAuthors.xml`` names) are dropped or
    blanked; every ``author``, ``initials``, ``userId`` and ``date`` attribute (comments,
    tracked insertions, deletions and format changes, threaded comments) is blanked or
    removed, as are ``rsid`` revision-session ids and the ``w:rsids`` table; absolute paths
    (``x15ac:absPath``) and thumbnails go; pictures inside are cleaned as images. Macros,
    embedded objects (OLE, nested documents) and external relationships are refused.
PDF
    The Info dictionary, every XMP ``/Metadata`` stream (document, pages, images),
    ``/PieceInfo`` application data and the authors and dates of annotations go; JPEG
    images lose their EXIF/XMP/IPTC segments. Encrypted files, files with incremental
    updates (earlier revisions hide inside), embedded files and JavaScript are refused.
Images (JPEG, PNG)
    Re-encoded from their pixels: EXIF (with GPS), XMP, IPTC, comments and text chunks go.
Plain text
    Has no metadata; it is kept as sent.
"""

import io
import re
import zipfile
from collections.abc import Callable

from django.utils.translation import gettext as _

from .errors import DomainError

MAX_PIXELS = 40_000_000
#: An archive that unpacks past this many bytes or parts is refused (zip bombs): each part
#: is read whole to be cleaned, and a part never yields more than its declared size.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_PARTS = 5000

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OFFICE = (DOCX, XLSX, PPTX)


class Uncleanable(DomainError):
    """The file cannot be cleaned of what may identify its author, so it is not taken."""

    def __init__(self, message: str, *, code: str = "file_uncleanable"):
        super().__init__(message, code=code, field="attachments")


# --- images --------------------------------------------------------------------------------


def clean_image(data: bytes, content_type: str) -> bytes:
    """Re-encode the pixels only: EXIF (including GPS), XMP, IPTC, comments and text chunks
    go; the visible orientation is kept."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > MAX_PIXELS:
                raise DomainError(_("The image is too large (at most 40 million pixels)."),
                                  code="file_too_large", field="attachments")
            opened.load()
            image: Image.Image = ImageOps.exif_transpose(opened)
            if image.mode in ("P", "PA", "LA", "I;16"):
                image = image.convert("RGBA")
            pixels = Image.frombytes(image.mode, image.size, image.tobytes())
            out = io.BytesIO()
            if content_type == JPEG:
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


#: JPEG segments that carry no pixels and may carry a name, a place or a device:
#: APP1 (EXIF, XMP), APP2-APP13 except APP2 ICC profiles (APP13 is IPTC), APP15, COM.
#: APP0 (JFIF) and APP14 (Adobe colour transform) are needed to show the picture right.
_JPEG_KEEP = {0xE0, 0xEE}


def strip_jpeg_segments(data: bytes) -> bytes:
    """Drop the metadata segments of a JPEG stream without re-encoding it (for images
    inside PDF files, which must stay byte-exact in their pixels)."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(b"\xff\xd8")
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return data  # not a marker where one must be: leave the stream alone
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            out += data[i:]
            return bytes(out)
        length = int.from_bytes(data[i + 2:i + 4], "big")
        segment = data[i:i + 2 + length]
        is_icc = marker == 0xE2 and segment[4:16] == b"ICC_PROFILE\x00"
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE) or marker in _JPEG_KEEP or is_icc:
            out += segment
        i += 2 + length
    return data


# --- Office Open XML ------------------------------------------------------------------------

_EMPTY_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
               b'metadata/core-properties"/>')
_EMPTY_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
              b'extended-properties"/>')
#: Parts dropped whole (with their relationships and content-type entries).
_DROP_PARTS = re.compile(
    r"^(docProps/custom\.xml|docProps/thumbnail\.[a-z]+|word/people\.xml"
    r"|word/commentsIds\.xml|word/commentsExtensible\.xml|customXml/.*"
    r"|.*/?_rels/customXml.*)$")
#: Parts that make a file refused: macros, embedded objects and documents, ActiveX.
_REFUSE_PARTS = re.compile(
    r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)embeddings/|(^|/)activeX/", re.I)
#: Attributes whose value names or dates a person; blanked (names) or removed (dates).
_QUOTED = rb"(\"[^\"]*\"|'[^']*')"
_NAME_ATTRS = re.compile(rb"(\s)([\w.-]+:)?(author|initials)\s*=\s*" + _QUOTED)
_DATE_ATTRS = re.compile(rb"\s([\w.-]+:)?(date|dateUtc|dT|dt)\s*=\s*" + _QUOTED)
_RSID_ATTRS = re.compile(rb"\s[\w.-]+:rsid\w*\s*=\s*" + _QUOTED)
_RSIDS_TABLE = re.compile(rb"<w:rsids>.*?</w:rsids>|<w:rsids/>", re.S)
_ABS_PATH = re.compile(rb"<mc:AlternateContent[^>]*>\s*<mc:Choice[^>]*x15ac[^>]*>.*?"
                       rb"</mc:AlternateContent>|<x15ac:absPath[^>]*/>", re.S)
#: Parts that list the people who commented: every name and account id in them is blanked
#: (the parts stay, since comments refer to their entries by id).
_PEOPLE_PARTS = re.compile(r"^(xl/persons/person\d*\.xml|ppt/authors\.xml|ppt/commentAuthors\.xml)$")
_PEOPLE_ATTRS = re.compile(rb"(\s)([\w.-]+:)?(name|displayName|userId|providerId)\s*=\s*"
                           + _QUOTED)
#: Legacy Excel comment authors (``<authors><author>Name</author>``) keep the name as text.
_AUTHOR_TEXT = re.compile(rb"(<(?:\w+:)?author>)[^<]*(</(?:\w+:)?author>)")
_EXTERNAL = re.compile(rb"TargetMode\s*=\s*[\"']External[\"']")


def _scrub_xml(name: str, xml: bytes) -> bytes:
    xml = _NAME_ATTRS.sub(rb'\1\2\3=""', xml)
    if _PEOPLE_PARTS.match(name):
        xml = _PEOPLE_ATTRS.sub(rb'\1\2\3=""', xml)
    xml = _DATE_ATTRS.sub(b"", xml)
    xml = _RSID_ATTRS.sub(b"", xml)
    if name == "word/settings.xml":
        xml = _RSIDS_TABLE.sub(b"", xml)
    if name == "xl/workbook.xml":
        xml = _ABS_PATH.sub(b"", xml)
    xml = _AUTHOR_TEXT.sub(rb"\1\2", xml)
    return xml


def _drop_references(xml: bytes, dropped: set[str], *, base: str) -> bytes:
    """Remove the relationships and content-type overrides that point at dropped parts."""

    def keep(element: re.Match[bytes]) -> bytes:
        text = element.group(0)
        target = re.search(rb'(?:Target|PartName)\s*=\s*["\']([^"\']+)["\']', text)
        if target is None:
            return text
        path = target.group(1).decode("utf-8", "replace")
        resolved = path.lstrip("/") if path.startswith("/") else _join(base, path)
        return b"" if resolved in dropped else text

    return re.sub(rb"<(?:Relationship|Override)\b[^>]*/>", keep, xml)


def _join(base: str, relative: str) -> str:
    parts = [p for p in base.split("/") if p]
    for piece in relative.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _rels_base(rels_name: str) -> str:
    """The folder a ``.rels`` part's relative targets start from."""
    folder = rels_name.rsplit("/_rels/", 1)[0] if "/_rels/" in rels_name else ""
    return folder


def clean_office(data: bytes) -> bytes:
    """Clean a .docx, .xlsx or .pptx (see the module docstring) or raise ``Uncleanable``."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        infos = source.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError(_("The document cannot be read."), code="file_type",
                          field="attachments") from exc
    with source:
        if sum(i.file_size for i in infos) > MAX_UNPACKED or len(infos) > MAX_PARTS:
            raise DomainError(_("The document is too large once unpacked."),
                              code="file_too_large", field="attachments")
        names = [i.filename for i in infos]
        if any(_REFUSE_PARTS.search(n) for n in names):
            raise Uncleanable(_("The document contains macros or embedded objects, which may "
                                "say who made it. Save it again without them (for example as "
                                "a new document with the text pasted in) and attach that."))
        dropped = {n for n in names if _DROP_PARTS.match(n)}
        out = io.BytesIO()
        try:
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
                for info in infos:
                    name = info.filename
                    if name in dropped or info.is_dir():
                        continue
                    body = source.read(name)
                    body = _clean_part(name, body, dropped)
                    clean_info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                    clean_info.compress_type = zipfile.ZIP_DEFLATED
                    clean_info.external_attr = 0o600 << 16
                    target.writestr(clean_info, body)
        except DomainError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise DomainError(_("The document cannot be read."), code="file_type",
                              field="attachments") from exc
    return out.getvalue()


def _clean_part(name: str, body: bytes, dropped: set[str]) -> bytes:
    lower = name.lower()
    if name == "docProps/core.xml":
        return _EMPTY_CORE
    if name == "docProps/app.xml":
        return _EMPTY_APP
    if lower.endswith(".rels"):
        if _EXTERNAL.search(body) and not name.endswith("hyperlink.rels"):
            # Links to outside files (templates, linked pictures) can carry a user's path.
            body = re.sub(rb"<Relationship\b[^>]*TargetMode\s*=\s*[\"']External[\"'][^>]*/>",
                          _keep_hyperlinks, body)
        return _drop_references(body, dropped, base=_rels_base(name))
    if name == "[Content_Types].xml":
        return _drop_references(body, dropped, base="")
    if lower.endswith((".xml", ".vml")):
        return _scrub_xml(name, body)
    if lower.endswith((".jpg", ".jpeg")):
        return clean_image(body, JPEG)
    if lower.endswith(".png"):
        return clean_image(body, PNG)
    return body


def _keep_hyperlinks(element: re.Match[bytes]) -> bytes:
    """External hyperlinks are the document's text; other external targets (attached
    templates with ``file:///C:/Users/…`` paths, linked images) are removed."""
    text = element.group(0)
    return text if b"/hyperlink" in text else b""


# --- PDF -----------------------------------------------------------------------------------

#: Annotation subtypes whose ``/T`` is the author's name (for widgets it is a field name).
_MARKUP_KEYS = ("/T", "/M", "/CreationDate")


def _incremental_updates(data: bytes) -> bool:
    """More than one revision: a linearized file has two ``%%EOF`` markers by design."""
    markers = data.count(b"%%EOF")
    if markers <= 1:
        return False
    return not (markers == 2 and b"/Linearized" in data[:2048])


def clean_pdf(data: bytes) -> bytes:
    """Clean a PDF (see the module docstring) or raise ``Uncleanable``."""
    import pikepdf

    if _incremental_updates(data):
        raise Uncleanable(_("The PDF was changed after it was first saved, and its earlier "
                            "versions are still inside. Print it to a new PDF (or export it "
                            "again) and attach that."))
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise Uncleanable(_("The PDF is protected by a password; attach it without one."),
                          code="file_encrypted") from exc
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise DomainError(_("The PDF cannot be read."), code="file_type",
                          field="attachments") from exc
    with pdf:
        if pdf.is_encrypted:
            raise Uncleanable(_("The PDF is encrypted; attach it without protection."),
                              code="file_encrypted")
        _refuse_active_content(pdf)
        _strip_pdf(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _refuse_active_content(pdf: "object") -> None:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    names = pdf.Root.get("/Names")
    has_js = "/OpenAction" in pdf.Root and _is_javascript(pdf.Root.OpenAction)
    has_files = False
    if isinstance(names, pikepdf.Dictionary):
        has_js = has_js or "/JavaScript" in names
        has_files = "/EmbeddedFiles" in names
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        subtype = obj.get("/Subtype")
        if subtype == "/FileAttachment" or obj.get("/Type") in ("/Filespec", "/EmbeddedFile"):
            has_files = True
        if obj.get("/S") in ("/JavaScript", "/Launch") or "/JS" in obj:
            has_js = True
        if "/AA" in obj:
            has_js = True
    if has_files:
        raise Uncleanable(_("The PDF carries other files inside it, which may say who made "
                            "them. Attach those files on their own instead."))
    if has_js:
        raise Uncleanable(_("The PDF contains scripts or actions. Print it to a new PDF and "
                            "attach that."))


def _is_javascript(action: "object") -> bool:
    import pikepdf

    return isinstance(action, pikepdf.Dictionary) and (
        action.get("/S") in ("/JavaScript", "/Launch") or "/JS" in action)


def _strip_pdf(pdf: "object") -> None:
    import pikepdf

    assert isinstance(pdf, pikepdf.Pdf)
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        for key in ("/Metadata", "/PieceInfo", "/LastModified"):
            if key in obj:
                del obj[key]
        if obj.get("/Type") == "/Annot" or ("/Subtype" in obj and "/Rect" in obj):
            if obj.get("/Subtype") != "/Widget":
                for key in _MARKUP_KEYS:
                    if key in obj:
                        del obj[key]
        if isinstance(obj, pikepdf.Stream) and obj.get("/Filter") == "/DCTDecode":
            raw = obj.read_raw_bytes()
            stripped = strip_jpeg_segments(raw)
            if stripped != raw:
                obj.write(stripped, filter=pikepdf.Name.DCTDecode)


# --- one entry point -----------------------------------------------------------------------

CLEANERS: dict[str, Callable[[bytes], bytes]] = {
    JPEG: lambda data: clean_image(data, JPEG),
    PNG: lambda data: clean_image(data, PNG),
    PDF: clean_pdf,
    DOCX: clean_office,
    XLSX: clean_office,
    PPTX: clean_office,
    TEXT: lambda data: data,
}


def clean(data: bytes, content_type: str) -> bytes:
    """The file without what may identify its author, or ``Uncleanable`` / ``DomainError``
    with a message for the sender. ``content_type`` comes from the file's content."""
    cleaner = CLEANERS.get(content_type)
    if cleaner is None:
        raise Uncleanable(_("Only images (JPEG, PNG), PDF, Word, Excel, PowerPoint and text "
                            "files are accepted."), code="file_type")
    return cleaner(data)
