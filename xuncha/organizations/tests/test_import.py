import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from xuncha.audit.models import Event
from xuncha.lib.testing import WorldTestCase
from xuncha.organizations.models import Cadre, Unit

UNIT_HEADER = ["代码", "名称", "类别", "管辖党委代码", "上级单位代码", "所在地"]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    return "\n".join(",".join(r) for r in rows).encode(encoding)


class UnitImportTests(WorldTestCase):
    url = reverse("organizations:import", args=["units"])

    def upload(self, name, data):
        return self.client.post(self.url, {"step": "preview",
                                           "file": SimpleUploadedFile(name, data)})

    def commit(self):
        return self.client.post(self.url, {"step": "commit"}, follow=True)

    def setUp(self):
        self.login(self.office)

    def test_xlsx_preview_then_commit(self):
        rows = [UNIT_HEADER,
                ["A-T2", "东湖区莲塘镇", "乡镇（街道）", "P-C-A", "", "东湖区"],
                ["A-T2-01", "莲塘村", "village", "P-C-A", "A-T2", ""]]
        response = self.upload("units.xlsx", xlsx(rows))
        preview = response.context["preview"]
        self.assertTrue(preview.ok, preview.errors)
        self.assertFalse(Unit.objects.filter(code="A-T2").exists())  # preview writes nothing
        self.commit()
        village = Unit.objects.get(code="A-T2-01")
        self.assertEqual(village.parent.code, "A-T2")
        self.assertEqual(village.kind, "village")
        self.assertEqual(Unit.objects.get(code="A-T2").kind, "township")
        self.assertEqual(Event.objects.get(action="unit.import").params["rows"], 2)

    def test_row_errors_are_listed_and_nothing_is_saved(self):
        rows = [UNIT_HEADER,
                ["A-OK", "好单位", "党政机关部门", "P-C-A", "", ""],
                ["A-JYJ-2", "", "党政机关部门", "P-C-A", "", ""],
                ["A-K", "类别错", "宇宙飞船", "P-C-A", "", ""],
                ["A-B", "他县", "党政机关部门", "P-C-B", "", ""],
                ["A-P", "无上级", "党政机关部门", "P-C-A", "NOPE", ""],
                ["A-OK", "重复", "党政机关部门", "P-C-A", "", ""]]
        response = self.upload("units.csv", csv_bytes(rows))
        errors = response.context["preview"].errors
        by_row = {e.row: e for e in errors}
        self.assertEqual(by_row[3].column, "名称")
        self.assertIn("必填", by_row[3].message)
        self.assertIn("宇宙飞船", by_row[4].message)
        self.assertIn(5, by_row)
        self.assertIn("NOPE", by_row[6].message)
        self.assertIn(7, by_row)
        self.assertNotContains(response, "确认导入")
        self.commit()
        self.assertFalse(Unit.objects.filter(code="A-OK").exists())

    def test_cycle_inside_the_file_is_refused(self):
        rows = [UNIT_HEADER,
                ["A-X1", "甲", "党政机关部门", "P-C-A", "A-X2", ""],
                ["A-X2", "乙", "党政机关部门", "P-C-A", "A-X1", ""]]
        errors = self.upload("u.csv", csv_bytes(rows)).context["preview"].errors
        self.assertTrue(any("循环" in e.message or "loops" in e.message for e in errors))

    def test_gbk_csv_from_excel_is_read(self):
        rows = [UNIT_HEADER, ["A-G", "东湖区统计局", "党政机关部门", "P-C-A", "", ""]]
        preview = self.upload("u.csv", csv_bytes(rows, "gbk")).context["preview"]
        self.assertTrue(preview.ok)
        self.commit()
        self.assertEqual(Unit.objects.get(code="A-G").name, "东湖区统计局")

    def test_existing_code_updates_the_unit(self):
        rows = [UNIT_HEADER, ["A-CZJ", "东湖区财政局（改）", "党政机关部门", "P-C-A", "", ""]]
        self.assertTrue(self.upload("u.csv", csv_bytes(rows)).context["preview"].ok)
        self.commit()
        self.assertEqual(Unit.objects.get(code="A-CZJ").name, "东湖区财政局（改）")

    def test_bad_files_get_a_message(self):
        for name, data in [("u.txt", b"abc"), ("u.xlsx", b"not a zip"), ("u.csv", b""),
                           ("u.csv", csv_bytes([["名称"], ["x"]]))]:
            response = self.upload(name, data)
            self.assertEqual(response.status_code, 200)
            self.assertIsNone(response.context["preview"])
            self.assertTrue(response.context["form"].errors, name)

    def test_commit_without_upload_is_refused(self):
        response = self.commit()
        self.assertContains(response, "过期")

    def test_template_download_is_a_workbook(self):
        response = self.client.get(reverse("organizations:import_template", args=["units"]))
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual([c.value for c in sheet[1]], UNIT_HEADER)


class CadreImportTests(WorldTestCase):
    url = reverse("organizations:import", args=["cadres"])

    def test_import_cadres(self):
        self.login(self.office)
        rows = [["姓名", "单位代码", "职务", "职级", "是否主要负责人", "管理党委代码", "性别", "籍贯"],
                ["韩梅", "A-CZJ", "局长", "乡科级正职", "是", "P-C-A", "女", "东湖区"],
                ["许强", "A-CZJ", "副局长", "section_deputy", "否", "", "男", ""]]
        response = self.client.post(self.url, {"step": "preview",
                                               "file": SimpleUploadedFile("c.xlsx", xlsx(rows))})
        self.assertTrue(response.context["preview"].ok, response.context["preview"].errors)
        self.client.post(self.url, {"step": "commit"})
        chief = Cadre.objects.get(name="韩梅")
        self.assertTrue(chief.is_principal)
        self.assertEqual(chief.gender, "f")
        self.assertEqual(Cadre.objects.get(name="许强").managing_committee, self.county)

    def test_reimport_of_the_same_person_is_refused(self):
        self.login(self.office)
        rows = [["姓名", "单位代码", "职务", "职级"], ["王建国", "A-JYJ", "局长", "乡科级正职"]]
        response = self.client.post(self.url, {"step": "preview",
                                               "file": SimpleUploadedFile("c.csv", csv_bytes(rows))})
        self.assertFalse(response.context["preview"].ok)

    def test_other_county_unit_is_refused(self):
        self.login(self.office)
        rows = [["姓名", "单位代码", "职务", "职级"], ["某某", "B-JYJ", "科员", "staff"]]
        response = self.client.post(self.url, {"step": "preview",
                                               "file": SimpleUploadedFile("c.csv", csv_bytes(rows))})
        self.assertFalse(response.context["preview"].ok)


class ExportTests(WorldTestCase):
    def test_units_export_is_scoped_workbook(self):
        self.login(self.office)
        response = self.client.get(reverse("organizations:export", args=["units"]))
        self.assertEqual(response["Content-Type"],
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        sheet = load_workbook(io.BytesIO(response.content)).active
        codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertIn("A-JYJ", codes)
        self.assertNotIn("B-JYJ", codes)

    def test_export_then_reimport_round_trip(self):
        self.login(self.office)
        data = self.client.get(reverse("organizations:export", args=["units"])).content
        response = self.client.post(reverse("organizations:import", args=["units"]),
                                    {"step": "preview",
                                     "file": SimpleUploadedFile("units.xlsx", data)})
        self.assertTrue(response.context["preview"].ok, response.context["preview"].errors)

    def test_cadre_and_inspector_exports(self):
        self.login(self.office)
        for kind in ("cadres", "inspectors"):
            response = self.client.get(reverse("organizations:export", args=[kind]))
            rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(
                values_only=True))
            self.assertGreater(len(rows), 1, kind)
            self.assertNotIn("赵志强", str(rows))  # county B cadre
