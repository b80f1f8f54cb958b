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
from xuncha.inspections.models import ChannelKind
from xuncha.inspections.testing import approved_round, staffed_team, stationed_inspection
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
