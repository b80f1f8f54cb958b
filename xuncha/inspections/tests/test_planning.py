import datetime
from unittest import mock

from django.urls import reverse
from django.utils import translation

from xuncha.audit.models import Event
from xuncha.inspections.models import (
    ChannelKind,
    Inspection,
    InspectionStatus,
    RoundKind,
    RoundStatus,
    TeamPosition,
)
from xuncha.inspections.moves import (
    inspection_begin_onsite,
    inspection_begin_reporting,
    inspection_station,
)
from xuncha.inspections.rounds import (
    round_approve,
    round_create,
    round_return,
    round_submit,
    round_update,
)
from xuncha.inspections.targets import channel_add, inspection_create, inspection_update
from xuncha.inspections.teams import member_add, team_create
from xuncha.inspections.testing import approved_round, dates, staffed_team, stationed_inspection
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase, make_inspector
from xuncha.organizations.models import InspectorTie, TieKind

D = datetime.date
#: Where the access rules read today's date (the moves depend on it).
TODAY = "xuncha.inspections.access.timezone.localdate"


class EnglishTestCase(WorldTestCase):
    """The services' refusals are read in English, so that a test can name the part of a
    message that carries data (a unit's name, a date)."""

    def setUp(self):
        super().setUp()
        self.enterContext(translation.override("en"))


class RoundTests(EnglishTestCase):
    def test_office_plans_leadership_approves(self):
        r = round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": RoundKind.SPECIAL, "topic": "不作为不担当问题",
            "planned_start": D(2026, 3, 2), "planned_end": D(2026, 6, 30)})
        self.assertEqual(r.number, 1)
        self.assertIn("第1轮巡察", r.name)
        with self.assertRefused(Forbidden, "Only the leading group of this committee decides"):
            round_approve(actor=self.office, round=r)
        with self.assertRefused(DomainError, "Only a submitted round can be approved."):
            round_approve(actor=self.leader, round=r)
        round_submit(actor=self.office, round=r)
        with self.assertRefused(DomainError, "Say what must change before the round can be"):
            round_return(actor=self.leader, round=r, note="")
        round_return(actor=self.leader, round=r, note="增加乡镇")
        self.assertEqual(r.status, RoundStatus.RETURNED)
        round_update(actor=self.office, round=r, data={"note": "已增加乡镇"})
        round_submit(actor=self.office, round=r)
        round_approve(actor=self.leader, round=r)
        self.assertEqual(r.status, RoundStatus.APPROVED)
        with self.assertRefused(DomainError, "An approved or submitted round cannot be changed"):
            round_update(actor=self.office, round=r, data={"note": "x"})
        actions = list(Event.objects.filter(object_type="inspections.round").order_by(
            "seq").values_list("action", flat=True))
        self.assertEqual(actions, ["round.create", "round.submit", "round.return",
                                   "round.update", "round.submit", "round.approve"])

    def test_round_rules(self):
        base = {"term": self.term, "kind": RoundKind.REGULAR, "planned_start": D(2026, 3, 2),
                "planned_end": D(2026, 6, 30)}
        with self.assertRefused(DomainError, "A special round needs its topic."):
            round_create(actor=self.office, committee=self.county,
                         data=base | {"kind": RoundKind.SPECIAL})
        with self.assertRefused(DomainError, "The round cannot end before it starts."):
            round_create(actor=self.office, committee=self.county,
                         data=base | {"planned_end": D(2026, 1, 1)})
        with self.assertRefused(DomainError, "The round must fall within the term (2024-01-01"):
            round_create(actor=self.office, committee=self.county,
                         data=base | {"planned_end": D(2030, 1, 1)})
        with self.assertRefused(DomainError, "Choose a term of this committee."):
            round_create(actor=self.office, committee=self.county,
                         data=base | {"term": self.term_b})
        with self.assertRefused(Forbidden, "Only the inspection office of this committee"):
            round_create(actor=self.other_office, committee=self.county, data=base)
        round_create(actor=self.office, committee=self.county, data=base | {"number": 5})
        with self.assertRefused(DomainError, "Round 5 already exists in this term."):
            round_create(actor=self.office, committee=self.county,
                         data=base | {"number": 5})


class TeamTests(EnglishTestCase):
    def setUp(self):
        super().setUp()
        self.round = approved_round(self)

    def test_conflict_is_refused_then_overridden_with_audit(self):
        team = staffed_team(self, self.round)
        inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                          data=dates())
        InspectorTie.objects.create(inspector=self.insp_a4, kind=TieKind.WORK,
                                    unit=self.unit_edu, starts_on=D(2019, 1, 1),
                                    ends_on=D(2023, 6, 30))
        with self.assertRefused(DomainError, "孙文斌 worked at 东湖区教育局 until 2023-06-30",
                                code="conflict"):
            member_add(actor=self.office, team=team, inspector=self.insp_a4)
        self.assertFalse(team.members.filter(inspector=self.insp_a4).exists())
        member, _w = member_add(actor=self.office, team=team, inspector=self.insp_a4,
                                override_reason="熟悉教育系统业务，经领导小组同意")
        self.assertEqual(member.overridden_by, self.office)
        override = Event.objects.get(action="team.conflict_override")
        self.assertIn("熟悉教育系统", override.params["reason"])

    def test_old_ties_outside_the_period_do_not_conflict(self):
        team = staffed_team(self, self.round)
        inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                          data=dates())
        InspectorTie.objects.create(inspector=self.insp_a4, kind=TieKind.WORK,
                                    unit=self.unit_edu, ends_on=D(2015, 1, 1))
        member, _w = member_add(actor=self.office, team=team, inspector=self.insp_a4)
        self.assertEqual(member.override_reason, "")

    def test_relatives_parent_unit_and_current_unit_conflict(self):
        team = staffed_team(self, self.round)
        inspection_create(actor=self.office, team=team, units=[self.village],
                          data=dates())
        InspectorTie.objects.create(inspector=self.insp_a4, kind=TieKind.RELATIVE,
                                    unit=self.township, relation="配偶")
        with self.assertRefused(DomainError, "孙文斌 declared a relative (配偶) at 东湖区湖滨街道.",
                                code="conflict"):
            member_add(actor=self.office, team=team, inspector=self.insp_a4)
        worker = make_inspector("村干部", self.village, self.county)
        with self.assertRefused(DomainError, "村干部 works at 湖滨社区, the target or its parent.",
                                code="conflict"):
            member_add(actor=self.office, team=team, inspector=worker)

    def test_same_locality_rule_when_required(self):
        team = staffed_team(self, self.round)
        inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                          data=dates())
        self.county.same_locality_rule = True
        self.county.save()
        local = make_inspector("本地人", self.unit_b, self.county, native_place="东湖区")
        with self.assertRefused(DomainError, "本地人 comes from 东湖区, the target's locality.",
                                code="conflict"):
            member_add(actor=self.office, team=team, inspector=local)

    def test_target_added_after_members_is_checked_too(self):
        team = staffed_team(self, self.round)
        InspectorTie.objects.create(inspector=self.insp_a2, kind=TieKind.WORK,
                                    unit=self.unit_health)
        with self.assertRefused(DomainError, "Avoidance conflict for 东湖区卫生健康局: 吴海燕 worked",
                                code="conflict"):
            inspection_create(actor=self.office, team=team, units=[self.unit_health],
                              data=dates())
        self.assertFalse(Inspection.objects.filter(unit=self.unit_health).exists())

    def test_overlapping_assignment_is_refused(self):
        team = staffed_team(self, self.round)
        inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                          data=dates())
        team2 = team_create(actor=self.office, round=self.round)
        with self.assertRefused(DomainError, "周敏 is already on 第一巡察组 of", code="overlap"):
            member_add(actor=self.office, team=team2, inspector=self.insp_a1)
        later = round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": "regular", "planned_start": D(2026, 9, 1),
            "planned_end": D(2026, 11, 30)})
        team3 = team_create(actor=self.office, round=later)
        member_add(actor=self.office, team=team3, inspector=self.insp_a1)

    def test_one_leader_per_team(self):
        team = staffed_team(self, self.round)
        with self.assertRefused(DomainError, "The team already has a leader."):
            member_add(actor=self.office, team=team, inspector=self.insp_a4,
                       position=TeamPosition.LEADER)

    def test_rotation_warnings(self):
        team = staffed_team(self, self.round)
        inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                          data=dates())
        later = approved_round(self, start=D(2026, 9, 1), end=D(2026, 11, 30))
        team2 = team_create(actor=self.office, round=later)
        member_add(actor=self.office, team=team2, inspector=self.insp_a1,
                   position=TeamPosition.LEADER)
        member_add(actor=self.office, team=team2, inspector=self.insp_a2)
        _m, warnings = member_add(actor=self.office, team=team2,
                                  inspector=self.insp_a3)
        self.assertIn("same_makeup", {w.code for w in warnings})
        inspection_create(actor=self.office, team=team2, units=[self.unit_edu],
                          data=dates(D(2026, 9, 7)))
        from xuncha.inspections.conflicts import rotation_warnings

        self.assertIn("leader_again", {w.code for w in rotation_warnings(team=team2)})


class InspectionTests(EnglishTestCase):
    def test_one_team_two_targets(self):
        r = approved_round(self)
        team = staffed_team(self, r)
        created = inspection_create(actor=self.office, team=team,
                                    units=[self.unit_edu, self.unit_health],
                                    data=dates())
        self.assertEqual(len(created), 2)
        self.assertNotEqual(created[0].public_code, created[1].public_code)
        inspection_update(actor=self.office, inspection=created[1], data={
            "petition_deadline": D(2026, 4, 10)})
        created[0].refresh_from_db()
        self.assertEqual(created[0].petition_deadline, D(2026, 4, 18))

    def test_bad_dates_are_refused(self):
        team = staffed_team(self, approved_round(self))
        cases = [
            (dates() | {"period_end": D(2026, 3, 1)}, "The on-site period ends before it starts."),
            (dates() | {"petition_deadline": D(2026, 3, 1)},
             "The petition deadline is before the stationing date."),
            (dates() | {"stationed_on": D(2026, 12, 1)},
             "The stationing date must fall within the on-site period."),
            (dates() | {"petition_deadline": D(2026, 12, 1)},
             "The petition deadline is after the team leaves."),
        ]
        for data, reason in cases:
            with self.assertRefused(DomainError, reason):
                inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                  data=data)
        self.assertEqual(Inspection.objects.count(), 0)

    def test_target_outside_jurisdiction_unless_escalated(self):
        team = staffed_team(self, approved_round(self))
        with self.assertRefused(DomainError, "清溪县教育局 is not under this committee's jurisdiction.",
                                code="jurisdiction"):
            inspection_create(actor=self.office, team=team, units=[self.unit_b], data=dates())
        # A city round of kind "escalated" may inspect a county's village.
        city_round = round_create(actor=self.city_office, committee=self.city, data={
            "term": self.city_term, "kind": RoundKind.ESCALATED,
            "planned_start": D(2026, 3, 2), "planned_end": D(2026, 6, 30)})
        city_team = team_create(actor=self.city_office, round=city_round)
        inspection = inspection_create(actor=self.city_office, team=city_team,
                                       units=[self.village], data=dates())[0]
        self.assertTrue(inspection.escalated)

    def test_revisit_links_the_earlier_inspection(self):
        first = stationed_inspection(self, start=D(2026, 3, 9))
        revisit_round = approved_round(self, start=D(2026, 9, 1), end=D(2026, 11, 30),
                                       kind=RoundKind.REVISIT)
        team = staffed_team(self, revisit_round, members=[(self.insp_a4, TeamPosition.LEADER),
                                                          (self.insp_a5, TeamPosition.MEMBER)])
        with self.assertRefused(DomainError, "A revisit (回头看) names the earlier inspection"):
            inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                              data=dates(D(2026, 9, 7)))
        revisit = inspection_create(actor=self.office, team=team,
                                    units=[self.unit_edu], data=dates(D(2026, 9, 7)),
                                    revisit_of=first)[0]
        self.assertEqual(revisit.revisit_of, first)

    def test_transitions_with_preconditions(self):
        team = staffed_team(self, approved_round(self))
        inspection = inspection_create(actor=self.office, team=team,
                                       units=[self.unit_edu], data=dates())[0]
        with self.assertRefused(DomainError, "The team cannot be stationed yet: no contact channel "
                                "is published.", code="precondition"):
            inspection_station(actor=self.office, inspection=inspection)
        channel_add(actor=self.office, inspection=inspection, data={
            "kind": ChannelKind.POSTAL, "value": "东湖区A001号邮政专用信箱"})
        inspection = inspection_station(actor=self.office, inspection=inspection)
        self.assertEqual(inspection.status, InspectionStatus.STATIONED)
        with mock.patch(TODAY, return_value=D(2026, 3, 1)):
            with self.assertRefused(DomainError, "On-site work begins on the stationing date "
                                    "(2026-03-09).", code="precondition"):
                inspection_begin_onsite(actor=self.office, inspection=inspection)
        with mock.patch(TODAY, return_value=D(2026, 3, 9)):
            inspection = inspection_begin_onsite(actor=self.team, inspection=inspection)
            with self.assertRefused(DomainError, "Petition intake is open until 2026-04-18",
                                    code="precondition"):
                inspection_begin_reporting(actor=self.office, inspection=inspection)
        with mock.patch(TODAY, return_value=D(2026, 4, 19)):
            inspection = inspection_begin_reporting(actor=self.office,
                                                    inspection=inspection)
        self.assertEqual(inspection.status, InspectionStatus.REPORTING)
        with self.assertRefused(DomainError, "The on-site work is over; its dates can no longer"):
            inspection_update(actor=self.office, inspection=inspection,
                              data={"scope_text": "x"})

    def test_unapproved_round_cannot_station(self):
        r = round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": "regular", "planned_start": D(2026, 3, 2),
            "planned_end": D(2026, 6, 30)})
        team = staffed_team(self, r)
        inspection = inspection_create(actor=self.office, team=team,
                                       units=[self.unit_edu], data=dates())[0]
        channel_add(actor=self.office, inspection=inspection, data={
            "kind": ChannelKind.PHONE, "value": "0791-86001234"})
        with self.assertRefused(DomainError, "the round is not approved by the leading group",
                                code="precondition"):
            inspection_station(actor=self.office, inspection=inspection)

    def test_optimistic_locking(self):
        inspection = stationed_inspection(self)
        stale = inspection.version
        inspection_update(actor=self.office, inspection=inspection,
                          data={"scope_text": "第一次"}, version=stale)
        with self.assertRefused(Conflict, "Someone else changed this record", code="conflict"):
            inspection_update(actor=self.team, inspection=inspection,
                              data={"scope_text": "第二次"}, version=stale)
        inspection.refresh_from_db()
        self.assertEqual(inspection.scope_text, "第一次")

    def test_channel_validation(self):
        inspection = stationed_inspection(self)
        for data, reason in (
                ({"kind": ChannelKind.PHONE, "value": "call me"}, "This is not a phone number."),
                ({"kind": ChannelKind.EMAIL, "value": "no-at-sign"},
                 "This is not an e-mail address."),
                ({"kind": "fax", "value": "123456"}, "Unknown kind of channel.")):
            with self.assertRefused(DomainError, reason):
                channel_add(actor=self.office, inspection=inspection, data=data)
        with self.assertRefused(Forbidden, "Only the inspection office or the team's leaders"):
            channel_add(actor=self.team_b, inspection=inspection, data={
                "kind": ChannelKind.PHONE, "value": "0791-86001234"})


class PageTests(WorldTestCase):
    def test_public_notice_and_qr(self):
        inspection = stationed_inspection(self)
        response = self.client.get(reverse("public:notice", args=[inspection.public_code]))
        self.assertContains(response, "0791-86001234")
        self.assertContains(response, "<svg")
        report = reverse("public:report", args=[inspection.public_code])
        self.assertContains(response, report)
        qr = self.client.get(reverse("public:qr", args=[inspection.public_code]))
        self.assertEqual(qr["Content-Type"], "image/png")
        from io import BytesIO

        from PIL import Image

        self.assertEqual(Image.open(BytesIO(qr.content)).format, "PNG")

    def test_planned_inspection_has_no_public_page(self):
        team = staffed_team(self, approved_round(self))
        inspection = inspection_create(actor=self.office, team=team,
                                       units=[self.unit_edu], data=dates())[0]
        response = self.client.get(reverse("public:notice", args=[inspection.public_code]))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get(reverse("public:notice", args=["nope"])).status_code,
                         404)

    def test_notice_docx_opens(self):
        import io

        from docx import Document

        inspection = stationed_inspection(self)
        self.login(self.office)
        response = self.client.get(reverse("inspections:notice_docx", args=[inspection.pk]))
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("东湖区教育局", text)
        self.assertIn("0791-86001234", text)
        self.assertIn("受理信访截止时间为2026年4月18日", text)
        self.assertEqual(len(document.inline_shapes), 1)  # the QR code

    def test_scoping_of_inspection_pages(self):
        inspection = stationed_inspection(self)
        url = reverse("inspections:inspection_detail", args=[inspection.pk])
        expectations = {"office": 200, "leader": 200, "team": 200, "liaison": 200,
                        "team_b": 404, "other_office": 404, "other_team": 404, "receiver": 403,
                        "other_liaison": 404, "oversight": 403}
        for persona, status in expectations.items():
            self.client.force_login(getattr(self, persona))
            self.assertEqual(self.client.get(url).status_code, status, persona)

    def test_pages_render_for_the_office(self):
        inspection = stationed_inspection(self)
        self.login(self.office)
        for name, args in [("inspections:round_list", []),
                           ("inspections:round_detail", [inspection.round_id]),
                           ("inspections:team_detail", [inspection.team_id]),
                           ("inspections:inspection_list", []),
                           ("inspections:inspection_edit", [inspection.pk]),
                           ("inspections:my_deadlines", []), ("inspections:coverage", []),
                           ("inspections:timeline", []), ("inspections:inspector_load", []),
                           ("inspections:calendar", []), ("inspections:round_create", []),
                           ("inspections:inspection_create", [inspection.team_id])]:
            response = self.client.get(reverse(name, args=args))
            self.assertEqual(response.status_code, 200, name)

    def test_deadlines_page_lists_the_intake_clock(self):
        stationed_inspection(self)
        self.login(self.team)
        response = self.client.get(reverse("inspections:my_deadlines"))
        self.assertContains(response, "2026-04-18")

    def test_list_query_count_is_bounded(self):
        stationed_inspection(self)
        self.login(self.office)
        url = reverse("inspections:inspection_list")
        self.client.get(url)
        with self.assertNumQueries(7):
            self.client.get(url)
