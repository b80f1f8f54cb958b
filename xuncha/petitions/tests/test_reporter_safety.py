"""Reporters stay unidentifiable through what they send and what the staff API shows
(issue 15: attachments cleaned or refused, neutral names, every opening audited, scoped
duplicates, JSON only from this site, the real client address behind trusted proxies)."""

import base64
import io
import zipfile
from pathlib import Path

from django.test import RequestFactory, SimpleTestCase, override_settings
from django.urls import reverse

from xuncha.accounts.services import token_create
from xuncha.audit.models import Event
from xuncha.lib.clientaddr import client_address
from xuncha.petitions.models import Petition, PetitionAttachment, Route

from .base import TEXT, PetitionBase

FIXTURES = Path(__file__).resolve().parents[2] / "lib" / "tests" / "fixtures"
REPORTS = "/api/v1/public/reports"


def encoded(name: str) -> str:
    return base64.b64encode((FIXTURES / name).read_bytes()).decode()


class AttachmentSafetyTests(PetitionBase):
    def report(self, *files: tuple[str, str], **headers):
        return self.api(REPORTS, {"target": self.inspection.public_code, "content": TEXT,
                                  "anonymous": True,
                                  "attachments": [{"name": n, "data": d} for n, d in files]},
                        **headers)

    def test_a_word_file_from_libreoffice_reaches_the_team_without_its_author(self):
        response = self.report(("张举报人的材料.docx", encoded("report.docx")),
                               ("IMG_20261201_张举报人.jpg", encoded("photo.jpg")))
        self.assertEqual(response.status_code, 201, response.content)
        attachments = list(PetitionAttachment.objects.order_by("pk"))
        self.assertEqual([a.name for a in attachments], ["附件1.docx", "附件2.jpg"])
        self.login(self.team)
        for attachment in attachments:
            url = reverse("petitions:attachment", args=[attachment.petition_id, attachment.pk])
            body = b"".join(self.client.get(url).streaming_content)
            blobs = [body]
            if attachment.name.endswith(".docx"):
                with zipfile.ZipFile(io.BytesIO(body)) as archive:
                    blobs = [archive.read(n) for n in archive.namelist()]
            for blob in blobs:
                for secret in ("张举报人", "13912345678", "东湖区教育局办公室", "Huawei"):
                    self.assertFalse(secret.encode() in blob, f"{secret} in {attachment.name}")
        downloads = Event.objects.filter(action="petition.attachment_download")
        self.assertEqual(downloads.count(), 2)
        self.assertEqual({e.actor_id for e in downloads}, {self.team.pk})

    def test_files_that_cannot_be_cleaned_are_refused_and_nothing_is_stored(self):
        for name, code in (("updated.pdf", "file_uncleanable"), ("script.pdf", "file_uncleanable"),
                           ("attached.pdf", "file_uncleanable"), ("encrypted.pdf", "file_encrypted")):
            response = self.report((name, encoded(name)))
            self.assertEqual(response.status_code, 400, name)
            self.assertEqual(response.json()["error"], code, name)
            self.assertIn(name, response.json()["message"])
        old_word = base64.b64encode(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600).decode()
        response = self.report(("旧格式.doc", old_word))
        self.assertEqual(response.json()["error"], "file_encrypted")
        self.assertEqual((Petition.objects.count(), PetitionAttachment.objects.count()), (0, 0))

    def test_a_named_reporters_files_keep_their_names(self):
        response = self.api(REPORTS, {"target": self.inspection.public_code, "content": TEXT,
                                      "anonymous": False,
                                      "reporter": {"name": "王小明", "phone": "13812345678"},
                                      "attachments": [{"name": "证据.pdf",
                                                       "data": encoded("report.pdf")}]})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(PetitionAttachment.objects.get().name, "证据.pdf")


class OpeningTests(PetitionBase):
    def test_each_opening_of_a_petition_is_an_event_and_lists_are_not(self):
        petition = self.intake()
        self.login(self.team)
        self.client.get(reverse("petitions:list"))
        self.assertFalse(Event.objects.filter(action="petition.open").exists())
        self.client.get(reverse("petitions:detail", args=[petition.pk]))
        _token, key = token_create(user=self.office, name="t")
        self.client.get(f"/api/v1/petitions/{petition.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
        opened = Event.objects.filter(action="petition.open", object_id=str(petition.pk))
        self.assertEqual(sorted((e.actor_id, e.params["via"]) for e in opened),
                         sorted([(self.team.pk, "page"), (self.office.pk, "api")]))

    def test_a_refused_opening_leaves_no_event(self):
        petition = self.intake()
        self.login(self.other_office)
        self.assertEqual(self.client.get(reverse("petitions:detail", args=[petition.pk]))
                         .status_code, 404)
        self.assertFalse(Event.objects.filter(action="petition.open").exists())


class ApiDuplicateScopeTests(PetitionBase):
    def test_the_api_lists_only_duplicates_the_reader_may_open(self):
        hidden = self.intake(unit=self.unit_jw)  # no inspection there: the office's queue
        self.assertEqual(hidden.route, Route.OFFICE)
        seen = self.intake()
        self.assertEqual(seen.route, Route.INSPECTION)
        seen.possible_duplicates = [{"id": hidden.pk, "ratio": 97.0, "channel": "phone"}]
        seen.save(update_fields=["possible_duplicates"])
        for user, expected in ((self.team, []), (self.office, [hidden.pk])):
            _token, key = token_create(user=user, name="t")
            body = self.client.get(f"/api/v1/petitions/{seen.pk}",
                                   HTTP_AUTHORIZATION=f"Bearer {key}").json()
            self.assertEqual([d["id"] for d in body["possible_duplicates"]], expected,
                             user.username)


class CrossSiteTests(PetitionBase):
    def test_text_plain_is_refused_and_nothing_is_stored(self):
        import json

        response = self.client.post(REPORTS, data=json.dumps(
            {"target": self.inspection.public_code, "content": TEXT, "anonymous": True}),
            content_type="text/plain", HTTP_ORIGIN="https://evil.example")
        self.assertEqual(response.status_code, 415)
        self.assertEqual(response.json()["error"], "json_required")
        self.assertEqual(Petition.objects.count(), 0)

    def test_a_foreign_origin_is_refused_and_the_own_site_and_apps_are_not(self):
        payload = {"target": self.inspection.public_code, "content": TEXT, "anonymous": True}
        foreign = self.api(REPORTS, payload, HTTP_ORIGIN="https://evil.example")
        self.assertEqual((foreign.status_code, foreign.json()["error"]), (403, "foreign_origin"))
        cross = self.api(REPORTS, payload, HTTP_SEC_FETCH_SITE="cross-site")
        self.assertEqual(cross.status_code, 403)
        self.assertEqual(Petition.objects.count(), 0)
        own = self.api(REPORTS, payload, HTTP_ORIGIN="http://testserver")
        self.assertEqual(own.status_code, 201, own.content)
        app = self.api(REPORTS, payload)  # a mini-program sends no Origin
        self.assertEqual(app.status_code, 201, app.content)
        status = self.api(REPORTS + "/status", {"receipt": "1" * 16},
                          HTTP_ORIGIN="https://evil.example")
        self.assertEqual(status.status_code, 403)


class ClientAddressTests(SimpleTestCase):
    def request(self, remote: str, forwarded: str = ""):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)

    def test_without_trusted_proxies_the_header_is_ignored(self):
        self.assertEqual(client_address(self.request("203.0.113.9", "1.2.3.4")), "203.0.113.9")

    @override_settings(XUNCHA_TRUSTED_PROXIES="1")
    def test_a_spoofed_leftmost_entry_does_not_escape_the_limit(self):
        # The client wrote "1.2.3.4"; our one proxy appended the address it saw.
        request = self.request("10.0.0.2", "1.2.3.4, 198.51.100.7")
        self.assertEqual(client_address(request), "198.51.100.7")

    @override_settings(XUNCHA_TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.7")
    def test_cidrs_skip_our_proxies_from_the_right(self):
        request = self.request("10.0.0.2", "9.9.9.9, 198.51.100.7, 192.0.2.7, 10.1.1.1")
        self.assertEqual(client_address(request), "198.51.100.7")

    @override_settings(XUNCHA_TRUSTED_PROXIES="2")
    def test_garbage_in_the_header_stops_at_the_last_good_hop(self):
        self.assertEqual(client_address(self.request("10.0.0.2", "evil, not-an-ip")),
                         "10.0.0.2")

    @override_settings(XUNCHA_TRUST_X_FORWARDED_FOR=True, XUNCHA_TRUSTED_PROXIES="")
    def test_the_old_switch_means_one_proxy(self):
        self.assertEqual(client_address(self.request("10.0.0.2", "1.2.3.4, 198.51.100.7")),
                         "198.51.100.7")
