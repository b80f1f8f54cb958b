"""Inputs found by the API fuzzing (xuncha/e2e/test_api_fuzz.py) that used to answer 500."""

import json

from xuncha.accounts.services import token_create
from xuncha.lib.testing import WorldTestCase
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
        self.assertContains(response, "NUL", status_code=400)

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
