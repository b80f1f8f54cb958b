"""Attachments: the type is read from the content, the size is checked, images are
re-encoded without EXIF/GPS, Word and Excel files lose their author."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from xuncha.lib.errors import DomainError
from xuncha.lib.testing import RefusalAssertions
from xuncha.petitions.files import MAX_BYTES, clean_upload, clean_uploads, safe_name

from .base import jpeg_with_gps, real_pdf


def office_file(author: str, main: str = "word/document.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main, "<document>举报材料</document>")
        archive.writestr("docProps/core.xml", f"<cp:coreProperties><dc:creator>{author}"
                                              "</dc:creator></cp:coreProperties>")
    return out.getvalue()


class AttachmentTests(RefusalAssertions):
    def test_gps_and_camera_data_are_stripped_from_a_jpeg(self):
        from PIL import Image

        original = jpeg_with_gps()
        self.assertIn(b"PhoneMaker", original)
        self.assertEqual(Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)[1], "N")
        clean = clean_upload("photo.jpg", original)
        self.assertEqual(clean.content_type, "image/jpeg")
        for marker in (b"Exif", b"PhoneMaker", b"Model-X"):
            self.assertNotIn(marker, clean.data)
        image = Image.open(io.BytesIO(clean.data))
        self.assertEqual((dict(image.getexif()), image.size), ({}, (40, 30)))

    def test_png_text_chunks_are_dropped(self):
        from PIL import Image, PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "李明华")
        out = io.BytesIO()
        Image.new("RGBA", (8, 8), (0, 0, 0, 0)).save(out, format="PNG", pnginfo=info)
        clean = clean_upload("a.png", out.getvalue())
        self.assertEqual(clean.content_type, "image/png")
        self.assertNotIn("李明华".encode(), clean.data)
        self.assertNotIn(b"Author", clean.data)

    def test_word_and_excel_lose_their_author(self):
        for main, content_type in (("word/document.xml", "wordprocessingml"),
                                   ("xl/workbook.xml", "spreadsheetml")):
            clean = clean_upload("材料.docx", office_file("李明华", main))
            self.assertIn(content_type, clean.content_type)
            with zipfile.ZipFile(io.BytesIO(clean.data)) as archive:
                self.assertNotIn("李明华", archive.read("docProps/core.xml").decode())
                self.assertIn("举报材料", archive.read(main).decode())

    def test_the_type_comes_from_the_content_not_the_name(self):
        for name, data in (("evil.pdf", b"MZ\x90\x00 not a pdf"), ("a.jpg", b"\x7fELF\x02\x01"),
                           ("a.zip", office_file("x", "other.xml")),
                           ("broken.jpg", b"\xff\xd8\xff\xe0 broken")):
            with self.subTest(name), self.assertRefused(DomainError, code="file_type"):
                clean_upload(name, data)
        self.assertEqual(clean_upload("notes.bin", "情况说明".encode("gb18030")).content_type,
                         "text/plain")
        self.assertEqual(clean_upload("x", real_pdf()).content_type, "application/pdf")
        # A UTF-8 character cut at the 64 KiB sample boundary is still text.
        self.assertEqual(clean_upload("t.txt", "字".encode() * 30000).content_type, "text/plain")

    def test_size_count_and_names(self):
        with self.assertRefused(DomainError, code="file_too_large"):
            clean_upload("big.pdf", b"%PDF-" + b"0" * MAX_BYTES)
        with self.assertRefused(DomainError, code="file_empty"):
            clean_upload("empty.pdf", b"")
        with self.assertRefused(DomainError, code="too_many_files"):
            clean_uploads([SimpleUploadedFile(f"{i}.txt", b"text") for i in range(6)])
        self.assertEqual(safe_name("C:\\Users\\李\\举报.docx"), "举报.docx")
        self.assertEqual(safe_name("../../etc/passwd\x00"), "passwd")
        self.assertEqual(safe_name(""), "file")
