import datetime
import io
import json
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext

from xuncha.accounts.services import token_create
from xuncha.announcements import services
from xuncha.announcements.access import can_review_announcement
from xuncha.announcements.models import Announcement
from xuncha.announcements.selectors import announcements_visible_to
from xuncha.audit.models import Event
from xuncha.inspections.models import ChannelKind, TeamPosition
from xuncha.inspections.targets import inspection_create
from xuncha.inspections.testing import approved_round, dates, staffed_team, stationed_inspection
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.lib.testing import WorldTestCase

CORPUS = Path(__file__).parent / "corpus"
TEXT = """区委第二巡察组进驻东湖区卫生健康局开展巡察
发布时间：2026-03-10
3月9日，区委第二巡察组巡察东湖区卫生健康局工作动员会召开。区委第二巡察组组长周敏作动员讲话。
区委第二巡察组于2026年3月9日至5月8日对东湖区卫生健康局开展巡察，受理信访截止时间为2026年4月30日。
巡察期间设立值班电话：0791-86335566（工作日8:30—17:30），短信手机：13907911234（只接收短信），
邮政信箱：东湖区A088号邮政专用信箱，并在东湖区卫生健康局一楼大厅设置意见箱。巡察组主要受理反映
东湖区卫生健康局党组领导班子及其成员问题的来信来电来访。"""


class AnnouncementTests(WorldTestCase):
    def test_paste_review_and_create_the_inspection(self):
        self.login(self.office)
        response = self.client.post(reverse("announcements:create"), {"text": TEXT})
        announcement = Announcement.objects.get()
        self.assertRedirects(response, reverse("announcements:detail", args=[announcement.pk]))
        page = self.client.get(reverse("announcements:detail", args=[announcement.pk]))
        self.assertContains(page, '<mark class="f-leader"')
        self.assertEqual(page.context["apply_form"]["units"].initial, [self.unit_health.pk])
        values = announcement.extracted
        self.assertEqual(values["petition_deadline"], "2026-04-30")
        # The person corrects the deadline on the review form.
        form = page.context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, False)}
        data.update(petition_deadline="2026-05-05", scope_out_transferred="")
        self.client.post(reverse("announcements:detail", args=[announcement.pk]), data)
        announcement.refresh_from_db()
        self.assertEqual(announcement.values["petition_deadline"], "2026-05-05")
        team = staffed_team(self, approved_round(self))
        response = self.client.post(reverse("announcements:apply", args=[announcement.pk]), {
            "team": team.pk, "units": [self.unit_health.pk]})
        inspection = announcement.inspections.get()
        self.assertRedirects(response, reverse("inspections:inspection_detail",
                                               args=[inspection.pk]))
        self.assertEqual(str(inspection.petition_deadline), "2026-05-05")
        kinds = sorted(inspection.channels.values_list("kind", flat=True))
        self.assertEqual(kinds, sorted([ChannelKind.PHONE, ChannelKind.SMS, ChannelKind.POSTAL,
                                        ChannelKind.SUGGESTION_BOX]))
        phone = inspection.channels.get(kind=ChannelKind.PHONE)
        self.assertEqual(phone.hours, "工作日8:30—17:30")

    def test_update_an_existing_inspection(self):
        inspection = stationed_inspection(self)
        announcement = services.announcement_create(actor=self.office, text=TEXT)
        services.announcement_apply(actor=self.office, announcement=announcement,
                                    inspection=inspection)
        inspection.refresh_from_db()
        self.assertEqual(str(inspection.petition_deadline), "2026-04-30")
        self.assertTrue(inspection.channels.filter(value="13907911234").exists())
        services.announcement_apply(actor=self.office, announcement=announcement,
                                    inspection=inspection)
        self.assertEqual(inspection.channels.filter(value="13907911234").count(), 1)

    def test_incomplete_values_cannot_create(self):
        announcement = services.announcement_create(
            actor=self.office, text="区委第二巡察组巡察东湖区卫生健康局工作动员会召开。")
        team = staffed_team(self, approved_round(self))
        with self.assertRefused(DomainError, code="incomplete"):
            services.announcement_apply(actor=self.office, announcement=announcement, team=team,
                                        units=[self.unit_health])

    def test_bad_input(self):
        for text in ("", "   "):
            with self.assertRefused(DomainError, "Paste the text of the announcement."):
                services.announcement_create(actor=self.office, text=text)
        with self.assertRefused(Forbidden, "The inspection office imports announcements."):
            services.announcement_create(actor=self.team, text=TEXT)
        announcement = services.announcement_create(actor=self.office, text="\x00" * 10 + "巡察")
        self.assertEqual(announcement.extracted["kind"], "other")
        bad_date = gettext("%(field)s: write the date as 2024-03-11.") % {"field": "meeting_date"}
        with self.assertRefused(DomainError, bad_date):
            services.announcement_review(actor=self.office, announcement=announcement,
                                         data={"kind": "mobilization", "meeting_date": "3月9日"})
        self.client.force_login(self.other_office)
        response = self.client.get(reverse("announcements:detail", args=[announcement.pk]))
        self.assertEqual(response.status_code, 404)

    def test_another_office_is_refused(self):
        announcement = services.announcement_create(actor=self.office, text=TEXT)
        with self.assertRefused(Forbidden, "The inspection office imports announcements."):
            services.announcement_review(actor=self.leader, announcement=announcement,
                                         data={"kind": "other"})
        with self.assertRefused(Forbidden, "You are not allowed to do this."):
            services.announcement_review(actor=self.other_office, announcement=announcement,
                                         data={"kind": "other"})
        with self.assertRefused(Forbidden, "You are not allowed to do this."):
            services.announcement_apply(actor=self.other_office, announcement=announcement,
                                        inspection=stationed_inspection(self))
        self.login(self.other_office)
        response = self.client.post(reverse("announcements:apply", args=[announcement.pk]), {})
        self.assertEqual(response.status_code, 404)
        self.login(self.leader)
        self.assertEqual(self.client.get(reverse("announcements:list")).status_code, 403)

    def test_rule_and_query_agree(self):
        mine = services.announcement_create(actor=self.office, text=TEXT)
        theirs = services.announcement_create(actor=self.other_office, text=TEXT)
        for persona in self.PERSONAS:
            user = getattr(self, persona)
            for announcement in (mine, theirs):
                with self.subTest(persona=persona, announcement=announcement.pk):
                    self.assertEqual(
                        can_review_announcement(user=user, announcement=announcement),
                        announcements_visible_to(user=user).filter(pk=announcement.pk).exists())
        self.assertTrue(can_review_announcement(user=self.office2, announcement=mine))
        self.assertFalse(can_review_announcement(user=self.office, announcement=theirs))

    def test_long_input_is_answered_with_a_message(self):
        self.login(self.office)
        announcement = services.announcement_create(actor=self.office, text=TEXT)
        url = reverse("announcements:detail", args=[announcement.pk])
        page = self.client.post(url, {"kind": "mobilization", "leader": "周" * 4000,
                                      "scope_in": "范围" * 2000})
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.context["form"].errors["leader"])
        response = self.client.post(reverse("announcements:create"), {"text": "巡察" * 2000})
        self.assertEqual(response.status_code, 302)
        response = self.client.post(reverse("announcements:apply", args=[announcement.pk]),
                                    {"team": "x" * 4000})
        self.assertRedirects(response, url)

    def test_api_and_cli(self):
        _token, secret = token_create(user=self.office, name="t", days=1)
        response = self.client.post("/api/v1/announcements/extract",
                                    data=json.dumps({"text": TEXT}),
                                    content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["leader"], "周敏")
        self.assertEqual(body["sms"], ["13907911234"])
        junk = self.client.post("/api/v1/announcements/extract",
                                data=json.dumps({"text": "\u0001\u0002 random"}),
                                content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(junk.json()["kind"], "other")
        nul = self.client.post("/api/v1/announcements/extract",
                               data=json.dumps({"text": "\u0000 random"}),
                               content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {secret}")
        self.assertEqual(nul.status_code, 400)
        self.assertEqual(self.client.post("/api/v1/announcements/extract",
                                          data=json.dumps({"text": TEXT}),
                                          content_type="application/json").status_code, 401)
        out = io.StringIO()
        call_command("extract_announcement", str(CORPUS / "seed_002.txt"), "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["inspecting_body"], "省委第九巡視組")


MENU_TEXT = """首页 | 工作动态 | 巡察工作 | 信息公开
区委第二巡察组进驻东湖区卫生健康局开展巡察
发布时间：2026-03-10
""" + TEXT.split("\n", 2)[2]


class ImportPageTests(WorldTestCase):
    """#18 item 12 and #19 item 4: the record's title, the pickers, the leader check, the
    whole scope, and the confidence shown to the reviewer."""

    def test_the_title_is_the_headline_never_the_menu_and_can_be_edited(self):
        announcement = services.announcement_create(actor=self.office, text=MENU_TEXT)
        self.assertEqual(announcement.title, "区委第二巡察组进驻东湖区卫生健康局开展巡察")
        self.login(self.office)
        url = reverse("announcements:detail", args=[announcement.pk])
        form = self.client.get(url).context["form"]
        self.assertEqual(form["title"].value(), announcement.title)
        data = {k: v for k, v in form.initial.items() if v not in (None, False)}
        data["title"] = "  东湖区卫生健康局巡察动员会  "
        self.assertRedirects(self.client.post(url, data), url)
        announcement.refresh_from_db()
        self.assertEqual(announcement.title, "东湖区卫生健康局巡察动员会")
        event = Event.objects.filter(action="announcement.review").latest("seq")
        self.assertEqual(event.changes["title"][1], "东湖区卫生健康局巡察动员会")
        data["title"] = " "
        page = self.client.post(url, data)
        self.assertEqual(page.status_code, 200)
        self.assertEqual(page.context["form"].errors["title"],
                         [gettext("Give the announcement a title.")])
        announcement.refresh_from_db()
        self.assertEqual(announcement.title, "东湖区卫生健康局巡察动员会")

    def test_pickers_tell_teams_and_inspections_apart(self):
        first, second = approved_round(self), approved_round(self, start=datetime.date(2026, 7, 1),
                                                             end=datetime.date(2026, 9, 30))
        staffed_team(self, first)
        staffed_team(self, second, members=[(self.insp_a2, TeamPosition.LEADER)])
        for r in (first, second):
            team = r.teams.get()
            inspection_create(actor=self.office, team=team, units=[self.unit_edu],
                              data=dates(r.planned_start))
        announcement = services.announcement_create(actor=self.office, text=TEXT)
        self.login(self.office)
        page = self.client.get(reverse("announcements:detail", args=[announcement.pk]))
        form = page.context["apply_form"]
        teams = [label for value, label in form.fields["team"].choices if value]
        self.assertEqual(len(teams), 2)
        self.assertEqual(len(set(teams)), 2, teams)
        self.assertIn(first.name, teams[1] + teams[0])
        self.assertTrue(any("周敏" in label for label in teams))
        inspections = [label for value, label in form.fields["inspection"].choices if value]
        self.assertEqual(len(inspections), 2)
        self.assertEqual(len(set(inspections)), 2, inspections)
        self.assertTrue(all(first.name in label or second.name in label for label in inspections))

    def test_a_team_led_by_someone_else_is_a_warning_before_anything_is_created(self):
        team = staffed_team(self, approved_round(self),
                            members=[(self.insp_a2, TeamPosition.LEADER)])
        announcement = services.announcement_create(actor=self.office, text=TEXT)
        self.login(self.office)
        url = reverse("announcements:apply", args=[announcement.pk])
        page = self.client.post(url, {"team": team.pk, "units": [self.unit_health.pk]})
        self.assertEqual(page.status_code, 200)
        error = page.context["apply_form"].errors["leader_confirmed"][0]
        self.assertIn("周敏", error)
        self.assertIn("吴海燕", error)
        self.assertFalse(announcement.inspections.exists())
        response = self.client.post(url, {"team": team.pk, "units": [self.unit_health.pk],
                                          "leader_confirmed": "on"})
        inspection = announcement.inspections.get()
        self.assertRedirects(response, reverse("inspections:inspection_detail",
                                               args=[inspection.pk]))
        self.assertIsNone(services.leader_differs(announcement.values, staffed_team(
            self, approved_round(self, start=datetime.date(2026, 7, 1),
                                 end=datetime.date(2026, 9, 30)))))

    def test_the_scope_is_kept_whole(self):
        text = TEXT.replace("问题的来信来电来访。", "问题的来信来电来访，重点是关于违反政治纪律、组织纪律、"
                            "廉洁纪律、群众纪律、工作纪律和生活纪律等方面的举报和反映。")
        announcement = services.announcement_create(actor=self.office, text=text)
        self.assertEqual(announcement.extracted["scope_in"], "东湖区卫生健康局党组领导班子及其成员")
        team = staffed_team(self, approved_round(self))
        inspection = services.announcement_apply(actor=self.office, announcement=announcement,
                                                 team=team, units=[self.unit_health])[0]
        self.assertTrue(inspection.scope_text.startswith("巡察组主要受理反映东湖区卫生健康局党组"))
        self.assertTrue(inspection.scope_text.endswith("生活纪律等方面的举报和反映。"),
                        inspection.scope_text)
        # A scope the reviewer rewrote is kept as they wrote it.
        self.assertEqual(services.whole_scope(text, "县直单位"),
                         gettext("Petitions about %(scope)s are accepted.") % {"scope": "县直单位"})

    def test_confidence_per_field_and_doubtful_fields_flagged(self):
        text = TEXT.replace("3月9日，区委第二巡察组巡察", "区委第二巡察组巡察").replace(
            "组长周敏作动员讲话。", "组长周敏作动员讲话。区委第三巡察组组长钱卫东出席。")
        announcement = services.announcement_create(actor=self.office, text=text)
        self.login(self.office)
        page = self.client.get(reverse("announcements:detail", args=[announcement.pk]))
        form = page.context["form"]
        flagged = {name for name, _label, _why in form.doubts}
        self.assertIn("leader", flagged)  # two teams' leaders named: no single 组长
        self.assertNotIn("petition_deadline", flagged)  # 2026年4月30日, written whole
        self.assertEqual(form.fields["leader"].widget.attrs["data-confidence"], "low")
        levels = dict((str(label), level) for label, level, _text in page.context["confidence"])
        self.assertEqual(levels[str(form.fields["petition_deadline"].label)], "high")
        self.assertContains(page, 'data-confidence="low"')
        self.assertContains(page, gettext("the text names several teams or leaders"))

    def test_pages_speak_the_readers_language_not_field_codes(self):
        announcement = services.announcement_create(actor=self.office, text=TEXT)
        self.login(self.office)
        listing = self.client.get(reverse("announcements:list"))
        self.assertContains(listing, f"<td>{gettext('Mobilization or notice')}</td>", html=False)
        self.assertNotContains(listing, "<td>mobilization</td>")
        page = self.client.get(reverse("announcements:detail", args=[announcement.pk]))
        self.assertContains(page, f'class="f-leader" title="{gettext("Leader")}"')
        self.assertNotContains(page, 'title="leader"')
