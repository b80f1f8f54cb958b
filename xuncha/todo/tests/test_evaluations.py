"""述职评议: an open session takes the office's paper entries; a sheet entered once waits on
any other clerk, a sheet whose entries differ on a third; a session past its closing time
waits to be closed."""

import datetime

from xuncha.evaluations import ballots, sessions
from xuncha.todo.selectors import todo_for

from .base import NOW, OFFICE_A, TodoBase

LATER = datetime.timedelta(hours=3)


class EvaluationTests(TodoBase):
    def setUp(self):
        super().setUp()
        self.evaluation = sessions.evaluation_from_seed_template(
            actor=self.office, meeting_date=datetime.date(2026, 6, 1), closes_at=NOW + LATER)
        self.kind = self.evaluation.ballot_types.get(code="B")

    def marks(self, grade="fairly_good"):
        return {o.pk: grade for g in self.evaluation.groups.all() for o in g.members.all()}

    def enter(self, clerk, number, marks):
        return ballots.paper_enter(actor=clerk, evaluation=self.evaluation,
                                   ballot_type=self.kind, number=number, marks=marks)

    def test_sheets_wait_on_the_second_and_the_third_clerk(self):
        pk = self.evaluation.pk
        self.assertNobodyHas("evaluation_")  # being prepared: nothing to enter yet
        sessions.evaluation_open(actor=self.office, evaluation=self.evaluation)
        self.assertHolders(f"evaluation_entry:{pk}", OFFICE_A)
        self.assertEqual(self.todo(self.office2)[f"evaluation_entry:{pk}"].due, NOW.date())
        sheet = self.enter(self.office, 1, self.marks())
        self.assertHolders(f"sheet_entry:{sheet.pk}", {"office2", "custodian"})
        self.enter(self.office2, 1, self.marks())
        self.assertNobodyHas("sheet_")
        self.enter(self.office, 2, self.marks())
        other = self.marks()
        other[next(iter(other))] = "average"
        disputed = self.enter(self.office2, 2, other)
        self.assertNobodyHas("sheet_entry:")
        self.assertHolders(f"sheet_resolution:{disputed.pk}", {"custodian"})
        item = self.todo(self.custodian)[f"sheet_resolution:{disputed.pk}"]
        self.assertEqual(item.url, f"/evaluations/{pk}/paper/{disputed.pk}/")
        ballots.paper_resolve(actor=self.custodian, sheet=disputed, marks=self.marks())
        self.assertNobodyHas("sheet_")
        self.assertNobodyHas("evaluation_results:")
        self.travel(NOW + LATER + datetime.timedelta(minutes=1))
        self.assertHolders(f"evaluation_results:{pk}", OFFICE_A)
        sessions.evaluation_close(actor=self.office2, evaluation=self.evaluation)
        self.assertNobodyHas("evaluation_")
        self.assertEqual([i.kind for i in todo_for(user=self.other_office)], [])
