"""Batch entry from .xlsx: a preview with row errors in the user's language, then all rows
or none."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import Workbook

from xuncha.lib.errors import DomainError
from xuncha.lib.tabular import read_table
from xuncha.petitions.importers import PetitionImporter
from xuncha.petitions.models import Petition, Route

from .base import LAND, TEXT, PetitionBase

HEADERS = ["渠道", "收件时间", "被反映单位代码", "意见箱位置", "被反映人", "职务", "被反映人单位",
           "内容", "是否署名", "反映人姓名", "反映人电话"]


def workbook(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [["来信", "2026-03-20 09:30", "A-JYJ", "", "张某", "科长", "", TEXT, "否", "", ""],
        ["意见箱", "2026/3/19", "A-CZJ", "财政局大厅", "", "", "", LAND, "是", "李某",
         "13900000000"]]


class ImportTests(PetitionBase):
    def upload(self, data: bytes, step="preview"):
        return self.client.post(reverse("petitions:import"), {
            "step": step, "file": SimpleUploadedFile("p.xlsx", data)})

    def test_preview_errors_then_commit_all(self):
        self.login(self.office)
        bad = workbook(GOOD[0], ["飞鸽", "2026-03-20", "", "", "", "", "", TEXT, "否", "", ""],
                       ["来信", "昨天", "NOPE", "", "", "", "", "短", "也许", "", ""])
        with translation.override("en"):
            preview = PetitionImporter(actor=self.office).validate(read_table("p.xlsx", bad))
        messages = [(e.row, e.column, e.message) for e in preview.errors]
        self.assertEqual([m[:2] for m in messages], [(3, "渠道"), (4, "收件时间")])
        self.assertIn("Unknown channel", messages[0][2])
        response = self.upload(bad)
        self.assertFalse(response.context["preview"].ok)
        self.client.post(reverse("petitions:import"), {"step": "commit"})
        self.assertEqual(Petition.objects.count(), 0)  # a bad file cannot be committed
        response = self.upload(workbook(*GOOD))
        self.assertTrue(response.context["preview"].ok)
        self.assertRedirects(self.client.post(reverse("petitions:import"), {"step": "commit"}),
                             reverse("petitions:list"))
        letter, box = Petition.objects.order_by("received_at").reverse()
        self.assertEqual((letter.channel, letter.route, letter.inspection, letter.anonymous),
                         ("letter", Route.INSPECTION, self.inspection, True))
        self.assertEqual(letter.subjects.get().name, "张某")
        self.assertEqual((box.channel, box.box_location, box.route, box.anonymous,
                          box.reporter_phone_masked),
                         ("box", "财政局大厅", Route.OFFICE, False, "*********00"))

    def test_all_or_nothing_when_a_row_fails_at_commit(self):
        rows = [GOOD[0], GOOD[0]]
        importer = PetitionImporter(actor=self.office)
        table = read_table("p.xlsx", workbook(*rows))
        self.assertTrue(importer.validate(table).ok)
        from unittest import mock

        from xuncha.petitions import intake

        real = intake.petition_intake
        calls = []

        def second_fails(**kw):
            calls.append(1)
            if len(calls) == 2:
                raise DomainError("disk full")
            return real(**kw)

        refusal = gettext("Data row %(n)d: %(message)s Nothing was imported.") % {
            "n": 2, "message": "disk full"}
        with mock.patch.object(intake, "petition_intake", side_effect=second_fails), \
                self.assertRefused(DomainError, refusal):
            importer.commit(table)
        self.assertEqual(Petition.objects.count(), 0)

    def test_a_team_member_enters_rows_for_the_team_targets(self):
        self.login(self.team)
        response = self.upload(workbook(GOOD[0], GOOD[1]))
        errors = response.context["preview"].errors
        self.assertEqual([(e.row, e.column) for e in errors], [(3, "被反映单位代码")])
        self.upload(workbook(GOOD[0]))
        self.client.post(reverse("petitions:import"), {"step": "commit"})
        petition = Petition.objects.get()
        self.assertEqual((petition.inspection, petition.created_by), (self.inspection,
                                                                      self.team))

    def test_the_template(self):
        self.login(self.team)
        response = self.client.get(reverse("petitions:import_template"))
        table = read_table("t.xlsx", response.content)
        self.assertEqual(table.headers, HEADERS)


class ImportCancelTests(PetitionBase):
    def test_the_preview_can_be_cancelled_and_the_file_goes(self):
        import tempfile

        from django.test import override_settings

        staging = tempfile.mkdtemp()
        with override_settings(XUNCHA_STAGING_DIR=staging):
            self.login(self.office)
            template = self.client.get(reverse("petitions:import_template")).content
            page = self.client.post(reverse("petitions:import"), {
                "step": "preview", "file": SimpleUploadedFile("来信.xlsx", template)})
            self.assertContains(page, 'value="cancel"')
            self.assertEqual(len(list(Path(staging).glob("*/*"))), 1)
            response = self.client.post(reverse("petitions:import"), {"step": "cancel"})
            self.assertEqual(response.status_code, 302)
            self.assertEqual(list(Path(staging).glob("*/*")), [])
