import re
from pathlib import Path

import polib
from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from xuncha.lib.testing import WorldTestCase

SCRIPT_INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER_ATTR = re.compile(r"\son[a-z]+\s*=", re.I)


class LanguageTests(WorldTestCase):
    def test_chinese_by_default_even_for_english_browsers(self):
        response = self.client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US")
        self.assertContains(response, "登录")
        self.assertEqual(response["Content-Language"], "zh-hans")

    def test_english_on_request(self):
        self.client.post(reverse("web:set_language"), {"language": "en", "next": "/"})
        response = self.client.get(reverse("accounts:login"))
        self.assertContains(response, "Sign in to Xuncha")
        self.client.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})
        self.assertContains(self.client.get(reverse("accounts:login")), "登录")

    def test_unknown_language_is_ignored(self):
        self.client.post(reverse("web:set_language"), {"language": "xx", "next": "//evil"})
        self.assertContains(self.client.get(reverse("accounts:login")), "登录")

    def test_catalogue_is_complete(self):
        po = polib.pofile(str(Path(settings.BASE_DIR) /
                              "xuncha/locale/zh_Hans/LC_MESSAGES/django.po"))
        missing = [e.msgid for e in po if not e.obsolete and (
            e.fuzzy or (not e.msgstr and not (e.msgstr_plural and all(
                e.msgstr_plural.values()))))]
        self.assertEqual(missing, [])
        mo = Path(settings.BASE_DIR) / "xuncha/locale/zh_Hans/LC_MESSAGES/django.mo"
        self.assertTrue(mo.exists())
        self.assertGreaterEqual(mo.stat().st_mtime, Path(po.fpath).stat().st_mtime - 5,
                                "django.mo is older than django.po: run make messages")


class PageHygieneTests(WorldTestCase):
    pages = ["web:home", "accounts:profile", "organizations:unit_list",
             "organizations:cadre_list", "organizations:inspector_list",
             "organizations:committee_list", "accounts:user_list", "audit:event_list"]

    def test_pages_have_no_inline_script_and_send_security_headers(self):
        self.client.force_login(self.office)
        for name in self.pages:
            response = self.client.get(reverse(name))
            html = response.content.decode()
            self.assertEqual(response.status_code, 200, name)
            self.assertIsNone(SCRIPT_INLINE.search(html), name)
            self.assertIsNone(HANDLER_ATTR.search(html), name)
            self.assertNotIn("http://", html.replace("http://www.w3.org", ""), name)
            self.assertIn("script-src 'self'", response["Content-Security-Policy"])
            self.assertEqual(response["X-Frame-Options"], "DENY")
            self.assertIn("no-store", response["Cache-Control"])

    def test_navigation_follows_the_role(self):
        self.client.force_login(self.liaison)
        html = self.client.get(reverse("web:home")).content.decode()
        self.assertNotIn(reverse("accounts:user_list"), html)
        self.assertNotIn(reverse("organizations:inspector_list"), html)
        self.client.force_login(self.office)
        html = self.client.get(reverse("web:home")).content.decode()
        self.assertIn(reverse("accounts:user_list"), html)

    def test_static_assets_are_served_by_the_app(self):
        for asset in ("xuncha/js/htmx.min.js", "xuncha/js/app.js", "xuncha/css/app.css"):
            response = self.client.get(settings.STATIC_URL + asset)
            self.assertEqual(response.status_code, 200, asset)


class ErrorPageTests(TestCase):
    def test_unknown_url_is_a_404_page(self):
        response = self.client.get("/no/such/page/")
        self.assertIn(response.status_code, (302, 404))
