import datetime
import io

from django.urls import reverse
from docx import Document

from xuncha.audit.models import Event
from xuncha.findings.activities import activity_attach_record, activity_record
from xuncha.findings.clues import clue_handle, clue_record, clue_report, clue_transfer
from xuncha.findings.feedback import feedback_record
from xuncha.findings.models import (
    ActivityKind,
    ClueStatus,
    ProblemCategory,
    ProblemStatus,
    ReportStatus,
)
from xuncha.findings.problems import (
    problem_draft,
    problem_hand_over,
    problem_mark_fixed,
    problem_sign,
    problem_team_approve,
    problem_update,
)
from xuncha.findings.reports import (
    report_approve,
    report_edit,
    report_problems_issue,
    report_review,
    report_start,
    report_submit,
)
from xuncha.findings.testing import approved_report, fed_back, on_site, signed_problem
from xuncha.inspections.clocks import rectification_due_dates
from xuncha.inspections.models import InspectionStatus
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase, make_user

D = datetime.date


class ActivityTests(WorldTestCase):
    def test_a_talk_needs_two_interviewers_of_the_team(self):
        inspection = on_site(self)
        data = {"kind": ActivityKind.TALK, "held_on": D(2026, 3, 12), "title": "个别谈话",
                "interviewee": self.edu_chief}
        with self.assertRefused(DomainError,
                                "An individual talk is held by two members of the team."):
            activity_record(actor=self.team, inspection=inspection, data=data,
                            interviewers=[self.insp_a1])
        with self.assertRefused(DomainError, "Interviewers must be members of the team."):
            activity_record(actor=self.team, inspection=inspection, data=data,
                            interviewers=[self.insp_a1, self.insp_b1])
        talk = activity_record(actor=self.team, inspection=inspection, data=data,
                               interviewers=[self.insp_a1, self.insp_a2])
        self.assertEqual(talk.interviewers.count(), 2)
        with self.assertRefused(Forbidden, "Only members of the inspection team may do this."):
            activity_record(actor=self.team_b, inspection=inspection, data=data,
                            interviewers=[self.insp_a1, self.insp_a2])

    def test_signed_record_upload_and_download(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        inspection = on_site(self)
        talk = activity_record(actor=self.team, inspection=inspection, data={
            "kind": ActivityKind.TALK, "held_on": D(2026, 3, 12), "title": "谈话",
            "interviewee_name": "某某"}, interviewers=[self.insp_a1, self.insp_a2])
        self.login(self.team)
        self.client.post(reverse("findings:activity_record_upload", args=[talk.pk]),
                         {"file": SimpleUploadedFile("记录.pdf", b"%PDF-1.4 signed")})
        talk.refresh_from_db()
        self.assertEqual(talk.signed_record_name, "记录.pdf")
        response = self.client.get(reverse("findings:activity_record_download", args=[talk.pk]))
        self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4 signed")
        self.client.force_login(self.team_b)
        response = self.client.get(reverse("findings:activity_record_download", args=[talk.pk]))
        self.assertEqual(response.status_code, 404)
        bad = SimpleUploadedFile("x.exe", b"MZ")
        with self.assertRefused(DomainError, "Upload a PDF, image, Word, Excel or text file."):
            activity_attach_record(actor=self.team, activity=talk, signed_record=bad)


class ProblemTests(WorldTestCase):
    def test_draft_meeting_signature(self):
        inspection = on_site(self)
        category = ProblemCategory.objects.get(committee__isnull=True, code="political")
        problem = problem_draft(actor=self.team, inspection=inspection, data={
            "title": "落实不到位", "manifestation": "具体表现", "category": category,
            "found_on": D(2026, 3, 20)})
        self.assertEqual(problem.number, "[2026]东湖区巡-1组-01号")
        with self.assertRefused(DomainError, "The team meeting must approve the draft before the "
                                "leader signs."):
            problem_sign(actor=self.team, problem=problem)
        member = make_user("member", "team", self.county, inspector=self.insp_a3)
        with self.assertRefused(Forbidden, "The team's leader or deputy records the team "
                                "meeting's decision."):  # a member cannot record the meeting
            problem_team_approve(actor=member, problem=problem, meeting_on=D(2026, 3, 27),
                                 opinion="同意")
        problem_team_approve(actor=self.team, problem=problem, meeting_on=D(2026, 3, 27),
                             opinion="同意")
        with self.assertRefused(DomainError, "An approved problem cannot be edited; withdraw it "
                                "to a draft first."):
            problem_update(actor=self.team, problem=problem, data={"title": "改"})
        problem_sign(actor=self.team, problem=problem)
        self.assertEqual(problem.status, ProblemStatus.SIGNED)
        second = problem_draft(actor=self.team, inspection=inspection, data={
            "title": "二", "manifestation": "表现", "category": category})
        self.assertTrue(second.number.endswith("-02号"))

    def test_deputy_cannot_sign(self):
        inspection = on_site(self)
        deputy = make_user("deputy", "team", self.county, inspector=self.insp_a2)
        category = ProblemCategory.objects.get(committee__isnull=True, code="political")
        problem = problem_draft(actor=deputy, inspection=inspection, data={
            "title": "t", "manifestation": "m", "category": category})
        problem_team_approve(actor=deputy, problem=problem, meeting_on=D(2026, 3, 27),
                             opinion="同意")
        with self.assertRefused(Forbidden, "Only the team leader signs problem drafts."):
            problem_sign(actor=deputy, problem=problem)

    def test_immediate_rectification_tracked_until_fixed(self):
        inspection = on_site(self)
        problem = signed_problem(self, inspection, immediate=True)
        with self.assertRefused(DomainError, "Only a problem handed over for immediate "
                                "rectification is marked fixed here."):
            problem_mark_fixed(actor=self.team, problem=problem, on=D(2026, 4, 1), note="done")
        problem_hand_over(actor=self.team, problem=problem, on=D(2026, 3, 30))
        with self.assertRefused(DomainError, "It cannot be fixed before it was handed over."):
            problem_mark_fixed(actor=self.team, problem=problem, on=D(2026, 3, 1), note="done")
        problem_mark_fixed(actor=self.team, problem=problem, on=D(2026, 4, 8), note="已收回")
        self.assertEqual(problem.fixed_on, D(2026, 4, 8))
        report = approved_report(self, inspection, [problem])
        text = "\n".join(p.text for p in Document(io.BytesIO(bytes(
            report.current().frozen_docx))).paragraphs)
        self.assertIn("立行立改", text)
        self.assertIn("违规发放津贴补贴", text)


class ClueTests(WorldTestCase):
    def setUp(self):
        self.inspection = on_site(self)
        self.clue = clue_record(actor=self.team, inspection=self.inspection,
                                subject=self.edu_chief, subject_name="", content="反映其收受礼金。")

    def test_sealed_content_is_refused_with_an_audit_event(self):
        self.login(self.team)
        response = self.client.post(reverse("findings:clue_open", args=[self.clue.pk]))
        self.assertEqual(response.status_code, 403)
        self.assertNotContains(response, "收受礼金", status_code=403)
        self.assertTrue(Event.objects.filter(action="clue.open_refused",
                                             actor=self.team).exists())
        detail = self.client.get(reverse("findings:clue_detail", args=[self.clue.pk]))
        self.assertNotContains(detail, "收受礼金")
        self.client.force_login(self.office2)  # office, but not the head
        self.assertEqual(self.client.post(reverse("findings:clue_open",
                                                  args=[self.clue.pk])).status_code, 403)
        self.client.force_login(self.other_office)
        self.assertEqual(self.client.post(reverse("findings:clue_open",
                                                  args=[self.clue.pk])).status_code, 404)

    def test_office_head_reads_and_transfers(self):
        self.login(self.office)
        response = self.client.post(reverse("findings:clue_open", args=[self.clue.pk]))
        self.assertContains(response, "收受礼金")
        self.assertTrue(Event.objects.filter(action="clue.open", actor=self.office).exists())
        clue_transfer(actor=self.office, clue=self.clue, body="discipline", on=D(2026, 4, 10))
        self.assertEqual(self.clue.report_due, D(2026, 7, 10))
        self.assertEqual(self.clue.close_due, D(2026, 10, 10))
        self.assertEqual(self.clue.close_latest, D(2027, 4, 10))
        self.assertEqual(self.clue.receiver_committee, self.county)

    def test_transfer_without_a_receiver_is_refused(self):
        from xuncha.accounts.models import User

        User.objects.filter(pk=self.receiver.pk).update(is_active=False)
        with self.assertRefused(DomainError, code="no_receiver"):
            clue_transfer(actor=self.office, clue=self.clue, body="discipline")
        self.clue.refresh_from_db()
        self.assertEqual(self.clue.status, ClueStatus.SEALED)
        with self.assertRefused(Forbidden, "Only the office head transfers clues."):
            clue_transfer(actor=self.office2, clue=self.clue, body="organization")

    def test_receiver_handles_and_reports_by_the_four_forms(self):
        clue_transfer(actor=self.office, clue=self.clue, body="discipline", on=D(2026, 4, 10))
        # The organization department is not the receiver.
        with self.assertRefused(Forbidden, "Only the receiving body handles this clue."):
            clue_handle(actor=self.receiver_org, clue=self.clue, handling="verify")
        clue_handle(actor=self.receiver, clue=self.clue, handling="verify")
        clue_report(actor=self.receiver, clue=self.clue, outcome="form2", note="给予党内警告处分",
                    on=D(2026, 6, 30), close=True)
        self.assertEqual(self.clue.status, ClueStatus.CLOSED)
        self.login(self.receiver)
        self.assertContains(self.client.post(reverse("findings:clue_open", args=[self.clue.pk])),
                            "收受礼金")
        self.client.force_login(self.receiver_org)
        self.assertEqual(self.client.get(reverse("findings:clue_detail",
                                                 args=[self.clue.pk])).status_code, 404)


class ReportTests(WorldTestCase):
    def test_full_review_cycle_and_freezing(self):
        inspection = on_site(self)
        problem = signed_problem(self, inspection)
        report = report_start(actor=self.team, inspection=inspection)
        self.assertEqual(list(report.current().problems.all()), [problem])
        report_submit(actor=self.team, report=report)
        with self.assertRefused(Forbidden, "The inspection office reviews reports."):
            report_review(actor=self.team, report=report, comment="x", accept=True)
        with self.assertRefused(DomainError, "Say what must change."):
            report_review(actor=self.office, report=report, comment="", accept=False)
        report_review(actor=self.office, report=report, comment="补充基本情况", accept=False)
        self.assertEqual(report.current().status, ReportStatus.RETURNED)
        redraft = report_edit(actor=self.team, report=report, summary="补充后", conclusion="",
                              problems=[problem])
        # #18 item 6: the returned version is kept as it was, with who returned it and when.
        self.assertEqual(redraft.number, 2)
        returned = report.versions.get(number=1)
        self.assertEqual((returned.status, returned.summary, returned.reviewed_by),
                         (ReportStatus.RETURNED, "", self.office))
        self.assertEqual(returned.submitted_by, self.team)
        self.assertIsNotNone(returned.reviewed_at)
        report_submit(actor=self.team, report=report)
        self.assertEqual(report.current().number, 2)
        with self.assertRefused(DomainError, "The office must review the report before the "
                                "leading group approves it."):
            report_approve(actor=self.leader, report=report)
        report_review(actor=self.office, report=report, comment="", accept=True)
        with self.assertRefused(Forbidden, "The leading group approves reports."):
            report_approve(actor=self.office, report=report)
        version = report_approve(actor=self.leader, report=report)
        self.assertTrue(version.frozen)
        self.assertTrue(version.frozen_docx)
        new = report_edit(actor=self.team, report=report, summary="再改", conclusion="",
                          problems=[problem])
        self.assertEqual(new.number, 3)
        version.refresh_from_db()
        self.assertEqual(version.summary, "补充后")  # the approved version did not change

    def test_unapproved_problem_blocks_approval(self):
        inspection = on_site(self)
        problem = signed_problem(self, inspection)
        category = ProblemCategory.objects.get(committee__isnull=True, code="political")
        draft = problem_draft(actor=self.team, inspection=inspection, data={
            "title": "未审", "manifestation": "m", "category": category})
        report = report_start(actor=self.team, inspection=inspection)
        report_edit(actor=self.team, report=report, summary="", conclusion="",
                    problems=[problem, draft])
        with self.assertRefused(DomainError, code="precondition"):
            report_submit(actor=self.team, report=report)
        self.assertIn(draft.number, report_problems_issue(report.current()) or "")

    def test_empty_report_needs_an_explicit_none_found(self):
        inspection = on_site(self)
        report = report_start(actor=self.team, inspection=inspection)
        with self.assertRefused(DomainError, "The report cites no problem. Add the approved "
                                "problems, or state explicitly that none were found."):
            report_submit(actor=self.team, report=report)
        report_edit(actor=self.team, report=report, summary="", conclusion="", problems=[],
                    none_found=True)
        report_submit(actor=self.team, report=report)


class FeedbackTests(WorldTestCase):
    def test_feedback_needs_an_approved_report(self):
        inspection = on_site(self)
        inspection.status = InspectionStatus.REPORTING
        inspection.save()
        with self.assertRefused(DomainError, "The main report must be approved by the leading "
                                "group first.", code="precondition"):
            feedback_record(actor=self.office, inspection=inspection, data={
                "principal_meeting_on": D(2026, 5, 8), "team_meeting_on": D(2026, 5, 8),
                "feedback_on": D(2026, 5, 8), "opinion": "x"})

    def test_feedback_starts_the_clocks_and_opens_for_the_liaison(self):
        inspection = on_site(self)
        problem = signed_problem(self, inspection)
        _report, feedback = fed_back(self, inspection, [problem], on=D(2026, 5, 8))
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, InspectionStatus.FEEDBACK)
        self.assertEqual(inspection.feedback_on, D(2026, 5, 8))
        plan_due, report_due = rectification_due_dates(inspection)
        # 15 working days; Saturday 9 May 2026 is a make-up working day.
        self.assertEqual(plan_due, D(2026, 5, 28))
        self.assertEqual(report_due, D(2026, 8, 8))  # 3 months for 巡察
        self.login(self.liaison)
        page = self.client.get(reverse("findings:feedback_detail", args=[feedback.pk]))
        self.assertContains(page, problem.title)
        document = self.client.get(reverse("findings:feedback_docx", args=[feedback.pk]))
        text = "\n".join(p.text for p in Document(io.BytesIO(document.content)).paragraphs)
        self.assertIn("反馈意见", text)
        self.assertIn(problem.title, text)
        self.assertEqual(self.client.get(reverse("findings:problem_detail",
                                                 args=[problem.pk])).status_code, 200)
        self.client.force_login(self.other_liaison)
        self.assertEqual(self.client.get(reverse("findings:feedback_detail",
                                                 args=[feedback.pk])).status_code, 404)

    def test_bad_dates_change_nothing(self):
        inspection = on_site(self)
        problem = signed_problem(self, inspection)
        approved_report(self, inspection, [problem])
        inspection.status = InspectionStatus.REPORTING
        inspection.save()
        with self.assertRefused(DomainError, "The one-to-one with the principal leader comes "
                                "before the feedback to the leadership team."):
            feedback_record(actor=self.office, inspection=inspection, data={
                "principal_meeting_on": D(2026, 5, 8), "team_meeting_on": D(2026, 5, 7),
                "feedback_on": D(2026, 5, 8), "opinion": "x"})
        inspection.refresh_from_db()
        self.assertEqual(inspection.status, InspectionStatus.REPORTING)
        self.assertIsNone(inspection.feedback_on)


class PageTests(WorldTestCase):
    def test_pages_and_refusals(self):
        inspection = on_site(self)
        problem = signed_problem(self, inspection)
        report = approved_report(self, inspection, [problem])
        self.login(self.team)
        for name, args in [("inspections:inspection_detail", [inspection.pk]),
                           ("findings:problem_detail", [problem.pk]),
                           ("findings:report_detail", [report.pk]),
                           ("findings:problem_create", [inspection.pk]),
                           ("findings:activity_create", [inspection.pk]),
                           ("findings:clue_create", [inspection.pk])]:
            self.assertEqual(self.client.get(reverse(name, args=args)).status_code, 200, name)
        docx = self.client.get(reverse("findings:report_docx", args=[report.pk, 1]))
        Document(io.BytesIO(docx.content))  # opens
        for persona, status in (("other_team", 404), ("liaison", 403), ("receiver", 403)):
            self.client.force_login(getattr(self, persona))
            self.assertEqual(self.client.get(reverse("findings:report_detail",
                                                     args=[report.pk])).status_code, status,
                             persona)

    def test_problem_library_counts(self):
        inspection = on_site(self)
        signed_problem(self, inspection, "甲")
        signed_problem(self, inspection, "乙")
        self.login(self.office)
        response = self.client.get(reverse("findings:library"), {"q": "甲"})
        self.assertEqual([p.title for p in response.context["page"]], ["甲"])
        self.assertEqual(list(response.context["by_category"])[0]["n"], 2)
        self.client.force_login(self.other_office)
        response = self.client.get(reverse("findings:library"))
        self.assertEqual(len(response.context["page"]), 0)

    def test_wrong_roles_are_refused(self):
        inspection = on_site(self)
        problem = signed_problem(self, inspection)
        self.login(self.liaison)
        self.assertEqual(self.client.get(reverse("findings:problem_detail",
                                                 args=[problem.pk])).status_code, 404)
        self.client.force_login(self.office)
        self.assertEqual(self.client.get(reverse("findings:problem_create",
                                                 args=[inspection.pk])).status_code, 403)
        outsider = make_user("stranger", "team", self.county, inspector=self.insp_a4)
        self.client.force_login(outsider)
        self.assertEqual(self.client.get(reverse("findings:problem_detail",
                                                 args=[problem.pk])).status_code, 404)
