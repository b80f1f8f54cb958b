"""The live-server base classes of the e2e package.

``LiveServerBase``
    A ``StaticLiveServerTestCase`` with the shared test world (``xuncha.lib.testing.World``)
    built afresh for every test (a live-server test flushes the database after each test;
    ``serialized_rollback`` brings back the rows the migrations wrote, e.g. the default
    problem taxonomy), a clean cache (rate limits), a throw-away ``MEDIA_ROOT`` and a clock
    that starts on ``START`` and runs with real time from there (``travel()`` jumps ahead),
    so that the dates of the inspection cycle are the same whatever day the suite runs.

``BrowserTestCase``
    Adds one headless chromium per class (Debian's ``/usr/bin/chromium``; Playwright's own
    browsers are never downloaded) and the helpers of the journeys: ``page_for(user)`` (a
    fresh browser context signed in through the real login form), ``shot()`` (full-page
    screenshots in ``artifacts/e2e/<test>-<step>.png``), ``axe()`` (axe-core, vendored next
    to this file, fails on "serious" or "critical" violations) and ``check()`` (both, axe
    once per distinct page of a test).

Both skip the whole class, with the reason, unless ``XUNCHA_E2E=1`` and what they need is
installed.
"""

from __future__ import annotations

import datetime
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import time
import unittest
import zoneinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.core.cache import cache
from django.db import connections
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from xuncha.audit.testing import audit_triggers_lifted
from xuncha.lib.testing import PASSWORD, World

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright

CHROMIUM = os.environ.get("XUNCHA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "e2e"
AXE_JS = Path(__file__).with_name("axe.min.js")
#: axe-core impacts that fail a journey ("minor" and "moderate" are only printed).
BLOCKING_IMPACTS = ("serious", "critical")
#: Accessibility defects already reported to the page owners, by axe rule id and the URL
#: name of the page: they are printed, not failed, until fixed (then remove the entry).
KNOWN_A11Y: dict[tuple[str, str], str] = {}  # all fixed so far
#: ``XUNCHA_E2E_A11Y=report`` prints every violation instead of failing (to triage them all).
A11Y_REPORT_ONLY = os.environ.get("XUNCHA_E2E_A11Y") == "report"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
#: Reports every CSP refusal of the page (inline style or script, outside asset) to the test,
#: whether or not the browser also logs it to the console. An init script is injected by the
#: DevTools protocol, so the page's own CSP does not apply to it.
CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) => {
  window.__xunchaCsp(`${e.effectiveDirective} refused ${e.blockedURI || 'inline code'}`
    + ` (${e.sourceFile || location.pathname}:${e.lineNumber})`);
});"""
D = datetime.date


def at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment in the project's time zone."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def skip_reason(*, browser: bool) -> str | None:
    """Why the e2e tests cannot run here (None when they can)."""
    if os.environ.get("XUNCHA_E2E") != "1":
        return "e2e tests run only with XUNCHA_E2E=1 (make e2e)"
    if browser:
        if importlib.util.find_spec("playwright") is None:
            return "playwright is not installed (pip install -e '.[e2e]')"
        if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
            return f"no chromium at {CHROMIUM} (apt-get install chromium, or set XUNCHA_CHROMIUM)"
    elif importlib.util.find_spec("schemathesis") is None:
        return "schemathesis is not installed (pip install -e '.[e2e]')"
    return None


class TravelClock:
    """Stands in for ``django.utils.timezone.now``: real time shifted so that it read
    ``start`` when created; ``travel()`` moves it. Used by the test and the server thread."""

    def __init__(self, start: datetime.datetime) -> None:
        self.travel(start)

    @staticmethod
    def _real() -> datetime.datetime:
        return datetime.datetime.now(datetime.UTC)

    def __call__(self) -> datetime.datetime:
        return self._real() + self.offset

    def travel(self, moment: datetime.datetime) -> None:
        self.offset = moment - self._real()


class LiveServerBase(StaticLiveServerTestCase):
    #: Each test starts from a freshly migrated database (with the rows migrations write).
    serialized_rollback = True
    needs_browser = False
    #: What the clock reads when a test starts: a Friday while the education bureau's
    #: inspection (``xuncha.inspections.testing``) is stationed and takes petitions.
    START = at(D(2026, 3, 20))

    @classmethod
    def setUpClass(cls):
        reason = skip_reason(browser=cls.needs_browser)
        if reason:
            raise unittest.SkipTest(reason)
        super().setUpClass()

    def _fixture_teardown(self):
        # SQLite flushes with DELETE, which the audit table's triggers refuse (PostgreSQL
        # truncates, which they do not see; lifting them there is harmless).
        with audit_triggers_lifted():
            super()._fixture_teardown()

    def setUp(self):
        super().setUp()
        cache.clear()
        media = tempfile.mkdtemp(prefix="xuncha-e2e-media-")
        self.addCleanup(shutil.rmtree, media, True)
        media_override = override_settings(MEDIA_ROOT=media)
        media_override.enable()
        self.addCleanup(media_override.disable)
        # The journeys travel weeks ahead; sessions must outlive the jump (the real-time idle
        # limit still applies).
        session_override = override_settings(SESSION_COOKIE_AGE=400 * 24 * 3600)
        session_override.enable()
        self.addCleanup(session_override.disable)
        self.clock = TravelClock(self.START)
        patcher = mock.patch("django.utils.timezone.now", new=self.clock)
        patcher.start()
        self.addCleanup(patcher.stop)
        World.build(self)

    def travel(self, moment: datetime.datetime) -> None:
        self.clock.travel(moment)

    def url(self, name: str, *args: Any, query: str = "") -> str:
        return self.live_server_url + reverse(name, args=args) + (f"?{query}" if query else "")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "step"


def url_name(url: str) -> str:
    """The URL name (``namespace:name``) of a page address, or its path if it has none."""
    path = urlsplit(url).path
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v.get('impact')}] {v['id']}: {v.get('help')} ({v.get('helpUrl')})")
        for node in v.get("nodes", [])[:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    at {node.get('target')}: {node.get('html', '')[:160]}")
            if summary:
                lines.append(f"       {summary[:300]}")
        if len(v.get("nodes", [])) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


class BrowserTestCase(LiveServerBase):
    needs_browser = True
    playwright: Playwright
    browser: Browser
    axe_source: str

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Playwright's sync API keeps an event loop in this thread; the tests still use the
        # ORM synchronously between browser steps, which Django otherwise refuses.
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.addClassCleanup(cls._restore_env, previous)
        # While that loop exists, Django's connection handler (an asgiref Local, "thread
        # critical") keeps connections per context instead of per thread, so the test would
        # get fresh connection objects: not the one shared with the server thread (in-memory
        # SQLite) and without the serialized rows that the flush and the reload rely on. The
        # thread's own connections are put back in place in setUp.
        cls._thread_connections = {alias: connections[alias]
                                   for alias in cls._databases_names(include_mirrors=False)}
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.addClassCleanup(cls.playwright.stop)
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        cls.addClassCleanup(cls.browser.close)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        cls.axe_source = AXE_JS.read_text(encoding="utf-8")

    @staticmethod
    def _restore_env(previous: str | None) -> None:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous

    def setUp(self):
        for alias, connection in self._thread_connections.items():
            connections[alias] = connection
        super().setUp()
        self.step = 0
        self.checked: set[str] = set()
        self.browser_errors: list[str] = []
        self.csp_violations: list[str] = []
        self.addCleanup(self._fail_on_csp_violations)
        self.a11y_notes: list[str] = []
        self.addCleanup(self._print_a11y_notes)
        self.test_name = self._testMethodName.removeprefix("test_")
        for old in ARTIFACTS.glob(f"{self.test_name}-*.png"):
            old.unlink()

    def _print_a11y_notes(self) -> None:
        if self.a11y_notes:
            sys.stderr.write(f"\n[axe] {self.id()}: serious/critical violations not failed "
                             f"(known or report-only):\n" + "\n".join(self.a11y_notes) + "\n")

    # --- pages and people ------------------------------------------------------------------

    def page_for(self, user=None) -> Page:
        """A new browser context (its own cookies), signed in as ``user`` if given."""
        context = self.browser.new_context(viewport={"width": 1280, "height": 900},
                                           accept_downloads=True)
        self.addCleanup(context.close)
        context.set_default_timeout(20_000)
        who = user.username if user is not None else "anonymous"
        context.expose_binding("__xunchaCsp", lambda source, text: self.csp_violations.append(
            f"{who} CSP @ {source['frame'].url}: {text}"))
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()

        def console(msg: ConsoleMessage) -> None:
            if msg.type == "error":  # script errors, CSP refusals, failed loads
                self.browser_errors.append(f"{who} console @ {page.url}: {msg.text}")
                if "Content Security Policy" in msg.text:
                    self.csp_violations.append(f"{who} console @ {page.url}: {msg.text}")

        page.on("console", console)
        page.on("pageerror", lambda exc: self.browser_errors.append(
            f"{who} page error @ {page.url}: {exc}"))
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm forms
        if user is not None:
            self.login(page, user)
        return page

    def login(self, page: Page, user, password: str = PASSWORD) -> None:
        """Sign in through the real login form."""
        page.goto(self.url("accounts:login"))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        self.assertNotEqual(url_name(page.url), "accounts:login",
                            f"{user.username} could not sign in: {page.inner_text('main')[:300]}")

    def submit(self, page: Page, selector: str) -> None:
        """Click a submit button and wait for the page the server answers with; fail with
        the application's message if it refused the action."""
        with page.expect_navigation():
            page.click(selector)
        refused = page.locator("main .messages .msg-error, main .form-errors, main p.error")
        if refused.count():
            self.fail(f"{url_name(page.url)} refused the action: "
                      + " / ".join(t.strip() for t in refused.all_inner_texts()))

    def form_action(self, name: str, *args: Any) -> str:
        """A selector for the submit button of the form posting to the URL ``name``."""
        path = reverse(name, args=args)
        return (f'form[action="{path}"] button[type=submit], '
                f'button[type=submit][formaction="{path}"]')

    # --- evidence ------------------------------------------------------------------------

    def shot(self, page: Page, name: str) -> Path:
        """A full-page screenshot, ``artifacts/e2e/<test>-<nn>-<step>.png``."""
        self.step += 1
        path = ARTIFACTS / f"{self.test_name}-{self.step:02d}-{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def axe(self, page: Page) -> list[dict]:
        """Run axe-core on the page; fail on serious or critical violations. The script is
        evaluated through the DevTools protocol, so the site's CSP (no inline script) stays
        enforced for everything else."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.axe_source + "\n;undefined")
        result = page.evaluate("""async () => {
            const r = await window.axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target,
                html: n.html, failureSummary: n.failureSummary}))}));
        }""")
        name = url_name(page.url)
        blocking: list[dict] = []
        known: list[dict] = []
        for v in result:
            if v.get("impact") not in BLOCKING_IMPACTS:
                continue
            known_or_report = (v["id"], name) in KNOWN_A11Y or A11Y_REPORT_ONLY
            (known if known_or_report else blocking).append(v)
        if known:
            self.a11y_notes.append(f"{name}: known\n{format_violations(known)}")
        if blocking:
            self.fail(f"axe-core: {len(blocking)} serious/critical violation(s) on {name} "
                      f"({page.url}):\n{format_violations(blocking)}")
        return result

    def check(self, page: Page, step: str) -> None:
        """Screenshot every step; axe once for each distinct page of the test."""
        page.wait_for_load_state("load")
        self.shot(page, step)
        name = url_name(page.url)
        if name not in self.checked:
            self.checked.add(name)
            self.axe(page)

    def assert_clean_browser(self) -> None:
        """No script error and no CSP refusal in any page of the journey."""
        self.assertEqual(self.csp_violations, [], "the CSP refused something")
        self.assertEqual(self.browser_errors, [], "errors in the browser console")

    def _fail_on_csp_violations(self) -> None:
        """Every journey fails on a CSP refusal, whether or not it asks at its end."""
        if self.csp_violations:
            violations, self.csp_violations = self.csp_violations, []
            raise AssertionError("the CSP refused something:\n" + "\n".join(violations))



def wait_for_fresh_minute(margin: float = 15.0) -> None:
    """Sleep past a minute boundary when one is close: the per-minute flood counters must
    not reset between a test filling them and the page reading them."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.2)
