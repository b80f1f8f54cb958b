import datetime
import io

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from xuncha.accounts.roles import Role
from xuncha.findings.models import Problem
from xuncha.findings.testing import fed_back, on_site, signed_problem
from xuncha.lib.testing import WorldTestCase, make_user
from xuncha.petitions.models import Petition
from xuncha.rectification import measures as rect
from xuncha.rectification.models import OPEN_MEASURE, Measure, MeasureStatus
from xuncha.stats.figures import Filters, rollup

D = datetime.date


class StatsBase(WorldTestCase):
    def setUp(self):
        cache.clear()
        self.inspection = on_site(self)
        self.problems = [signed_problem(self, self.inspection, f"问题{i}") for i in range(3)]
        fed_back(self, self.inspection, self.problems, on=D(2026, 5, 8))
        self.inspection.refresh_from_db()
        self.measures = [rect.measure_add(
            actor=self.liaison, inspection=self.inspection, problem=p, data={
                "text": f"整改措施{i}", "responsible_leader": "张副局长",
                "responsible_department": "办公室", "deadline": deadline,
                "deadline_reason": "长期整改事项", "phase": "long_term"})
            for i, (p, deadline) in enumerate(zip(self.problems, [
                D(2026, 7, 31), D(2099, 6, 30), D(2099, 12, 31)], strict=True))]
        # one measure closed the ORM way (the loop itself is tested in rectification)
        Measure.objects.filter(pk=self.measures[2].pk).update(status=MeasureStatus.CLOSED)
        received = timezone.make_aware(datetime.datetime(2026, 3, 20, 10))
        for channel, category, status in [("phone", "integrity", "accepted"),
                                          ("online", "work", "accepted"),
                                          ("online", "", "new"), ("letter", "", "filed")]:
            Petition.objects.create(committee=self.county, inspection=self.inspection,
                                    unit=self.unit_edu, route="inspection", channel=channel,
                                    content="反映问题", status=status, category=category,
                                    received_at=received)
        Petition.objects.create(committee=self.county_b, route="office", channel="visit",
                                content="反映问题", received_at=received)
        self.province_office = make_user("prov_office", Role.OFFICE, self.province)


class FigureTests(StatsBase):
    def test_figures_match_plain_counts(self):
        today = timezone.localdate()
        data = rollup(self.county, Filters(), fresh=True)
        own = data.own
        measures = Measure.objects.filter(committee=self.county)
        self.assertEqual(own.measures_total, measures.count())
        self.assertEqual(own.measures_closed, measures.filter(status="closed").count())
        self.assertEqual(own.measures_overdue, measures.filter(
            status__in=OPEN_MEASURE, deadline__lt=today).count())
        self.assertEqual(own.measures_overdue, 1)
        self.assertEqual(own.completion, round(100 / 3, 2))
        self.assertEqual(own.petitions_total, Petition.objects.filter(committee=self.county).count())
        self.assertEqual(own.petitions_channel["online"], 2)
        self.assertEqual(own.petitions_status["accepted"], 2)
        self.assertEqual(own.petitions_category["integrity"], 1)
        self.assertEqual(own.problems_total, Problem.objects.filter(
            committee=self.county, status__in=["team_approved", "signed"]).count())
        self.assertEqual(own.inspections_total, 1)
        self.assertEqual(data.rows, [])  # a county has no lower committee

    def test_rollup_adds_up_the_subtree(self):
        data = rollup(self.city, Filters(), fresh=True)
        rows = {c.pk: fig for c, fig in data.rows}
        self.assertEqual(set(rows), {self.county.pk, self.county_b.pk})
        self.assertEqual(rows[self.county.pk].measures_total, 3)
        self.assertEqual(rows[self.county_b.pk].petitions_total, 1)
        self.assertEqual(data.total.petitions_total, Petition.objects.filter(
            committee__path__startswith=self.city.path).count())
        province = rollup(self.province, Filters(), fresh=True)
        self.assertEqual([c.pk for c, _f in province.rows], [self.city.pk])
        self.assertEqual(province.rows[0][1].measures_overdue, 1)

    def test_period_filter(self):
        none = rollup(self.county, Filters(date_from=D(2020, 1, 1), date_to=D(2020, 12, 31)),
                      fresh=True)
        self.assertEqual(none.own.petitions_total, 0)
        self.assertEqual(none.own.measures_total, 0)
        year = rollup(self.county, Filters(date_from=D(2026, 1, 1), date_to=D(2026, 12, 31)),
                      fresh=True)
        self.assertEqual(year.own.petitions_total, 4)
        self.assertEqual(year.own.measures_total, 1)  # deadlines in 2026 only


class PageTests(StatsBase):
    def test_province_sees_cities_and_drills_into_a_county_measure(self):
        self.client.force_login(self.province_office)
        page = self.client.get(reverse("stats:dashboard"))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, self.city.name)
        self.assertContains(page, "<svg", html=False)
        city = self.client.get(reverse("stats:dashboard"), {"committee": self.city.pk})
        self.assertContains(city, self.county.name)
        self.assertNotContains(city, reverse("petitions:list") + "?")  # statistics only below
        overdue = self.client.get(reverse("stats:measure_list"), {
            "committee": self.county.pk, "light": "overdue"})
        self.assertContains(overdue, "整改措施0")
        self.assertNotContains(overdue, "整改措施1")
        detail = self.client.get(reverse("stats:measure_detail", args=[self.measures[0].pk]))
        self.assertContains(detail, "整改措施0")
        self.assertContains(detail, "张副局长")

    def test_exports_open(self):
        from docx import Document
        from openpyxl import load_workbook

        self.client.force_login(self.province_office)
        xlsx = self.client.get(reverse("stats:export_xlsx"), {"year": "2026"})
        self.assertEqual(xlsx.status_code, 200)
        book = load_workbook(io.BytesIO(xlsx.content))
        self.assertGreaterEqual(len(book.sheetnames), 3)
        rows = list(book[book.sheetnames[-1]].iter_rows(values_only=True))
        self.assertIn(self.city.name, [r[0] for r in rows])
        docx = self.client.get(reverse("stats:export_docx"), {
            "date_from": "2026-01-01", "date_to": "2026-12-31", "committee": self.county.pk})
        self.assertEqual(docx.status_code, 200)
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
        # GB/T 9704 dates: 2026年1月1日, no leading zeros.
        self.assertIn("2026年1月1日", text)
        self.assertNotIn("2026-01-01", text)

    def test_sheet_names_and_headings_are_in_the_readers_language(self):
        """#17: "Inspections by state" and "Clue outcomes (four forms)" were English."""
        from django.utils.translation import gettext
        from docx import Document
        from openpyxl import load_workbook

        self.client.force_login(self.province_office)
        xlsx = self.client.get(reverse("stats:export_xlsx"), {"year": "2026"})
        names = load_workbook(io.BytesIO(xlsx.content)).sheetnames
        for english in ("Inspections by state", "Clue outcomes (four forms)"):
            self.assertNotEqual(gettext(english), english)
            self.assertIn(gettext(english)[:31], names)
        self.assertFalse([n for n in names if any("a" <= c.lower() <= "z" for c in n)], names)
        report = self.client.get(reverse("stats:export_docx"), {
            "date_from": "2026-01-01", "date_to": "2026-12-31", "committee": self.county.pk})
        headings = [p.text for p in Document(io.BytesIO(report.content)).paragraphs]
        self.assertIn(f"二、{gettext('Inspections by state')}", headings)

    def test_county_sees_only_its_own(self):
        self.client.force_login(self.office)
        own = self.client.get(reverse("stats:dashboard"))
        self.assertEqual(own.status_code, 200)
        self.assertContains(own, reverse("petitions:list") + "?channel=online")  # drill-down
        self.assertEqual(self.client.get(reverse("stats:dashboard"),
                                         {"committee": self.city.pk}).status_code, 404)
        self.client.force_login(self.other_office)
        self.assertEqual(self.client.get(reverse("stats:dashboard"),
                                         {"committee": self.county.pk}).status_code, 404)
        self.assertEqual(self.client.get(reverse("stats:measure_detail",
                                                 args=[self.measures[0].pk])).status_code, 404)
        self.assertEqual(self.client.get(reverse("stats:measure_list"),
                                         {"committee": self.county.pk}).status_code, 404)

    def test_other_roles_are_refused(self):
        for user in (self.liaison, self.team, self.receiver):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("stats:dashboard")).status_code, 403)

    def test_bad_filters_change_nothing_and_never_fail(self):
        self.client.force_login(self.city_office)
        for params in ({"year": "abc"}, {"date_from": "2026-13-45"}, {"term": "999999"},
                       {"round": "x"}, {"kind": "<script>"}, {"committee": "abc"}):
            response = self.client.get(reverse("stats:dashboard"), params)
            self.assertIn(response.status_code, (200, 404), params)

    def test_query_count_does_not_grow_with_the_tree(self):
        self.client.force_login(self.province_office)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from xuncha.lib.testing import make_committee
        from xuncha.organizations.models import Level

        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(reverse("stats:dashboard"),
                                                 {"fresh": "1"}).status_code, 200)
            return len(ctx.captured_queries)

        self.client.get(reverse("stats:dashboard"))  # warm the session
        before = count()
        self.assertLessEqual(before, 30)
        for i in range(3):
            city = make_committee(f"P-X{i}", Level.MUNICIPAL, self.province, region=f"新市{i}")
            make_committee(f"P-X{i}-A", Level.COUNTY, city, region=f"新县{i}")
        self.assertEqual(count(), before)


class AccessTests(StatsBase):
    def test_rules_and_queries_agree(self):
        from xuncha.stats.access import can_read_committee, can_read_measure
        from xuncha.stats.selectors import committees_readable_by, measures_readable_by

        users = [getattr(self, p) for p in self.PERSONAS] + [self.province_office]
        committees = [self.province, self.city, self.county, self.county_b]
        for user in users:
            for committee in committees:
                with self.subTest(user=user.username, committee=committee.code):
                    self.assertEqual(can_read_committee(user=user, committee=committee),
                                     committees_readable_by(user=user).filter(
                                         pk=committee.pk).exists())
            for measure in self.measures:
                with self.subTest(user=user.username, measure=measure.pk):
                    self.assertEqual(can_read_measure(user=user, measure=measure),
                                     measures_readable_by(user=user).filter(
                                         pk=measure.pk).exists())
        self.assertTrue(can_read_committee(user=self.oversight, committee=self.county))
        self.assertFalse(can_read_committee(user=self.office, committee=self.city))
        self.assertFalse(can_read_committee(user=self.platform, committee=self.county))

    def test_figures_lead_to_the_lists_the_reader_may_open(self):
        petitions, clues = reverse("petitions:list") + "?", reverse("findings:clue_list") + "?"
        inspections = reverse("inspections:inspection_list") + "?"
        coverage = reverse("inspections:coverage")
        measures = reverse("stats:measure_list") + "?"
        for user, shown, hidden in (
                (self.office, (petitions, inspections, coverage, measures), ()),
                (self.leader, (inspections, coverage, measures), (petitions, clues)),
                (self.oversight, (measures,), (petitions, clues, inspections, coverage))):
            self.client.force_login(user)
            page = self.client.get(reverse("stats:dashboard"), {"committee": self.county.pk}
                                   if user == self.oversight else {})
            self.assertEqual(page.status_code, 200)
            for url in shown:
                self.assertContains(page, url, msg_prefix=f"{user.username} {url}")
            for url in hidden:
                self.assertNotContains(page, url, msg_prefix=f"{user.username} {url}")
        self.client.force_login(self.oversight)
        own = self.client.get(reverse("stats:measure_detail", args=[self.measures[0].pk]))
        self.assertNotContains(own, reverse("rectification:measure_detail",
                                            args=[self.measures[0].pk]))
        self.client.force_login(self.office)
        own = self.client.get(reverse("stats:measure_detail", args=[self.measures[0].pk]))
        self.assertContains(own, reverse("rectification:measure_detail",
                                         args=[self.measures[0].pk]))


class RefreshTests(StatsBase):
    def test_the_refresh_job_recomputes_viewed_dashboards(self):
        from xuncha.stats.figures import mark_seen, refresh_seen

        self.assertEqual(refresh_seen(), 0)
        first = rollup(self.county, Filters())
        mark_seen(self.county.pk)
        Petition.objects.create(committee=self.county, route="office", channel="visit",
                                content="新的来访", received_at=timezone.now())
        self.assertEqual(rollup(self.county, Filters()).own.petitions_total,
                         first.own.petitions_total)  # cached
        self.assertEqual(refresh_seen(), 1)
        self.assertEqual(rollup(self.county, Filters()).own.petitions_total,
                         first.own.petitions_total + 1)
