"""#18 item 7: the schedule after stationing, the late notice, a unit inspected twice."""

import datetime

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from xuncha.audit.models import Event
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.targets import inspection_create, inspection_update
from xuncha.inspections.testing import approved_round, dates, staffed_team, stationed_inspection
from xuncha.lib.errors import DomainError
from xuncha.lib.testing import WorldTestCase

D = datetime.date


class ScheduleAfterStationingTests(WorldTestCase):
    def test_before_stationing_no_reason_after_it_a_reason_that_is_audited(self):
        inspection = stationed_inspection(self)
        planned = inspection_create(actor=self.office, team=inspection.team,
                                    units=[self.unit_health], data=dates())[0]
        inspection_update(actor=self.office, inspection=planned,
                          data={"petition_deadline": D(2026, 4, 15)})  # planned: no reason
        self.assertEqual(planned.status, InspectionStatus.PLANNED)
        with self.assertRefused(DomainError, code="reason_required"):
            inspection_update(actor=self.office, inspection=inspection,
                              data={"petition_deadline": D(2026, 4, 10)})
        inspection.refresh_from_db()
        self.assertEqual(inspection.petition_deadline, D(2026, 4, 18))
        inspection_update(actor=self.office, inspection=inspection, data={"scope_text": "新的"})
        inspection_update(actor=self.office, inspection=inspection,
                          data={"petition_deadline": D(2026, 4, 10)},
                          reason="  区委巡察工作领导小组调整进度  ")
        inspection.refresh_from_db()
        self.assertEqual(inspection.petition_deadline, D(2026, 4, 10))
        event = Event.objects.filter(action="inspection.update").latest("pk")
        self.assertEqual(event.params["reason"], "区委巡察工作领导小组调整进度")
        self.assertEqual(event.changes["petition_deadline"], ["2026-04-18", "2026-04-10"])

    def test_the_edit_page_asks_for_the_reason(self):
        inspection = stationed_inspection(self)
        self.login(self.office)
        url = reverse("inspections:inspection_edit", args=[inspection.pk])
        form = self.client.get(url).context["form"]
        data = {k: ("" if v is None else v) for k, v in form.initial.items()}
        data["petition_deadline"] = "2026-04-12"
        page = self.client.post(url, data)
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.context["form"].errors["reason"])
        inspection.refresh_from_db()
        self.assertEqual(inspection.petition_deadline, D(2026, 4, 18))
        data["reason"] = "动员会推迟"
        self.assertRedirects(self.client.post(url, data),
                             reverse("inspections:inspection_detail", args=[inspection.pk]))
        inspection.refresh_from_db()
        self.assertEqual(inspection.petition_deadline, D(2026, 4, 12))


class LateNoticeTests(WorldTestCase):
    def test_a_notice_done_after_its_due_date_shows_late(self):
        team = staffed_team(self, approved_round(self))
        inspection = inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                       data=dates())[0]  # stationing Monday 9 March
        self.login(self.office)
        url = reverse("inspections:inspection_detail", args=[inspection.pk])
        inspection_update(actor=self.office, inspection=inspection,
                          data={"notified_on": D(2026, 2, 20)})
        notice = next(c for c in self.client.get(url).context["clocks"] if c.key == "notice")
        self.assertTrue(notice.done)
        self.assertFalse(notice.late)
        inspection_update(actor=self.office, inspection=inspection,
                          data={"notified_on": D(2026, 3, 6)})
        page = self.client.get(url)
        notice = next(c for c in page.context["clocks"] if c.key == "notice")
        self.assertTrue(notice.late)
        self.assertLess(notice.due, D(2026, 3, 6))
        self.assertContains(page, "data-late")
        self.assertContains(page, "2026-03-06")


class ActiveElsewhereTests(WorldTestCase):
    def test_adding_a_unit_under_an_active_inspection_warns_and_names_it(self):
        active = stationed_inspection(self)  # 教育局, first round
        self.assertEqual(active.status, InspectionStatus.STATIONED)
        second = approved_round(self, start=D(2026, 7, 1), end=D(2026, 10, 30))
        team = staffed_team(self, second)
        self.login(self.office)
        url = reverse("inspections:inspection_create", args=[team.pk])
        data = {"units": [self.unit_edu.pk], "period_start": "2026-07-06",
                "period_end": "2026-08-20", "stationed_on": "2026-07-06",
                "petition_deadline": "2026-08-10", "scope_text": "受理范围"}
        page = self.client.post(url, data)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["elsewhere"], [active])
        self.assertContains(page, "data-active-elsewhere")
        self.assertContains(page, active.team.name)
        self.assertContains(page, reverse("inspections:inspection_detail", args=[active.pk]))
        self.assertFalse(Inspection.objects.filter(round=second).exists())
        response = self.client.post(url, {**data, "confirm_active": "on"})
        made = Inspection.objects.get(round=second)
        self.assertRedirects(response, reverse("inspections:inspection_detail", args=[made.pk]),
                             fetch_redirect_response=False)
        said = [str(m) for m in get_messages(response.wsgi_request)]
        self.assertTrue(any(active.team.name in m and self.unit_edu.name in m for m in said))
        # A unit not under inspection is added without a word.
        other = self.client.post(url, {**data, "units": [self.unit_health.pk]})
        self.assertEqual(other.status_code, 302)
        self.assertNotIn(gettext("A chosen unit is still under an inspection of another round:"),
                         other.content.decode())
