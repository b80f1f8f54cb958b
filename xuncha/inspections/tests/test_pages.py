"""The pages' own views: one per action at the addresses of old, forms validated, bad input
answered with its reason."""

import datetime

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext

from xuncha.inspections.models import (
    Channel,
    ChannelKind,
    InspectionStatus,
    RoundStatus,
    TeamMember,
    TeamPosition,
    WorkdayOverride,
)
from xuncha.inspections.rounds import round_create, round_submit
from xuncha.inspections.targets import channel_add, inspection_create
from xuncha.inspections.testing import approved_round, dates, staffed_team, stationed_inspection
from xuncha.lib.testing import WorldTestCase

D = datetime.date
LONG = "长" * 4000


class PageTestCase(WorldTestCase):
    def flashed(self, response: HttpResponse) -> list[str]:
        """The messages a redirecting request left; the page it leads to shows them (and so
        drops them before the next request)."""
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        self.assertEqual(self.client.get(response["Location"]).status_code, 200)
        return messages


class AddressTests(WorldTestCase):
    def test_each_action_keeps_its_address(self):
        expected = {
            ("round_submit", 7): "/inspections/rounds/7/submit/",
            ("round_approve", 7): "/inspections/rounds/7/approve/",
            ("round_return", 7): "/inspections/rounds/7/return/",
            ("team_create", 7): "/inspections/rounds/7/add-team/",
            ("member_update", 7): "/inspections/members/7/update/",
            ("member_remove", 7): "/inspections/members/7/remove/",
            ("inspection_station", 7): "/inspections/7/do/station/",
            ("inspection_begin_onsite", 7): "/inspections/7/do/begin-onsite/",
            ("inspection_begin_reporting", 7): "/inspections/7/do/begin-reporting/",
            ("channel_add", 7): "/inspections/7/do/add-channel/",
            ("channels_copy", 7): "/inspections/7/do/copy-channels/",
        }
        for (name, pk), path in expected.items():
            self.assertEqual(reverse(f"inspections:{name}", args=[pk]), path)

    def test_an_unknown_action_is_not_found(self):
        r = approved_round(self)
        self.login(self.office)
        self.assertEqual(self.client.post(f"/inspections/rounds/{r.pk}/close/").status_code, 404)


class RoundPageTests(PageTestCase):
    def setUp(self):
        self.round = round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": "regular", "planned_start": D(2026, 3, 2),
            "planned_end": D(2026, 6, 30)})

    def url(self, name: str) -> str:
        return reverse(f"inspections:{name}", args=[self.round.pk])

    def test_the_office_submits_and_the_leading_group_decides(self):
        self.login(self.office)
        page = self.client.get(self.url("round_detail"))
        self.assertContains(page, self.url("round_submit"))
        self.assertContains(page, self.url("team_create"))
        self.assertNotContains(page, self.url("round_approve"))
        response = self.client.post(self.url("round_submit"))
        self.assertRedirects(response, self.url("round_detail"))
        self.assertIn(gettext("The round was submitted to the leading group."), self.flashed(response))
        self.login(self.leader)
        page = self.client.get(self.url("round_detail"))
        self.assertContains(page, self.url("round_approve"))
        self.assertNotContains(page, self.url("round_submit"))
        self.client.post(self.url("round_approve"), {"note": "同意。"})
        self.round.refresh_from_db()
        self.assertEqual((self.round.status, self.round.decision_note),
                         (RoundStatus.APPROVED, "同意。"))

    def test_an_overlong_note_is_refused_not_dropped(self):
        round_submit(actor=self.office, round=self.round)
        self.login(self.leader)
        for name in ("round_approve", "round_return"):
            response = self.client.post(self.url(name), {"note": LONG})
            self.assertRedirects(response, self.url("round_detail"))
            [message] = self.flashed(response)
            self.assertIn(gettext("Note"), message)
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, RoundStatus.SUBMITTED)

    def test_a_return_needs_its_reason(self):
        round_submit(actor=self.office, round=self.round)
        self.login(self.leader)
        response = self.client.post(self.url("round_return"), {"note": " "})
        self.assertIn(gettext("Say what must change before the round can be approved."),
                      self.flashed(response))

    def test_who_may_take_the_round_actions(self):
        self.login(self.leader)
        response = self.client.post(self.url("round_submit"))
        self.assertIn(gettext("Only the inspection office of this committee may do this."),
                      self.flashed(response))
        self.login(self.team)
        self.assertEqual(self.client.post(self.url("round_submit")).status_code, 403)
        self.login(self.other_office)
        self.assertEqual(self.client.post(self.url("round_submit")).status_code, 404)
        self.assertEqual(self.client.get(self.url("round_submit")).status_code, 405)
        self.round.refresh_from_db()
        self.assertEqual(self.round.status, RoundStatus.DRAFT)

    def test_adding_a_team_opens_it(self):
        self.login(self.office)
        response = self.client.post(self.url("team_create"))
        team = self.round.teams.get()
        self.assertRedirects(response, reverse("inspections:team_detail", args=[team.pk]))


class TeamPageTests(PageTestCase):
    def setUp(self):
        self.squad = staffed_team(self, approved_round(self))
        self.member = self.squad.members.get(inspector=self.insp_a3)
        self.login(self.office)

    def test_members_are_added_changed_and_removed(self):
        detail = reverse("inspections:team_detail", args=[self.squad.pk])
        page = self.client.get(detail)
        self.assertContains(page, reverse("inspections:member_update", args=[self.member.pk]))
        self.assertContains(page, reverse("inspections:member_remove", args=[self.member.pk]))
        response = self.client.post(reverse("inspections:member_add", args=[self.squad.pk]), {
            "inspector": self.insp_a4.pk, "position": TeamPosition.MEMBER,
            "override_reason": LONG})
        [message] = self.flashed(response)
        self.assertIn(gettext("Reason for overriding an avoidance conflict"), message)
        self.assertFalse(self.squad.members.filter(inspector=self.insp_a4).exists())
        response = self.client.post(reverse("inspections:member_add", args=[self.squad.pk]), {
            "inspector": self.insp_b1.pk, "position": TeamPosition.MEMBER})
        self.assertEqual(self.flashed(response), [gettext("Choose an inspector from the pool.")])
        update = reverse("inspections:member_update", args=[self.member.pk])
        response = self.client.post(update, {"position": "boss"})
        [message] = self.flashed(response)
        self.assertIn(gettext("Position"), message)
        self.client.post(update, {"position": TeamPosition.DEPUTY, "duties": ["talks"]})
        self.member.refresh_from_db()
        self.assertEqual((self.member.position, self.member.duties),
                         (TeamPosition.DEPUTY, ["talks"]))
        response = self.client.post(reverse("inspections:member_remove", args=[self.member.pk]))
        self.assertRedirects(response, detail)
        self.assertFalse(TeamMember.objects.filter(pk=self.member.pk).exists())

    def test_a_member_of_a_stationed_team_stays(self):
        stationed_inspection(self, team=self.squad)
        response = self.client.post(reverse("inspections:member_remove", args=[self.member.pk]))
        self.assertIn(gettext("The team is already stationed; members cannot be removed. Record "
                              "the change with the office instead."), self.flashed(response))
        self.assertTrue(TeamMember.objects.filter(pk=self.member.pk).exists())


class InspectionPageTests(PageTestCase):
    def setUp(self):
        self.squad = staffed_team(self, approved_round(self))
        self.inspection, self.sibling = inspection_create(
            actor=self.office, team=self.squad, units=[self.unit_edu, self.township],
            data=dates())
        self.detail = reverse("inspections:inspection_detail", args=[self.inspection.pk])

    def url(self, name: str) -> str:
        return reverse(f"inspections:{name}", args=[self.inspection.pk])

    def test_channels_are_added_and_copied(self):
        self.login(self.team)  # the team's leader
        response = self.client.post(self.url("channel_add"), {"kind": ChannelKind.PHONE,
                                                              "value": LONG})
        self.assertRedirects(response, self.detail)
        [message] = self.flashed(response)
        self.assertIn(gettext("Number, address or place"), message)
        response = self.client.post(self.url("channel_add"), {"kind": "fax"})
        self.assertEqual(self.flashed(response), [gettext("Choose the kind of channel.")])
        self.assertFalse(self.inspection.channels.exists())
        self.client.post(self.url("channel_add"), {"kind": ChannelKind.PHONE,
                                                   "value": "0791-86001234"}, follow=True)
        self.assertEqual(self.inspection.channels.count(), 1)
        copy = reverse("inspections:channels_copy", args=[self.sibling.pk])
        response = self.client.post(copy, {"source": "nope"})
        [message] = self.flashed(response)
        self.assertIn(gettext("Copy the channels of"), message)
        response = self.client.post(copy, {"source": self.inspection.pk})
        self.assertEqual(self.flashed(response), [gettext("%(count)d channel(s) copied.") % {"count": 1}])
        self.assertEqual(self.sibling.channels.get().value, "0791-86001234")

    def test_copying_channels_never_copies_the_other_targets_link_or_places(self):
        """Issue 18: 复制联系方式 copied 教育局's online link, 意见箱 and reception room."""
        for kind, value, note in (
                (ChannelKind.PHONE, "0791-86001234", ""), (ChannelKind.EMAIL, "xc1@jz.gov.cn", ""),
                (ChannelKind.POSTAL, "东湖区邮政专用信箱18号", ""), (ChannelKind.ONLINE, "", ""),
                (ChannelKind.SUGGESTION_BOX, "教育局一楼大厅", ""),
                (ChannelKind.VISIT, "教育局三楼接待室", ""),
                (ChannelKind.SMS, "13900000000", f"或扫码 /r/{self.inspection.public_code}/")):
            channel_add(actor=self.office, inspection=self.inspection,
                        data={"kind": kind, "value": value, "note": note})
        channel_add(actor=self.office, inspection=self.sibling,
                    data={"kind": ChannelKind.ONLINE, "value": ""})
        self.login(self.office)
        copy = reverse("inspections:channels_copy", args=[self.sibling.pk])
        response = self.client.post(copy, {"source": self.inspection.pk})
        self.assertEqual(self.flashed(response), [
            gettext("%(count)d channel(s) copied.") % {"count": 3} + " " + gettext(
                "Not copied: the other target's online reporting link, suggestion boxes and "
                "reception rooms (%(count)d), which belong to that target; this target keeps "
                "its own.") % {"count": 4}])
        self.assertEqual(sorted(self.sibling.channels.values_list("kind", flat=True)),
                         sorted([ChannelKind.PHONE, ChannelKind.EMAIL, ChannelKind.POSTAL,
                                 ChannelKind.ONLINE]))
        self.assertFalse(self.sibling.channels.filter(note__contains=self.inspection.public_code)
                         .exists())
        page = self.client.get(reverse("inspections:inspection_detail", args=[self.sibling.pk]))
        for place in ("教育局一楼大厅", "教育局三楼接待室"):
            self.assertNotContains(page, place)

    def test_stationing_checks_the_version_it_was_shown(self):
        channel_add(actor=self.office, inspection=self.inspection, data={
            "kind": ChannelKind.ONLINE, "value": ""})
        self.login(self.office)
        page = self.client.get(self.detail)
        self.assertContains(page, self.url("inspection_station"))
        self.assertContains(page, self.url("channel_add"))
        response = self.client.post(self.url("inspection_station"), {"version": "abc"})
        self.assertEqual(len(self.flashed(response)), 1)
        response = self.client.post(self.url("inspection_station"), {"version": 999})
        self.assertEqual(self.flashed(response), [gettext(
            "Someone else changed this record after you opened it. Reload to see their changes; "
            "nothing of yours was saved.")])
        self.inspection.refresh_from_db()
        self.assertEqual(self.inspection.status, InspectionStatus.PLANNED)
        self.client.post(self.url("inspection_station"), {"version": self.inspection.version},
                         follow=True)
        self.inspection.refresh_from_db()
        self.assertEqual(self.inspection.status, InspectionStatus.STATIONED)
        response = self.client.post(self.url("inspection_begin_reporting"))
        self.assertIn(gettext("Only an inspection on site can move to reporting."),
                      self.flashed(response))

    def test_who_may_move_the_inspection(self):
        self.login(self.leader)
        self.assertEqual(self.client.post(self.url("inspection_station")).status_code, 403)
        self.login(self.team_b)  # not on this team
        self.assertEqual(self.client.post(self.url("inspection_station")).status_code, 404)
        self.login(self.office)
        page = self.client.get(self.detail)
        channel = Channel.objects.create(inspection=self.inspection, kind=ChannelKind.PHONE,
                                         value="0791-86001234")
        self.login(self.other_office)
        remove = reverse("inspections:channel_remove", args=[channel.pk])
        self.assertEqual(self.client.post(remove).status_code, 404)
        self.login(self.office)
        self.assertRedirects(self.client.post(remove), self.detail)
        self.assertFalse(Channel.objects.filter(pk=channel.pk).exists())
        self.assertEqual(page.status_code, 200)


class CalendarPageTests(PageTestCase):
    def setUp(self):
        self.own = WorkdayOverride.objects.create(committee=self.county, date=D(2026, 5, 9),
                                                  is_workday=True)
        self.everyone = WorkdayOverride.objects.create(committee=None, date=D(2026, 5, 10),
                                                       is_workday=True)
        self.url = reverse("inspections:calendar")

    def test_an_overlong_note_is_shown_on_the_form(self):
        self.login(self.office)
        response = self.client.post(self.url, {"date": "2026-06-01", "is_workday": "1",
                                               "note": LONG})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors["note"])
        self.assertFalse(WorkdayOverride.objects.filter(date=D(2026, 6, 1)).exists())

    def test_each_removes_only_its_own_overrides(self):
        self.login(self.office)
        page = self.client.get(self.url)
        self.assertEqual([(o["row"], o["removable"]) for o in page.context["overrides"]],
                         [(self.everyone, False), (self.own, True)])
        self.assertEqual(self.client.post(self.url, {"delete": self.everyone.pk}).status_code,
                         404)
        self.client.post(self.url, {"delete": self.own.pk})
        self.assertFalse(WorkdayOverride.objects.filter(pk=self.own.pk).exists())
        self.login(self.office2)  # not an administrator
        self.assertFalse(self.client.get(self.url).context["can_edit"])
        self.login(self.platform)
        page = self.client.get(self.url)
        self.assertEqual([(o["row"], o["removable"]) for o in page.context["overrides"]],
                         [(self.everyone, True)])
        self.assertIsNone(page.context["policy_form"])

    def test_the_clock_settings_are_the_administrators(self):
        self.login(self.office)
        self.assertIsNotNone(self.client.get(self.url).context["policy_form"])
        self.login(self.office2)
        self.assertIsNone(self.client.get(self.url).context["policy_form"])
        response = self.client.post(reverse("inspections:clock_policy"), {
            "notice_workdays": 5, "plan_workdays": 15, "clue_report_months": 3,
            "clue_close_months": 6, "clue_close_max_months": 12, "transfer_answer_workdays": 30,
            "measure_green_days": 20, "measure_yellow_days": 10, "notice_rate_basis": "problems"})
        self.assertIn(gettext("Only an office administrator changes the committee's clocks."),
                      self.flashed(response))
