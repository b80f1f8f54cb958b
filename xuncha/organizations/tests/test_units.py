from django.urls import reverse
from django.utils import translation

from xuncha.audit.models import Event
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase, make_cadre
from xuncha.organizations import services
from xuncha.organizations.models import Unit, UnitKind


class UnitTests(WorldTestCase):
    def form(self, **data):
        return {"code": "A-NEW", "name": "东湖区新单位", "kind": UnitKind.DEPARTMENT,
                "committee": self.county.pk, "parent": "", "locality": "东湖区"} | data

    def test_office_creates_a_unit_with_audit(self):
        self.login(self.office)
        response = self.client.post(reverse("organizations:unit_create"), self.form())
        unit = Unit.objects.get(code="A-NEW")
        self.assertRedirects(response, reverse("organizations:unit_detail", args=[unit.pk]))
        event = Event.objects.get(action="unit.create")
        self.assertEqual(event.changes["name"], [None, "东湖区新单位"])
        self.assertEqual(event.committee_id, self.county.pk)

    def test_duplicate_code_is_refused(self):
        self.login(self.office)
        response = self.client.post(reverse("organizations:unit_create"),
                                    self.form(code="A-JYJ"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "A-JYJ")
        self.assertEqual(Unit.objects.filter(code="A-JYJ").count(), 1)

    def test_cycle_in_the_tree_is_refused(self):
        cycle = "A unit cannot be placed under itself or under one of its own sub-units."
        with self.assertRefused(DomainError, cycle):
            services.unit_update(actor=self.office, unit=self.township,
                                 data={"parent": self.village})
        self.township.refresh_from_db()
        self.assertIsNone(self.township.parent_id)
        with self.assertRefused(DomainError, cycle):
            services.unit_update(actor=self.office, unit=self.township,
                                 data={"parent": self.township})

    def test_unit_with_history_cannot_be_deleted(self):
        self.login(self.office)
        response = self.client.post(reverse("organizations:unit_delete",
                                            args=[self.unit_edu.pk]), follow=True)
        self.assertContains(response, "归档")
        self.assertTrue(Unit.objects.filter(pk=self.unit_edu.pk).exists())

    def test_unit_without_history_can_be_deleted(self):
        unit = services.unit_create(actor=self.office, data=self.form())
        services.unit_delete(actor=self.office, unit=unit)
        self.assertFalse(Unit.objects.filter(code="A-NEW").exists())
        event = Event.objects.get(action="unit.delete")
        self.assertEqual(event.changes["code"], ["A-NEW", None])

    def test_archive_and_restore(self):
        services.unit_archive(actor=self.office, unit=self.unit_health)
        self.assertIsNotNone(Unit.objects.get(pk=self.unit_health.pk).archived_at)
        self.login(self.office)
        listing = self.client.get(reverse("organizations:unit_list"))
        self.assertNotIn(self.unit_health, list(listing.context["page"]))
        archived = self.client.get(reverse("organizations:unit_list") + "?archived=yes")
        self.assertIn(self.unit_health, list(archived.context["page"]))
        services.unit_restore(actor=self.office, unit=self.unit_health)
        self.assertIsNone(Unit.objects.get(pk=self.unit_health.pk).archived_at)

    def test_edit_records_before_and_after(self):
        services.unit_update(actor=self.office, unit=self.unit_fin, data={"name": "东湖区财政局（新）"})
        event = Event.objects.get(action="unit.update")
        self.assertEqual(event.changes, {"name": ["东湖区财政局", "东湖区财政局（新）"]})

    def test_list_search_and_filter(self):
        self.login(self.office)
        response = self.client.get(reverse("organizations:unit_list"),
                                   {"q": "教育", "kind": UnitKind.DEPARTMENT})
        self.assertEqual([u.code for u in response.context["page"]], ["A-JYJ"])
        htmx = self.client.get(reverse("organizations:unit_list"), {"q": "教育"},
                               HTTP_HX_REQUEST="true")
        self.assertNotContains(htmx, "<html")
        self.assertContains(htmx, "东湖区教育局")

    def test_list_query_count_does_not_grow(self):
        self.login(self.office)
        url = reverse("organizations:unit_list")
        self.client.get(url)
        for i in range(20):
            services.unit_create(actor=self.office, data=self.form(code=f"A-X{i}",
                                                                   parent=self.township))
        with self.assertNumQueries(7):
            self.client.get(url)


class CadreTests(WorldTestCase):
    def test_office_adds_and_edits_a_cadre(self):
        self.login(self.office)
        response = self.client.post(reverse("organizations:cadre_create"), {
            "name": "陈晓", "unit": self.unit_fin.pk, "position": "副局长",
            "rank": "section_deputy", "managing_committee": self.county.pk, "gender": "f"})
        self.assertEqual(response.status_code, 302)
        cadre = self.unit_fin.cadres.get(name="陈晓")
        self.client.post(reverse("organizations:cadre_edit", args=[cadre.pk]), {
            "name": "陈晓", "unit": self.unit_fin.pk, "position": "局长", "rank": "section_chief",
            "managing_committee": self.county.pk, "is_principal": "on"})
        cadre.refresh_from_db()
        self.assertTrue(cadre.is_principal)
        self.assertEqual(cadre.position, "局长")

    def test_cannot_add_a_cadre_to_another_county(self):
        with self.assertRefused(Forbidden, "Only the office of the owning committee may change "
                                           "this record."):
            services.cadre_create(actor=self.office, data={
                "name": "x", "unit": self.unit_b, "position": "y", "rank": "staff",
                "managing_committee": self.county_b})

    def test_cadre_with_inspector_record_is_archived_not_deleted(self):
        cadre = make_cadre("临时", self.unit_fin)
        services.cadre_archive(actor=self.office, cadre=cadre)
        cadre.refresh_from_db()
        self.assertIsNotNone(cadre.archived_at)


class InspectorTests(WorldTestCase):
    def test_add_to_pool_and_declare_ties(self):
        self.login(self.office)
        response = self.client.post(reverse("organizations:inspector_create"), {
            "cadre": self.edu_deputy.pk, "expertise": ["finance", "audit"]})
        inspector = self.edu_deputy.inspector
        self.assertRedirects(response, reverse("organizations:inspector_detail",
                                               args=[inspector.pk]))
        self.client.post(reverse("organizations:tie_add", args=[inspector.pk]), {
            "kind": "work", "unit": self.unit_health.pk, "starts_on": "2018-01-01",
            "ends_on": "2021-06-30"})
        self.client.post(reverse("organizations:tie_add", args=[inspector.pk]), {
            "kind": "relative", "unit": self.unit_fin.pk, "relation": ""})
        self.assertEqual(inspector.ties.count(), 1)  # the relative without a relation is refused
        self.client.post(reverse("organizations:tie_add", args=[inspector.pk]), {
            "kind": "work", "unit": self.unit_fin.pk, "starts_on": "2022-01-01",
            "ends_on": "2020-01-01"})
        self.assertEqual(inspector.ties.count(), 1)

    def test_a_cadre_joins_one_pool_only(self):
        # The message names the cadre, so it is compared in English.
        with translation.override("en"), self.assertRefused(
                DomainError, "周敏 is already in an inspector pool."):
            services.inspector_create(actor=self.office, committee=self.county,
                                      cadre=self.insp_a1.cadre, data={})

    def test_unknown_expertise_is_refused(self):
        with translation.override("en"), self.assertRefused(DomainError,
                                                            "Unknown expertise: magic"):
            services.inspector_create(actor=self.office, committee=self.county,
                                      cadre=self.edu_deputy, data={"expertise": ["magic"]})
