from django.urls import reverse

from xuncha.audit.models import Event
from xuncha.lib.testing import WorldTestCase
from xuncha.organizations import services


class AuditBrowseTests(WorldTestCase):
    def test_office_admin_browses_own_committee_events(self):
        services.unit_update(actor=self.office, unit=self.unit_fin, data={"locality": "湖滨"})
        services.unit_update(actor=self.other_office, unit=self.unit_b, data={"locality": "溪口"})
        self.login(self.office)
        response = self.client.get(reverse("audit:event_list"), {"action": "unit."})
        objects = [e.object_repr for e in response.context["page"]]
        self.assertIn("东湖区财政局", objects)
        self.assertNotIn("清溪县教育局", objects)
        seq = Event.objects.get(action="unit.update", object_id=str(self.unit_fin.pk)).seq
        detail = self.client.get(reverse("audit:event_detail", args=[seq]))
        self.assertContains(detail, "湖滨")
        other = Event.objects.get(action="unit.update", object_id=str(self.unit_b.pk)).seq
        self.assertEqual(self.client.get(reverse("audit:event_detail", args=[other])).status_code,
                         404)

    def test_filters_by_actor_and_date(self):
        services.unit_update(actor=self.office, unit=self.unit_fin, data={"locality": "x"})
        self.login(self.office)
        response = self.client.get(reverse("audit:event_list"),
                                   {"actor": "office", "date_from": "2000-01-01",
                                    "date_to": "2999-01-01"})
        self.assertTrue(all(e.actor_name == "office" for e in response.context["page"]))
        self.assertGreater(len(response.context["page"]), 0)

    def test_non_admins_cannot_browse(self):
        for persona in (self.office2, self.team, self.leader, self.liaison):
            self.client.force_login(persona)
            self.assertEqual(self.client.get(reverse("audit:event_list")).status_code, 403)
