"""Inputs found by the API fuzzing (xuncha/e2e/test_api_fuzz.py) that used to answer 500."""

import json

from xuncha.accounts.services import token_create
from xuncha.lib.testing import WorldTestCase, said
from xuncha.organizations.models import Unit
from xuncha.petitions.models import Petition


class BadInputTests(WorldTestCase):
    def setUp(self):
        _token, secret = token_create(user=self.office, name="bad input")
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def test_nul_characters_are_refused_everywhere(self):
        for url in ("/api/v1/units?q=a%00b", "/api/v1/units?kind=%00", "/api/v1/cadres?q=%00",
                    "/api/v1/petitions?channel=%00"):
            response = self.client.get(url, **self.auth)
            self.assertEqual(response.status_code, 400, url)
            self.assertEqual(response.json()["error"], "bad_input")
        before = Petition.objects.count()
        response = self.client.post("/api/v1/public/reports", data=json.dumps(
            {"target": "x\u0000", "content": "反映问题"}), content_type="application/json")
        self.assertEqual(response.status_code, 400)
        response = self.client.patch(f"/api/v1/units/{self.unit_edu.pk}", data=json.dumps(
            {"code": "X\u0000Y"}), content_type="application/json", **self.auth)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Petition.objects.count(), before)
        self.assertEqual(Unit.objects.get(pk=self.unit_edu.pk).code, self.unit_edu.code)
        for url in ("/p/r/x%00/", "/p/n/x%00/", "/p/n/x%00/qr.png", "/p/notices/?q=%00"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 400, url)
        self.client.force_login(self.office)
        response = self.client.post("/org/units/new/", {"code": "A\x00B", "name": "某单位"})
        self.assertEqual(response.status_code, 400)
        self.assertTrue(said("invisible control character", response.content.decode()))

    def test_control_characters_are_refused_where_they_enter(self):
        self.client.force_login(self.office)
        for char in ("\x0b", "\x0c", "\x1b", "\x01", "\ufffe", "\uffff"):
            response = self.client.post("/org/units/new/", {"code": "C1", "name": f"某{char}单位"})
            self.assertEqual(response.status_code, 400, repr(char))
            response = self.client.patch(f"/api/v1/units/{self.unit_edu.pk}", data=json.dumps(
                {"name": f"某{char}单位"}), content_type="application/json", **self.auth)
            self.assertEqual(response.status_code, 400, repr(char))
        self.assertFalse(Unit.objects.filter(code="C1").exists())
        self.assertNotIn("某", Unit.objects.get(pk=self.unit_edu.pk).name[:1])
        # Line breaks and tabs are text.
        response = self.client.patch(f"/api/v1/units/{self.unit_edu.pk}", data=json.dumps(
            {"locality": "湖滨路\t1号"}), content_type="application/json", **self.auth)
        self.assertEqual(response.status_code, 200, response.content)

    def test_a_stored_control_character_cannot_break_an_export(self):
        Unit.objects.filter(pk=self.unit_edu.pk).update(name="东湖区\x0b教育局\x1b\uffff")
        self.client.force_login(self.office)
        response = self.client.get("/org/export/units.xlsx")
        self.assertEqual(response.status_code, 200)
        import io

        import openpyxl

        body = b"".join(response.streaming_content) if response.streaming else response.content
        cells = {value for row in openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(
            values_only=True) for value in row}
        self.assertIn("东湖区教育局", cells)
        from xuncha.lib.docx import Doc

        doc = Doc()
        doc.para("东湖区\x0b教育局\x1b\ufffe")
        doc.table(["单位"], [["东湖区\x0c教育局"]])
        self.assertTrue(doc.bytes().startswith(b"PK"))

    def test_dates_beyond_what_a_filter_can_use(self):
        self.client.force_login(self.office)
        for url in ("/stats/?date_from=9999-12-31&date_to=9999-12-31", "/stats/?date_to=9999-12-31",
                    "/petitions/?date_from=9999-12-31", "/petitions/?date_to=9999-12-31",
                    "/audit/?date_to=9999-12-31"):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertContains(response, "2999-12-31", msg_prefix=url)  # says which dates
        for url in ("/api/v1/petitions?date_from=9999-12-31",
                    "/api/v1/petitions?date_to=9999-12-31"):
            response = self.client.get(url, **self.auth)
            self.assertEqual(response.status_code, 422, url)

    def test_explicit_nulls_in_a_unit_patch(self):
        for field in ("code", "name", "locality", "kind"):
            response = self.client.patch(f"/api/v1/units/{self.unit_edu.pk}",
                                         data=json.dumps({field: None}),
                                         content_type="application/json", **self.auth)
            self.assertEqual(response.status_code, 400, field)
            self.assertIn(field, response.json()["message"])

    def test_numbers_beyond_64_bits(self):
        huge = "9223372036854775808"
        for url in (f"/api/v1/units?offset={huge}", f"/api/v1/cadres?offset={huge}",
                    f"/api/v1/units?committee={huge}", f"/api/v1/cadres?unit={huge}",
                    f"/api/v1/petitions?inspection={huge}"):
            response = self.client.get(url, **self.auth)
            self.assertEqual(response.status_code, 422, url)
        self.assertEqual(self.client.get("/api/v1/units?offset=5", **self.auth).status_code,
                         200)
