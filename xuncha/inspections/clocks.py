"""Clocks (DESIGN.md "Clocks"): each deadline is computed from the event that starts it, so
moving the event moves the deadline. Apps register providers that list the deadlines a
user should watch (the "my deadlines" page, the home panel and the sweeps use them).

The due-date rules that several apps read (the rectification plan and report after the
feedback, the receiver's report and closing of a transferred clue) are here too, so that
each is computed in one place; this module imports no other app's services.
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import gettext_lazy as _

from xuncha.lib import workdays

from .models import ClockPolicy, WorkdayOverride

if TYPE_CHECKING:
    from xuncha.organizations.models import Committee

    from .models import Inspection

T = TypeVar("T")

#: Yellow when this many working days or fewer are left, for clocks without their own rule.
DEFAULT_YELLOW_WORKDAYS = 3


#: While deadlines are listed (``deadlines_for``), calendars and policies are read once per
#: committee instead of once per inspection (the home page of an office with nine
#: inspections in rectification made 54 queries for them).
_memo: ContextVar[dict[tuple[str, Any], Any] | None] = ContextVar("xuncha_clock_memo",
                                                                   default=None)


def _memoized(key: tuple[str, Any], compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


@contextmanager
def read_once() -> Iterator[None]:
    """Within the block, each committee's calendar and clock policy are read once however
    many deadlines ask for them (listing deadlines, the to-do)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def calendar_for(committee_id: int | None) -> workdays.Calendar:
    """The official calendar with the platform's and the committee's overrides."""
    return _memoized(("calendar", committee_id), lambda: _calendar_for(committee_id))


def _calendar_for(committee_id: int | None) -> workdays.Calendar:
    rows = WorkdayOverride.objects.filter(committee__isnull=True).values_list("date",
                                                                                "is_workday")
    overrides = dict(rows)
    if committee_id:
        overrides.update(WorkdayOverride.objects.filter(committee_id=committee_id)
                         .values_list("date", "is_workday"))
    return workdays.Calendar(overrides=overrides)


def policy_for(committee: "Committee") -> ClockPolicy:
    def compute() -> ClockPolicy:
        policy = ClockPolicy.objects.filter(committee=committee).first()
        return policy or ClockPolicy(committee=committee)

    return _memoized(("policy", getattr(committee, "pk", committee)), compute)


def report_months(committee: "Committee", policy: ClockPolicy | None = None) -> int:
    policy = policy or policy_for(committee)
    if policy.report_months:
        return policy.report_months
    return 2 if committee.is_inspection_level_xunshi else 3


@dataclass
class Deadline:
    key: str
    label: object
    due: datetime.date
    subject: str = ""
    url: str = ""
    done: bool = False
    level: str = "grey"
    days_left: int = 0
    starts: str = ""
    #: the day the step was done, when known: done after ``due`` is flagged late
    done_on: datetime.date | None = None
    late: bool = False


def light(*, due: datetime.date, today: datetime.date, done: bool = False,
          calendar: workdays.Calendar | None = None,
          yellow_workdays: int = DEFAULT_YELLOW_WORKDAYS) -> str:
    """done (blue) / red (overdue) / yellow (few working days left) / green."""
    if done:
        return "done"
    if due < today:
        return "red"
    left = (calendar or workdays.DEFAULT).workdays_between(today, due)
    return "yellow" if left <= yellow_workdays else "green"


def measure_light(*, due: datetime.date, today: datetime.date, done: bool,
                  green_days: int = 20, yellow_days: int = 10) -> str:
    """The rectification ledger's rule: nothing until ``green_days`` left, then green,
    yellow at ``yellow_days``, red when overdue (calendar days, as practised)."""
    if done:
        return "done"
    left = (due - today).days
    if left < 0:
        return "red"
    if left <= yellow_days:
        return "yellow"
    if left <= green_days:
        return "green"
    return "grey"


def finish(deadline: Deadline, *, today: datetime.date,
           calendar: workdays.Calendar | None = None) -> Deadline:
    deadline.days_left = (deadline.due - today).days
    deadline.late = bool(deadline.done and deadline.done_on and deadline.done_on > deadline.due)
    if deadline.level == "grey":
        deadline.level = light(due=deadline.due, today=today, done=deadline.done,
                               calendar=calendar)
    return deadline


# --- providers --------------------------------------------------------------------------

DeadlineProvider = Callable[[Any, datetime.date], list[Deadline]]


def deadlines_for(user: Any, today: datetime.date, *,
                  include_done: bool = False) -> list[Deadline]:
    items: list[Deadline] = []
    from xuncha.web import registry

    with read_once():
        for provider in registry.deadline_providers():
            items.extend(provider(user, today))
    if not include_done:
        items = [d for d in items if not d.done]
    order = {"red": 0, "yellow": 1, "green": 2, "grey": 3, "done": 4}
    return sorted(items, key=lambda d: (order.get(d.level, 5), d.due))


# --- the inspection's own clocks ----------------------------------------------------------


def notice_due(inspection: "Inspection", *, calendar: workdays.Calendar | None = None,
               policy: ClockPolicy | None = None) -> datetime.date:
    """The target is notified this many working days before stationing."""
    calendar = calendar or calendar_for(inspection.committee_id)
    policy = policy or policy_for(inspection.committee)
    return calendar.add_workdays(inspection.stationed_on, -policy.notice_workdays)


NOTICE_LABEL = _("Notify the target before stationing")
INTAKE_LABEL = _("Petition intake closes")


# --- clocks that start at the feedback and at a clue's transfer ----------------------------


def rectification_due_dates(inspection: "Inspection") -> tuple[datetime.date, datetime.date]:
    """(plan due, report due) from the feedback date and the committee's clocks."""
    if inspection.feedback_on is None:
        raise ValueError("the rectification clocks start at the feedback, not given yet")
    calendar = calendar_for(inspection.committee_id)
    policy = policy_for(inspection.committee)
    plan_due = calendar.add_workdays(inspection.feedback_on, policy.plan_workdays)
    report_due = workdays.add_months(inspection.feedback_on,
                                     report_months(inspection.committee, policy))
    return plan_due, report_due


def clue_due_dates(committee: "Committee", on: datetime.date
                   ) -> tuple[datetime.date, datetime.date, datetime.date]:
    """(report due, closing due, closing at the latest) of a clue transferred ``on``, by the
    clocks of the committee whose team found it."""
    policy = policy_for(committee)
    return (workdays.add_months(on, policy.clue_report_months),
            workdays.add_months(on, policy.clue_close_months),
            workdays.add_months(on, policy.clue_close_max_months))
