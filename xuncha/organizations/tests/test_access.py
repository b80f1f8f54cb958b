"""The rules of ``organizations.access``: each rule and its query form agree, fetching
answers the same for missing and forbidden, and each action has its own page."""

from django.urls import reverse

from xuncha.audit.models import Event
from xuncha.lib.errors import NotFound
from xuncha.lib.testing import WorldTestCase
from xuncha.organizations import access
from xuncha.organizations.models import InspectorTie, TieKind, Unit, UnitKind

FORBIDDEN = "Only the office of the owning committee may change this record."


class RuleAndQueryTests(WorldTestCase):
    def test_each_rule_agrees_with_its_query_form(self):
        units = (self.unit_edu, self.village, self.unit_b, self.city_unit)
        committees = (self.province, self.city, self.county, self.county_b)
        for persona in self.PERSONAS:
            user = getattr(self, persona)
            for unit in units:
                self.assertEqual(
                    access.can_change_unit(user=user, unit=unit),
                    access.units_changeable_by(user=user).filter(pk=unit.pk).exists(),
                    f"{persona} changes {unit.code}")
            for committee in committees:
                self.assertEqual(
                    access.can_add_unit_to(user=user, committee_id=committee.pk),
                    access.committees_writable_by(user=user).filter(pk=committee.pk).exists(),
                    f"{persona} writes the registers of {committee.code}")
                self.assertEqual(
                    access.can_add_committee_under(user=user, parent=committee),
                    access.committees_extendable_by(user=user).filter(pk=committee.pk).exists(),
                    f"{persona} adds a committee under {committee.code}")

    def test_who_changes_the_registers(self):
        self.assertTrue(access.can_change_unit(user=self.office2, unit=self.unit_edu))
        self.assertTrue(access.can_change_unit(user=self.platform, unit=self.unit_b))
        for persona in ("city_office", "other_office", "leader", "team", "liaison"):
            self.assertFalse(access.can_change_unit(user=getattr(self, persona),
                                                    unit=self.unit_edu), persona)
        self.assertTrue(access.can_change_committee(user=self.office, committee=self.county))
        self.assertFalse(access.can_change_committee(user=self.office2, committee=self.county))
        self.assertFalse(access.can_change_committee(user=self.city_office,
                                                     committee=self.county))

    def test_missing_and_forbidden_look_the_same(self):
        missing = Unit.objects.order_by("-pk").first().pk + 1
        for pk in (self.unit_b.pk, missing, "x"):
            with self.assertRefused(NotFound, code="not_found"):
                access.access_unit(user=self.office, pk=pk)
        with self.assertRefused(NotFound, code="not_found"):
            access.access_cadre(user=self.liaison, pk=self.b_chief.pk)
        with self.assertRefused(NotFound, code="not_found"):
            access.access_inspector(user=self.liaison, pk=self.insp_a1.pk)
        with self.assertRefused(NotFound, code="not_found"):
            access.access_term(user=self.other_office, pk=self.term.pk)
        self.assertEqual(access.access_unit(user=self.liaison, pk=self.unit_edu.pk), self.unit_edu)

    def test_a_tie_is_found_through_its_own_inspector_only(self):
        tie = InspectorTie.objects.create(inspector=self.insp_a2, kind=TieKind.WORK,
                                          unit=self.unit_fin)
        self.assertEqual(access.access_tie(user=self.office, inspector=self.insp_a2, pk=tie.pk),
                         tie)
        with self.assertRefused(NotFound, code="not_found"):
            access.access_tie(user=self.office, inspector=self.insp_a1, pk=tie.pk)
        with self.assertRefused(NotFound, code="not_found"):
            access.access_tie(user=self.other_office, inspector=self.insp_a2, pk=tie.pk)


class UnitActionPageTests(WorldTestCase):
    def post(self, name, unit, **extra):
        return self.client.post(reverse(f"organizations:{name}", args=[unit.pk]), **extra)

    def test_archive_restore_delete_each_have_their_page(self):
        unit = Unit.objects.create(code="A-TMP", name="临时单位", kind=UnitKind.DEPARTMENT,
                                   committee=self.county)
        self.login(self.office)
        detail = reverse("organizations:unit_detail", args=[unit.pk])
        self.assertRedirects(self.post("unit_archive", unit), detail)
        self.assertIsNotNone(Unit.objects.get(pk=unit.pk).archived_at)
        self.assertRedirects(self.post("unit_restore", unit), detail)
        self.assertIsNone(Unit.objects.get(pk=unit.pk).archived_at)
        self.assertRedirects(self.post("unit_delete", unit), reverse("organizations:unit_list"))
        self.assertFalse(Unit.objects.filter(pk=unit.pk).exists())
        self.assertEqual(
            list(Event.objects.filter(object_id=str(unit.pk), action__startswith="unit.")
                 .order_by("seq").values_list("action", flat=True)),
            ["unit.archive", "unit.restore"])
        self.assertTrue(Event.objects.filter(action="unit.delete",
                                             params__id=unit.pk).exists())

    def test_the_paths_stay_as_they_were(self):
        for name, tail in (("unit_archive", "archive"), ("unit_restore", "restore"),
                           ("unit_delete", "delete")):
            self.assertEqual(reverse(f"organizations:{name}", args=[7]),
                             f"/org/units/7/{tail}/")
        self.login(self.office)
        url = reverse("organizations:unit_detail", args=[self.unit_edu.pk]) + "explode/"
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_changes_are_post_only_and_scoped(self):
        self.login(self.other_office)
        for name in ("unit_archive", "unit_restore", "unit_delete"):
            self.assertEqual(self.post(name, self.unit_edu).status_code, 404, name)
        self.login(self.office)
        for name in ("unit_archive", "unit_restore", "unit_delete"):
            self.assertEqual(self.client.get(reverse(f"organizations:{name}",
                                                     args=[self.unit_edu.pk])).status_code,
                             405, name)
        self.login(self.leader)
        self.assertEqual(self.post("unit_archive", self.unit_edu).status_code, 403)
        self.assertTrue(Unit.objects.filter(pk=self.unit_edu.pk, archived_at=None).exists())

    def test_an_upper_office_is_told_why(self):
        self.login(self.city_office)
        response = self.post("unit_archive", self.unit_edu, follow=True)
        self.assertContains(response, "只有所属党委的巡察办可以修改此记录")
        self.assertIsNone(Unit.objects.get(pk=self.unit_edu.pk).archived_at)


class PageFlagTests(WorldTestCase):
    def test_list_pages_show_what_the_person_may_do(self):
        cases = [("committee_list", "office", "can_create", True),
                 ("committee_list", "office2", "can_create", False),
                 ("committee_list", "platform", "can_create", True),
                 ("unit_list", "office2", "can_create", True),
                 ("unit_list", "leader", "can_create", False),
                 ("unit_list", "liaison", "can_export", False),
                 ("unit_list", "leader", "can_export", True)]
        for route, persona, flag, expected in cases:
            self.client.force_login(getattr(self, persona))
            response = self.client.get(reverse(f"organizations:{route}"))
            self.assertIs(response.context[flag], expected, f"{route} {persona} {flag}")
        self.client.force_login(self.liaison)
        self.assertNotContains(self.client.get(reverse("organizations:unit_list")),
                               reverse("organizations:export", args=["units"]))

    def test_detail_pages_offer_changes_to_the_owning_office(self):
        self.login(self.city_office)
        response = self.client.get(reverse("organizations:unit_detail", args=[self.unit_edu.pk]))
        self.assertFalse(response.context["can_write"])
        self.assertNotContains(response, reverse("organizations:unit_archive",
                                                 args=[self.unit_edu.pk]))
        self.login(self.office2)
        response = self.client.get(reverse("organizations:committee_detail",
                                           args=[self.county.pk]))
        self.assertTrue(response.context["can_write"])
        self.assertFalse(response.context["can_admin"])


class BadInputTests(WorldTestCase):
    LONG = "长" * 4000

    def setUp(self):
        self.login(self.office)

    def test_long_texts_are_refused_with_a_message(self):
        forms = [
            ("organizations:unit_create", [], {"code": "A-L", "name": self.LONG, "kind":
                                               "department", "committee": self.county.pk}),
            ("organizations:cadre_create", [], {"name": "某", "unit": self.unit_fin.pk,
                                                "position": self.LONG, "rank": "staff",
                                                "managing_committee": self.county.pk}),
            ("organizations:inspector_edit", [self.insp_a2.pk], {"note": self.LONG}),
            ("organizations:committee_edit", [self.county.pk], {
                "code": "P-C-A", "name": self.LONG, "level": "county", "conflict_years": 5}),
            ("organizations:term_edit", [self.term.pk], {
                "name": self.LONG, "starts_on": "2024-01-01", "ends_on": "2028-12-31"}),
        ]
        for route, args, data in forms:
            response = self.client.post(reverse(route, args=args), data)
            self.assertEqual(response.status_code, 200, route)
            self.assertTrue(response.context["form"].errors, route)
        self.assertFalse(Unit.objects.filter(code="A-L").exists())
        self.insp_a2.refresh_from_db()
        self.assertEqual(self.insp_a2.note, "")

    def test_a_long_relation_is_refused_with_a_message(self):
        url = reverse("organizations:tie_add", args=[self.insp_a2.pk])
        response = self.client.post(url, {"kind": "relative", "unit": self.unit_fin.pk,
                                          "relation": self.LONG}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(list(response.context["messages"]))
        self.assertFalse(self.insp_a2.ties.exists())

    def test_an_archive_button_that_says_neither_changes_nothing(self):
        cadre = self.edu_deputy
        url = reverse("organizations:cadre_archive", args=[cadre.pk])
        response = self.client.post(url, {"archived": "maybe"}, follow=True)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(list(response.context["messages"]))
        cadre.refresh_from_db()
        self.assertIsNone(cadre.archived_at)
        self.client.post(url)  # left out: archive, as the button always did
        cadre.refresh_from_db()
        self.assertIsNotNone(cadre.archived_at)
        self.client.post(url, {"archived": "0"})
        cadre.refresh_from_db()
        self.assertIsNone(cadre.archived_at)
