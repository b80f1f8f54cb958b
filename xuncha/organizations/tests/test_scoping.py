from django.urls import reverse

from xuncha.lib.testing import WorldTestCase
from xuncha.organizations import selectors


class ScopeTests(WorldTestCase):
    def unit_names(self, user):
        return set(selectors.units_visible_to(user=user).values_list("code", flat=True))

    def test_county_office_sees_own_county_only(self):
        codes = self.unit_names(self.office)
        self.assertIn("A-JYJ", codes)
        self.assertNotIn("B-JYJ", codes)
        self.assertNotIn("C-FGW", codes)

    def test_upper_committee_reads_lower_committees(self):
        codes = self.unit_names(self.city_office)
        self.assertTrue({"A-JYJ", "B-JYJ", "C-FGW"} <= codes)
        self.assertEqual(self.unit_names(self.oversight), codes)

    def test_liaison_sees_own_unit_only(self):
        self.assertEqual(self.unit_names(self.liaison), {"A-JYJ"})

    def test_receiver_reads_no_organization_pages(self):
        self.assertEqual(self.unit_names(self.receiver), set())
        self.login(self.receiver)
        self.assertEqual(self.client.get(reverse("organizations:unit_list")).status_code, 403)

    def test_other_county_unit_is_not_found(self):
        self.login(self.office)
        response = self.client.get(reverse("organizations:unit_detail", args=[self.unit_b.pk]))
        self.assertEqual(response.status_code, 404)
        response = self.client.get(reverse("organizations:cadre_detail",
                                           args=[self.b_chief.pk]))
        self.assertEqual(response.status_code, 404)

    def test_unit_list_page_is_scoped(self):
        self.login(self.office)
        response = self.client.get(reverse("organizations:unit_list"))
        codes = {u.code for u in response.context["page"]}
        self.assertIn("A-JYJ", codes)
        self.assertNotIn("B-JYJ", codes)

    def test_upper_committee_cannot_change_lower_records(self):
        self.login(self.city_office)
        response = self.client.post(reverse("organizations:unit_archive",
                                            args=[self.unit_edu.pk]))
        self.assertRedirects(response, reverse("organizations:unit_detail",
                                               args=[self.unit_edu.pk]),
                             fetch_redirect_response=False)
        self.unit_edu.refresh_from_db()
        self.assertIsNone(self.unit_edu.archived_at)

    def test_inspector_pool_is_scoped(self):
        pool = set(selectors.inspectors_visible_to(user=self.office).values_list("pk", flat=True))
        self.assertIn(self.insp_a1.pk, pool)
        self.assertNotIn(self.insp_b1.pk, pool)
        self.assertEqual(selectors.inspectors_visible_to(user=self.liaison).count(), 0)

    def test_api_lists_are_scoped(self):
        from xuncha.accounts.services import token_create

        _token, secret = token_create(user=self.office, name="t", days=1)
        data = self.client.get("/api/v1/units?limit=200",
                               HTTP_AUTHORIZATION=f"Bearer {secret}").json()
        codes = {u["code"] for u in data["items"]}
        self.assertIn("A-JYJ", codes)
        self.assertNotIn("B-JYJ", codes)
        response = self.client.get(f"/api/v1/units/{self.unit_b.pk}",
                                   HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "not_found")
