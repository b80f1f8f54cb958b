"""Where the to-do shows: its page (filters, order, the done list), the home page, the top
bar's count and the API; who may open them; and what they cost in queries."""

import datetime
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from xuncha.accounts.services import token_create
from xuncha.audit.services import event_record
from xuncha.inspections import rounds
from xuncha.inspections.models import Round, RoundKind
from xuncha.inspections.testing import stationed_inspection
from xuncha.petitions import intake, triage
from xuncha.todo import badge
from xuncha.todo.items import LEVELS, TodoItem
from xuncha.todo.selectors import todo_count, todo_for

from .base import TodoBase, at

D = datetime.date
TEXT = "反映东湖区教育局某科长在学校食堂承包招标中收受供应商红包礼金，并为其亲属提供便利。"


class Builders(TodoBase):
    def round(self, submit=True) -> Round:
        r = rounds.round_create(actor=self.office, committee=self.county, data={
            "term": self.term, "kind": RoundKind.SPECIAL, "topic": f"专项{Round.objects.count()}",
            "planned_start": D(2026, 7, 1), "planned_end": D(2026, 9, 30)})
        return rounds.round_submit(actor=self.office, round=r) if submit else r

    def petition(self, inspection):
        return intake.petition_intake(actor=self.office, committee=self.county,
                                      channel="phone", content=TEXT, unit=self.unit_edu,
                                      inspection=inspection, received_at=at(D(2026, 3, 20)))


class AccessTests(Builders):
    def test_every_role_opens_the_page_and_the_done_list_operators_do_not(self):
        for name, user in self.people().items():
            self.client.force_login(user)
            for route in ("todo:list", "todo:done"):
                status = self.client.get(reverse(route)).status_code
                with self.subTest(persona=name, route=route):
                    self.assertEqual(status, 403 if name == "platform" else 200)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("todo:list")).status_code, 302)

    def test_the_menu_has_the_page_in_the_work_section(self):
        self.login(self.liaison)
        html = self.client.get(reverse("accounts:profile")).content.decode()
        self.assertIn(f'href="{reverse("todo:list")}"', html)
        self.login(self.platform)
        html = self.client.get(reverse("accounts:profile")).content.decode()
        self.assertNotIn(f'href="{reverse("todo:list")}"', html)


class PageTests(Builders):
    def setUp(self):
        super().setUp()
        self.travel(at(D(2026, 3, 20)))
        self.inspection = stationed_inspection(self)
        self.new = self.petition(self.inspection)
        self.transferred = self.petition(self.inspection)
        triage.petition_transfer(actor=self.office, petition=self.transferred, category="land",
                                 department="湖滨街道")
        self.travel(at(self.transferred.transfer.due_on + datetime.timedelta(days=2)))

    def rows(self, user, **params):
        self.login(user)
        response = self.client.get(reverse("todo:list"), params)
        self.assertEqual(response.status_code, 200)
        return [item.key for item in response.context["page"]]

    def test_overdue_first_then_by_due_date_and_the_filters(self):
        keys = self.rows(self.team)
        # Overdue: the on-site work (from 9 March), the department's answer; then no clock.
        self.assertEqual(keys, [f"onsite_start:{self.inspection.pk}",
                                f"transfer_answer:{self.transferred.pk}",
                                f"petition_triage:{self.new.pk}"])
        self.assertEqual(self.rows(self.team, show="mine"), keys)  # the team's own queue
        self.assertEqual(self.rows(self.team, show="body"), [])
        office = self.rows(self.office)
        self.assertIn(f"petition_triage:{self.new.pk}", office)
        self.assertEqual(self.rows(self.office, show="mine"), [])
        self.assertEqual(self.rows(self.office, show="body"), office)
        self.assertEqual(self.rows(self.office, show="nonsense"), office)
        self.assertEqual(self.rows(self.other_office), [])

    def test_the_rows_link_to_the_step_and_the_fragment_answers_htmx(self):
        self.login(self.team)
        response = self.client.get(reverse("todo:list"), {"show": "mine"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        self.assertNotIn("<html", html)
        self.assertIn(f'href="{reverse("petitions:detail", args=[self.new.pk])}"', html)
        self.assertIn("light-red", html)

    def test_the_order_is_overdue_then_due_date_then_no_clock(self):
        def item(key, due, level):
            return TodoItem(kind="k", label=key, subject="", url="/", committee_id=None,
                            due=due, level=level, asked_by="", mine=True, key=key)

        def provider(user):
            return [item("none", None, "grey"), item("later", D(2026, 9, 1), "green"),
                    item("late", D(2026, 5, 1), "red"), item("soon", D(2026, 6, 3), "yellow"),
                    item("later", D(2026, 9, 1), "green")]  # the same key once only

        with mock.patch("xuncha.web.registry.todo_providers", return_value=(provider,)):
            self.assertEqual([i.key for i in todo_for(user=self.office)],
                             ["late", "soon", "later", "none"])

    def test_the_done_list_shows_the_persons_steps_most_recent_first(self):
        triage.petition_accept(actor=self.office2, petition=self.new, category="integrity")
        triage.transfer_answer(actor=self.team, petition=self.transferred, answer="已处理")
        self.login(self.office2)
        response = self.client.get(reverse("todo:done"))
        rows = response.context["rows"]
        self.assertEqual([(r.object, r.url) for r in rows],
                         [(str(self.new), reverse("petitions:detail", args=[self.new.pk]))])
        self.assertEqual(str(rows[0].label), gettext("Accepted a petition"))
        self.login(self.office)  # took the intakes (no steps) and the transfer (a step)
        labels = [str(r.label) for r in self.client.get(reverse("todo:done")).context["rows"]]
        self.assertEqual(labels, [gettext(s) for s in (
            "Transferred a petition", "Stationed a team", "Submitted a round plan")])
        for _i in range(30):
            event_record(actor=self.office2, action="round.approve", object_repr="轮次")
        first = self.client.get(reverse("todo:done")).context  # office: still its three
        self.assertEqual(len(first["rows"]), 3)
        self.login(self.office2)
        page1 = self.client.get(reverse("todo:done")).context
        page2 = self.client.get(reverse("todo:done"), {"page": 2}).context
        self.assertEqual((len(page1["rows"]), len(page2["rows"])), (25, 6))
        self.assertEqual(str(page2["rows"][-1].label), gettext("Accepted a petition"))


class HomeTests(Builders):
    def test_the_home_page_of_every_role_leads_with_the_todo(self):
        r = self.round()
        for name, user in self.people().items():
            self.client.force_login(user)
            html = self.client.get(reverse("web:home")).content.decode()
            with self.subTest(persona=name):
                if name == "platform":
                    self.assertNotIn("todo-panel", html)
                    continue
                first = html.index('<section class="panel')
                self.assertEqual(html.index('<section class="panel todo-panel">'), first)
                link = f'href="{reverse("inspections:round_detail", args=[r.pk])}"'
                self.assertEqual(link in html, name == "leader")

    def test_the_panel_shows_the_top_items_and_the_count(self):
        for _i in range(10):
            self.round()
        self.login(self.leader)
        response = self.client.get(reverse("web:home"))
        todo = response.context["todo"]
        self.assertEqual((len(todo["items"]), todo["count"]), (8, 10))
        self.assertContains(response, f'href="{reverse("todo:list")}"')


class TopBarCountTests(Builders):
    def badge_of(self, html: str) -> str | None:
        marker = f'class="bell todo" href="{reverse("todo:list")}">'
        start = html.index(marker) + len(marker)
        tail = html[start:html.index("</a>", start)]
        if '<span class="badge">' not in tail:
            return None
        return tail.split('<span class="badge">')[1].split("</span>")[0]

    def page(self):
        return self.client.get(reverse("accounts:profile")).content.decode()

    def test_one_cache_round_trip_a_cached_figure_and_a_post_refreshes_it(self):
        first = self.round()
        self.login(self.leader)
        with mock.patch.object(badge, "cache", wraps=cache) as spy:
            self.assertEqual(self.badge_of(self.page()), "1")  # counted: a get and a set
            self.assertEqual([c[0] for c in spy.method_calls], ["get", "set"])
            spy.reset_mock()
            with CaptureQueriesContext(connection) as warm:
                html = self.page()
            self.assertEqual([c[0] for c in spy.method_calls], ["get"])
        with CaptureQueriesContext(connection) as cold:
            cache.clear()
            self.page()
        self.assertGreater(len(cold), len(warm))  # the cached figure costs no query
        self.assertEqual(self.badge_of(html), "1")
        second = self.round()  # someone else's step: shown within the minute
        self.assertEqual(self.badge_of(self.page()), "1")
        response = self.client.post(reverse("inspections:round_approve", args=[first.pk]),
                                    {"note": ""})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Round.objects.get(pk=first.pk).status, "approved")
        self.assertEqual(self.badge_of(self.page()), "1")  # refreshed: second only
        rounds.round_approve(actor=self.leader, round=second)
        self.assertEqual(self.badge_of(self.page()), "1")  # cached (not the page's POST)
        self.client.post(reverse("web:set_language"), {"language": "zh-hans", "next": "/"})
        self.assertIsNone(self.badge_of(self.page()))

    def test_the_todo_page_shares_its_fresh_figure(self):
        self.round()
        self.login(self.leader)
        self.page()
        self.round()
        with mock.patch.object(badge, "cache", wraps=cache) as spy:
            html = self.client.get(reverse("todo:list")).content.decode()
        self.assertEqual(self.badge_of(html), "2")
        self.assertEqual([c[0] for c in spy.method_calls], ["set"])
        self.assertEqual(self.badge_of(self.page()), "2")

    def test_the_bell_is_an_inline_svg_without_an_emoji(self):
        self.login(self.office)
        html = self.page()
        self.assertNotIn("🔔", html)
        header = html.split("<header")[1].split("</header>")[0]
        self.assertRegex(header, r'<a class="bell" [^>]*>\s*<svg [^>]*aria-hidden="true"')
        self.assertNotIn("style=", html.split("<header")[1].split("</header>")[0])


class QueryCountTests(Builders):
    """The to-do costs the same number of queries with one item of each kind as with many."""

    def setUp(self):
        super().setUp()
        self.travel(at(D(2026, 3, 20)))
        self.inspection = stationed_inspection(self)

    def grow(self):
        for _i in range(3):
            self.round()
            returned = self.round()
            rounds.round_return(actor=self.leader, round=returned, note="补充")
            self.petition(self.inspection)
            moved = self.petition(self.inspection)
            triage.petition_transfer(actor=self.office, petition=moved, category="land",
                                     department="湖滨街道")

    def costs(self):
        costs = {}
        for name in ("office", "team", "leader", "liaison", "receiver"):
            user = getattr(self, name)
            # (each length is read at once: a request empties the connection's query log)
            with CaptureQueriesContext(connection) as listed:
                items = todo_for(user=user)
            listed_n = len(listed)
            self.client.force_login(user)
            self.client.get(reverse("todo:list"))  # the session is warm
            with CaptureQueriesContext(connection) as page:
                self.client.get(reverse("todo:list"))
            page_n = len(page)
            cache.clear()
            with CaptureQueriesContext(connection) as counted:
                todo_count(user=user)
            costs[name] = (listed_n, page_n, len(counted), len(items))
        return costs

    def test_queries_do_not_grow_with_the_items(self):
        self.grow()
        before = self.costs()
        self.grow()
        self.grow()
        after = self.costs()
        self.assertGreater(after["office"][3], before["office"][3] + 10)
        self.assertEqual({n: c[:3] for n, c in before.items()},
                         {n: c[:3] for n, c in after.items()})
        for name, (listed, page, counted, _n) in after.items():
            with self.subTest(persona=name):
                self.assertLessEqual(listed, 30)
                self.assertLessEqual(page, listed + 8)
                self.assertEqual(counted, 1)  # the count-only path: one statement


class ApiTests(Builders):
    def setUp(self):
        super().setUp()
        self.travel(at(D(2026, 3, 20)))
        self.inspection = stationed_inspection(self)
        self.petitions = [self.petition(self.inspection) for _i in range(3)]
        self.round()

    def headers(self, user):
        _token, key = token_create(user=user, name="api")
        return {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def test_the_api_lists_what_the_page_lists(self):
        for name in ("office", "team", "leader", "liaison", "other_office"):
            user = getattr(self, name)
            self.login(user)
            page = [i.key for i in self.client.get(reverse("todo:list")).context["page"]]
            body = self.client.get("/api/v1/todo", **self.headers(user)).json()
            with self.subTest(persona=name):
                self.assertEqual([i["key"] for i in body["items"]], page)
                self.assertEqual(body["count"], len(page))

    def test_fields_filters_and_pages(self):
        with translation.override(settings.LANGUAGE_CODE):  # the API's language
            overdue, no_deadline, you = (str(LEVELS["red"]), str(LEVELS["grey"]),
                                         translation.gettext("You"))
        headers = self.headers(self.team)
        body = self.client.get("/api/v1/todo", {"limit": 2}, **headers).json()
        # The on-site work (overdue since the stationing) and the three new petitions.
        self.assertEqual((body["count"], len(body["items"])), (4, 2))
        first, item = body["items"]
        self.assertEqual((first["kind"], first["level"], first["level_text"], first["overdue"],
                          first["due"]), ("onsite_start", "red", overdue, True, "2026-03-09"))
        self.assertEqual((item["kind"], item["level"], item["level_text"], item["mine"],
                          item["mine_text"], item["url"], item["due"]),
                         ("petition_triage", "grey", no_deadline, True, you,
                          reverse("petitions:detail", args=[self.petitions[0].pk]), None))
        rest = self.client.get("/api/v1/todo", {"limit": 2, "offset": 2}, **headers).json()
        self.assertEqual(len(rest["items"]), 2)
        body = self.client.get("/api/v1/todo", {"show": "body"}, **headers).json()
        self.assertEqual(body["count"], 0)
        office = self.client.get("/api/v1/todo", {"show": "body"}, **self.headers(self.office))
        self.assertEqual(office.json()["count"], 4)
        bad = self.client.get("/api/v1/todo", {"show": "everyone"}, **headers)
        self.assertEqual(bad.status_code, 422)

    def test_who_may_call_it(self):
        self.assertEqual(self.client.get("/api/v1/todo").status_code, 401)
        refused = self.client.get("/api/v1/todo", **self.headers(self.platform))
        self.assertEqual((refused.status_code, refused.json()["error"]), (403, "forbidden"))
