"""The integrity pledge: the team cannot be stationed until every member has signed; members
sign their own, the office records paper copies; inspections stationed before, and imported
ones, are exempt (the data migration)."""

import importlib

from django.apps import apps
from django.urls import reverse

from xuncha.audit.models import Event
from xuncha.inspections.models import ChannelKind, InspectionStatus, TeamPosition
from xuncha.inspections.moves import inspection_station
from xuncha.inspections.targets import channel_add, inspection_create
from xuncha.inspections.teams import member_add, team_create
from xuncha.inspections.testing import approved_round, dates, stationed_inspection
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase
from xuncha.teamwork.models import DEFAULT_PLEDGE, Pledge, PledgeExemption, PledgeText
from xuncha.teamwork.pledges import pledge_record_paper, pledge_sign, pledge_text_set


class PledgeTests(WorldTestCase):
    def setUp(self):
        self.team_obj = team_create(actor=self.office, round=approved_round(self))
        for inspector, position in ((self.insp_a1, TeamPosition.LEADER),
                                    (self.insp_a2, TeamPosition.DEPUTY),
                                    (self.insp_a3, TeamPosition.MEMBER)):
            member_add(actor=self.office, team=self.team_obj, inspector=inspector,
                       position=position)
        self.inspection = inspection_create(actor=self.office, team=self.team_obj,
                                            units=[self.unit_edu], data=dates())[0]
        channel_add(actor=self.office, inspection=self.inspection,
                    data={"kind": ChannelKind.PHONE, "value": "0791-86001234"})
        self.leader_member = self.team_obj.members.get(inspector=self.insp_a1)

    def test_the_team_cannot_be_stationed_until_every_member_signed(self):
        with self.assertRefused(DomainError, "the integrity pledge is not signed by",
                                code="precondition"):
            inspection_station(actor=self.office, inspection=self.inspection)
        pledge = pledge_sign(actor=self.team, member=self.leader_member, text_version=1)
        self.assertEqual(pledge.text.text, DEFAULT_PLEDGE)
        self.assertFalse(pledge.on_paper)
        with self.assertRefused(DomainError, code="precondition"):
            inspection_station(actor=self.office, inspection=self.inspection)
        for member in self.team_obj.members.exclude(pk=self.leader_member.pk):
            pledge_record_paper(actor=self.office, member=member)
        inspection = inspection_station(actor=self.office, inspection=self.inspection)
        self.assertEqual(inspection.status, InspectionStatus.STATIONED)
        actions = set(Event.objects.values_list("action", flat=True))
        self.assertTrue({"pledge.sign", "pledge.record_paper", "pledge.text_set"} <= actions)

    def test_the_refusal_names_who_has_not_signed(self):
        pledge_sign(actor=self.team, member=self.leader_member, text_version=1)
        try:
            inspection_station(actor=self.office, inspection=self.inspection)
        except DomainError as exc:
            self.assertIn(self.insp_a2.cadre.name, exc.message)
            self.assertNotIn(self.insp_a1.cadre.name, exc.message)
        else:
            self.fail("stationed without pledges")

    def test_only_the_member_signs_and_only_once(self):
        other = self.team_obj.members.get(inspector=self.insp_a2)
        with self.assertRefused(Forbidden, code="not_signable"):
            pledge_sign(actor=self.team, member=other, text_version=1)
        with self.assertRefused(Forbidden, code="not_signable"):
            pledge_sign(actor=self.office, member=self.leader_member, text_version=1)
        pledge_sign(actor=self.team, member=self.leader_member, text_version=1)
        with self.assertRefused(Forbidden, code="not_signable"):
            pledge_sign(actor=self.team, member=self.leader_member, text_version=1)
        with self.assertRefused(Forbidden, code="not_recordable"):
            pledge_record_paper(actor=self.office, member=self.leader_member)
        with self.assertRefused(Forbidden, code="not_recordable"):
            pledge_record_paper(actor=self.other_office, member=other)
        self.assertEqual(Pledge.objects.count(), 1)

    def test_a_new_text_version_is_signed_as_read(self):
        with self.assertRefused(Forbidden, "Only the office's administrators change the pledge"):
            pledge_text_set(actor=self.office2, committee=self.county, text="承诺" * 20)
        with self.assertRefused(DomainError, "Write the pledge in full"):
            pledge_text_set(actor=self.office, committee=self.county, text="太短")
        text = pledge_text_set(actor=self.office, committee=self.county,
                               text="本人承诺严守巡察工作纪律，绝不接受宴请和馈赠。" * 2)
        self.assertEqual(text.version, 1)
        with self.assertRefused(DomainError, code="unchanged"):
            pledge_text_set(actor=self.office, committee=self.county, text=text.text)
        v2 = pledge_text_set(actor=self.office, committee=self.county,
                             text=text.text + "如有违反，自愿接受处理。")
        with self.assertRefused(DomainError, code="text_changed"):
            pledge_sign(actor=self.team, member=self.leader_member, text_version=1)
        self.assertEqual(pledge_sign(actor=self.team, member=self.leader_member,
                                     text_version=2).text, v2)
        self.assertEqual(PledgeText.objects.filter(committee=self.county).count(), 2)

    def test_the_pledges_page_signs_and_records(self):
        self.login(self.team)
        url = reverse("teamwork:team_pledges", args=[self.team_obj.pk])
        page = self.client.get(url)
        self.assertContains(page, reverse("teamwork:pledge_sign", args=[self.leader_member.pk]))
        self.assertNotContains(page, "record-paper")
        # without ticking the box nothing is signed
        self.client.post(reverse("teamwork:pledge_sign", args=[self.leader_member.pk]),
                         {"text_version": 1})
        self.assertFalse(Pledge.objects.exists())
        self.client.post(reverse("teamwork:pledge_sign", args=[self.leader_member.pk]),
                         {"text_version": 1, "agree": "on"})
        self.assertTrue(Pledge.objects.filter(member=self.leader_member).exists())
        self.login(self.office)
        other = self.team_obj.members.get(inspector=self.insp_a2)
        page = self.client.get(url)
        self.assertContains(page, reverse("teamwork:pledge_record_paper", args=[other.pk]))
        self.client.post(reverse("teamwork:pledge_record_paper", args=[other.pk]))
        self.assertTrue(Pledge.objects.get(member=other).on_paper)
        # a team of another committee is not found; a liaison may not open the page
        self.login(self.other_office)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.liaison)
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_the_inspection_page_shows_who_has_not_signed(self):
        self.login(self.office)
        page = self.client.get(reverse("inspections:inspection_detail",
                                       args=[self.inspection.pk]))
        self.assertContains(page, reverse("teamwork:team_pledges", args=[self.team_obj.pk]))
        self.assertContains(page, self.insp_a2.cadre.name)

    def test_api_sign_and_list(self):
        from xuncha.accounts.services import token_create

        _token, raw = token_create(user=self.team, name="t")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        response = self.client.post(f"/api/v1/members/{self.leader_member.pk}/pledge",
                                    {"text_version": 1}, content_type="application/json",
                                    **auth)
        self.assertEqual(response.status_code, 201, response.content)
        rows = self.client.get(f"/api/v1/teams/{self.team_obj.pk}/pledges", **auth).json()
        self.assertEqual([r["signed"] for r in rows].count(True), 1)
        response = self.client.post(f"/api/v1/members/{self.leader_member.pk}/pledge",
                                    {"text_version": 1}, content_type="application/json",
                                    **auth)
        self.assertEqual(response.status_code, 403)


class ExemptionMigrationTests(WorldTestCase):
    def test_stationed_and_imported_inspections_are_exempt(self):
        stationed = stationed_inspection(self)
        team = team_create(actor=self.office, round=approved_round(self))
        member_add(actor=self.office, team=team, inspector=self.insp_a4,
                   position=TeamPosition.LEADER)
        planned, imported = inspection_create(actor=self.office, team=team,
                                              units=[self.unit_health, self.township],
                                              data=dates())
        from xuncha.announcements.models import Announcement

        announcement = Announcement.objects.create(committee=self.county, text="公告",
                                                   created_by=self.office)
        announcement.inspections.add(imported)
        migration = importlib.import_module("xuncha.teamwork.migrations.0002_exempt_existing")
        PledgeExemption.objects.all().delete()
        migration.exempt(apps, None)
        reasons = dict(PledgeExemption.objects.values_list("inspection_id", "reason"))
        self.assertEqual(reasons, {stationed.pk: "stationed", imported.pk: "imported"})
        self.assertNotIn(planned.pk, reasons)
        # the exempt (imported) target is stationed without pledges; the other is not
        for inspection in (planned, imported):
            channel_add(actor=self.office, inspection=inspection,
                        data={"kind": ChannelKind.PHONE, "value": "0791-86001234"})
        with self.assertRefused(DomainError, "the integrity pledge is not signed by"):
            inspection_station(actor=self.office, inspection=planned)
        try:
            inspection_station(actor=self.office, inspection=imported)
        except DomainError as exc:  # fewer than three members, but no pledge is asked for
            self.assertNotIn(self.insp_a4.cadre.name, exc.message)
