"""The rules of access.py, and each against its query form, over the world's personas."""

import datetime

from django.utils import timezone

from xuncha.evaluations import access, ballots, selectors, sessions
from xuncha.evaluations.models import Evaluation, PaperSheet, SheetStatus, Status
from xuncha.lib.errors import DomainError, Forbidden, NotFound
from xuncha.lib.testing import WorldTestCase, make_user

LATER = datetime.timedelta(hours=3)


class SessionWorld(WorldTestCase):
    """Sessions in every state in county A, one in county B, and paper sheets in every
    state; two more clerks in county A's office."""

    def setUp(self):
        now = timezone.now()
        self.clerk2 = make_user("clerk2", "office", self.county)
        self.clerk3 = make_user("clerk3", "office", self.county)
        self.draft = self.session(self.office)
        self.open = self.session(self.office, open=True)
        self.overdue = self.session(self.office, open=True)
        Evaluation.objects.filter(pk=self.overdue.pk).update(
            closes_at=now - datetime.timedelta(minutes=5))
        self.overdue.refresh_from_db()
        self.closed = self.session(self.office, open=True)
        sessions.evaluation_close(actor=self.office, evaluation=self.closed)
        self.theirs = self.session(self.other_office, open=True)
        self.sessions = [self.draft, self.open, self.overdue, self.closed, self.theirs]
        kind = self.open.ballot_types.get(code="B")
        marks = self.marks(self.open)
        other = dict(marks)
        other[next(iter(other))] = "average"
        self.waiting = self.enter(self.office, self.open, kind, 1, marks)
        self.enter(self.office, self.open, kind, 2, marks)
        self.agreed = self.enter(self.clerk2, self.open, kind, 2, marks)
        self.enter(self.office, self.open, kind, 3, marks)
        self.mismatch = self.enter(self.clerk2, self.open, kind, 3, other)
        self.waiting_b = self.enter(self.other_office, self.theirs,
                                    self.theirs.ballot_types.get(code="B"), 1,
                                    self.marks(self.theirs))
        self.sheets = [self.waiting, self.agreed, self.mismatch, self.waiting_b]
        self.users = [getattr(self, p) for p in self.PERSONAS] + [self.clerk2, self.clerk3]

    def session(self, office, open=False):
        evaluation = sessions.evaluation_from_seed_template(
            actor=office, meeting_date=datetime.date(2026, 12, 28),
            closes_at=timezone.now() + LATER)
        if open:
            sessions.evaluation_open(actor=office, evaluation=evaluation)
        return evaluation

    def marks(self, evaluation):
        return {o.pk: "fairly_good" for g in evaluation.groups.all() for o in g.members.all()}

    def enter(self, clerk, evaluation, kind, number, marks):
        return ballots.paper_enter(actor=clerk, evaluation=evaluation, ballot_type=kind,
                                   number=number, marks=marks)


class RuleAndQueryTests(SessionWorld):
    def agree(self, rule, query, objects, name):
        for user in self.users:
            for obj in objects:
                obj.refresh_from_db()
                with self.subTest(rule=rule.__name__, user=user.username, obj=obj.pk):
                    self.assertEqual(rule(user=user, **{name: obj}),
                                     query(user=user).filter(pk=obj.pk).exists())

    def test_sessions(self):
        self.agree(access.can_read_session, selectors.evaluations_visible_to, self.sessions,
                   "evaluation")
        self.agree(access.can_manage_session, selectors.evaluations_managed_by, self.sessions,
                   "evaluation")
        self.agree(access.can_enter_paper, access.evaluations_awaiting_entry, self.sessions,
                   "evaluation")
        self.agree(access.awaits_results_from, access.evaluations_awaiting_results,
                   self.sessions, "evaluation")

    def test_sheets(self):
        self.agree(access.can_enter_sheet, access.sheets_awaiting_second_entry, self.sheets,
                   "sheet")
        self.agree(access.can_resolve_sheet, access.sheets_awaiting_resolution, self.sheets,
                   "sheet")

    def test_who_is_waited_on(self):
        self.assertEqual(list(access.evaluations_awaiting_results(user=self.office2)),
                         [self.overdue])
        self.assertEqual(set(access.evaluations_awaiting_entry(user=self.office)),
                         {self.open, self.overdue})
        self.assertFalse(access.evaluations_awaiting_entry(user=self.leader).exists())
        # The first clerk waits on another for the second entry; the two clerks of the
        # disputed sheet wait on a third.
        self.assertFalse(access.sheets_awaiting_second_entry(user=self.office).exists())
        self.assertEqual(list(access.sheets_awaiting_second_entry(user=self.clerk2)),
                         [self.waiting])
        self.assertFalse(access.sheets_awaiting_resolution(user=self.clerk2).exists())
        self.assertEqual(list(access.sheets_awaiting_resolution(user=self.clerk3)),
                         [self.mismatch])
        self.assertEqual(self.agreed.status, SheetStatus.AGREED)

    def test_state_rules(self):
        for evaluation, set_up, codes, close in (
                (self.draft, True, True, False), (self.open, False, True, True),
                (self.closed, False, False, False), (self.theirs, False, False, False)):
            with self.subTest(status=evaluation.status, committee=evaluation.committee_id):
                self.assertEqual(access.can_set_up_session(user=self.office2,
                                                           evaluation=evaluation), set_up)
                self.assertEqual(access.can_open_session(user=self.office2,
                                                         evaluation=evaluation), set_up)
                self.assertEqual(access.can_issue_codes(user=self.office2,
                                                        evaluation=evaluation), codes)
                self.assertEqual(access.can_close_session(user=self.office2,
                                                          evaluation=evaluation), close)
                self.assertFalse(access.can_issue_codes(user=self.leader, evaluation=evaluation))
        self.assertTrue(access.can_create_session(user=self.office2))
        for persona in ("leader", "team", "oversight", "platform"):
            self.assertFalse(access.can_create_session(user=getattr(self, persona)), persona)

    def test_access_is_the_same_404_for_missing_and_forbidden(self):
        self.assertEqual(access.access_session(user=self.leader, pk=self.draft.pk), self.draft)
        for user, pk in ((self.other_office, self.draft.pk), (self.team, self.draft.pk),
                         (self.office, 10**9), (self.office, "x")):
            with self.assertRefused(NotFound, "Not found."):
                access.access_session(user=user, pk=pk)
        with self.assertRefused(NotFound, "Not found."):
            access.access_sheet(user=self.office, evaluation=self.draft, pk=self.waiting.pk)
        self.assertEqual(access.access_sheet(user=self.leader, evaluation=self.open,
                                             pk=self.waiting.pk), self.waiting)


class ServiceRefusalTests(SessionWorld):
    def test_only_the_office_of_the_committee(self):
        message = "Only the office of this committee manages the evaluation."
        for user in (self.leader, self.other_office, self.platform):
            with self.subTest(user=user.username):
                with self.assertRefused(Forbidden, message):
                    sessions.evaluation_open(actor=user, evaluation=self.draft)
                with self.assertRefused(Forbidden, message):
                    sessions.evaluation_close(actor=user, evaluation=self.open)
                with self.assertRefused(Forbidden, message):
                    ballots.codes_generate(actor=user, evaluation=self.open, count=1,
                                           ballot_type=self.open.ballot_types.get(code="A"))
                with self.assertRefused(Forbidden, message):
                    ballots.paper_resolve(actor=user, sheet=self.mismatch, marks={})
        with self.assertRefused(Forbidden, message):
            sessions.evaluation_create(actor=self.leader, title="评议",
                                       meeting_date=datetime.date(2026, 12, 28),
                                       closes_at=timezone.now() + LATER)

    def test_the_state_refuses_with_its_reason(self):
        kind = self.closed.ballot_types.get(code="A")
        with self.assertRefused(DomainError, "The evaluation is closed."):
            ballots.codes_generate(actor=self.office, evaluation=self.closed,
                                   ballot_type=kind, count=1)
        with self.assertRefused(DomainError, "The evaluation is closed."):
            sessions.evaluation_settings(actor=self.office, evaluation=self.closed,
                                         data={"title": "新标题"})
        with self.assertRefused(DomainError, "Only an open evaluation can be closed."):
            sessions.evaluation_close(actor=self.office, evaluation=self.draft)
        with self.assertRefused(DomainError, "Voting has opened: the setup can no longer "
                                "change."):
            sessions.evaluation_open(actor=self.office, evaluation=self.open)
        with self.assertRefused(DomainError, "Paper ballots are entered while the evaluation "
                                "is open."):
            self.enter(self.office, self.draft, self.draft.ballot_types.get(code="A"), 1, {})
        with self.assertRefused(DomainError, "Only a sheet whose entries differ is resolved."):
            ballots.paper_resolve(actor=self.clerk3, sheet=self.waiting, marks={})
        with self.assertRefused(DomainError, code="counted"):
            self.enter(self.clerk3, self.open, self.agreed.ballot_type, 2, self.marks(self.open))
        with self.assertRefused(DomainError, code="same_clerk"):
            self.enter(self.office, self.open, self.waiting.ballot_type, 1,
                       self.marks(self.open))

    def test_a_third_clerk_who_types_the_disputed_sheet_in_stays_free_to_resolve_it(self):
        """#18 item 11: entering a disputed sheet again is refused and adds no entrant, so
        with three office accounts the dispute can be settled."""
        ballot_type, number = self.mismatch.ballot_type, self.mismatch.number
        with self.assertRefused(DomainError, code="disputed"):
            self.enter(self.clerk3, self.open, ballot_type, number, self.marks(self.open))
        self.assertEqual(self.mismatch.entries.count(), 2)
        self.assertTrue(access.can_resolve_sheet(user=self.clerk3, sheet=self.mismatch))
        self.assertIn(self.mismatch, access.sheets_awaiting_resolution(user=self.clerk3))
        sheet = ballots.paper_resolve(actor=self.clerk3, sheet=self.mismatch,
                                      marks=self.marks(self.open))
        self.assertEqual((sheet.status, sheet.resolved_by), (SheetStatus.RESOLVED, self.clerk3))
        self.assertEqual(sheet.entries.count(), 2)
        self.assertFalse(sheet.entries.filter(clerk=self.clerk3).exists())

    def test_a_third_clerk_resolves(self):
        sheet = ballots.paper_resolve(actor=self.clerk3, sheet=self.mismatch,
                                      marks=self.marks(self.open))
        self.assertEqual((sheet.status, sheet.resolved_by), (SheetStatus.RESOLVED, self.clerk3))
        ballots.paper_enter(actor=self.clerk3, evaluation=self.open, ballot_type=sheet.ballot_type,
                            number=1, marks=self.marks(self.open))
        sessions.evaluation_close(actor=self.office2, evaluation=self.open)
        self.open.refresh_from_db()
        self.assertEqual(self.open.status, Status.CLOSED)
        self.assertFalse(PaperSheet.objects.filter(
            evaluation=self.open, status__in=[SheetStatus.WAITING, SheetStatus.MISMATCH]).exists())
