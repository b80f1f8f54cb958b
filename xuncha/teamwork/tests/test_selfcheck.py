"""The unit's self-check (自查) and 即知即改: the liaison submits it after the notice and
before the on-site work; the team reads it on the inspection page; unfixed problems wait on
the liaison until their fix is recorded."""

import datetime

from django.urls import reverse
from django.utils import timezone

from xuncha.audit.models import Event
from xuncha.inspections.models import ChannelKind
from xuncha.inspections.moves import inspection_station
from xuncha.inspections.targets import channel_add, inspection_create, inspection_update
from xuncha.inspections.testing import approved_round, dates, staffed_team
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase
from xuncha.teamwork.access import can_submit_self_check
from xuncha.teamwork.models import SelfCheck, SelfFoundProblem
from xuncha.teamwork.selfcheck import self_check_submit, self_found_fixed
from xuncha.todo.selectors import todo_for

SUMMARY = "对照巡察重点，局党组逐项开展自查，查找出问题两个，已整改一个。"


class SelfCheckTests(WorldTestCase):
    def setUp(self):
        team = staffed_team(self, approved_round(self))
        self.inspection = inspection_create(actor=self.office, team=team,
                                            units=[self.unit_edu],
                                            data=dates() | {"notified_on": None})[0]
        channel_add(actor=self.office, inspection=self.inspection,
                    data={"kind": ChannelKind.PHONE, "value": "0791-86001234"})

    def _notify(self):
        inspection_update(actor=self.office, inspection=self.inspection,
                          data={"notified_on": datetime.date(2026, 2, 20)})
        self.inspection.refresh_from_db()

    def _submit(self):
        return self_check_submit(actor=self.liaison, inspection=self.inspection, summary=SUMMARY,
                                 problems=[{"text": "食堂账目未按月公开。", "fix": "已补公开1—2月账目。"},
                                           {"text": "公务接待清单不完整。", "fix": ""},
                                           {"text": "", "fix": ""}])

    def test_submitted_after_the_notice_and_tracked_to_the_fix(self):
        self.assertFalse(can_submit_self_check(user=self.liaison, inspection=self.inspection))
        self._notify()
        self.assertIn(f"self_check:{self.inspection.pk}",
                      [i.key for i in todo_for(user=self.liaison)])
        with self.assertRefused(Forbidden, code="not_open"):
            self_check_submit(actor=self.other_liaison, inspection=self.inspection,
                              summary=SUMMARY, problems=[])
        with self.assertRefused(DomainError, "Describe the self-check in a few sentences"):
            self_check_submit(actor=self.liaison, inspection=self.inspection, summary="短",
                              problems=[])
        with self.assertRefused(DomainError, "A fix is written next to the problem it fixes."):
            self_check_submit(actor=self.liaison, inspection=self.inspection, summary=SUMMARY,
                              problems=[{"text": "", "fix": "已整改"}])
        check = self._submit()
        problems = list(check.problems.order_by("number"))
        self.assertEqual([(p.number, p.fixed) for p in problems], [(1, True), (2, False)])
        with self.assertRefused(Forbidden, code="not_open"):
            self._submit()
        keys = [i.key for i in todo_for(user=self.liaison)]
        self.assertNotIn(f"self_check:{self.inspection.pk}", keys)
        self.assertIn(f"self_found_fix:{problems[1].pk}", keys)
        self.assertNotIn(f"self_found_fix:{problems[0].pk}", keys)
        with self.assertRefused(Forbidden, code="not_fixable"):
            self_found_fixed(actor=self.team, problem=problems[1], on=timezone.localdate(),
                             note="已补齐")
        with self.assertRefused(DomainError, "Say how it was fixed."):
            self_found_fixed(actor=self.liaison, problem=problems[1], on=timezone.localdate(),
                             note=" ")
        with self.assertRefused(DomainError, "The fix cannot be dated in the future."):
            self_found_fixed(actor=self.liaison, problem=problems[1],
                             on=timezone.localdate() + datetime.timedelta(days=2), note="已补齐")
        self_found_fixed(actor=self.liaison, problem=problems[1], on=timezone.localdate(),
                         note="已补齐公务接待清单。")
        self.assertFalse(SelfFoundProblem.objects.filter(fixed_on__isnull=True).exists())
        self.assertNotIn(f"self_found_fix:{problems[1].pk}",
                         [i.key for i in todo_for(user=self.liaison)])
        self.assertEqual(list(Event.objects.filter(action__startswith="self_check.").order_by(
            "pk").values_list("action", flat=True)), ["self_check.submit", "self_check.fixed"])

    def test_pages_liaison_submits_team_reads(self):
        self._notify()
        url = reverse("teamwork:self_check", args=[self.inspection.pk])
        self.login(self.liaison)
        page = self.client.get(url)
        self.assertContains(page, reverse("teamwork:self_check_submit",
                                          args=[self.inspection.pk]))
        data = {"summary": SUMMARY, "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0",
                "form-0-text": "食堂账目未按月公开。", "form-0-fix": "已补公开。",
                "form-1-text": "公务接待清单不完整。", "form-1-fix": ""}
        bad = self.client.post(reverse("teamwork:self_check_submit", args=[self.inspection.pk]),
                               data | {"summary": ""})
        self.assertEqual(bad.status_code, 400)
        self.assertFalse(SelfCheck.objects.exists())
        response = self.client.post(reverse("teamwork:self_check_submit",
                                            args=[self.inspection.pk]), data)
        self.assertRedirects(response, url)
        self.assertEqual(SelfFoundProblem.objects.count(), 2)
        problem = SelfFoundProblem.objects.get(number=2)
        self.client.post(reverse("teamwork:self_found_fixed", args=[problem.pk]),
                         {"on": timezone.localdate().isoformat(), "note": "已补齐清单。"})
        problem.refresh_from_db()
        self.assertTrue(problem.fixed)
        # the team reads it on the inspection page and on the self-check page
        self.login(self.team)
        page = self.client.get(reverse("inspections:inspection_detail",
                                       args=[self.inspection.pk]))
        self.assertContains(page, url)
        page = self.client.get(url)
        self.assertContains(page, "公务接待清单不完整")
        self.assertNotContains(page, reverse("teamwork:self_found_fixed", args=[problem.pk]))
        # another unit's liaison and another county's team do not find it
        for user in (self.other_liaison, self.other_team, self.other_office):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_after_on_site_the_self_check_is_closed(self):
        self._notify()
        inspection_station(actor=self.office, inspection=self.inspection)
        self.inspection.refresh_from_db()
        self.assertTrue(can_submit_self_check(user=self.liaison, inspection=self.inspection))
        self.inspection.status = "on_site"
        self.assertFalse(can_submit_self_check(user=self.liaison, inspection=self.inspection))
