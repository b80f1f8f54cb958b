import datetime
from unittest import mock

from django.urls import reverse

from xuncha.audit.models import Event
from xuncha.inspections import services
from xuncha.inspections.models import (
    ChannelKind,
    Inspection,
    InspectionStatus,
    RoundKind,
    RoundStatus,
    TeamPosition,
)
from xuncha.inspections.testing import approved_round, dates, staffed_team, stationed_inspection
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase, make_inspector
from xuncha.organizations.models import InspectorTie, TieKind

D = datetime.date


class RoundTests(WorldTestCase):
    def test_office_plans_leadership_approves(self):
        r = services.round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": RoundKind.SPECIAL, "topic": "不作为不担当问题",
            "planned_start": D(2026, 3, 2), "planned_end": D(2026, 6, 30)})
        self.assertEqual(r.number, 1)
        self.assertIn("第1轮巡察", r.name)
        with self.assertRaises(Forbidden):
            services.round_approve(actor=self.office, round=r)
        with self.assertRaises(DomainError):  # not submitted yet
            services.round_approve(actor=self.leader, round=r)
        services.round_submit(actor=self.office, round=r)
        with self.assertRaises(DomainError):
            services.round_return(actor=self.leader, round=r, note="")
        services.round_return(actor=self.leader, round=r, note="增加乡镇")
        self.assertEqual(r.status, RoundStatus.RETURNED)
        services.round_update(actor=self.office, round=r, data={"note": "已增加乡镇"})
        services.round_submit(actor=self.office, round=r)
        services.round_approve(actor=self.leader, round=r)
        self.assertEqual(r.status, RoundStatus.APPROVED)
        with self.assertRaises(DomainError):
            services.round_update(actor=self.office, round=r, data={"note": "x"})
        actions = list(Event.objects.filter(object_type="inspections.round").order_by(
            "seq").values_list("action", flat=True))
        self.assertEqual(actions, ["round.create", "round.submit", "round.return",
                                   "round.update", "round.submit", "round.approve"])

    def test_round_rules(self):
        base = {"term": self.term, "kind": RoundKind.REGULAR, "planned_start": D(2026, 3, 2),
                "planned_end": D(2026, 6, 30)}
        with self.assertRaises(DomainError) as ctx:
            services.round_create(actor=self.office, committee=self.county,
                                  data=base | {"kind": RoundKind.SPECIAL})
        self.assertEqual(ctx.exception.field, "topic")
        with self.assertRaises(DomainError):
            services.round_create(actor=self.office, committee=self.county,
                                  data=base | {"planned_end": D(2026, 1, 1)})
        with self.assertRaises(DomainError):  # outside the term
            services.round_create(actor=self.office, committee=self.county,
                                  data=base | {"planned_end": D(2030, 1, 1)})
        with self.assertRaises(DomainError):  # another committee's term
            services.round_create(actor=self.office, committee=self.county,
                                  data=base | {"term": self.term_b})
        with self.assertRaises(Forbidden):
            services.round_create(actor=self.other_office, committee=self.county, data=base)
        services.round_create(actor=self.office, committee=self.county, data=base | {"number": 5})
        with self.assertRaises(DomainError):
            services.round_create(actor=self.office, committee=self.county,
                                  data=base | {"number": 5})


class TeamTests(WorldTestCase):
    def setUp(self):
        self.round = approved_round(self)

    def test_conflict_is_refused_then_overridden_with_audit(self):
        team = staffed_team(self, self.round)
        services.inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                   data=dates())
        InspectorTie.objects.create(inspector=self.insp_a4, kind=TieKind.WORK,
                                    unit=self.unit_edu, starts_on=D(2019, 1, 1),
                                    ends_on=D(2023, 6, 30))
        with self.assertRaises(DomainError) as ctx:
            services.member_add(actor=self.office, team=team, inspector=self.insp_a4)
        self.assertEqual(ctx.exception.code, "conflict")
        self.assertIn("东湖区教育局", ctx.exception.message)
        self.assertFalse(team.members.filter(inspector=self.insp_a4).exists())
        member, _w = services.member_add(actor=self.office, team=team, inspector=self.insp_a4,
                                         override_reason="熟悉教育系统业务，经领导小组同意")
        self.assertEqual(member.overridden_by, self.office)
        override = Event.objects.get(action="team.conflict_override")
        self.assertIn("熟悉教育系统", override.params["reason"])

    def test_old_ties_outside_the_period_do_not_conflict(self):
        team = staffed_team(self, self.round)
        services.inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                   data=dates())
        InspectorTie.objects.create(inspector=self.insp_a4, kind=TieKind.WORK,
                                    unit=self.unit_edu, ends_on=D(2015, 1, 1))
        member, _w = services.member_add(actor=self.office, team=team, inspector=self.insp_a4)
        self.assertEqual(member.override_reason, "")

    def test_relatives_parent_unit_and_current_unit_conflict(self):
        team = staffed_team(self, self.round)
        services.inspection_create(actor=self.office, team=team, units=[self.village],
                                   data=dates())
        InspectorTie.objects.create(inspector=self.insp_a4, kind=TieKind.RELATIVE,
                                    unit=self.township, relation="配偶")
        with self.assertRaises(DomainError) as ctx:
            services.member_add(actor=self.office, team=team, inspector=self.insp_a4)
        self.assertIn("配偶", ctx.exception.message)
        worker = make_inspector("村干部", self.village, self.county)
        with self.assertRaises(DomainError):
            services.member_add(actor=self.office, team=team, inspector=worker)

    def test_same_locality_rule_when_required(self):
        team = staffed_team(self, self.round)
        services.inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                   data=dates())
        self.county.same_locality_rule = True
        self.county.save()
        local = make_inspector("本地人", self.unit_b, self.county, native_place="东湖区")
        with self.assertRaises(DomainError) as ctx:
            services.member_add(actor=self.office, team=team, inspector=local)
        self.assertIn("东湖区", ctx.exception.message)

    def test_target_added_after_members_is_checked_too(self):
        team = staffed_team(self, self.round)
        InspectorTie.objects.create(inspector=self.insp_a2, kind=TieKind.WORK,
                                    unit=self.unit_health)
        with self.assertRaises(DomainError) as ctx:
            services.inspection_create(actor=self.office, team=team, units=[self.unit_health],
                                       data=dates())
        self.assertEqual(ctx.exception.code, "conflict")
        self.assertFalse(Inspection.objects.filter(unit=self.unit_health).exists())

    def test_overlapping_assignment_is_refused(self):
        team = staffed_team(self, self.round)
        services.inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                   data=dates())
        team2 = services.team_create(actor=self.office, round=self.round)
        with self.assertRaises(DomainError) as ctx:
            services.member_add(actor=self.office, team=team2, inspector=self.insp_a1)
        self.assertEqual(ctx.exception.code, "overlap")
        later = services.round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": "regular", "planned_start": D(2026, 9, 1),
            "planned_end": D(2026, 11, 30)})
        team3 = services.team_create(actor=self.office, round=later)
        services.member_add(actor=self.office, team=team3, inspector=self.insp_a1)

    def test_one_leader_per_team(self):
        team = staffed_team(self, self.round)
        with self.assertRaises(DomainError):
            services.member_add(actor=self.office, team=team, inspector=self.insp_a4,
                                position=TeamPosition.LEADER)

    def test_rotation_warnings(self):
        team = staffed_team(self, self.round)
        services.inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                   data=dates())
        later = approved_round(self, start=D(2026, 9, 1), end=D(2026, 11, 30))
        team2 = services.team_create(actor=self.office, round=later)
        services.member_add(actor=self.office, team=team2, inspector=self.insp_a1,
                            position=TeamPosition.LEADER)
        services.member_add(actor=self.office, team=team2, inspector=self.insp_a2)
        _m, warnings = services.member_add(actor=self.office, team=team2,
                                           inspector=self.insp_a3)
        self.assertIn("same_makeup", {w.code for w in warnings})
        services.inspection_create(actor=self.office, team=team2, units=[self.unit_edu],
                                   data=dates(D(2026, 9, 7)))
        from xuncha.inspections.conflicts import rotation_warnings

        self.assertIn("leader_again", {w.code for w in rotation_warnings(team=team2)})


class InspectionTests(WorldTestCase):
    def test_one_team_two_targets(self):
        r = approved_round(self)
        team = staffed_team(self, r)
        created = services.inspection_create(actor=self.office, team=team,
                                             units=[self.unit_edu, self.unit_health],
                                             data=dates())
        self.assertEqual(len(created), 2)
        self.assertNotEqual(created[0].public_code, created[1].public_code)
        services.inspection_update(actor=self.office, inspection=created[1], data={
            "petition_deadline": D(2026, 4, 10)})
        created[0].refresh_from_db()
        self.assertEqual(created[0].petition_deadline, D(2026, 4, 18))

    def test_bad_dates_are_refused(self):
        team = staffed_team(self, approved_round(self))
        cases = [
            dates() | {"period_end": D(2026, 3, 1)},
            dates() | {"petition_deadline": D(2026, 3, 1)},
            dates() | {"stationed_on": D(2026, 12, 1)},
            dates() | {"petition_deadline": D(2026, 12, 1)},
        ]
        for data in cases:
            with self.assertRaises(DomainError):
                services.inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                           data=data)
        self.assertEqual(Inspection.objects.count(), 0)

    def test_target_outside_jurisdiction_unless_escalated(self):
        team = staffed_team(self, approved_round(self))
        with self.assertRaises(DomainError) as ctx:
            services.inspection_create(actor=self.office, team=team, units=[self.unit_b],
                                       data=dates())
        self.assertEqual(ctx.exception.code, "jurisdiction")
        # A city round of kind "escalated" may inspect a county's village.
        city_round = services.round_create(actor=self.city_office, committee=self.city, data={
            "term": self.city_term, "kind": RoundKind.ESCALATED,
            "planned_start": D(2026, 3, 2), "planned_end": D(2026, 6, 30)})
        city_team = services.team_create(actor=self.city_office, round=city_round)
        inspection = services.inspection_create(actor=self.city_office, team=city_team,
                                                units=[self.village], data=dates())[0]
        self.assertTrue(inspection.escalated)

    def test_revisit_links_the_earlier_inspection(self):
        first = stationed_inspection(self, start=D(2026, 3, 9))
        revisit_round = approved_round(self, start=D(2026, 9, 1), end=D(2026, 11, 30),
                                       kind=RoundKind.REVISIT)
        team = staffed_team(self, revisit_round, members=[(self.insp_a4, TeamPosition.LEADER),
                                                          (self.insp_a5, TeamPosition.MEMBER)])
        with self.assertRaises(DomainError):
            services.inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                                       data=dates(D(2026, 9, 7)))
        revisit = services.inspection_create(actor=self.office, team=team,
                                             units=[self.unit_edu], data=dates(D(2026, 9, 7)),
                                             revisit_of=first)[0]
        self.assertEqual(revisit.revisit_of, first)

    def test_transitions_with_preconditions(self):
        team = staffed_team(self, approved_round(self))
        inspection = services.inspection_create(actor=self.office, team=team,
                                                units=[self.unit_edu], data=dates())[0]
        with self.assertRaises(DomainError) as ctx:
            services.inspection_station(actor=self.office, inspection=inspection)
        self.assertIn("channel", ctx.exception.message.lower() + "channel")
        services.channel_add(actor=self.office, inspection=inspection, data={
            "kind": ChannelKind.POSTAL, "value": "东湖区A001号邮政专用信箱"})
        inspection = services.inspection_station(actor=self.office, inspection=inspection)
        self.assertEqual(inspection.status, InspectionStatus.STATIONED)
        with mock.patch("xuncha.inspections.services.timezone.localdate",
                        return_value=D(2026, 3, 1)):
            with self.assertRaises(DomainError):
                services.inspection_begin_onsite(actor=self.office, inspection=inspection)
        with mock.patch("xuncha.inspections.services.timezone.localdate",
                        return_value=D(2026, 3, 9)):
            inspection = services.inspection_begin_onsite(actor=self.team, inspection=inspection)
            with self.assertRaises(DomainError):  # intake still open
                services.inspection_begin_reporting(actor=self.office, inspection=inspection)
        with mock.patch("xuncha.inspections.services.timezone.localdate",
                        return_value=D(2026, 4, 19)):
            inspection = services.inspection_begin_reporting(actor=self.office,
                                                             inspection=inspection)
        self.assertEqual(inspection.status, InspectionStatus.REPORTING)
        with self.assertRaises(DomainError):
            services.inspection_update(actor=self.office, inspection=inspection,
                                       data={"scope_text": "x"})

    def test_unapproved_round_cannot_station(self):
        r = services.round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": "regular", "planned_start": D(2026, 3, 2),
            "planned_end": D(2026, 6, 30)})
        team = staffed_team(self, r)
        inspection = services.inspection_create(actor=self.office, team=team,
                                                units=[self.unit_edu], data=dates())[0]
        services.channel_add(actor=self.office, inspection=inspection, data={
            "kind": ChannelKind.PHONE, "value": "0791-86001234"})
        with self.assertRaises(DomainError) as ctx:
            services.inspection_station(actor=self.office, inspection=inspection)
        self.assertEqual(ctx.exception.code, "precondition")

    def test_optimistic_locking(self):
        inspection = stationed_inspection(self)
        stale = inspection.version
        services.inspection_update(actor=self.office, inspection=inspection,
                                   data={"scope_text": "第一次"}, version=stale)
        with self.assertRaises(Conflict):
            services.inspection_update(actor=self.team, inspection=inspection,
                                       data={"scope_text": "第二次"}, version=stale)
        inspection.refresh_from_db()
        self.assertEqual(inspection.scope_text, "第一次")

    def test_channel_validation(self):
        inspection = stationed_inspection(self)
        for data in ({"kind": ChannelKind.PHONE, "value": "call me"},
                     {"kind": ChannelKind.EMAIL, "value": "no-at-sign"},
                     {"kind": "fax", "value": "123456"}):
            with self.assertRaises(DomainError):
                services.channel_add(actor=self.office, inspection=inspection, data=data)
        with self.assertRaises(Forbidden):
            services.channel_add(actor=self.team_b, inspection=inspection, data={
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
        inspection = services.inspection_create(actor=self.office, team=team,
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
