"""The rules of ``findings/access.py``: each to-do rule and its query form agree, for every
persona of the test world and objects in every state."""

import datetime

from django.db import transaction

from xuncha.findings import access
from xuncha.findings.clues import clue_handle, clue_record, clue_report, clue_transfer
from xuncha.findings.models import ProblemCategory, ReportKind
from xuncha.findings.problems import problem_draft, problem_team_approve
from xuncha.findings.reports import report_review, report_start, report_submit
from xuncha.findings.testing import approved_report, on_site, signed_problem
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.testing import stationed_inspection
from xuncha.lib.errors import DomainError
from xuncha.lib.testing import WorldTestCase, make_user

D = datetime.date


class _Undo(Exception):
    pass


class AgreementTests(WorldTestCase):
    """``can_x(user=u, thing=o) == query_form(user=u).filter(pk=o.pk).exists()``."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        t = cls
        cls.deputy = make_user("deputy", "team", t.county, inspector=t.insp_a2)
        cls.member = make_user("member", "team", t.county, inspector=t.insp_a3)
        cls.personas = [getattr(cls, name) for name in cls.PERSONAS] + [cls.deputy, cls.member]
        inspection = on_site(t)
        other = stationed_inspection(t, unit=t.unit_health, team=inspection.team)
        category = ProblemCategory.objects.get(committee__isnull=True, code="political")

        def draft(title):
            return problem_draft(actor=t.team, inspection=inspection, data={
                "title": title, "manifestation": "表现", "category": category})

        approved = draft("组务会已通过")
        problem_team_approve(actor=t.team, problem=approved, meeting_on=D(2026, 3, 27),
                             opinion="同意")
        signed = signed_problem(t, inspection)
        cls.problems = [draft("草稿"), approved, signed]

        def clue(name):
            return clue_record(actor=t.team, inspection=inspection, subject_name=name,
                               content="反映问题")

        sealed, transferred, handling, reported, closed = (
            clue(n) for n in ("甲", "乙", "丙", "丁", "戊"))
        for c in (transferred, handling, reported, closed):
            clue_transfer(actor=t.office, clue=c, body="discipline", on=D(2026, 4, 10))
        for c in (handling, reported, closed):
            clue_handle(actor=t.receiver, clue=c, handling="verify")
        for c in (reported, closed):
            clue_report(actor=t.receiver, clue=c, outcome="form1", note="谈话提醒",
                        on=D(2026, 5, 10), close=c is closed)
        org = clue("己")
        clue_transfer(actor=t.office, clue=org, body="organization", on=D(2026, 4, 10))
        cls.clues = [sealed, transferred, handling, reported, closed, org]

        def thematic():
            return report_start(actor=t.team, inspection=inspection, kind=ReportKind.THEMATIC)

        draft_report, submitted, reviewed, returned = (thematic() for _i in range(4))
        for r in (submitted, reviewed, returned):
            report_submit(actor=t.team, report=r)
        report_review(actor=t.office, report=reviewed, comment="", accept=True)
        report_review(actor=t.office, report=returned, comment="补充", accept=False)
        main = approved_report(t, inspection, [signed])
        cls.reports = [draft_report, submitted, reviewed, returned, main]

        inspection.status = InspectionStatus.REPORTING
        inspection.save(update_fields=["status"])
        cls.inspections = [inspection, other]

    def check(self, rule, query, things, name):
        positives = 0
        for user in self.personas:
            for thing in things:
                expected = rule(user=user, **{name: thing})
                found = query(user=user).filter(pk=thing.pk).exists()
                self.assertEqual(expected, found, f"{rule.__name__} {user} {thing}")
                positives += expected
        self.assertGreater(positives, 0, f"{rule.__name__} holds for nobody: a useless test")

    def test_problems_awaiting_signature(self):
        self.check(access.can_sign_problem, access.problems_awaiting_signature, self.problems,
                   "problem")

    def test_clues_awaiting_transfer(self):
        self.check(access.can_transfer_clue, access.clues_awaiting_transfer, self.clues, "clue")

    def test_clues_awaiting_the_receiver(self):
        for rule, query in ((access.clue_awaits_receipt, access.clues_awaiting_receipt),
                            (access.clue_awaits_report, access.clues_awaiting_report),
                            (access.clue_awaits_closure, access.clues_awaiting_closure)):
            self.check(rule, query, self.clues, "clue")

    def test_reports_awaiting_review_and_approval(self):
        self.check(access.can_review_report, access.reports_awaiting_review, self.reports,
                   "report")
        self.check(access.can_approve_report, access.reports_awaiting_approval, self.reports,
                   "report")

    def test_inspections_awaiting_feedback(self):
        self.check(access.can_record_feedback, access.inspections_awaiting_feedback,
                   self.inspections, "inspection")

    def reporting_without_main(self) -> Inspection:
        """The second inspection, its on-site work ended, with no main report."""
        Inspection.objects.filter(pk=self.inspections[1].pk).update(
            status=InspectionStatus.REPORTING)
        return Inspection.objects.get(pk=self.inspections[1].pk)

    def test_inspections_awaiting_main_report(self):
        stationed = Inspection.objects.get(pk=self.inspections[1].pk)
        self.assertFalse(any(  # still stationed: nobody yet, by the rule and by the query
            access.awaits_main_report(user=u, inspection=stationed)
            or access.inspections_awaiting_main_report(user=u).exists()
            for u in self.personas))
        without = self.reporting_without_main()
        self.check(access.awaits_main_report, access.inspections_awaiting_main_report,
                   [self.inspections[0], without], "inspection")
        waiting = {u.username for u in self.personas
                   if access.inspections_awaiting_main_report(user=u).exists()}
        self.assertEqual(waiting, {self.team.username, "deputy"})

    def test_starting_the_main_report_agrees_with_the_service(self):
        """``can_start_main_report`` is whom ``report_start`` lets start the main report."""
        for inspection in (self.inspections[0], self.reporting_without_main()):
            allowed = set()
            for user in self.personas:
                said = access.can_start_main_report(user=user, inspection=inspection)
                try:
                    with transaction.atomic():
                        report_start(actor=user, inspection=inspection, kind=ReportKind.MAIN)
                        raise _Undo
                except _Undo:
                    done = True
                except DomainError:
                    done = False
                self.assertEqual(said, done, f"{user} {inspection}")
                if done:
                    allowed.add(user.username)
            expected = set() if inspection == self.inspections[0] else {self.team.username,
                                                                       "deputy"}
            self.assertEqual(allowed, expected)

    def test_reports_awaiting_redraft(self):
        self.check(access.awaits_redraft, access.reports_awaiting_redraft, self.reports,
                   "report")
        self.assertEqual(list(access.reports_awaiting_redraft(user=self.deputy)),
                         [self.reports[3]])
        self.assertFalse(access.reports_awaiting_redraft(user=self.member).exists())
        self.assertFalse(access.reports_awaiting_redraft(user=self.office).exists())

    def test_who_waits_on_what(self):
        """The positive cases, by name: the rules say what the roles say."""
        sealed, transferred, handling, reported, _closed, org = self.clues
        self.assertEqual(list(access.problems_awaiting_signature(user=self.team)),
                         [self.problems[1]])
        self.assertFalse(access.problems_awaiting_signature(user=self.deputy).exists())
        self.assertEqual(list(access.clues_awaiting_transfer(user=self.office)), [sealed])
        self.assertFalse(access.clues_awaiting_transfer(user=self.office2).exists())
        self.assertEqual(list(access.clues_awaiting_receipt(user=self.receiver)), [transferred])
        self.assertEqual(list(access.clues_awaiting_receipt(user=self.receiver_org)), [org])
        self.assertEqual(list(access.clues_awaiting_report(user=self.receiver)), [handling])
        self.assertEqual(list(access.clues_awaiting_closure(user=self.receiver)), [reported])
        self.assertEqual(list(access.reports_awaiting_review(user=self.office2)),
                         [self.reports[1]])
        self.assertEqual(list(access.reports_awaiting_approval(user=self.leader)),
                         [self.reports[2]])
        self.assertFalse(access.reports_awaiting_approval(user=self.office).exists())
        self.assertEqual(set(access.inspections_awaiting_feedback(user=self.office)),
                         {self.inspections[0]})
        self.assertEqual(set(access.inspections_awaiting_feedback(user=self.deputy)),
                         {self.inspections[0]})
        self.assertFalse(access.inspections_awaiting_feedback(user=self.member).exists())


class ReadingRulesTests(WorldTestCase):
    def test_who_reads_a_sealed_clue(self):
        inspection = on_site(self)
        clue = clue_record(actor=self.team, inspection=inspection, subject_name="某某",
                           content="反映问题")
        readers = {p for p in self.PERSONAS
                   if access.can_read_clue(user=getattr(self, p), clue=clue)}
        self.assertEqual(readers, {"office"})
        clue_transfer(actor=self.office, clue=clue, body="discipline", on=D(2026, 4, 10))
        readers = {p for p in self.PERSONAS
                   if access.can_read_clue(user=getattr(self, p), clue=clue)}
        self.assertEqual(readers, {"office", "receiver"})

    def test_who_watches_the_clue_clocks(self):
        watchers = {p for p in self.PERSONAS
                    if access.can_watch_clue_clocks(user=getattr(self, p))}
        self.assertEqual(watchers, {"office", "receiver", "receiver_org"})
