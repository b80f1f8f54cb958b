"""综合鉴定 and the temporary party branch: the leader drafts once the team's work has ended,
the office confirms and sends; never shown to peers; the branch is created with the team,
records its meetings and is dissolved with the team's last feedback."""

import datetime

from django.urls import reverse
from django.utils import timezone

from xuncha.findings.testing import fed_back, signed_problem
from xuncha.inspections.teams import team_create
from xuncha.inspections.testing import approved_round, stationed_inspection
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase
from xuncha.teamwork.appraisals import appraisal_confirm, appraisal_draft, appraisal_send
from xuncha.teamwork.branches import meeting_record
from xuncha.teamwork.models import Appraisal, AppraisalStatus, Branch
from xuncha.todo.selectors import todo_for

TEXT = "该同志在巡察期间工作认真负责，严守纪律，发现问题线索准确，作风扎实。"


class AppraisalTests(WorldTestCase):
    def setUp(self):
        self.inspection = stationed_inspection(self)
        self.team_obj = self.inspection.team
        self.deputy = self.team_obj.members.get(inspector=self.insp_a2)
        self.member = self.team_obj.members.get(inspector=self.insp_a3)
        self.leader_member = self.team_obj.members.get(inspector=self.insp_a1)
        self.branch = Branch.objects.get(team=self.team_obj)

    def _end(self):
        fed_back(self, self.inspection, [signed_problem(self, self.inspection)])
        self.inspection.refresh_from_db()

    def test_the_leader_drafts_after_the_work_the_office_confirms_and_sends(self):
        with self.assertRefused(Forbidden, code="not_draftable"):
            appraisal_draft(actor=self.team, member=self.deputy, grade="优秀", text=TEXT)
        self._end()
        self.assertIn(f"appraisal_draft:{self.deputy.pk}", [i.key for i in todo_for(user=self.team)])
        with self.assertRefused(Forbidden, code="not_draftable"):  # not their own
            appraisal_draft(actor=self.team, member=self.leader_member, grade="优秀", text=TEXT)
        with self.assertRefused(DomainError, "Choose one of the grades"):
            appraisal_draft(actor=self.team, member=self.deputy, grade="良好", text=TEXT)
        with self.assertRefused(DomainError, "Write the appraisal in full"):
            appraisal_draft(actor=self.team, member=self.deputy, grade="优秀", text="好")
        draft = appraisal_draft(actor=self.team, member=self.deputy, grade="称职", text=TEXT)
        appraisal_draft(actor=self.team, member=self.deputy, grade="优秀", text=TEXT)
        draft.refresh_from_db()
        self.assertEqual(draft.grade, "优秀")
        self.assertIn(f"appraisal_confirm:{draft.pk}", [i.key for i in todo_for(user=self.office)])
        with self.assertRefused(Forbidden, code="not_sendable"):
            appraisal_send(actor=self.office, appraisal=draft)
        with self.assertRefused(Forbidden, code="not_confirmable"):
            appraisal_confirm(actor=self.team, appraisal=draft)
        appraisal_confirm(actor=self.office, appraisal=draft)
        with self.assertRefused(Forbidden, code="not_draftable"):
            appraisal_draft(actor=self.team, member=self.deputy, grade="称职", text=TEXT)
        # the organization department reads it only once sent
        url = reverse("teamwork:inspector_record", args=[self.insp_a2.pk])
        self.login(self.receiver_org)
        self.assertEqual(self.client.get(url).status_code, 404)
        appraisal_send(actor=self.office, appraisal=draft)
        page = self.client.get(url)
        self.assertContains(page, "优秀")
        docx = self.client.get(reverse("teamwork:inspector_record_docx",
                                       args=[self.insp_a2.pk]))
        self.assertEqual(docx.status_code, 200)
        self.assertTrue(docx.content.startswith(b"PK"))
        # the office (leader's own appraisal) and team formation
        appraisal_draft(actor=self.office, member=self.leader_member, grade="优秀", text=TEXT)
        later = team_create(actor=self.office, round=approved_round(
            self, start=datetime.date(2026, 9, 1), end=datetime.date(2026, 11, 30)))
        self.login(self.office)
        page = self.client.get(reverse("inspections:team_detail", args=[later.pk]))
        self.assertContains(page, url)  # forming the next team: who served, with what grade

    def test_peers_never_see_an_appraisal(self):
        self._end()
        appraisal = appraisal_draft(actor=self.team, member=self.deputy, grade="优秀", text=TEXT)
        appraisal_confirm(actor=self.office, appraisal=appraisal)
        appraisal_send(actor=self.office, appraisal=appraisal)
        page_url = reverse("teamwork:team_appraisals", args=[self.team_obj.pk])
        record_url = reverse("teamwork:inspector_record", args=[self.insp_a2.pk])
        for user in (self.team_b, self.team, self.receiver, self.leader, self.liaison,
                     self.other_office):
            self.login(user)
            page = self.client.get(page_url)
            self.assertNotContains(page, TEXT, status_code=page.status_code)
            self.assertIn(self.client.get(record_url).status_code, (403, 404), user)
        self.login(self.office)
        self.assertContains(self.client.get(page_url), TEXT)
        self.assertEqual(Appraisal.objects.get().status, AppraisalStatus.CONFIRMED)

    def test_the_branch_lives_with_the_team(self):
        self.assertEqual(self.branch.secretary, None)  # named once the team is staffed
        today = timezone.localdate()
        with self.assertRefused(Forbidden, code="not_recordable"):
            meeting_record(actor=self.team_b, branch=self.branch, kind="lecture", held_on=today,
                           topic="党课", attendees=[self.insp_a1], minutes="学习巡视工作条例和巡察工作纪律。")
        with self.assertRefused(DomainError, "Only the team's members attend"):
            meeting_record(actor=self.team, branch=self.branch, kind="lecture", held_on=today,
                           topic="党课", attendees=[self.insp_a5], minutes="学习巡视工作条例和巡察工作纪律。")
        with self.assertRefused(DomainError, "A meeting is recorded after it was held."):
            meeting_record(actor=self.team, branch=self.branch, kind="lecture",
                           held_on=today + datetime.timedelta(days=1), topic="党课",
                           attendees=[self.insp_a1], minutes="学习巡视工作条例和巡察工作纪律。")
        self.login(self.team)
        url = reverse("teamwork:branch", args=[self.team_obj.pk])
        self.client.post(reverse("teamwork:branch_meeting", args=[self.team_obj.pk]), {
            "kind": "talk", "held_on": today.isoformat(), "topic": "谈心谈话",
            "attendees": [self.insp_a1.pk, self.insp_a3.pk], "minutes": "组长与组员谈心谈话，提醒严守纪律。"})
        self.assertEqual(self.branch.meetings.count(), 1)
        self.assertContains(self.client.get(url), "谈心谈话")
        self.login(self.office)
        self.client.post(reverse("teamwork:branch_secretary", args=[self.team_obj.pk]),
                         {"secretary": self.insp_a2.pk})
        self.branch.refresh_from_db()
        self.assertEqual(self.branch.secretary, self.insp_a2)
        self._end()
        self.branch.refresh_from_db()
        self.assertIsNotNone(self.branch.dissolved_at)
        with self.assertRefused(Forbidden, code="not_recordable"):
            meeting_record(actor=self.office, branch=self.branch, kind="lecture", held_on=today,
                           topic="党课", attendees=[self.insp_a1], minutes="学习巡视工作条例和巡察工作纪律。")
        self.login(self.other_team)
        self.assertEqual(self.client.get(url).status_code, 404)
