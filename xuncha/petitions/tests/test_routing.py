"""Routing: open intake → the team; after the deadline → late, the regular petition office;
no inspection → the office's queue. Staff choose the unit or the inspection; the public
route follows the target's code."""

from django.urls import reverse

from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.petitions import selectors
from xuncha.petitions.models import Petition, PetitionSubject, Route

from .base import TEXT, D, PetitionBase, at, real_pdf


class RoutingTests(PetitionBase):
    def test_open_intake_goes_to_the_team(self):
        petition = self.intake()
        self.assertEqual((petition.inspection, petition.route, petition.late, petition.unit),
                         (self.inspection, Route.INSPECTION, False, self.unit_edu))
        self.assertIn(petition, selectors.petitions_visible_to(user=self.team))

    def test_staff_may_choose_the_inspection_instead_of_the_unit(self):
        petition = self.intake(inspection=self.inspection)
        self.assertEqual((petition.inspection, petition.route, petition.unit),
                         (self.inspection, Route.INSPECTION, self.unit_edu))

    def test_on_the_deadline_day_is_still_on_time(self):
        self.travel(at(D(2026, 4, 18), 18))
        petition = self.intake(day=D(2026, 4, 18), channel="letter")
        self.assertEqual((petition.route, petition.late), (Route.INSPECTION, False))

    def test_after_the_deadline_is_late_for_the_petition_office(self):
        self.travel(at(D(2026, 4, 25)))
        petition = self.intake(day=D(2026, 4, 20))
        self.assertEqual((petition.route, petition.late, petition.inspection),
                         (Route.LATE, True, self.inspection))
        self.assertNotIn(petition, selectors.petitions_visible_to(user=self.team))
        self.assertIn(petition, selectors.petitions_visible_to(user=self.office))

    def test_unit_not_under_inspection_goes_to_the_office(self):
        petition = self.intake(unit=self.unit_fin)
        self.assertEqual((petition.inspection, petition.route, petition.late),
                         (None, Route.OFFICE, False))

    def test_before_stationing_goes_to_the_office(self):
        petition = self.intake(day=D(2026, 3, 5))
        self.assertEqual((petition.inspection, petition.route), (None, Route.OFFICE))

    def test_public_report_follows_the_code_and_the_clock(self):
        on_time, _receipt = self.submit()
        self.assertEqual((on_time.route, on_time.late, on_time.channel),
                         (Route.INSPECTION, False, "online"))
        self.travel(at(D(2026, 4, 19), 9))
        late, _receipt = self.submit()
        self.assertEqual((late.route, late.late, late.inspection), (Route.LATE, True,
                                                                   self.inspection))

    def test_a_planned_target_has_no_reporting_page(self):
        Inspection.objects.filter(pk=self.inspection.pk).update(status=InspectionStatus.PLANNED)
        url = reverse("public:report", args=[self.inspection.public_code])
        self.assertEqual(self.client.get(url).status_code, 404)
        response = self.api("/api/v1/public/reports", {"target": self.inspection.public_code,
                                                       "content": TEXT})
        self.assertEqual((response.status_code, response.json()["error"]), (404, "not_found"))
        self.assertEqual(Petition.objects.count(), 0)


class IntakeRulesTests(PetitionBase):
    def test_every_staff_channel_with_subjects(self):
        for channel in ("phone", "sms", "letter", "visit", "email"):
            petition = self.intake(channel=channel, subjects=[
                {"name": "张某", "position": "科长", "unit": self.unit_edu},
                {"name": "李某", "unit_name": "某配送公司"}, {"name": ""}])
            self.assertEqual(petition.channel, channel)
            self.assertEqual(list(petition.subjects.values_list("name", "unit_id", "unit_name")),
                             [("张某", self.unit_edu.pk, "东湖区教育局"), ("李某", None, "某配送公司")])
        with self.assertRefused(DomainError, "Choose how the petition came in."):
            self.intake(channel="online")

    def test_suggestion_box_needs_its_location(self):
        with self.assertRefused(DomainError, "Say which suggestion box the letter came from."):
            self.intake(channel="box")
        petition = self.intake(channel="box", box_location="教育局一楼大厅")
        self.assertEqual(petition.box_location, "教育局一楼大厅")
        self.assertEqual(self.intake(channel="phone", box_location="x").box_location, "")

    def test_bad_content_stores_nothing(self):
        for content, code in (("", "empty"), ("   ", "empty"), ("太短", "too_short"),
                              ("字" * 10001, "too_long")):
            with self.assertRefused(DomainError, code=code):
                self.intake(content=content)
        self.assertEqual((Petition.objects.count(), PetitionSubject.objects.count()), (0, 0))

    def test_future_and_foreign_inputs_are_refused(self):
        with self.assertRefused(DomainError, "The receiving date cannot be in the future."):
            self.intake(received_at=at(D(2026, 3, 21)))
        with self.assertRefused(DomainError, "Choose a unit of this committee."):
            self.intake(unit=self.unit_b)
        with self.assertRefused(DomainError, "The inspection is of another unit; choose one or "
                                             "the other."):
            self.intake(inspection=self.inspection, unit=self.unit_fin)
        with self.assertRefused(DomainError, "Choose a unit of this committee."):
            self.intake(subjects=[{"name": "赵某", "unit": self.unit_b}])
        self.assertEqual(Petition.objects.count(), 0)

    def test_the_team_takes_in_for_its_own_inspection_only(self):
        petition = self.intake(actor=self.team, inspection=self.inspection)
        self.assertEqual(petition.created_by, self.team)
        with self.assertRefused(Forbidden, "Team members take petitions in for one of their "
                                           "inspections: choose it."):
            self.intake(actor=self.team, unit=self.unit_edu)
        for outsider in (self.team_b, self.other_team, self.liaison, self.receiver,
                         self.leader, self.other_office):
            with self.subTest(outsider.username), self.assertRefused(
                    Forbidden, "Only the inspection office or the inspection's team takes "
                               "petitions in."):
                self.intake(actor=outsider, inspection=self.inspection)
        self.assertEqual(Petition.objects.count(), 1)

    def test_intake_is_audited_without_an_address_for_the_public(self):
        from xuncha.audit.models import Event

        petition = self.intake()
        event = Event.objects.get(action="petition.intake")
        self.assertEqual((event.actor, event.object_id, event.params["route"]),
                         (self.office, str(petition.pk), "inspection"))


class AllOrNothingTests(PetitionBase):
    def test_a_failure_after_the_files_were_written_leaves_nothing(self):
        import os
        from unittest import mock

        from xuncha.petitions.files import clean_upload

        scan = clean_upload("scan.pdf", real_pdf())
        with mock.patch("xuncha.petitions.intake.event_record",
                        side_effect=RuntimeError("audit down")), \
                self.assertRaises(RuntimeError):
            self.intake(files=[scan])
        self.assertEqual(Petition.objects.count(), 0)
        stored = [name for _root, _dirs, names in os.walk(self.media_root) for name in names]
        self.assertEqual(stored, [])
