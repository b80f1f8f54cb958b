"""No N+1: list and detail pages make the same number of queries with more rows.

Each page is requested once with a little data and again after more rows of what it shows
were added; the query counts must be equal (the bench data set would otherwise multiply
them: 26 extra queries on the inspections list before ``round__committee`` was selected).
"""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xuncha.findings.models import Problem
from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.inspections import targets as inspections
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib.testing import WorldTestCase
from xuncha.petitions import intake as petitions
from xuncha.rectification import measures as rectification

D = datetime.date
RECEIVED = datetime.datetime(2026, 3, 20, 10, tzinfo=datetime.UTC)


class QueryCountTests(WorldTestCase):
    def setUp(self):
        self.inspection = on_site(self)
        self.problems = [signed_problem(self, self.inspection, "问题0")]
        fed_back(self, self.inspection, self.problems)
        self.inspection.refresh_from_db()
        self.petition = self.petition_add()
        self.petition_add()  # a look-alike, so the page shows its duplicates from the start
        self.measure = self.measure_add()

    def petition_add(self):
        return petitions.petition_intake(
            actor=self.office, committee=self.county, channel="phone", unit=self.unit_edu,
            inspection=self.inspection, content="反映某科长违规收受礼金问题，请核实。",
            subjects=[{"name": "张三", "position": "科长"}], received_at=RECEIVED)

    def measure_add(self):
        return rectification.measure_add(
            actor=self.liaison, inspection=self.inspection, problem=self.problems[0], data={
                "text": "修订制度", "responsible_leader": "张副局长",
                "responsible_department": "办公室", "deadline": D(2026, 7, 31)})

    def grow(self):
        for _i in range(3):
            self.petition_add()
            self.measure_add()
        second = stationed_inspection(self, unit=self.unit_health, team=self.inspection.team)
        fed_back(self, second, [signed_problem(self, second, "问题A")])
        inspections.inspection_create(actor=self.office, team=self.inspection.team,
                                      units=[self.township], data={
                                          "period_start": D(2026, 3, 9),
                                          "period_end": D(2026, 4, 20),
                                          "stationed_on": D(2026, 3, 9),
                                          "petition_deadline": D(2026, 4, 15),
                                          "scope_text": "受理范围"})
        for i in range(1, 3):  # (problems are recorded only on site: copied here)
            problem = Problem.objects.get(pk=self.problems[0].pk)
            problem.pk, problem.sequence, problem.number = None, 10 + i, f"P-{i}"
            problem.save()
        for i in range(3):
            rectification.measure_progress(actor=self.liaison, measure=self.measure,
                                         text=f"进展{i}")

    def pages(self):
        county = self.county.pk
        return [
            ("office", reverse("web:home")),
            ("liaison", reverse("web:home")),
            ("office", reverse("inspections:my_deadlines")),
            ("office", reverse("inspections:inspection_list")),
            ("office", reverse("petitions:list")),
            ("team", reverse("petitions:list")),
            ("office", reverse("rectification:measure_list")),
            ("liaison", reverse("rectification:measure_list")),
            ("office", reverse("findings:library")),
            ("office", reverse("findings:clue_list")),
            ("office", reverse("stats:dashboard")),
            ("city_office", reverse("stats:measure_list") + f"?committee={county}&subtree=1"),
            ("office", reverse("organizations:unit_list")),
            ("office", reverse("audit:event_list")),
            ("office", reverse("inspections:inspection_detail", args=[self.inspection.pk])),
            ("office", reverse("petitions:detail", args=[self.petition.pk])),
            ("liaison", reverse("rectification:measure_detail", args=[self.measure.pk])),
            ("office", reverse("rectification:overview", args=[self.inspection.pk])),
            ("city_office", reverse("stats:measure_detail", args=[self.measure.pk])),
        ]

    def count(self) -> dict:
        counts = {}
        for persona, url in self.pages():
            self.client.force_login(getattr(self, persona))
            self.client.get(url)  # sessions, caches
            with CaptureQueriesContext(connection) as ctx:
                status = self.client.get(url + ("&" if "?" in url else "?") + "fresh=1"
                                         if "stats/" in url and "measures" not in url
                                         else url).status_code
            self.assertEqual(status, 200, url)
            counts[(persona, url)] = len(ctx.captured_queries)
        return counts

    def test_query_counts_do_not_grow_with_the_rows(self):
        before = self.count()
        self.grow()
        after = self.count()
        grown = {f"{p} {u}": (before[(p, u)], after[(p, u)]) for p, u in before
                 if after[(p, u)] > before[(p, u)]}
        self.assertEqual(grown, {}, "pages whose query count grew with the data (before, after)")
