"""Who may and who may not open each page: one row per route, one column per persona."""

from django.urls import reverse

from xuncha.lib.testing import WorldTestCase

OK, DENY, NOTFOUND = 200, 403, 404
ALL = WorldTestCase.PERSONAS


def row(allowed: set[str]):
    return {p: (OK if p in allowed else DENY) for p in ALL}


ORG_READERS = {"platform", "office", "office2", "custodian", "leader", "team", "team_b",
               "oversight", "city_office", "other_office", "other_team"}
OFFICES = {"office", "office2", "custodian", "city_office", "other_office"}
ADMINS = {"platform", "office", "city_office", "other_office"}
EVERYONE = set(ALL)


class RoleRouteMatrixTests(WorldTestCase):
    def routes(self):
        return {
            "web:home": row(EVERYONE),
            "accounts:profile": row(EVERYONE),
            "accounts:password_change": row(EVERYONE),
            "organizations:committee_list": row(ORG_READERS),
            "organizations:unit_list": row(ORG_READERS | {"liaison", "other_liaison"}),
            "organizations:cadre_list": row(ORG_READERS | {"liaison", "other_liaison"}),
            "organizations:inspector_list": row(ORG_READERS),
            "organizations:unit_create": row(OFFICES | {"platform"}),
            "organizations:cadre_create": row(OFFICES | {"platform"}),
            "organizations:inspector_create": row(OFFICES),
            "accounts:user_list": row(ADMINS),
            "accounts:user_create": row(ADMINS),
            "audit:event_list": row(ADMINS),
            "organizations:committee_create": row(ADMINS),
        }

    def test_matrix(self):
        failures = []
        for route, expected in self.routes().items():
            url = reverse(route)
            for persona, status in expected.items():
                self.client.force_login(getattr(self, persona))
                got = self.client.get(url).status_code
                if got != status:
                    failures.append(f"{route} as {persona}: expected {status}, got {got}")
        self.assertEqual(failures, [])

    def test_object_pages_answer_404_outside_scope(self):
        cases = [
            ("organizations:unit_detail", self.unit_b.pk),
            ("organizations:unit_edit", self.unit_b.pk),
            ("organizations:cadre_detail", self.b_chief.pk),
            ("organizations:inspector_detail", self.insp_b1.pk),
            ("organizations:committee_detail", self.county_b.pk),
        ]
        self.client.force_login(self.office)
        for route, pk in cases:
            self.assertEqual(self.client.get(reverse(route, args=[pk])).status_code, NOTFOUND,
                             route)
        self.client.force_login(self.liaison)
        self.assertEqual(self.client.get(reverse("organizations:unit_detail",
                                                 args=[self.unit_fin.pk])).status_code, NOTFOUND)
        self.assertEqual(self.client.get(reverse("organizations:unit_detail",
                                                 args=[self.unit_edu.pk])).status_code, OK)

    def test_anonymous_is_sent_to_sign_in(self):
        for route in self.routes():
            response = self.client.get(reverse(route))
            self.assertEqual(response.status_code, 302, route)
            self.assertIn("/accounts/login/", response["Location"])
