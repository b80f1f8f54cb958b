"""Online reporting by the public: the page behind the QR code and the public API, receipts
(shown once, stored as a peppered hash, never in a URL), status and additions by receipt,
no address or user agent stored, floods held off by rate limits and a proof of work."""

import base64
import json
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from xuncha.audit.models import Event
from xuncha.petitions import pow as proof
from xuncha.petitions import public as guard
from xuncha.petitions import receipts, triage
from xuncha.petitions.models import (
    Petition,
    PetitionAttachment,
    PetitionMessage,
    PetitionSubject,
)

from .base import TEXT, PetitionBase, jpeg_with_gps

REPORTS = "/api/v1/public/reports"
STATUS = "/api/v1/public/reports/status"
ADD = "/api/v1/public/reports/add"
CHALLENGE = "/api/v1/public/challenge"


def subjects_formset(*rows):
    data = {"subjects-TOTAL_FORMS": "2", "subjects-INITIAL_FORMS": "0",
            "subjects-MIN_NUM_FORMS": "0", "subjects-MAX_NUM_FORMS": "10"}
    for index, (name, position, unit) in enumerate(rows):
        data |= {f"subjects-{index}-name": name, f"subjects-{index}-position": position,
                 f"subjects-{index}-unit_name": unit}
    return data


class PublicPageTests(PetitionBase):
    def url(self):
        return reverse("public:report", args=[self.inspection.public_code])

    def post(self, data, **extra):
        return self.client.post(self.url(), subjects_formset(("张某", "科长", "东湖区教育局"))
                                | data, **extra)

    def test_report_anonymously_then_follow_up_with_the_receipt(self):
        page = self.client.get(self.url())
        self.assertContains(page, "主要受理反映领导班子")  # the target's scope text
        self.assertContains(page, "xuncha/js/petitions.js")
        self.assertNotContains(page, "<script>")
        response = self.post({"content": TEXT, "anonymous": "on"}, REMOTE_ADDR="10.9.8.7",
                             HTTP_USER_AGENT="SecretBrowser/1.0")
        receipt = response.context["receipt"]
        self.assertRegex(receipt, r"^\d{16}$")
        self.assertIn("no-store", response["Cache-Control"])
        petition = Petition.objects.get()
        self.assertEqual((petition.channel, petition.anonymous, petition.inspection),
                         ("online", True, self.inspection))
        self.assertEqual(list(petition.subjects.values_list("name", "position", "unit_name")),
                         [("张某", "科长", "东湖区教育局")])
        self.assertEqual(petition.receipt_hash, receipts.receipt_hash(receipt))
        # Nothing about the client, and never the receipt itself, anywhere in storage.
        stored = json.dumps([list(Petition.objects.values()),
                             list(Event.objects.values())], default=str)
        for secret in ("10.9.8.7", "SecretBrowser", receipt):
            self.assertNotIn(secret, stored)
        event = Event.objects.get(action="petition.submit_public")
        self.assertEqual((event.ip, event.actor_id, event.actor_name), (None, None, ""))
        # The team asks; the reporter reads the question with the receipt and answers.
        triage.petition_ask(actor=self.team, petition=petition, text="请补充具体时间地点")
        lookup = self.client.post(reverse("public:receipt"),
                                  {"receipt": f"{receipt[:4]} {receipt[4:8]}-{receipt[8:]}"})
        self.assertContains(lookup, "请补充具体时间地点")
        self.assertNotIn(receipt, lookup.request["PATH_INFO"] + lookup.request["QUERY_STRING"])
        added = self.client.post(reverse("public:receipt_add"),
                                 {"receipt": receipt, "text": "2026年3月在学校食堂"})
        self.assertContains(added, "2026年3月在学校食堂")
        self.assertEqual(list(petition.messages.values_list("direction", flat=True)),
                         ["question", "reporter"])
        self.assertEqual(Event.objects.get(action="petition.reporter_message").ip, None)

    def test_identity_when_not_anonymous(self):
        self.post({"content": TEXT, "reporter_name": "王小明", "reporter_phone": "13812345678"})
        petition = Petition.objects.get()
        self.assertFalse(petition.anonymous)
        self.assertEqual(petition.reporter_phone_masked, "*********78")
        self.assertNotIn("13812345678", petition.reporter_phone)
        # Ticked "anonymous": whatever was typed in the identity fields is dropped.
        self.post({"content": TEXT, "anonymous": "on", "reporter_name": "王小明"})
        self.assertTrue(Petition.objects.latest("pk").anonymous)

    def test_bad_input_is_explained_and_nothing_is_stored(self):
        for content in ("", "短", "字" * 10001):
            response = self.post({"content": content, "anonymous": "on"})
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["form"].errors["content"])
        response = self.post({"content": TEXT, "anonymous": "on",
                              "attachments": SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03")})
        self.assertIn("x.exe", response.context["form"].errors["attachments"][0])
        self.assertEqual((Petition.objects.count(), PetitionSubject.objects.count(),
                          PetitionAttachment.objects.count()), (0, 0, 0))
        self.assertEqual(self.stored_files(), [])

    def stored_files(self):
        return [name for _root, _dirs, files in os.walk(self.media_root) for name in files]

    def test_photo_loses_its_gps_and_is_downloaded_only_by_the_team(self):
        photo = jpeg_with_gps()
        self.post({"content": TEXT, "anonymous": "on",
                   "attachments": SimpleUploadedFile("现场照片.jpg", photo, "image/jpeg")})
        attachment = PetitionAttachment.objects.get()
        # An anonymous report's file gets a neutral name: its own may say who took it.
        self.assertEqual((attachment.name, attachment.content_type), ("附件1.jpg", "image/jpeg"))
        self.assertNotIn("现场", attachment.file.name)  # random name on disk
        self.assertTrue(attachment.file.path.startswith(self.media_root))
        with attachment.file.open("rb") as handle:
            data = handle.read()
        for marker in (b"Exif", b"PhoneMaker", b"Model-X"):
            self.assertNotIn(marker, data)
        url = reverse("petitions:attachment", args=[attachment.petition_id, attachment.pk])
        for user, status in ((self.team, 200), (self.office, 200), (self.team_b, 404),
                             (self.liaison, 404), (self.other_office, 404)):
            self.login(user)
            response = self.client.get(url)
            self.assertEqual(response.status_code, status, user.username)
            if status == 200:
                self.assertEqual(b"".join(response.streaming_content), data)
                self.assertIn("attachment;", response["Content-Disposition"])
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 302)  # to the sign-in page

    def test_wrong_and_malformed_receipts_get_the_same_answer(self):
        self.submit()
        answers = set()
        for receipt in ("1234567812345678", "abc", "", "1" * 64, "9" * 500):
            response = self.client.post(reverse("public:receipt"), {"receipt": receipt})
            answers.add((response.status_code, response.context["error"],
                         response.context["form"].is_bound))
        self.assertEqual(len(answers), 1)
        self.assertEqual(answers.pop()[0], 404)
        self.assertEqual(PetitionMessage.objects.count(), 0)
        response = self.client.post(reverse("public:receipt_add"),
                                    {"receipt": "1234567812345678", "text": "补充"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(PetitionMessage.objects.count(), 0)

    @override_settings(XUNCHA_PUBLIC_FREE_PER_HOUR=1, XUNCHA_POW_BITS=4)
    def test_the_page_asks_for_the_proof_of_work_under_pressure(self):
        self.assertEqual(self.post({"content": TEXT, "anonymous": "on"}).status_code, 200)
        refused = self.post({"content": TEXT, "anonymous": "on"})
        self.assertEqual(refused.status_code, 429)
        self.assertTrue(refused.context["challenge"]["required"])
        self.assertContains(refused, 'data-pow-required="1"', status_code=429)
        challenge = refused.context["challenge"]["challenge"]
        ok = self.post({"content": TEXT, "anonymous": "on", "pow_challenge": challenge,
                        "pow_nonce": proof.solve(challenge, 4)})
        self.assertIn("receipt", ok.context)
        self.assertEqual(Petition.objects.count(), 2)


class PublicApiTests(PetitionBase):
    def report(self, extra=None, **headers):
        return self.api(REPORTS, {"target": self.inspection.public_code, "content": TEXT}
                        | (extra or {}), **headers)

    def test_report_status_add(self):
        response = self.report({"subjects": [{"name": "张某", "position": "科长",
                                              "unit": "东湖区教育局"}], "anonymous": True})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(set(response.json()), {"receipt"})
        receipt = response.json()["receipt"]
        self.assertRegex(receipt, r"^\d{16}$")
        petition = Petition.objects.get()  # committed before the 201
        self.assertEqual(petition.subjects.get().unit_name, "东湖区教育局")
        status = self.api(STATUS, {"receipt": receipt})
        self.assertEqual(status.status_code, 200)
        self.assertEqual((status.json()["status"], status.json()["messages"]), ("new", []))
        triage.petition_ask(actor=self.team, petition=petition, text="请补充时间")
        added = self.api(ADD, {"receipt": receipt, "text": "2026年3月"})
        self.assertEqual([(m["direction"], m["text"]) for m in added.json()["messages"]],
                         [("question", "请补充时间"), ("reporter", "2026年3月")])
        triage.petition_accept(actor=self.team, petition=petition, category="integrity")
        self.assertEqual(self.api(STATUS, {"receipt": receipt}).json()["status"], "accepted")

    def test_identity_and_attachments_over_the_api(self):
        photo = base64.b64encode(jpeg_with_gps()).decode()
        response = self.report({"anonymous": False, "reporter": {"name": "王小明",
                                                                  "phone": "13812345678"},
                                "attachments": [{"name": "p.jpg", "data": photo}]})
        self.assertEqual(response.status_code, 201, response.content)
        petition = Petition.objects.get()
        self.assertEqual((petition.anonymous, petition.reporter_name_masked), (False, "王**"))
        with petition.attachments.get().file.open("rb") as handle:
            self.assertNotIn(b"PhoneMaker", handle.read())

    def test_a_wrong_receipt_looks_like_any_other_miss(self):
        self.report()
        misses = [self.api(STATUS, {"receipt": value}) for value in
                  ("1234567812345678", "abc", "", 12, None, ["x"], "9" * 200)]
        misses.append(self.api(STATUS, {}))
        self.assertEqual({(r.status_code, r.content) for r in misses},
                         {(misses[0].status_code, misses[0].content)})
        self.assertEqual((misses[0].status_code, misses[0].json()["error"]), (404, "not_found"))
        add = self.api(ADD, {"receipt": "abc", "text": "补充"})
        self.assertEqual((add.status_code, add.content), (404, misses[0].content))
        self.assertEqual(PetitionMessage.objects.count(), 0)

    def test_bad_input_gets_a_clear_error_and_stores_nothing(self):
        cases = [({"content": ""}, 400, "empty"), ({"content": "短"}, 400, "too_short"),
                 ({"content": "字" * 10001}, 400, "too_long"),
                 ({"target": "no-such-code"}, 404, "not_found"),
                 ({"attachments": [{"name": "x.exe",
                                    "data": base64.b64encode(b"MZ\x90\x00").decode()}]},
                  400, "file_type"),
                 ({"attachments": [{"name": "x.jpg", "data": "%%%"}]}, 400, "file_type")]
        with translation.override("en"):
            for extra, status, code in cases:
                response = self.report(extra)
                self.assertEqual((response.status_code, response.json()["error"]),
                                 (status, code), extra)
                self.assertTrue(response.json()["message"])
        self.assertEqual(self.api(REPORTS, {"content": TEXT}).status_code, 422)  # no target
        self.assertEqual((Petition.objects.count(), PetitionAttachment.objects.count()), (0, 0))
        self.assertEqual(Event.objects.filter(action="petition.submit_public").count(), 0)

    @override_settings(XUNCHA_PUBLIC_FREE_PER_HOUR=1, XUNCHA_POW_BITS=6,
                       XUNCHA_PUBLIC_MAX_PER_HOUR=3)
    def test_floods_need_proof_of_work_then_are_refused(self):
        client = {"REMOTE_ADDR": "10.0.0.5"}
        self.assertEqual(self.report(**client).status_code, 201)
        refused = self.report(**client)
        self.assertEqual((refused.status_code, refused.json()["error"]), (429, "pow_required"))
        self.assertTrue(refused.json()["challenge"]["required"])
        challenge = self.client.get(CHALLENGE, {"target": self.inspection.public_code},
                                    **client).json()
        self.assertEqual((challenge["required"], challenge["difficulty"]), (True, 6))
        nonce = proof.solve(challenge["challenge"], challenge["difficulty"])
        solved = {"pow": {"challenge": challenge["challenge"], "nonce": nonce}}
        self.assertEqual(self.report(solved, **client).status_code, 201)
        self.assertEqual(self.report(solved, **client).json()["error"], "pow_required")  # once
        wrong = {"pow": {"challenge": challenge["challenge"], "nonce": "x"}}
        self.assertEqual(self.report(wrong, **client).status_code, 429)
        other_client = self.report(**{"REMOTE_ADDR": "10.0.0.6"})
        self.assertEqual(other_client.status_code, 201)  # a different client is not held up
        for _i in range(3):
            c = self.client.get(CHALLENGE, **client).json()
            last = self.report({"pow": {"challenge": c["challenge"],
                                        "nonce": proof.solve(c["challenge"], c["difficulty"])}},
                               **client)
        self.assertEqual((last.status_code, last.json()["error"]), (429, "rate_limited"))
        self.assertEqual(Petition.objects.count(), 4)

    @override_settings(XUNCHA_PUBLIC_TARGET_FREE_PER_MINUTE=2, XUNCHA_POW_BITS=3)
    def test_a_busy_target_needs_the_proof_of_work_from_everyone(self):
        for index in range(2):
            self.assertEqual(self.report(REMOTE_ADDR=f"10.1.0.{index}").status_code, 201)
        newcomer = self.report(REMOTE_ADDR="10.1.0.99")
        self.assertEqual(newcomer.json()["error"], "pow_required")

    def test_difficulty_rises_with_the_pressure(self):
        from django.test import RequestFactory

        request = RequestFactory().post("/", REMOTE_ADDR="10.2.0.1")
        with override_settings(XUNCHA_PUBLIC_TARGET_FREE_PER_MINUTE=4, XUNCHA_POW_BITS=10,
                               XUNCHA_POW_MAX_BITS=12, XUNCHA_PUBLIC_FREE_PER_HOUR=1000,
                               XUNCHA_PUBLIC_TARGET_MAX_PER_MINUTE=1000):
            bits = []
            for _i in range(40):
                bits.append(guard.required_bits(request, "T1"))
                from xuncha.lib import ratelimit

                ratelimit.hit("pub-target", "T1", limit=10**9, window=60)
            self.assertEqual((bits[0], bits[3], bits[4], bits[8], bits[16], bits[39]),
                             (0, 0, 10, 11, 12, 12))
            self.assertEqual(guard.required_bits(request, "T2"), 0)  # another target is calm

    @override_settings(XUNCHA_RECEIPT_LOOKUPS_PER_HOUR=3)
    def test_receipt_guessing_is_limited(self):
        for _i in range(3):
            self.assertEqual(self.api(STATUS, {"receipt": "0000000000000000"}).status_code, 404)
        response = self.api(STATUS, {"receipt": "0000000000000001"})
        self.assertEqual((response.status_code, response.json()["error"]), (429, "rate_limited"))
        page = self.client.post(reverse("public:receipt"), {"receipt": "0000000000000002"})
        self.assertEqual(page.status_code, 429)

    def test_settings_come_from_the_environment_too(self):
        os.environ["XUNCHA_PUBLIC_MAX_PER_HOUR"] = "7"
        self.addCleanup(os.environ.pop, "XUNCHA_PUBLIC_MAX_PER_HOUR", None)
        self.assertEqual(guard.setting("XUNCHA_PUBLIC_MAX_PER_HOUR"), 7)
        with override_settings(XUNCHA_PUBLIC_MAX_PER_HOUR=9):
            self.assertEqual(guard.setting("XUNCHA_PUBLIC_MAX_PER_HOUR"), 9)
