"""Reports about a team: the office receives them (public form behind the notice, phone,
staff), the discipline body once transferred; the team reported on never learns of them —
no list, page, search, duplicate hint, statistic or to-do count of a team account shows one
(each checked as the team's leader); the reporter's identity is kept as a petition's."""

import datetime

from django.urls import reverse

from xuncha.audit.models import Event
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase
from xuncha.petitions.identity import Reporter
from xuncha.petitions.intake import petition_submit_public
from xuncha.teamwork.access import can_sign_pledge
from xuncha.teamwork.models import ConductReport, InspectorAccountability, ReportStatus
from xuncha.teamwork.pledges import supervision_set
from xuncha.teamwork.reports import (
    conduct_report_conclude,
    conduct_report_record,
    conduct_report_submit_public,
    conduct_report_transfer,
    inspector_accountability_record,
)
from xuncha.todo.selectors import todo_count, todo_for

CONTENT = "巡察组副组长在进驻期间接受被巡察单位安排的宴请并收受购物卡两张，请组织核查。"
SECRET_WORD = "购物卡"


class ConductReportTests(WorldTestCase):
    def setUp(self):
        self.inspection = stationed_inspection(self)
        self.team_obj = self.inspection.team
        # the ``team`` persona (周敏, insp_a1) leads the team; 吴海燕 (insp_a2) is its deputy
        self.assertFalse(can_sign_pledge(user=self.team, member=self.team_obj.members.get(
            inspector=self.insp_a1)))

    def _public(self, reporter=None) -> ConductReport:
        return conduct_report_submit_public(inspection=self.inspection, content=CONTENT,
                                            reporter=reporter)

    def test_the_notice_links_to_the_supervision_form(self):
        supervision_set(actor=self.office, committee=self.county, phone="0791-86009999",
                        note="工作日")
        page = self.client.get(reverse("public:notice", args=[self.inspection.public_code]))
        url = reverse("public:supervise", args=[self.inspection.public_code])
        self.assertContains(page, url)
        self.assertContains(page, "0791-86009999")
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"content": "太短"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ConductReport.objects.exists())
        response = self.client.post(url, {"content": CONTENT, "anonymous": "on"})
        self.assertEqual(response.status_code, 200)
        report = ConductReport.objects.get()
        self.assertEqual((report.source, report.status, report.anonymous),
                         ("public", ReportStatus.RECEIVED, True))
        self.assertEqual(report.team, self.team_obj)

    def test_the_identity_is_kept_as_a_petitions_is(self):
        report = self._public(Reporter(name="李明华", phone="13912345678"))
        self.assertFalse(report.anonymous)
        self.assertNotIn("李明华", report.reporter_name)
        self.assertNotIn("13912345678", report.reporter_phone)
        self.assertEqual(report.reporter_phone_masked, "*********78")
        event = Event.objects.get(action="conduct.report_public")
        self.assertNotIn("李明华", str(event.params))
        self.assertNotIn(SECRET_WORD, str(event.params))
        self.login(self.office)
        page = self.client.get(reverse("teamwork:report_detail", args=[report.pk]))
        self.assertContains(page, report.reporter_name_masked)
        self.assertNotContains(page, "李明华")

    def test_the_team_leader_sees_the_report_nowhere(self):
        before = todo_count(user=self.team)
        report = self._public()
        staff = conduct_report_record(actor=self.office, team=self.team_obj, source="phone",
                                      content=CONTENT, inspector=self.insp_a2)
        # a petition with the same words: the team sees it, but no hint of the reports
        petition, _receipt = petition_submit_public(inspection=self.inspection, content=CONTENT)
        self.login(self.team)
        # no list, no page
        self.assertEqual(self.client.get(reverse("teamwork:report_list")).status_code, 403)
        for pk in (report.pk, staff.pk):
            self.assertIn(self.client.get(reverse("teamwork:report_detail",
                                                  args=[pk])).status_code, (403, 404))
        # no menu entry, nothing on the home page, the inspection page or the to-do
        for url in (reverse("web:home"), reverse("inspections:inspection_detail",
                                             args=[self.inspection.pk]), reverse("todo:list")):
            page = self.client.get(url)
            self.assertEqual(page.status_code, 200, url)
            self.assertNotContains(page, reverse("teamwork:report_list"))
            self.assertNotContains(page, "teamwork/reports")
        # search: the petitions search finds the petition only
        page = self.client.get(reverse("petitions:list"), {"q": SECRET_WORD})
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "teamwork")
        # duplicate hints (flagged rows of the list, the petition's page if the team opens
        # it): none point at the reports, which are no petitions
        page = self.client.get(reverse("petitions:detail", args=[petition.pk]))
        self.assertNotContains(page, "teamwork", status_code=page.status_code)
        # the to-do count and items are unchanged
        self.assertEqual(todo_count(user=self.team), before)
        self.assertFalse([i for i in todo_for(user=self.team) if "conduct" in i.kind])
        # the statistics pages the team may open say nothing of them
        page = self.client.get(reverse("stats:dashboard"))
        self.assertNotContains(page, "teamwork", status_code=page.status_code)
        # nor the API
        from xuncha.accounts.services import token_create

        _token, raw = token_create(user=self.team, name="t")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        self.assertEqual(self.client.get("/api/v1/team-reports", **auth).json(), [])
        self.assertEqual(self.client.get(f"/api/v1/team-reports/{report.pk}",
                                         **auth).status_code, 404)
        # nor a deputy or a member of the same team, nor the liaison, nor the leading group
        for user in (self.team_b, self.liaison, self.leader, self.receiver, self.receiver_org,
                     self.oversight, self.other_office):
            self.login(user)
            self.assertIn(self.client.get(reverse("teamwork:report_detail",
                                                  args=[report.pk])).status_code, (403, 404))

    def test_office_transfers_discipline_concludes_office_records_accountability(self):
        report = self._public()
        self.login(self.receiver)
        self.assertEqual(self.client.get(reverse("teamwork:report_detail",
                                                 args=[report.pk])).status_code, 404)
        self.assertIn(f"conduct_report:{report.pk}",
                      [i.key for i in todo_for(user=self.office)])
        with self.assertRefused(Forbidden, code="not_concludable"):
            conduct_report_conclude(actor=self.receiver, report=report, substantiated=True,
                                    conclusion="属实")
        with self.assertRefused(DomainError, "Say why the report is transferred."):
            conduct_report_transfer(actor=self.office, report=report, note=" ")
        with self.assertRefused(DomainError, "The inspector reported on is not on this team."):
            conduct_report_transfer(actor=self.office, report=report, note="移交核查",
                                    inspector=self.insp_b1)
        self.login(self.office)
        self.client.post(reverse("teamwork:report_transfer", args=[report.pk]),
                         {"note": "反映巡察干部问题，移交区纪委监委。", "inspector": self.insp_a2.pk})
        report.refresh_from_db()
        self.assertEqual((report.status, report.inspector), (ReportStatus.TRANSFERRED,
                                                              self.insp_a2))
        self.assertIn(f"conduct_report:{report.pk}",
                      [i.key for i in todo_for(user=self.receiver)])
        self.assertNotIn(f"conduct_report:{report.pk}",
                         [i.key for i in todo_for(user=self.office)])
        with self.assertRefused(Forbidden, code="not_concludable"):
            conduct_report_conclude(actor=self.office, report=report, substantiated=True,
                                    conclusion="属实")
        self.login(self.receiver)
        self.assertEqual(self.client.get(reverse("teamwork:report_detail",
                                                 args=[report.pk])).status_code, 200)
        self.client.post(reverse("teamwork:report_conclude", args=[report.pk]),
                         {"substantiated": "yes", "conclusion": "经核查，接受宴请和购物卡问题属实。",
                          "inspector": self.insp_a2.pk})
        report.refresh_from_db()
        self.assertEqual(report.status, ReportStatus.SUBSTANTIATED)
        self.assertIn(f"inspector_accountability:{report.pk}",
                      [i.key for i in todo_for(user=self.office)])
        with self.assertRefused(DomainError, "The decision date cannot be in the future."):
            inspector_accountability_record(actor=self.office, report=report, kind="removed",
                                            text="调离巡察组。",
                                            decided_on=datetime.date(2999, 1, 1))
        with self.assertRefused(Forbidden, code="not_accountable"):
            inspector_accountability_record(actor=self.receiver, report=report, kind="removed",
                                            text="调离巡察组。", decided_on=datetime.date(2026, 4, 1))
        self.login(self.office)
        self.client.post(reverse("teamwork:report_accountability", args=[report.pk]),
                         {"kind": "removed", "text": "调离巡察组，退出人才库一年。",
                          "decided_on": "2026-04-01"})
        record = InspectorAccountability.objects.get()
        self.assertEqual((record.inspector, record.kind), (self.insp_a2, "removed"))
        self.assertNotIn(f"inspector_accountability:{report.pk}",
                         [i.key for i in todo_for(user=self.office)])
        actions = list(Event.objects.filter(action__startswith="conduct.").order_by(
            "pk").values_list("action", flat=True))
        self.assertEqual(actions, ["conduct.report_public", "conduct.report_transfer",
                                   "conduct.report_conclude", "conduct.accountability"])
        # the organization department never sees it
        self.login(self.receiver_org)
        self.assertEqual(self.client.get(reverse("teamwork:report_detail",
                                                 args=[report.pk])).status_code, 403)

    def test_the_office_concludes_unsubstantiated_without_transfer(self):
        report = conduct_report_record(actor=self.office, team=self.team_obj, source="staff",
                                       content=CONTENT)
        with self.assertRefused(DomainError, "A substantiated report names the inspector"):
            conduct_report_conclude(actor=self.office, report=report, substantiated=True,
                                    conclusion="经核查属实。")
        conduct_report_conclude(actor=self.office, report=report, substantiated=False,
                                conclusion="经核查，反映问题不属实。")
        report.refresh_from_db()
        self.assertEqual(report.status, ReportStatus.UNSUBSTANTIATED)
        self.login(self.receiver)  # never transferred: the discipline body does not see it
        self.assertEqual(self.client.get(reverse("teamwork:report_detail",
                                                 args=[report.pk])).status_code, 404)

    def test_recording_is_the_offices_and_validated(self):
        with self.assertRefused(Forbidden, "Only the committee's office records reports"):
            conduct_report_record(actor=self.team, team=self.team_obj, source="staff",
                                  content=CONTENT)
        with self.assertRefused(Forbidden, "Only the committee's office records reports"):
            conduct_report_record(actor=self.other_office, team=self.team_obj, source="staff",
                                  content=CONTENT)
        with self.assertRefused(DomainError, "Choose how the report was received."):
            conduct_report_record(actor=self.office, team=self.team_obj, source="public",
                                  content=CONTENT)
        self.login(self.office)
        response = self.client.post(reverse("teamwork:report_record"), {
            "team": self.team_obj.pk, "source": "phone", "content": "短"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(ConductReport.objects.exists())
        response = self.client.post(reverse("teamwork:report_record"), {
            "team": self.team_obj.pk, "source": "phone", "content": CONTENT,
            "reporter_name": "张某"})
        report = ConductReport.objects.get()
        self.assertRedirects(response, reverse("teamwork:report_detail", args=[report.pk]))
        self.assertEqual(report.received_by, self.office)
        self.assertFalse(report.anonymous)
        page = self.client.get(reverse("teamwork:report_list"))
        self.assertContains(page, reverse("teamwork:report_detail", args=[report.pk]))

    def test_public_api(self):
        response = self.client.post("/api/v1/public/team-reports", {
            "target": self.inspection.public_code, "content": CONTENT},
            content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(ConductReport.objects.get().source, "public")
        response = self.client.post("/api/v1/public/team-reports", {
            "target": "nosuchcode", "content": CONTENT}, content_type="application/json")
        self.assertEqual(response.status_code, 404)
