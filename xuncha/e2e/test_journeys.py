"""Browser journeys through the real pages, one role after another (issue 11, part 1).

Every step is screenshotted (``artifacts/e2e/``) and every distinct page goes through
axe-core. Where a step has no page, the test calls the service and says so.
"""

import io
import re

from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from xuncha.accounts.roles import Role
from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.inspections.models import InspectionStatus
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib import ratelimit
from xuncha.lib.testing import make_user
from xuncha.petitions import intake as petitions
from xuncha.petitions.models import Petition, PetitionMessage
from xuncha.petitions.receipts import petition_by_receipt, public_status

from .base import ARTIFACTS, BrowserTestCase, D, at, wait_for_fresh_minute

REPORT = ("反映东湖区教育局某科长在学校食堂承包招标中收受供应商红包礼金，"
          "并为其亲属经营的配送公司提供便利。")
ADDITION = "补充：红包是2026年3月初在局机关三楼办公室收的，当时有供应商的两名员工在场。"


class CitizenJourneyTests(BrowserTestCase):
    """From the QR notice to the receipt, then back with the receipt (no account)."""

    def setUp(self):
        super().setUp()
        self.inspection = stationed_inspection(self)

    @override_settings(XUNCHA_POW_BITS=8, XUNCHA_POW_MAX_BITS=8, XUNCHA_PUBLIC_POW_TRIGGER=1)
    def test_citizen_reports_anonymously_and_follows_up_with_the_receipt(self):
        code = self.inspection.public_code
        page = self.page_for(None)

        # The QR code on the stationing notice opens the notice; it links the report page.
        page.goto(self.url("public:notice", code))
        self.check(page, "notice")
        report_path = reverse("public:report", args=[code])
        with page.expect_navigation():
            page.click(f'main a[href$="{report_path}"]')
        self.assertEqual(page.url, self.url("public:report", code))

        # The site is "under pressure" (one report this minute, the trigger is 1): the page
        # must solve a proof of work (8 bits here instead of 16) before it sends.
        wait_for_fresh_minute()
        ratelimit.hit("pub-all", "all", limit=10**9, window=60)
        page.reload()
        self.assertTrue(page.locator("#identity-fields").is_hidden(),
                        "identity fields show although the report is anonymous")
        page.fill("input[name=subjects-0-name]", "张某")
        page.fill("input[name=subjects-0-position]", "科长")
        page.fill("input[name=subjects-0-unit_name]", "东湖区教育局")
        page.fill("textarea[name=content]", REPORT)
        self.check(page, "report-form")
        with page.expect_request(lambda r: r.method == "POST" and report_path in r.url) as sent:
            self.submit(page, "#report-form button[type=submit]")
        body = sent.value.post_data or ""
        nonce = re.search(r'name="pow_nonce"\r\n\r\n(\d*)\r\n', body)
        self.assertTrue(nonce and nonce.group(1), "the report was sent without a proof of work")

        # The receipt is shown once.
        self.check(page, "receipt")
        pretty = page.inner_text("#receipt").strip()
        self.assertRegex(pretty, r"^\d{4} \d{4} \d{4} \d{4}$")
        receipt = pretty.replace(" ", "")
        petition = petition_by_receipt(receipt)
        self.assertIsNotNone(petition, "the receipt shown matches no stored petition")
        self.assertEqual((petition.channel, petition.anonymous, petition.inspection_id),
                         ("online", True, self.inspection.pk))
        self.assertEqual(petition.content, REPORT)
        self.assertEqual(list(petition.subjects.values_list("name", "position")),
                         [("张某", "科长")])

        # Later: the status page, by receipt (typed with its spaces, as printed).
        with page.expect_navigation():
            page.click(f'main a[href="{reverse("public:receipt")}"]')
        self.check(page, "lookup")
        page.fill("input[name=receipt]", pretty)
        self.submit(page, "main form button[type=submit]")
        self.check(page, "status")
        with translation.override("zh-hans"):
            expected = public_status(petition)
        self.assertIn(expected, page.inner_text("main"))

        # … and adds information.
        page.fill("textarea[name=text]", ADDITION)
        self.submit(page, f'form[action="{reverse("public:receipt_add")}"] button[type=submit]')
        self.check(page, "added")
        self.assertIn(ADDITION, page.inner_text("main .comments"))
        self.assertTrue(PetitionMessage.objects.filter(
            petition=petition, direction="reporter", text=ADDITION).exists())
        self.assertNotIn(receipt, page.url)
        self.assert_clean_browser()


class FindingsJourneyTests(BrowserTestCase):
    """From the accepted petition to the feedback: team, deputy, leader, office, leading
    group."""

    def setUp(self):
        super().setUp()
        self.inspection = stationed_inspection(self)
        # The citizen's report of journey (a), through the same service as the public page
        # (the browser part of it is CitizenJourneyTests).
        self.petition, _receipt = petitions.petition_submit_public(
            inspection=self.inspection, content=REPORT,
            subjects=[{"name": "张某", "position": "科长", "unit_name": "东湖区教育局"}])
        # insp_a2 is the team's deputy leader (xuncha.inspections.testing.staffed_team).
        self.deputy = make_user("deputy", Role.TEAM, self.county, inspector=self.insp_a2)

    def test_petition_to_problem_to_report_to_feedback(self):
        inspection, petition = self.inspection, self.petition
        inspection_url = self.url("inspections:inspection_detail", inspection.pk)

        # A team member triages the petition: accepted as integrity discipline.
        team = self.page_for(self.team)
        team.goto(self.url("petitions:list"))
        self.check(team, "team-petitions")
        with team.expect_navigation():
            team.click(f'main a[href="{reverse("petitions:detail", args=[petition.pk])}"] >> nth=0')
        self.check(team, "team-petition")
        accept = f'form[action="{reverse("petitions:accept_action", args=[petition.pk])}"]'
        team.select_option(f"{accept} select[name=category]", "integrity")
        team.fill(f"{accept} textarea[name=note]", "属于巡察受理范围，列入重点核查。")
        self.submit(team, f"{accept} button[type=submit]")
        self.check(team, "team-petition-accepted")
        petition.refresh_from_db()
        self.assertEqual((petition.status, petition.category), ("accepted", "integrity"))

        # … and records the problem it revealed, citing the petition as evidence.
        team.goto(inspection_url)
        self.check(team, "team-inspection")
        with team.expect_navigation():
            team.click(f'main a[href="{reverse("findings:problem_create", args=[inspection.pk])}"]')
        self.check(team, "problem-form")
        team.fill("input[name=title]", "收受供应商红包礼金")
        team.select_option("select[name=category]", label="党的作风建设")
        team.fill("textarea[name=manifestation]",
                  "某科长在学校食堂承包招标中收受供应商红包礼金2万元，为亲属经营的配送公司提供便利。")
        team.check(f"input[name=petitions][value='{petition.pk}']")
        self.submit(team, "main form.form button[type=submit]")
        self.check(team, "problem-draft")
        problem = inspection.problems.get()
        self.assertEqual(problem.status, "draft")
        self.assertEqual(list(problem.petitions.all()), [petition])
        problem_url = self.url("findings:problem_detail", problem.pk)

        # The deputy records the team meeting's approval …
        deputy = self.page_for(self.deputy)
        deputy.goto(problem_url)
        approve = self.form_action("findings:problem_team_approve", problem.pk)
        deputy.fill("textarea[name=opinion]", "经巡察组组务会研究，同意列入问题底稿。")
        self.submit(deputy, approve)
        self.check(deputy, "problem-team-approved")
        problem.refresh_from_db()
        self.assertEqual(problem.status, "team_approved")

        # … and the leader signs.
        team.goto(problem_url)
        self.submit(team, self.form_action("findings:problem_sign", problem.pk))
        self.check(team, "problem-signed")
        problem.refresh_from_db()
        self.assertEqual((problem.status, problem.signed_by), ("signed", self.team))

        # The office moves the inspection on: on-site work, then (after the petition
        # deadline) reporting.
        office = self.page_for(self.office)
        office.goto(inspection_url)
        self.submit(office, self.form_action("inspections:inspection_begin_onsite",
                                             inspection.pk))
        self.check(office, "office-onsite")
        self.travel(at(D(2026, 4, 20)))
        self.submit(office, self.form_action("inspections:inspection_begin_reporting",
                                             inspection.pk))
        self.check(office, "office-reporting")
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, InspectionStatus.REPORTING)

        # The leader assembles the report (the signed problem is in it) and submits it.
        team.goto(inspection_url)
        team.select_option(f'form[action="{reverse("findings:report_create", args=[inspection.pk])}"] '
                           "select[name=kind]", "main")
        self.submit(team, self.form_action("findings:report_create", inspection.pk))
        self.check(team, "report-draft")
        report = inspection.reports.get()
        edit = f'form[action="{reverse("findings:report_edit", args=[report.pk])}"]'
        self.assertTrue(team.locator(f"{edit} input[name=problems][value='{problem.pk}']")
                        .is_checked(), "the signed problem is not in the new report")
        team.fill(f"{edit} textarea[name=summary]",
                  "巡察期间，巡察组个别谈话32人次，调阅资料86卷，受理信访举报1件。")
        team.fill(f"{edit} textarea[name=conclusion]", "建议被巡察单位党组织切实扛起整改主体责任。")
        self.submit(team, f"{edit} button[type=submit]")
        self.submit(team, self.form_action("findings:report_submit", report.pk))
        self.check(team, "report-submitted")
        self.assertEqual(report.current().status, "submitted")

        # The office reviews it, the leading group approves it.
        office.goto(self.url("findings:report_detail", report.pk))
        self.check(office, "report-review")
        accept = reverse("findings:report_accept", args=[report.pk])
        office.fill(f'form:has(button[formaction="{accept}"]) textarea[name=comment]',
                    "问题定性准确，同意报送。")
        self.submit(office, f'button[formaction="{accept}"]')
        self.check(office, "report-reviewed")
        self.assertEqual(report.current().status, "reviewed")
        leader = self.page_for(self.leader)
        leader.goto(self.url("findings:report_detail", report.pk))
        self.submit(leader, self.form_action("findings:report_approve", report.pk))
        self.check(leader, "report-approved")
        version = report.current()
        self.assertEqual((version.status, version.approved_by), ("approved", self.leader))
        self.assertTrue(version.frozen_docx)

        # Two weeks later the office records the feedback (dates default to today).
        self.travel(at(D(2026, 5, 8)))
        office.goto(inspection_url)
        with office.expect_navigation():
            office.click(f'main a[href="{reverse("findings:feedback_create", args=[inspection.pk])}"]')
        self.check(office, "feedback-form")
        office.fill("textarea[name=opinion]", "巡察组向区教育局党组反馈了巡察发现的问题，提出了整改意见。")
        self.submit(office, "main form.form button[type=submit]")
        self.check(office, "feedback")
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, InspectionStatus.FEEDBACK)
        self.assertEqual(list(inspection.feedback.problems.all()), [problem])
        self.assertEqual(str(inspection.feedback_on), "2026-05-08")
        self.assert_clean_browser()


class RectificationJourneyTests(BrowserTestCase):
    """The unit's plan goes back once, is approved by all reviewers; a measure is carried
    out with evidence and closed (销号) by the office."""

    START = at(D(2026, 5, 11))

    def setUp(self):
        super().setUp()
        # Feedback given on 2026-05-08 through the services (the pages of that part of the
        # cycle are FindingsJourneyTests).
        self.inspection = on_site(self)
        self.problem = signed_problem(self, self.inspection, "违规发放津贴补贴")
        fed_back(self, self.inspection, [self.problem])
        self.inspection.refresh_from_db()

    def test_plan_returned_resubmitted_approved_and_measure_closed(self):
        inspection = self.inspection
        overview = self.url("rectification:overview", inspection.pk)

        def act(action):
            return reverse(f"rectification:{action.replace('-', '_')}", args=[inspection.pk])

        # The liaison submits the plan.
        liaison = self.page_for(self.liaison)
        liaison.goto(overview)
        self.check(liaison, "liaison-overview")
        plan_form = f'form[action="{act("plan-submit")}"]'
        liaison.fill(f"{plan_form} textarea[name=text]",
                     "一、总体要求……\n二、整改任务（问题清单、任务清单、责任清单）……")
        liaison.fill(f"{plan_form} input[name=principal_name]", "区教育局党组书记")
        liaison.fill(f"{plan_form} input[name=principal_email]", "jyj-sj@example.gov.cn")
        self.submit(liaison, f"{plan_form} button[type=submit]")
        self.check(liaison, "plan-submitted")
        plan = inspection.rectification_plan
        self.assertEqual(plan.status, "submitted")

        # The office returns it with a comment.
        office = self.page_for(self.office)
        office.goto(overview)
        self.check(office, "office-overview")
        decision = f'form:has(button[formaction="{act("plan-return")}"])'
        office.fill(f"{decision} textarea[name=note]",
                    "整改措施不具体，未明确责任人和时限，请修改后重新报送。")
        self.submit(office, f'button[formaction="{act("plan-return")}"]')
        self.check(office, "plan-returned")
        plan.refresh_from_db()
        self.assertEqual(plan.status, "returned")

        # The liaison reads the comment and resubmits.
        liaison.goto(overview)
        self.assertIn("请修改后重新报送", liaison.inner_text("main"))
        liaison.fill(f"{plan_form} textarea[name=text]",
                     "一、总体要求……\n二、整改任务（已明确每项措施的责任人和时限）……")
        self.submit(liaison, f"{plan_form} button[type=submit]")
        self.check(liaison, "plan-resubmitted")
        plan.refresh_from_db()
        self.assertEqual((plan.status, plan.versions.count()), ("submitted", 2))

        # All three reviewers find it complete and feasible; the office approves it.
        review = f'form[action="{act("plan-review")}"]'
        receiver = self.page_for(self.receiver)
        receiver_org = self.page_for(self.receiver_org)
        for who, page in (("office", office), ("discipline", receiver),
                          ("organization", receiver_org)):
            page.goto(overview)
            page.check(f"{review} input[name=complete]")
            page.check(f"{review} input[name=feasible]")
            self.submit(page, f"{review} button[type=submit]")
            self.check(page, f"plan-reviewed-by-{who}")
        self.assertEqual(plan.current().reviews.count(), 3)
        office.goto(overview)
        approve = act("plan-approve")
        office.fill(f'form:has(button[formaction="{approve}"]) textarea[name=note]', "同意。")
        self.submit(office, f'button[formaction="{approve}"]')
        self.check(office, "plan-approved")
        plan.refresh_from_db()
        self.assertEqual(plan.status, "approved")

        # The liaison adds a measure to the ledger …
        liaison.goto(overview)
        measure_form = f'form[action="{act("measure-add")}"]'
        liaison.click(f"details:has({measure_form}) > summary")
        liaison.select_option(f"{measure_form} select[name=problem]", str(self.problem.pk))
        liaison.fill(f"{measure_form} textarea[name=text]",
                     "全额收回违规发放的补贴，对相关责任人进行批评教育，修订津贴补贴发放管理办法。")
        liaison.fill(f"{measure_form} input[name=responsible_leader]", "王建国")
        liaison.fill(f"{measure_form} input[name=responsible_department]", "财务科")
        self.submit(liaison, f"{measure_form} button[type=submit]")
        self.check(liaison, "measure-added")
        measure = inspection.measures.get()
        with liaison.expect_navigation():
            liaison.click(f'main a[href="{reverse("rectification:measure_detail", args=[measure.pk])}"]'
                          " >> nth=0")
        self.check(liaison, "measure")

        # … uploads the evidence and marks it done.
        evidence = f'form[action="{reverse("rectification:measure_evidence", args=[measure.pk])}"]'
        liaison.set_input_files(f"{evidence} input[name=file]", files=[{
            "name": "补贴退缴凭证.pdf", "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n% xuncha e2e evidence\n%%EOF\n"}])
        self.submit(liaison, f"{evidence} button[type=submit]")
        self.check(liaison, "measure-evidence")
        self.assertIn("补贴退缴凭证.pdf", liaison.inner_text("main"))
        self.submit(liaison, self.form_action("rectification:measure_done", measure.pk))
        self.check(liaison, "measure-done")
        measure.refresh_from_db()
        self.assertEqual((measure.status, measure.done_by), ("done", self.liaison))

        # A verifier of the office (not the one who marked it done) closes it (销号).
        office.goto(self.url("rectification:measure_detail", measure.pk))
        self.check(office, "office-measure")
        close = reverse("rectification:measure_close", args=[measure.pk])
        office.fill(f'form:has(button[formaction="{close}"]) textarea[name=note]',
                    "经核查退缴凭证并现场抽查，整改到位，同意销号。")
        self.submit(office, f'button[formaction="{close}"]')
        self.check(office, "measure-closed")
        measure.refresh_from_db()
        self.assertEqual((measure.status, measure.closed_by), ("closed", self.office))
        office.goto(overview)
        self.check(office, "office-overview-closed")
        self.assert_clean_browser()


class StatisticsJourneyTests(BrowserTestCase):
    """The office's dashboard, a drill-down to the list behind a figure, the .xlsx export.
    The data (petitions, approved problems, feedback) is made through the services."""

    START = at(D(2026, 5, 11))

    def setUp(self):
        super().setUp()
        self.inspection = on_site(self)
        for text in (REPORT, "反映局机关在教师职称评审中存在违规操作、优亲厚友问题。"):
            petitions.petition_submit_public(inspection=self.inspection, content=text)
        petitions.petition_intake(
            actor=self.office, committee=self.county, channel="phone", inspection=self.inspection,
            content="反映街道个别干部工作日中午饮酒、上班时间打牌赌博，作风散漫。",
            received_at=at(D(2026, 3, 25)))
        problems = [signed_problem(self, self.inspection, title)
                    for title in ("违规发放津贴补贴", "政府采购管理不规范")]
        fed_back(self, self.inspection, problems)

    def test_dashboard_drill_down_and_export(self):
        office = self.page_for(self.office)
        office.goto(self.url("stats:dashboard"))
        self.check(office, "dashboard")
        dashboard = office.url

        # Drill down: the online petitions behind "Petitions by channel: online" (the bar in
        # the chart and the row of the table beside it both link there; the row is used).
        drill = f'main table a[href^="{reverse("petitions:list")}?"][href*="channel=online"]'
        self.assertEqual(office.locator(drill).count(), 1, "no drill-down link for online petitions")
        with office.expect_navigation():
            office.click(drill)
        self.check(office, "drill-down-petitions")
        rows = office.locator("main table.petitions tbody tr")
        online = Petition.objects.filter(committee=self.county, channel="online")
        self.assertEqual(rows.count(), online.count())
        self.assertEqual(online.count(), 2)

        # The export of the same figures.
        office.goto(dashboard)
        with office.expect_download() as download:
            office.click(f'main a[href^="{reverse("stats:export_xlsx")}"]')
        self.assertIsNone(download.value.failure())
        self.assertRegex(download.value.suggested_filename, r"^stats-P-C-A-\d{8}\.xlsx$")
        saved = ARTIFACTS / f"{self.test_name}-export.xlsx"
        download.value.save_as(saved)
        data = saved.read_bytes()
        self.assertTrue(data.startswith(b"PK"), "the export is not an .xlsx (zip) file")
        self.shot(office, "dashboard-after-export")
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(data), read_only=True)
        with translation.override("zh-hans"):
            label = translation.gettext("Petitions")
        cells = [tuple(row) for sheet in workbook.worksheets
                 for row in sheet.iter_rows(values_only=True)]
        self.assertIn((label, 3), [row[:2] for row in cells],
                      "the workbook does not count the 3 petitions")
        self.assert_clean_browser()
