"""The rules of ``inspections/access.py``: each state-dependent rule and its query form agree
for every persona of the test world and every round or inspection built below."""

import datetime
from unittest import mock

from xuncha.inspections import access
from xuncha.inspections.models import Inspection, InspectionStatus, Round, RoundStatus, TeamPosition
from xuncha.inspections.moves import inspection_begin_onsite, inspection_begin_reporting
from xuncha.inspections.rounds import round_create, round_return, round_submit
from xuncha.inspections.targets import inspection_create
from xuncha.inspections.teams import team_create
from xuncha.inspections.testing import approved_round, dates, staffed_team, stationed_inspection
from xuncha.lib.testing import WorldTestCase

D = datetime.date
TODAY = "xuncha.inspections.access.timezone.localdate"
#: The day the rules are asked on.
ASKED_ON = D(2026, 4, 1)

ROUND_RULES = [
    (access.can_change_round, access.rounds_changeable_by),
    (access.can_rework_round, access.rounds_awaiting_rework),
    (access.can_approve_round, access.rounds_awaiting_approval),
]
INSPECTION_RULES = [
    (access.can_manage_inspection_or_lead, access.inspections_managed_or_led_by),
    (access.can_change_inspection, access.inspections_changeable_by),
    (access.can_notify_target, access.inspections_awaiting_notification),
    (access.can_station_inspection, access.inspections_awaiting_stationing),
    (access.can_begin_onsite, access.inspections_ready_for_onsite),
    (access.can_begin_reporting, access.inspections_ready_for_reporting),
]


class RuleAndQueryFormTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        t = cls
        plan = {"term": t.term, "kind": "regular", "planned_start": D(2026, 3, 2),
                "planned_end": D(2026, 6, 30)}
        t.r_draft = round_create(actor=t.office, committee=t.county, data=plan)
        t.r_submitted = round_create(actor=t.office, committee=t.county, data=plan)
        round_submit(actor=t.office, round=t.r_submitted)
        t.r_returned = round_create(actor=t.office, committee=t.county, data=plan)
        round_submit(actor=t.office, round=t.r_returned)
        round_return(actor=t.leader, round=t.r_returned, note="增加乡镇")
        t.r_b = round_create(actor=t.other_office, committee=t.county_b, data=plan | {
            "term": t.term_b})
        round_submit(actor=t.other_office, round=t.r_b)
        # The team persona leads both teams; team_b's inspector is a plain member.
        members = [(t.insp_a1, TeamPosition.LEADER), (t.insp_a2, TeamPosition.DEPUTY),
                   (t.insp_a5, TeamPosition.MEMBER)]
        spring = staffed_team(t, approved_round(t), members)
        autumn = staffed_team(t, approved_round(t, start=D(2026, 9, 1), end=D(2026, 11, 30)),
                              members)
        with mock.patch(TODAY, return_value=D(2026, 3, 9)):
            t.on_site = inspection_begin_onsite(actor=t.office, inspection=stationed_inspection(
                t, t.unit_edu, team=spring))
        t.on_site.petition_deadline = D(2026, 3, 19)  # intake closed before ASKED_ON
        t.on_site.save(update_fields=["petition_deadline"])
        t.stationed = stationed_inspection(t, t.township, team=spring)
        t.planned = inspection_create(actor=t.office, team=spring, units=[t.village],
                                      data=dates())[0]
        t.notified = inspection_create(actor=t.office, team=autumn, units=[t.unit_edu],
                                       data=dates(D(2026, 9, 7)) | {
                                           "notified_on": D(2026, 8, 20)})[0]
        t.stationed_later = stationed_inspection(t, t.township, team=autumn,
                                                 start=D(2026, 9, 7))
        reporting = stationed_inspection(t, t.village, team=autumn, start=D(2026, 9, 7))
        with mock.patch(TODAY, return_value=D(2026, 9, 7)):
            reporting = inspection_begin_onsite(actor=t.office, inspection=reporting)
        with mock.patch(TODAY, return_value=D(2026, 10, 30)):
            t.reporting = inspection_begin_reporting(actor=t.office, inspection=reporting)
        team_b = team_create(actor=t.other_office, round=t.r_b)
        t.planned_b = inspection_create(actor=t.other_office, team=team_b, units=[t.unit_b],
                                        data=dates())[0]

    def rounds(self) -> list[Round]:
        return list(Round.objects.select_related("committee"))

    def inspections(self) -> list[Inspection]:
        return list(Inspection.objects.select_related("team"))

    def check(self, rules, objects, keyword) -> None:
        disagree, held = [], set()
        with mock.patch(TODAY, return_value=ASKED_ON):
            for rule, query_form in rules:
                for persona in self.PERSONAS:
                    user = getattr(self, persona)
                    found = set(query_form(user=user).values_list("pk", flat=True))
                    for obj in objects:
                        answer = rule(user=user, **{keyword: obj})
                        if answer != (obj.pk in found):
                            disagree.append(f"{rule.__name__} {persona} {obj}: {answer}")
                        if answer:
                            held.add(rule.__name__)
        self.assertEqual(disagree, [])
        self.assertEqual(held, {rule.__name__ for rule, _q in rules},
                         "a rule that holds for nobody tests nothing")

    def test_round_rules_agree_with_their_query_forms(self):
        self.check(ROUND_RULES, self.rounds(), "round")

    def test_inspection_rules_agree_with_their_query_forms(self):
        self.check(INSPECTION_RULES, self.inspections(), "inspection")

    def test_the_world_has_each_state(self):
        self.assertEqual(
            [self.r_draft.status, self.r_submitted.status, self.r_returned.status],
            [RoundStatus.DRAFT, RoundStatus.SUBMITTED, RoundStatus.RETURNED])
        self.assertEqual(
            [i.status for i in (self.planned, self.stationed, self.on_site, self.reporting)],
            [InspectionStatus.PLANNED, InspectionStatus.STATIONED, InspectionStatus.ON_SITE,
             InspectionStatus.REPORTING])

    def test_what_waits_on_whom(self):
        with mock.patch(TODAY, return_value=ASKED_ON):
            self.assertEqual(list(access.rounds_awaiting_approval(user=self.leader)),
                             [self.r_submitted])
            self.assertEqual(list(access.rounds_awaiting_approval(user=self.office)), [])
            self.assertEqual(list(access.rounds_awaiting_rework(user=self.office)),
                             [self.r_returned])
            self.assertEqual(set(access.inspections_awaiting_notification(user=self.team)),
                             {self.planned})
            self.assertEqual(set(access.inspections_awaiting_notification(user=self.other_office)),
                             {self.planned_b})
            self.assertEqual(list(access.inspections_awaiting_notification(user=self.team_b)), [])
            self.assertEqual(list(access.inspections_ready_for_onsite(user=self.office)),
                             [self.stationed])
            self.assertEqual(list(access.inspections_ready_for_reporting(user=self.team)),
                             [self.on_site])
            self.assertEqual(list(access.inspections_ready_for_reporting(user=self.liaison)), [])
