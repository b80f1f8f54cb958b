"""Reminders and escalation over a simulated calendar with the working-day clocks.

County A's to-do, fed by the tests' own items (``StubTodo``), all due on Friday
2026-10-09, after the National Day holidays (10-01 to 10-07) and the Mid-Autumn Festival
(09-25): three working days before it is Tuesday 09-29, ten calendar days ahead. The
sweep runs every day from 09-20 to 10-12, twice on each day.
"""

import datetime
from unittest import mock

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from xuncha.lib import workdays
from xuncha.lib.testing import WorldTestCase
from xuncha.notify import sweep as notify
from xuncha.notify.models import (
    Delivery,
    DeliveryChannel,
    EmailChoice,
    Preference,
    Reminder,
    Webhook,
    WebhookKind,
)
from xuncha.notify.texts import group_message, person_message
from xuncha.rectification.models import Notification

from .base import D, StubTodo, on

DUE = D(2026, 10, 9)


def days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


class SweepCalendarTests(WorldTestCase):
    def setUp(self):
        self.todo = StubTodo()
        c = self.county.pk
        self.todo.add(self.office2, kind="target_notice", key="target_notice:1", committee_id=c,
                      due=DUE)
        self.todo.add(self.liaison, kind="plan_resubmission", key="plan_resubmission:2",
                      committee_id=c, due=DUE)
        self.todo.add(self.liaison, kind="measure_evidence", key="measure_evidence:3",
                      committee_id=c, due=DUE)
        self.todo.add(self.team, kind="report_review", key="report_review:4", committee_id=c,
                      due=DUE)

    def run_sweep(self, day):
        with on(day):
            return notify.sweep(source=self.todo)

    def reminders(self, **filters):
        return set(Reminder.objects.filter(**filters).values_list(
            "user__username", "key", "level", "escalation"))

    def test_the_working_day_clock_decides_the_yellow_day(self):
        calendar = workdays.Calendar()
        expected = next(d for d in days(D(2026, 9, 20), DUE)
                        if calendar.workdays_between(d, DUE) <= 3)
        self.assertEqual(expected, D(2026, 9, 29))  # a holiday in between: 10 days ahead
        first = {}
        for day in days(D(2026, 9, 20), D(2026, 10, 12)):
            self.run_sweep(day)
            self.run_sweep(day)
            for key, level in Reminder.objects.filter(escalation=False).values_list(
                    "key", "level"):
                first.setdefault((key, level), day)
        keys = ("target_notice:1", "plan_resubmission:2", "measure_evidence:3",
                "report_review:4")
        self.assertEqual(first, {(k, "yellow"): expected for k in keys}
                         | {(k, "red"): D(2026, 10, 10) for k in keys})

    def test_reminders_and_escalation_day_by_day(self):
        for day in days(D(2026, 9, 20), D(2026, 9, 28)):
            self.run_sweep(day)
        self.assertEqual(Reminder.objects.count(), 0)  # green: nothing to say

        result = self.run_sweep(D(2026, 9, 29))  # yellow: each to its own people
        self.assertEqual(result.reminders, 4)
        self.assertEqual(result.escalations, 0)
        self.assertEqual(self.reminders(), {
            ("office2", "target_notice:1", "yellow", False),
            ("liaison", "plan_resubmission:2", "yellow", False),
            ("liaison", "measure_evidence:3", "yellow", False),
            ("team", "report_review:4", "yellow", False)})

        for day in days(D(2026, 9, 30), DUE):  # still yellow: nothing new
            self.assertEqual(self.run_sweep(day).reminders, 0)

        result = self.run_sweep(D(2026, 10, 10))  # overdue: red, and up the chain
        self.assertEqual(result.reminders, 4)
        self.assertEqual(self.reminders(level="red", escalation=True), {
            # the office step to the office head
            ("office", "target_notice:1", "red", True),
            # the liaison's plan to the office (everyone in it)
            ("office", "plan_resubmission:2", "red", True),
            ("office2", "plan_resubmission:2", "red", True),
            ("custodian", "plan_resubmission:2", "red", True)})
        # The measure's own deadline goes up the chain through the ledger's sweep, and a
        # team's step has no chain above it.
        self.assertFalse(Reminder.objects.filter(key__in=["measure_evidence:3",
                                                          "report_review:4"],
                                                 escalation=True).exists())
        for day in days(D(2026, 10, 11), D(2026, 10, 12)):
            self.assertEqual(self.run_sweep(day).reminders, 0)

        bells = dict(Notification.objects.values_list("user__username").annotate(n=Count("pk")))
        # the liaison's bell rings for the plan (yellow, red), not for the measure, which the
        # ledger's sweep rings itself
        self.assertEqual(bells, {"office2": 3, "liaison": 2, "team": 2, "office": 2,
                                 "custodian": 1})
        escalated = Notification.objects.get(user=self.custodian)
        self.assertEqual(escalated.level, "danger")
        self.assertIn("Step plan_resubmission:2", escalated.text)

    def test_sweeping_twice_sends_one_reminder(self):
        for day in (D(2026, 9, 29), D(2026, 9, 29), D(2026, 10, 10), D(2026, 10, 10)):
            self.run_sweep(day)
        self.assertEqual(Reminder.objects.filter(user=self.office2,
                                                 key="target_notice:1").count(), 2)
        rows = Reminder.objects.values("user", "key", "level", "due").annotate(n=Count("pk"))
        self.assertEqual({r["n"] for r in rows}, {1})
        before = Notification.objects.count()
        self.run_sweep(D(2026, 10, 10))
        self.assertEqual(Notification.objects.count(), before)

    def test_the_marks_are_inserted_in_bulk(self):
        for i in range(30):  # many more items: still one insert for the reminders
            self.todo.add(self.office2, kind="target_notice", key=f"target_notice:{100 + i}",
                          committee_id=self.county.pk, due=DUE)
        with CaptureQueriesContext(connection) as ctx:
            result = self.run_sweep(D(2026, 10, 10))
        self.assertEqual(result.reminders, 34)
        inserts = [q["sql"] for q in ctx.captured_queries
                   if q["sql"].startswith("INSERT") and 'INTO "notify_reminder"' in q["sql"]]
        self.assertEqual(len(inserts), 2)  # the own reminders, then the escalations

    def test_a_mark_another_worker_won_is_not_told_again(self):
        """A second worker inserted the office2 mark between this run's read and its insert:
        this run skips it (no bell, no count) and tells the rest."""
        real = Reminder.objects.bulk_create

        def racing(rows, **kwargs):
            for row in rows:
                if row.user_id == self.office2.pk and not row.escalation:
                    Reminder.objects.create(user_id=row.user_id, key=row.key, level=row.level,
                                            due=row.due, run="the-other-worker")
            return real(rows, **kwargs)

        with mock.patch.object(Reminder.objects, "bulk_create", side_effect=racing):
            result = self.run_sweep(D(2026, 9, 29))
        self.assertEqual(result.reminders, 3)
        self.assertFalse(Notification.objects.filter(user=self.office2).exists())
        self.assertEqual(Reminder.objects.filter(user=self.office2).get().run,
                         "the-other-worker")
        self.assertEqual(self.run_sweep(D(2026, 9, 29)).reminders, 0)

    def test_an_item_first_seen_overdue_sends_only_red(self):
        self.run_sweep(D(2026, 10, 12))
        self.assertFalse(Reminder.objects.filter(level="yellow").exists())
        self.assertEqual(Reminder.objects.filter(level="red", escalation=False).count(), 4)

    def test_a_moved_deadline_starts_the_lights_again(self):
        self.run_sweep(D(2026, 9, 29))
        moved = D(2026, 10, 30)
        self.todo.steps[self.office2.pk] = [("target_notice", "target_notice:1",
                                             self.county.pk, moved)]
        self.run_sweep(D(2026, 10, 12))  # green again: nothing for office2
        self.assertFalse(Reminder.objects.filter(key="target_notice:1", level="red").exists())
        self.run_sweep(D(2026, 10, 27))
        self.assertEqual(Reminder.objects.filter(key="target_notice:1", level="yellow").count(), 2)

    def test_a_head_who_holds_the_step_is_told_once(self):
        self.todo.add(self.office, kind="target_notice", key="target_notice:9",
                      committee_id=self.county.pk, due=DUE)
        self.run_sweep(D(2026, 10, 10))
        self.assertEqual(self.reminders(key="target_notice:9"),
                         {("office", "target_notice:9", "red", False)})

    def test_the_jobs_are_declared_for_the_scheduler(self):
        from xuncha.web.registry import periodic_jobs

        jobs = {job.name: job for job in periodic_jobs()}
        self.assertEqual((jobs["notify-reminders"].every_minutes,
                          jobs["notify-digest"].every_minutes), (60, 30))
        with on(D(2026, 10, 10)), self.captureOnCommitCallbacks(execute=True):
            result = jobs["notify-reminders"].enqueue()
            digest = jobs["notify-digest"].enqueue()
        self.assertEqual(result.return_value["errors"], 0)  # the real to-do, read for all
        self.assertEqual(result.return_value["users"], len(self.PERSONAS) - 1)
        self.assertEqual(digest.return_value, {"digests": 0})

    def test_one_failing_to_do_does_not_silence_the_others(self):
        def source(user):
            if user.pk == self.team.pk:
                raise RuntimeError("provider broke")
            return self.todo(user)

        with self.assertLogs("xuncha.notify", "ERROR"), on(D(2026, 9, 29)):
            result = notify.sweep(source=source)
        self.assertEqual(result.errors, 1)
        self.assertEqual(result.reminders, 3)


class SweepChannelsTests(WorldTestCase):
    """What the sweep queues for e-mail and the groups (sending is ``test_email`` and
    ``test_webhooks``)."""

    def setUp(self):
        self.todo = StubTodo()
        c = self.county.pk
        self.todo.add(self.office2, kind="target_notice", key="target_notice:1", committee_id=c,
                      due=DUE)
        self.todo.add(self.office2, kind="stationing", key="stationing:1", committee_id=c,
                      due=D(2026, 11, 20))
        self.todo.add(self.team, kind="report_review", key="report_review:4", committee_id=c,
                      due=DUE)
        from xuncha.inspections.testing import approved_round, staffed_team

        self.team_obj = staffed_team(self, approved_round(self))
        self.office_hook = Webhook.objects.create(
            committee=self.county, name="巡察办工作群", kind=WebhookKind.WECOM,
            url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x", created_by=self.office)
        self.team_hook = Webhook.objects.create(
            committee=self.county, team=self.team_obj, name="三组群", kind=WebhookKind.DINGTALK,
            url="https://oapi.dingtalk.com/robot/send?access_token=y", created_by=self.office)
        Webhook.objects.create(committee=self.county_b, name="清溪", kind=WebhookKind.WECOM,
                               url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=z",
                               created_by=self.other_office)

    def run_sweep(self, day):
        with on(day):
            return notify.sweep(source=self.todo)

    def group_bodies(self, hook):
        return list(Delivery.objects.filter(webhook=hook).order_by("pk").values_list(
            "body", flat=True))

    def test_groups_hear_new_and_overdue_items_once(self):
        self.run_sweep(D(2026, 9, 20))
        self.run_sweep(D(2026, 9, 21))  # nothing new
        self.run_sweep(D(2026, 10, 10))  # one item overdue
        self.run_sweep(D(2026, 10, 10))
        self.assertEqual(self.group_bodies(self.office_hook), [
            group_message(group="东湖区委巡察办", new=2, overdue=0).body,
            group_message(group="东湖区委巡察办", new=0, overdue=1).body])
        self.assertEqual(self.group_bodies(self.team_hook), [
            group_message(group="东湖区委第一巡察组", new=1, overdue=0).body,
            group_message(group="东湖区委第一巡察组", new=0, overdue=1).body])
        self.assertFalse(Delivery.objects.filter(committee=self.county_b).exists())

    def test_each_reminder_e_mail_only_for_those_who_chose_it(self):
        for user in (self.office, self.office2, self.team):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        Preference.objects.create(user=self.office, email=EmailChoice.EACH)
        Preference.objects.create(user=self.office2, email=EmailChoice.EACH)
        Preference.objects.create(user=self.team, email=EmailChoice.DAILY)
        self.run_sweep(D(2026, 9, 29))
        self.run_sweep(D(2026, 10, 10))
        self.run_sweep(D(2026, 10, 10))
        mails = list(Delivery.objects.filter(channel=DeliveryChannel.EMAIL).order_by("pk")
                     .values_list("address", "subject", "body"))
        due_soon = person_message(total=2, overdue=0)
        overdue = person_message(total=2, overdue=1)
        escalated = person_message(total=0, overdue=0, escalated=1)
        self.assertEqual(mails, [
            ("office2@example.org", due_soon.subject, due_soon.body),
            ("office2@example.org", overdue.subject, overdue.body),
            ("office@example.org", escalated.subject, escalated.body)])
