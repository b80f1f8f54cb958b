"""The pages' steps: one view per step at the same addresses as before, each validating its
form (an invalid form is shown with its errors and changes nothing)."""

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from xuncha.audit.models import Event
from xuncha.rectification import measures, plans
from xuncha.rectification.models import MeasureStatus, PlanReview, PlanStatus

from .base import RectificationBase

TOO_LONG = "长" * 4001  # the comment and note fields take 4,000 characters


class StepAddressTests(RectificationBase):
    INSPECTION_STEPS = {
        "plan_submit": "plan-submit", "plan_review": "plan-review",
        "plan_approve": "plan-approve", "plan_return": "plan-return",
        "measure_add": "measure-add", "report_submit": "report-submit",
        "report_accept": "report-accept", "report_return": "report-return",
        "notice_publish": "notice", "follow_up": "follow-up",
        "accountability": "accountability", "inspection_close": "close"}
    MEASURE_STEPS = ("progress", "evidence", "done", "close", "return", "publish", "withhold")

    def test_each_step_keeps_its_address_and_takes_only_post(self):
        measure = self.measure()
        self.login(self.office)
        urls = [(reverse(f"rectification:{name}", args=[self.inspection.pk]),
                 f"/rectification/inspection/{self.inspection.pk}/do/{step}/")
                for name, step in self.INSPECTION_STEPS.items()]
        urls += [(reverse(f"rectification:measure_{step}", args=[measure.pk]),
                  f"/rectification/measures/{measure.pk}/do/{step}/")
                 for step in self.MEASURE_STEPS]
        for url, path in urls:
            self.assertEqual(url, path)
            self.assertEqual(self.client.get(url).status_code, 405, url)

    def test_steps_are_closed_to_those_who_take_none(self):
        self.login(self.team)
        url = reverse("rectification:plan_review", args=[self.inspection.pk])
        self.assertEqual(self.client.post(url, {"complete": "on"}).status_code, 403)
        self.login(self.other_office)
        self.assertEqual(self.client.post(url, {"complete": "on"}).status_code, 404)


class FormErrorTests(RectificationBase):
    def setUp(self):
        super().setUp()
        self.plan = plans.plan_submit(actor=self.liaison, inspection=self.inspection,
                                      text="方案").plan

    def test_a_too_long_review_comment_is_a_form_error_and_changes_nothing(self):
        events = Event.objects.count()
        self.login(self.receiver)
        response = self.client.post(reverse("rectification:plan_review",
                                            args=[self.inspection.pk]),
                                    {"complete": "on", "feasible": "on", "comment": TOO_LONG})
        self.assertEqual(response.status_code, 400)
        self.assertIn("comment", response.context["review_form"].errors)
        self.assertContains(response, 'class="field has-error"', status_code=400)
        self.assertFalse(PlanReview.objects.exists())
        self.assertEqual(Event.objects.count(), events)

    def test_a_too_long_decision_note_is_a_form_error_and_changes_nothing(self):
        self.login(self.office)
        response = self.client.post(reverse("rectification:plan_return",
                                            args=[self.inspection.pk]), {"note": TOO_LONG})
        self.assertEqual(response.status_code, 400)
        self.assertIn("note", response.context["decision_form"].errors)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.SUBMITTED)

    def test_a_too_long_verification_note_is_a_form_error_and_changes_nothing(self):
        measure = self.measure()
        self.evidence(measure)
        measures.measure_mark_done(actor=self.liaison, measure=measure)
        self.login(self.office)
        url = reverse("rectification:measure_close", args=[measure.pk])
        response = self.client.post(url, {"note": TOO_LONG})
        self.assertEqual(response.status_code, 400)
        self.assertIn("note", response.context["verify_form"].errors)
        measure.refresh_from_db()
        self.assertEqual(measure.status, MeasureStatus.DONE)
        # An empty note is the service's to refuse, with its own words.
        response = self.client.post(url, {"note": ""})
        self.assertRedirects(response, reverse("rectification:measure_detail",
                                               args=[measure.pk]))
        self.assertEqual([str(m) for m in get_messages(response.wsgi_request)],
                         [gettext("Write the verification note.")])

    def test_a_refused_step_goes_back_with_the_reason(self):
        self.login(self.receiver_org)
        response = self.client.post(reverse("rectification:plan_approve",
                                            args=[self.inspection.pk]), {"note": ""})
        self.assertRedirects(response, reverse("rectification:overview",
                                               args=[self.inspection.pk]))
        self.assertEqual([str(m) for m in get_messages(response.wsgi_request)],
                         [gettext("The inspection office decides on plans.")])
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, PlanStatus.SUBMITTED)


class FlagTests(RectificationBase):
    def test_the_page_offers_each_body_its_own_steps(self):
        url = reverse("rectification:overview", args=[self.inspection.pk])
        review = reverse("rectification:plan_review", args=[self.inspection.pk])
        approve = reverse("rectification:plan_approve", args=[self.inspection.pk])
        accountability = reverse("rectification:accountability", args=[self.inspection.pk])
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="方案")
        expected = {  # persona: (reviews, decides, records accountability)
            "office": (True, True, True), "receiver": (True, False, True),
            "receiver_org": (True, False, False), "liaison": (False, False, False),
            "leader": (False, False, False)}
        for persona, (reviews, decides, accounts) in expected.items():
            self.login(getattr(self, persona))
            page = self.client.get(url).content.decode()
            self.assertEqual((review in page, approve in page, accountability in page),
                             (reviews, decides, accounts), persona)
