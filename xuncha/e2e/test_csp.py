"""The browser journeys see a CSP refusal: the listener of ``base.page_for`` catches one.

Then every page of the shell in one browser (home, the public notice and the report form,
a sign-in as the office): none draws a CSP refusal or a console error."""

from django.urls import reverse

from xuncha.inspections.testing import stationed_inspection

from .base import BrowserTestCase


class CspTests(BrowserTestCase):
    def test_a_refused_inline_style_is_reported(self):
        page = self.page_for(self.office)
        page.goto(self.live_server_url + reverse("web:home"))
        # Written through the DevTools protocol (no CSP on it), the page then applies its
        # CSP to the new element's inline style attribute and refuses it.
        page.evaluate("""() => document.querySelector('main').insertAdjacentHTML(
            'beforeend', '<p style="color: red">planted</p>')""")
        page.wait_for_timeout(300)
        self.assertTrue(any("style-src" in v for v in self.csp_violations), self.csp_violations)
        self.csp_violations.clear()
        self.browser_errors.clear()

    def test_shell_and_public_pages_draw_no_refusal(self):
        inspection = stationed_inspection(self)
        page = self.page_for(self.office)
        for path in (reverse("web:home"), reverse("inspections:calendar"),
                     reverse("public:notice", kwargs={"code": inspection.public_code}),
                     reverse("public:report", kwargs={"code": inspection.public_code})):
            page.goto(self.live_server_url + path)
            page.wait_for_load_state("load")
        self.assert_clean_browser()
