"""The sweep over the real to-do (``xuncha.todo``): the education bureau's rectification,
fed back on Friday 2026-05-08, walked day by day on the working-day calendar (the Labour
Day holidays and their make-up days included)."""

import datetime

from xuncha.inspections.clocks import rectification_due_dates
from xuncha.lib import workdays
from xuncha.notify.models import Reminder
from xuncha.notify.sweep import sweep
from xuncha.rectification import plans
from xuncha.rectification.models import Notification
from xuncha.rectification.sweep import sweep as ledger_sweep
from xuncha.rectification.tests.base import RectificationBase

from .base import D, on


def days(start, end):
    while start <= end:
        yield start
        start += datetime.timedelta(days=1)


class ReturnedPlanTests(RectificationBase):
    def setUp(self):
        super().setUp()
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="方案")
        self.plan = plans.plan_decide(actor=self.office, plan=self.inspection.rectification_plan,
                                      approve=False, note="措施不具体")
        self.key = f"plan_resubmission:{self.plan.pk}"
        self.due = rectification_due_dates(self.inspection)[0]

    def test_the_liaison_is_reminded_and_the_office_told_when_late(self):
        calendar = workdays.Calendar()
        yellow_day = next(d for d in days(D(2026, 5, 9), self.due)
                          if calendar.workdays_between(d, self.due) <= 3)
        first: dict[tuple[str, str, bool], datetime.date] = {}
        red_day = self.due + datetime.timedelta(days=1)
        # From three days before the light turns yellow to the day after it turns red
        # (each run reads 14 to-dos); twice on the days a light changes.
        for day in days(yellow_day - datetime.timedelta(days=3), red_day + datetime.timedelta(
                days=1)):
            with on(day):
                sweep()
                if day in (yellow_day, red_day):
                    sweep()
            for row in Reminder.objects.filter(key=self.key).values_list(
                    "user__username", "level", "escalation"):
                first.setdefault(row, day)
        self.assertEqual(first, {
            ("liaison", "yellow", False): yellow_day,
            ("liaison", "red", False): red_day,
            ("office", "red", True): red_day,
            ("office2", "red", True): red_day,
            ("custodian", "red", True): red_day,
        })
        self.assertEqual(Reminder.objects.filter(key=self.key).count(), 5)
        self.assertEqual(Notification.objects.filter(user=self.liaison).count(), 2)
        # nobody of another committee or another role hears of it
        self.assertFalse(Reminder.objects.filter(key=self.key).exclude(
            user__in=[self.liaison, self.office, self.office2, self.custodian]).exists())

    def test_the_plan_resubmitted_leaves_the_sweep_quiet(self):
        with on(self.due + datetime.timedelta(days=1)):
            sweep()
        plans.plan_submit(actor=self.liaison, inspection=self.inspection, text="方案第二稿")
        before = Reminder.objects.count()
        with on(self.due + datetime.timedelta(days=2)):
            sweep()
        self.assertEqual(Reminder.objects.filter(key=self.key).count(), 4)  # red only
        self.assertEqual(Reminder.objects.count(), before)


class MeasureTests(RectificationBase):
    """A measure's own deadline is the ledger's sweep's: the bell rings once per light."""

    def test_the_ledger_sweep_rings_and_notify_does_not_ring_again(self):
        self.approved_plan()
        measure = self.measure(deadline=D(2026, 7, 31))
        url = f"/rectification/measures/{measure.pk}/"
        for day in (D(2026, 7, 12), D(2026, 7, 21), D(2026, 7, 22), D(2026, 8, 1),
                    D(2026, 8, 2)):
            with on(day):
                ledger_sweep(today=day)
                sweep()
        liaison_bell = Notification.objects.filter(user=self.liaison, url=url)
        self.assertEqual(liaison_bell.count(), 3)  # green, yellow, red: the ledger's
        self.assertEqual(set(Reminder.objects.filter(user=self.liaison).values_list(
            "key", "level")), {(f"measure_evidence:{measure.pk}", "yellow"),
                               (f"measure_evidence:{measure.pk}", "red")})
        self.assertFalse(Reminder.objects.filter(escalation=True,
                                                 key__startswith="measure_evidence").exists())
        # the office hears of it at red through the ledger's sweep
        self.assertEqual(Notification.objects.filter(user=self.office, url=url).count(), 1)
