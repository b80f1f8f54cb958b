"""Issue 18, intake: the public pages tell the intake window as it is; a report sent through
a target's code before the stationing date reaches that target's team; the office assigns
petitions of its queues to inspections; a team member learns where a late petition went;
possible duplicates are hinted only when the reader may open them."""

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.translation import gettext

from xuncha.accounts.services import token_create
from xuncha.audit.models import Event
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.petitions import assignment, selectors
from xuncha.petitions.models import Petition, Route, Status

from .base import NEAR, OTHER, TEXT, D, PetitionBase, at
from .test_pages import formset


class IntakeWindowTests(PetitionBase):
    """The inspection is stationed (published) with intake from 2026-03-09 to 2026-04-18."""

    def notice(self):
        return self.client.get(reverse("public:notice", args=[self.inspection.public_code]))

    def report_page(self):
        return self.client.get(reverse("public:report", args=[self.inspection.public_code]))

    def closed_text(self) -> str:
        return gettext("Petition intake for this inspection is closed. Reports are passed to "
                       "the regular petition office.")

    def test_before_the_stationing_date_the_notice_says_not_yet_open(self):
        self.travel(at(D(2026, 3, 5)))
        page = self.notice().content.decode()
        self.assertIn(gettext("Petition intake has not opened yet: it runs from %(start)s to "
                              "%(deadline)s.") % {"start": "2026年3月9日",
                                                  "deadline": "2026年4月18日"}, page)
        self.assertNotIn(self.closed_text(), page)
        form = self.report_page().content.decode()
        self.assertIn(gettext("The team takes reports from %(start)s to %(day)s. Intake has not "
                              "opened yet: a report sent now goes to this inspection's team, "
                              "which takes it up once it is stationed.")
                      % {"start": "2026-03-09", "day": "2026-04-18"}, form)

    def test_while_open_the_notice_says_until_when(self):
        page = self.notice().content.decode()
        self.assertIn(gettext("Petition intake is open until %(deadline)s.")
                      % {"deadline": "2026年4月18日"}, page)
        self.assertNotIn(self.closed_text(), page)
        self.assertIn(gettext("The team takes reports until %(day)s.") % {"day": "2026-04-18"},
                      self.report_page().content.decode())

    def test_after_the_deadline_the_notice_says_closed(self):
        self.travel(at(D(2026, 4, 19), 9))
        self.assertIn(self.closed_text(), self.notice().content.decode())
        self.travel(at(D(2026, 4, 18), 23))  # the deadline day itself is still open
        self.assertNotIn(self.closed_text(), self.notice().content.decode())

    def test_the_states_follow_the_dates_and_the_status(self):
        states = [self.inspection.intake_state(day) for day in (
            D(2026, 3, 8), D(2026, 3, 9), D(2026, 4, 18), D(2026, 4, 19))]
        self.assertEqual(states, ["not_yet", "open", "open", "closed"])
        self.inspection.status = InspectionStatus.FEEDBACK
        self.assertEqual(self.inspection.intake_state(D(2026, 4, 1)), "closed")


class EarlyReportTests(PetitionBase):
    def test_a_report_through_the_code_before_stationing_reaches_the_team(self):
        self.travel(at(D(2026, 3, 5)))
        petition, _receipt = self.submit()
        self.assertEqual((petition.inspection, petition.route, petition.late),
                         (self.inspection, Route.INSPECTION, False))
        self.assertIn(petition, selectors.petitions_visible_to(user=self.team))

    def test_the_public_page_files_it_for_the_team_too(self):
        self.travel(at(D(2026, 3, 5)))
        url = reverse("public:report", args=[self.inspection.public_code])
        response = self.client.post(url, formset(prefix="subjects") | {
            "content": TEXT, "anonymous": "on"})
        self.assertRegex(response.context["receipt"], r"^\d{16}$")
        petition = Petition.objects.get()
        self.assertEqual((petition.route, petition.inspection), (Route.INSPECTION,
                                                                 self.inspection))

    def test_staff_naming_the_inspection_before_stationing_file_it_there(self):
        petition = self.intake(inspection=self.inspection, day=D(2026, 3, 5))
        self.assertEqual((petition.inspection, petition.route), (self.inspection,
                                                                 Route.INSPECTION))
        # Naming only the unit, before any inspection of it is on site: the office's queue.
        self.assertEqual(self.intake(day=D(2026, 3, 5)).route, Route.OFFICE)


class AssignTests(PetitionBase):
    def setUp(self):
        super().setUp()
        self.queued = self.intake(OTHER, unit=self.unit_fin)  # the office's queue

    def headers(self, user):
        _token, key = token_create(user=user, name="api")
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def test_the_office_assigns_and_reassigns_with_a_reason(self):
        self.assertNotIn(self.queued, selectors.petitions_visible_to(user=self.team))
        assigned = assignment.petition_assign(actor=self.office, petition=self.queued,
                                              inspection=self.inspection,
                                              reason="反映对象属教育局", version=1)
        self.assertEqual((assigned.inspection, assigned.route, assigned.unit, assigned.version),
                         (self.inspection, Route.INSPECTION, self.unit_edu, 2))
        self.assertIn(assigned, selectors.petitions_visible_to(user=self.team))
        event = Event.objects.get(action="petition.assign")
        self.assertEqual((event.actor, event.params["reason"], event.changes["route"]),
                         (self.office, "反映对象属教育局", [Route.OFFICE, Route.INSPECTION]))
        other = self.second_inspection(self.township)
        moved = assignment.petition_assign(actor=self.office, petition=assigned,
                                           inspection=other, reason="实为街道问题")
        self.assertNotIn(moved, selectors.petitions_visible_to(user=self.team))
        self.assertIn(moved, selectors.petitions_visible_to(user=self.team_b))
        self.assertEqual(Event.objects.filter(action="petition.assign").count(), 2)

    def test_a_late_petition_assigned_to_an_open_inspection_goes_to_its_team(self):
        self.travel(at(D(2026, 4, 25)))
        late = self.intake(day=D(2026, 4, 20))
        self.assertEqual(late.route, Route.LATE)
        other = self.second_inspection(self.township)
        Inspection.objects.filter(pk=other.pk).update(petition_deadline=D(2026, 4, 22))
        other.refresh_from_db()
        moved = assignment.petition_assign(actor=self.office, petition=late, inspection=other,
                                           reason="实为街道问题")
        self.assertEqual((moved.route, moved.late, moved.inspection),
                         (Route.INSPECTION, False, other))

    def test_refusals_change_nothing(self):
        with self.assertRefused(Forbidden, "Only the inspection office assigns petitions to "
                                           "inspections."):
            assignment.petition_assign(actor=self.team, petition=self.queued,
                                       inspection=self.inspection, reason="理由")
        with self.assertRefused(DomainError, "Say why the petition goes to this inspection."):
            assignment.petition_assign(actor=self.office, petition=self.queued,
                                       inspection=self.inspection, reason="  ")
        with self.assertRefused(DomainError, code="too_long"):
            assignment.petition_assign(actor=self.office, petition=self.queued,
                                       inspection=self.inspection, reason="字" * 2001)
        with self.assertRefused(Conflict, code="conflict"):
            assignment.petition_assign(actor=self.office, petition=self.queued,
                                       inspection=self.inspection, reason="理由", version=7)
        Inspection.objects.filter(pk=self.inspection.pk).update(status=InspectionStatus.FEEDBACK)
        self.inspection.refresh_from_db()
        with self.assertRefused(DomainError, code="closed"):
            assignment.petition_assign(actor=self.office, petition=self.queued,
                                       inspection=self.inspection, reason="理由")
        Inspection.objects.filter(pk=self.inspection.pk).update(status=InspectionStatus.ON_SITE)
        self.inspection.refresh_from_db()
        mine = self.intake()
        with self.assertRefused(DomainError, "The petition is already in this inspection's "
                                             "queue."):
            assignment.petition_assign(actor=self.office, petition=mine,
                                       inspection=self.inspection, reason="理由")
        self.assertEqual(Petition.objects.get(pk=self.queued.pk).route, Route.OFFICE)
        self.assertFalse(Event.objects.filter(action="petition.assign").exists())

    def test_the_page_action(self):
        url = reverse("petitions:assign_action", args=[self.queued.pk])
        self.login(self.office)
        page = self.client.get(reverse("petitions:detail", args=[self.queued.pk]))
        self.assertContains(page, url)
        self.assertIn(self.inspection, page.context["assign_form"].fields["inspection"].queryset)
        response = self.client.post(url, {"inspection": self.inspection.pk, "reason": "",
                                          "version": 1})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Petition.objects.get(pk=self.queued.pk).route, Route.OFFICE)
        response = self.client.post(url, {"inspection": self.inspection.pk,
                                          "reason": "反映对象属教育局", "version": 1})
        self.assertRedirects(response, reverse("petitions:detail", args=[self.queued.pk]))
        self.assertEqual(Petition.objects.get(pk=self.queued.pk).route, Route.INSPECTION)
        self.login(self.team)  # the team now sees it, but does not assign
        page = self.client.get(reverse("petitions:detail", args=[self.queued.pk]))
        self.assertNotContains(page, url)
        self.assertEqual(self.client.post(url, {"inspection": self.inspection.pk,
                                                "reason": "x"}).status_code, 403)

    def test_the_api_operation(self):
        path = f"/api/v1/petitions/{self.queued.pk}/assign"
        response = self.api(path, {"inspection": self.inspection.pk, "reason": "反映对象属教育局",
                                   "version": 1}, **self.headers(self.office))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual((response.json()["route"], response.json()["inspection_id"]),
                         ("inspection", self.inspection.pk))
        self.assertEqual(self.api(path, {"inspection": self.inspection.pk, "reason": "x"},
                                  **self.headers(self.team)).status_code, 403)
        self.assertEqual(self.api(path, {"inspection": self.inspection.pk, "reason": "x"},
                                  **self.headers(self.other_office)).status_code, 404)


class LateIntakeMessageTests(PetitionBase):
    def test_a_team_member_is_told_where_a_late_petition_went(self):
        self.travel(at(D(2026, 4, 25)))
        self.login(self.team)
        response = self.client.post(reverse("petitions:intake"), formset() | {
            "channel": "letter", "received_at": "2026-04-20T09:00",
            "inspection": self.inspection.pk, "content": TEXT})
        petition = Petition.objects.get()
        self.assertEqual(petition.route, Route.LATE)
        [message] = [str(m) for m in get_messages(response.wsgi_request)]
        self.assertEqual(message, gettext(
            "Petition #%(n)d was recorded, but it is no longer in your queue: it was received "
            "on %(received)s, after the intake deadline of %(inspection)s (%(deadline)s), so it "
            "went to the regular petition office's queue (%(route)s). The inspection office "
            "follows it up; ask the office if the team should see it.") % {
            "n": petition.pk, "received": "2026-04-20", "inspection": self.inspection,
            "deadline": "2026-04-18", "route": petition.get_route_display()})
        landed = self.client.get(response["Location"])
        self.assertEqual(landed.status_code, 200)  # a page the team member may open


class DuplicateHintTests(PetitionBase):
    def setUp(self):
        super().setUp()
        self.hidden = self.intake(TEXT, unit=self.unit_fin)  # the office's queue
        self.teams = self.intake(NEAR, inspection=self.inspection)
        self.assertEqual([d["id"] for d in self.teams.possible_duplicates], [self.hidden.pk])

    def test_the_team_is_not_told_of_a_candidate_it_may_not_open(self):
        tag = gettext("possible duplicate")
        self.login(self.team)
        self.assertNotContains(self.client.get(reverse("petitions:list")), tag)
        page = self.client.get(reverse("petitions:detail", args=[self.teams.pk]))
        self.assertEqual(page.context["possible"], [])
        self.assertNotContains(page, f"#{self.hidden.pk}<")
        response = self.client.post(reverse("petitions:intake"), formset() | {
            "channel": "visit", "received_at": "2026-03-20T09:00",
            "inspection": self.inspection.pk, "content": TEXT + "补充"})
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        self.assertEqual(len(messages), 2, messages)  # recorded, and resembles the visible one
        self.assertIn(gettext("It resembles %(n)d earlier petition(s): see “Possible "
                              "duplicates” on its page.") % {"n": 1}, messages)
        self.login(self.office)
        self.assertContains(self.client.get(reverse("petitions:list")), tag)

    def test_the_office_links_them(self):
        self.login(self.office)
        page = self.client.get(reverse("petitions:detail", args=[self.teams.pk]))
        self.assertEqual([p.pk for p, _ratio in page.context["possible"]], [self.hidden.pk])
        self.client.post(reverse("petitions:duplicate_action", args=[self.teams.pk]),
                         {"original": self.hidden.pk, "version": self.teams.version})
        linked = Petition.objects.get(pk=self.teams.pk)
        self.assertEqual((linked.status, linked.duplicate_of_id), (Status.DUPLICATE,
                                                                    self.hidden.pk))
