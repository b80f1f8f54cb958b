"""Attachments lose everything that could name their author (files made by real programs,
see fixtures/README.md), stay readable, and files that cannot be cleaned are refused."""

import io
import shutil
import subprocess
import tempfile
import unittest
import zipfile
from pathlib import Path

from django.test import SimpleTestCase

from xuncha.lib import metadata
from xuncha.lib.errors import DomainError
from xuncha.lib.testing import RefusalAssertions

FIXTURES = Path(__file__).parent / "fixtures"
#: What the fixtures say about their made-up authors, in every encoding they use.
SECRETS = ("张举报人", "13912345678", "东湖区教育局办公室", "李会计", "财务科", "王科员",
           "SN123456", "Huawei", "拍摄者")


def encodings(text: str) -> list[bytes]:
    forms = [text.encode("utf-8"), text.encode("utf-16-be"),
             "".join(f"&#{ord(c)};" for c in text).encode()]
    hex_form = text.encode("utf-16-be").hex()  # PDF hex strings, in either case
    return [*forms, hex_form.encode(), hex_form.upper().encode()]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def office_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def pdf_expanded(data: bytes) -> bytes:
    """The PDF with every stream decompressed, so text inside streams can be searched."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, qdf=True, compress_streams=False,
                 stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
        return out.getvalue()


class SecretsAssertions(SimpleTestCase):
    def assertNoSecrets(self, blob: bytes, where: str) -> None:
        for secret in SECRETS:
            for form in encodings(secret):
                # assertFalse, not assertNotIn: the blob is too long to print.
                self.assertFalse(form in blob, f"{secret!r} ({form[:24]!r}) still in {where}")


class OfficeTests(SecretsAssertions):
    def test_word_loses_authors_revisions_comments_and_properties(self):
        source = fixture("report.docx")
        parts = office_parts(source)
        self.assertIn("张举报人".encode(), parts["word/document.xml"])  # the fixture is real
        self.assertIn("docProps/custom.xml", parts)
        cleaned = metadata.clean_office(source)
        parts = office_parts(cleaned)
        for name, body in parts.items():
            self.assertNoSecrets(body, name)
        self.assertNotIn("docProps/custom.xml", parts)
        self.assertNotIn(b"custom.xml", parts["[Content_Types].xml"])
        self.assertNotIn(b"custom.xml", parts["_rels/.rels"])
        self.assertNotIn(b"w:date=", parts["word/comments.xml"])
        self.assertNotIn(b'w:initials="ZJ"', parts["word/comments.xml"])
        # The text, the tracked insertion and the comment itself are still there.
        import docx

        document = docx.Document(io.BytesIO(cleaned))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("违规收受礼金", text)
        self.assertIn("这里要补充时间地点".encode(), parts["word/comments.xml"])

    def test_word_parts_that_word_writes_are_cleaned(self):
        """Word (not LibreOffice) adds people.xml with account ids, revision-session ids and
        a thumbnail: added here to the real file the way Word writes them."""
        parts = office_parts(fixture("report.docx"))
        parts["word/people.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:people '
            b'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person '
            b'w15:author="\xe5\xbc\xa0\xe4\xb8\xbe\xe6\x8a\xa5\xe4\xba\xba"><w15:presenceInfo '
            b'w15:providerId="AD" w15:userId="S::13912345678@corp.example::1f2e"/></w15:person>'
            b"</w15:people>")
        parts["docProps/thumbnail.jpeg"] = fixture("photo.jpg")
        parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdP" Type="http://schemas.microsoft.com/office/2011/'
            b'relationships/people" Target="people.xml"/></Relationships>')
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/package/2006/'
            b'relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/>'
            b"</Relationships>")
        parts["word/settings.xml"] = parts["word/settings.xml"].replace(
            b"</w:settings>", b'<w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00D4E5F6"/>'
            b"</w:rsids></w:settings>")
        parts["word/document.xml"] = parts["word/document.xml"].replace(
            b"<w:p>", b'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6">', 1)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, body in parts.items():
                archive.writestr(name, body)
        cleaned = office_parts(metadata.clean_office(out.getvalue()))
        self.assertNotIn("word/people.xml", cleaned)
        self.assertNotIn("docProps/thumbnail.jpeg", cleaned)
        self.assertNotIn(b"people.xml", cleaned["word/_rels/document.xml.rels"])
        self.assertNotIn(b"thumbnail", cleaned["_rels/.rels"])
        self.assertNotIn(b"rsid", cleaned["word/settings.xml"])
        self.assertNotIn(b"rsid", cleaned["word/document.xml"])
        for name, body in cleaned.items():
            self.assertNoSecrets(body, name)

    def test_excel_loses_comment_authors_and_properties(self):
        source = fixture("sheet.xlsx")
        self.assertIn("李会计".encode(), office_parts(source)["xl/comments1.xml"])
        cleaned = metadata.clean_office(source)
        for name, body in office_parts(cleaned).items():
            self.assertNoSecrets(body, name)
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(cleaned)).active
        self.assertEqual(sheet["B2"].value, 8800)
        self.assertIn("这笔是宴请", sheet["B2"].comment.text)

    def test_excel_path_of_the_authors_folder_goes(self):
        parts = office_parts(fixture("sheet.xlsx"))
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
            b"<sheets>", b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/'
            b'markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath '
            b'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" '
            b'url="C:\\Users\\\xe7\x8e\x8b\xe7\xa7\x91\xe5\x91\x98\\Desktop\\"/></mc:Choice>'
            b"</mc:AlternateContent><sheets>")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, body in parts.items():
                archive.writestr(name, body)
        cleaned = office_parts(metadata.clean_office(out.getvalue()))
        self.assertNotIn(b"absPath", cleaned["xl/workbook.xml"])
        self.assertNotIn(b"Users", cleaned["xl/workbook.xml"])

    def test_powerpoint_loses_comment_authors(self):
        source = fixture("slides.pptx")
        self.assertIn("王科员".encode(), office_parts(source)["ppt/commentAuthors.xml"])
        cleaned = office_parts(metadata.clean_office(source))
        for name, body in cleaned.items():
            self.assertNoSecrets(body, name)
        self.assertIn("核对数字".encode(), cleaned["ppt/comments/comment1.xml"])

    def test_pictures_inside_documents_lose_their_exif(self):
        parts = office_parts(fixture("report.docx"))
        parts["word/media/image1.jpeg"] = fixture("photo.jpg")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, body in parts.items():
                archive.writestr(name, body)
        cleaned = office_parts(metadata.clean_office(out.getvalue()))
        self.assertNoSecrets(cleaned["word/media/image1.jpeg"], "image1.jpeg")
        self.assertNotIn(b"Exif", cleaned["word/media/image1.jpeg"])

    def test_archive_dates_and_modes_say_nothing(self):
        with zipfile.ZipFile(io.BytesIO(metadata.clean_office(fixture("report.docx")))) as z:
            self.assertEqual({i.date_time for i in z.infolist()}, {(1980, 1, 1, 0, 0, 0)})


class OfficeRefusalTests(RefusalAssertions):
    def with_part(self, name: str, body: bytes) -> bytes:
        parts = office_parts(fixture("report.docx"))
        parts[name] = body
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for part, content in parts.items():
                archive.writestr(part, content)
        return out.getvalue()

    def test_macros_are_refused(self):
        with self.assertRefused(metadata.Uncleanable, "macros or embedded objects"):
            metadata.clean_office(self.with_part("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"))

    def test_embedded_documents_are_refused(self):
        with self.assertRefused(metadata.Uncleanable, "macros or embedded objects"):
            metadata.clean_office(self.with_part("word/embeddings/oleObject1.bin", b"x"))

    def test_a_zip_bomb_is_refused_before_it_is_inflated(self):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, body in office_parts(fixture("report.docx")).items():
                archive.writestr(name, body)
            archive.writestr("word/media/huge.bin", b"\0" * (80 * 1024 * 1024))
        self.assertLess(len(out.getvalue()), 1024 * 1024)  # small on the wire
        with self.assertRefused(DomainError, "The document is too large once unpacked."):
            metadata.clean_office(out.getvalue())

    def test_broken_archive_is_refused(self):
        with self.assertRefused(DomainError, "The document cannot be read."):
            metadata.clean_office(b"PK\x03\x04 not really a zip")


class PdfTests(SecretsAssertions):
    def test_info_and_xmp_go(self):
        import pikepdf

        source = fixture("report.pdf")
        with pikepdf.open(io.BytesIO(source)) as pdf:  # the fixture is real
            self.assertIn("/Author", pdf.docinfo)
            self.assertIn("/Metadata", pdf.Root)
        cleaned = metadata.clean_pdf(source)
        self.assertNoSecrets(pdf_expanded(cleaned), "report.pdf")
        with pikepdf.open(io.BytesIO(cleaned)) as pdf:
            self.assertNotIn("/Info", pdf.trailer)
            self.assertNotIn("/Metadata", pdf.Root)
            self.assertEqual(len(pdf.pages), 1)

    def test_annotation_authors_go_and_their_text_stays(self):
        import pikepdf

        cleaned = metadata.clean_pdf(fixture("notes.pdf"))
        with pikepdf.open(io.BytesIO(cleaned)) as pdf:
            annots = [a for page in pdf.pages for a in page.get("/Annots", [])]
            self.assertTrue(annots)
            for annot in annots:
                self.assertNotIn("/T", annot)
        expanded = pdf_expanded(cleaned)
        self.assertNoSecrets(expanded, "notes.pdf")
        self.assertTrue("这里要补充时间地点".encode("utf-16-be").hex().encode() in expanded.lower())

    def test_images_inside_lose_exif(self):
        source = fixture("image.pdf")
        self.assertIn(b"Exif", source)
        cleaned = metadata.clean_pdf(source)
        self.assertFalse(b"Exif" in pdf_expanded(cleaned))
        self.assertNoSecrets(pdf_expanded(cleaned), "image.pdf")


class PdfRefusalTests(RefusalAssertions):
    def test_incremental_update_is_refused(self):
        with self.assertRefused(metadata.Uncleanable, "earlier versions are still inside"):
            metadata.clean_pdf(fixture("updated.pdf"))

    def test_encrypted_is_refused(self):
        with self.assertRefused(metadata.Uncleanable, code="file_encrypted"):
            metadata.clean_pdf(fixture("encrypted.pdf"))

    def test_embedded_files_are_refused(self):
        with self.assertRefused(metadata.Uncleanable, "carries other files inside it"):
            metadata.clean_pdf(fixture("attached.pdf"))

    def test_javascript_is_refused(self):
        with self.assertRefused(metadata.Uncleanable, "contains scripts or actions"):
            metadata.clean_pdf(fixture("script.pdf"))

    def test_garbage_is_refused(self):
        with self.assertRefused(DomainError, "The PDF cannot be read."):
            metadata.clean_pdf(b"%PDF-1.7\nnot a pdf at all")


class ImageTests(SecretsAssertions):
    def test_jpeg_loses_exif_gps_xmp_iptc_and_comment(self):
        source = fixture("photo.jpg")
        self.assertTrue(b"Exif" in source and "张举报人".encode() in source)
        cleaned = metadata.clean(source, metadata.JPEG)
        self.assertNoSecrets(cleaned, "photo.jpg")
        for marker in (b"Exif", b"http://ns.adobe.com/xap", b"Photoshop 3.0"):
            self.assertNotIn(marker, cleaned)
        from PIL import Image

        self.assertEqual(Image.open(io.BytesIO(cleaned)).size, (64, 48))

    def test_png_loses_text_chunks_and_xmp(self):
        cleaned = metadata.clean(fixture("shot.png"), metadata.PNG)
        self.assertNoSecrets(cleaned, "shot.png")
        for chunk in (b"tEXt", b"iTXt", b"zTXt"):
            self.assertNotIn(chunk, cleaned)

    def test_jpeg_segments_stripped_without_reencoding(self):
        source = fixture("photo.jpg")
        stripped = metadata.strip_jpeg_segments(source)
        self.assertNotIn(b"Exif", stripped)
        self.assertNoSecrets(stripped, "stripped photo.jpg")
        scan = source.index(b"\xff\xda")
        self.assertTrue(stripped.endswith(source[scan:]))  # the pixels are byte-identical


class EntryPointTests(RefusalAssertions):
    def test_unknown_type_is_refused(self):
        with self.assertRefused(metadata.Uncleanable, code="file_type"):
            metadata.clean(b"\x7fELF", "application/x-executable")

    def test_text_is_kept(self):
        self.assertEqual(metadata.clean("举报内容".encode(), metadata.TEXT), "举报内容".encode())


@unittest.skipUnless(shutil.which("soffice"), "LibreOffice is not installed (.ci/run installs it)")
class LibreOfficeOpensCleanedFilesTests(SimpleTestCase):
    """The cleaned files are still documents a real office suite opens and renders."""

    def test_cleaned_office_files_render(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("report.docx", "sheet.xlsx", "slides.pptx"):
                (Path(tmp) / name).write_bytes(metadata.clean_office(fixture(name)))
            env = {"HOME": tmp, "PATH": "/usr/bin:/bin"}
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp,
                            *(str(Path(tmp) / n) for n in ("report.docx", "sheet.xlsx",
                                                            "slides.pptx"))],
                           check=True, capture_output=True, timeout=240, env=env)
            for name in ("report.pdf", "sheet.pdf", "slides.pdf"):
                rendered = Path(tmp) / name
                self.assertTrue(rendered.exists(), name)
                self.assertGreater(rendered.stat().st_size, 1000, name)
