"""One view per step: the addresses, the answers to bad forms, the buttons each role sees."""

import datetime
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from xuncha.findings.clues import clue_record
from xuncha.findings.models import Clue, ClueStatus, Problem, ProblemStatus, ReportStatus
from xuncha.findings.problems import problem_draft, problem_team_approve
from xuncha.findings.reports import report_start, report_submit
from xuncha.findings.testing import on_site, signed_problem
from xuncha.lib.testing import WorldTestCase, make_user

D = datetime.date
LONG = "很" * 4001


class StepViewTests(WorldTestCase):
    def setUp(self):
        self.inspection = on_site(self)
        self.problem = signed_problem(self, self.inspection)

    def test_the_addresses_did_not_change(self):
        pk = self.problem.pk
        for name, path in [("problem_team_approve", f"problems/{pk}/do/team-approve/"),
                           ("problem_sign", f"problems/{pk}/do/sign/"),
                           ("problem_withdraw", f"problems/{pk}/do/withdraw/"),
                           ("problem_hand_over", f"problems/{pk}/do/hand-over/"),
                           ("problem_fixed", f"problems/{pk}/do/fixed/"),
                           ("problem_upload", f"problems/{pk}/do/upload/"),
                           ("clue_transfer", "clues/1/do/transfer/"),
                           ("clue_handle", "clues/1/do/handle/"),
                           ("clue_report", "clues/1/do/report/"),
                           ("report_edit", "reports/1/do/edit/"),
                           ("report_submit", "reports/1/do/submit/"),
                           ("report_accept", "reports/1/do/accept/"),
                           ("report_return", "reports/1/do/return/"),
                           ("report_comment", "reports/1/do/comment/"),
                           ("report_approve", "reports/1/do/approve/")]:
            arg = pk if name.startswith("problem") else 1
            self.assertEqual(reverse(f"findings:{name}", args=[arg]), f"/findings/{path}")

    def test_steps_are_posts(self):
        self.login(self.team)
        response = self.client.get(reverse("findings:problem_sign", args=[self.problem.pk]))
        self.assertEqual(response.status_code, 405)

    def test_a_too_long_reason_is_a_form_error(self):
        self.login(self.team)
        url = reverse("findings:problem_withdraw", args=[self.problem.pk])
        response = self.client.post(url, {"reason": LONG})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'class="error"', status_code=400)
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.status, ProblemStatus.SIGNED)
        response = self.client.post(url, {"reason": "定性不准，退回修改"})
        self.assertRedirects(response, reverse("findings:problem_detail", args=[self.problem.pk]))
        self.problem.refresh_from_db()
        self.assertEqual(self.problem.status, ProblemStatus.DRAFT)

    def test_a_refusal_comes_back_as_a_message(self):
        self.login(self.team_b)  # not on the team: the problem is not even found
        response = self.client.post(reverse("findings:problem_sign", args=[self.problem.pk]))
        self.assertEqual(response.status_code, 404)
        problem = Problem.objects.get(pk=self.problem.pk)
        self.login(self.team)
        response = self.client.post(reverse("findings:problem_sign", args=[problem.pk]),
                                    follow=True)
        self.assertContains(response, "msg-error")  # already signed

    def test_an_evidence_file_is_a_service(self):
        self.login(self.team)
        url = reverse("findings:problem_upload", args=[self.problem.pk])
        self.assertEqual(self.client.post(url, {}).status_code, 400)
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            response = self.client.post(url, {"file": SimpleUploadedFile("证据.pdf", b"%PDF")})
            self.assertEqual(response.status_code, 302)
            self.assertEqual([f.name for f in self.problem.files.all()], ["证据.pdf"])
            response = self.client.post(url, {"file": SimpleUploadedFile("x.exe", b"MZ")},
                                        follow=True)
            self.assertContains(response, "msg-error")
        self.assertEqual(self.problem.files.count(), 1)

    def test_report_comments_and_reviews_check_their_form(self):
        report = report_start(actor=self.team, inspection=self.inspection)
        report_submit(actor=self.team, report=report)
        self.login(self.office)
        for name in ("report_comment", "report_accept", "report_return"):
            response = self.client.post(reverse(f"findings:{name}", args=[report.pk]),
                                        {"comment": LONG})
            self.assertEqual(response.status_code, 400, name)
        self.assertEqual(report.current().status, ReportStatus.SUBMITTED)
        self.assertFalse(report.current().comments.exists())
        response = self.client.post(reverse("findings:report_return", args=[report.pk]),
                                    {"comment": "很" * 4000})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(report.current().status, ReportStatus.RETURNED)

    def test_clue_steps_check_their_form(self):
        clue = clue_record(actor=self.team, inspection=self.inspection, subject_name="某某",
                           content="反映问题")
        self.login(self.office)
        url = reverse("findings:clue_transfer", args=[clue.pk])
        self.assertEqual(self.client.post(url, {"body": "nowhere"}).status_code, 400)
        response = self.client.post(url, {"body": "discipline", "on": "2026-04-10"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Clue.objects.get(pk=clue.pk).status, ClueStatus.TRANSFERRED)
        self.login(self.receiver)
        self.assertEqual(self.client.post(reverse("findings:clue_handle", args=[clue.pk]),
                                          {"handling": "x"}).status_code, 400)
        self.assertEqual(self.client.post(reverse("findings:clue_report", args=[clue.pk]),
                                          {"outcome": "form1", "note": LONG,
                                           "on": "2026-05-10"}).status_code, 400)

    def test_buttons_follow_the_rules(self):
        category = self.problem.category
        approved = problem_draft(actor=self.team, inspection=self.inspection, data={
            "title": "待签", "manifestation": "表现", "category": category})
        problem_team_approve(actor=self.team, problem=approved, meeting_on=D(2026, 3, 27),
                             opinion="同意")
        sign = reverse("findings:problem_sign", args=[approved.pk])
        self.login(self.team)
        self.assertContains(self.client.get(reverse("findings:problem_detail",
                                                    args=[approved.pk])), sign)
        deputy = make_user("deputy", "team", self.county, inspector=self.insp_a2)
        self.client.force_login(deputy)
        page = self.client.get(reverse("findings:problem_detail", args=[approved.pk]))
        self.assertNotContains(page, sign)
        self.assertContains(page, reverse("findings:problem_withdraw", args=[approved.pk]))
