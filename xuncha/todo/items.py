"""One step that waits on someone (待办), and what the apps' providers build it with.

Each app's ``hooks.py`` declares ``TODO = [provider]``; ``provider(user) -> list[TodoItem]``
lists the steps that wait on ``user`` (or on the body ``user`` speaks for), read only from
the query forms of its ``access.py`` (``rounds_awaiting_approval``, …), so the to-do and the
buttons of the pages never disagree. ``selectors.todo_for`` collects and orders them.

A provider reads each query form once (``select_related`` what its items show, at most
``PER_KIND`` rows) and dates each item by the clocks of ``xuncha.inspections.clocks``, the
same the deadline providers use; ``Clock`` reads each committee's calendar and clock policy
once per call.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.inspections import clocks
from xuncha.inspections.models import ClockPolicy
from xuncha.lib import workdays

if TYPE_CHECKING:
    from xuncha.organizations.models import Committee

#: At most this many items of one kind per person: the to-do leads to the step, the lists
#: of the apps (filtered by status) hold the rest.
PER_KIND = 200

#: The lights of ``TodoItem.level``: overdue, due soon, on time, no clock.
LEVELS = {"red": _("Overdue"), "yellow": _("Due soon"), "green": _("On time"),
          "grey": _("No deadline")}


@dataclass(frozen=True)
class TodoItem:
    """A step that waits on a person (``mine``) or on the body they belong to.

    ``kind`` names the step (``plan_review``); ``label`` says what to do, in the active
    language; ``subject`` is the inspection, unit or session it concerns; ``url`` opens the
    page where the step is taken; ``due`` and ``level`` (green, yellow, red, grey) are its
    clock and light; ``asked_by`` is the person or body whose step put it there; ``key``
    names the step and its object, unique and stable (``"plan_review:12:discipline"``).
    """

    kind: str
    label: str
    subject: str
    url: str
    committee_id: int | None
    due: datetime.date | None
    level: str
    asked_by: str
    mine: bool
    key: str

    @property
    def overdue(self) -> bool:
        return self.level == "red"


class Clock:
    """Today, and the lights of due dates, for one provider call. Calendars and policies come
    from ``clocks``, which reads each committee's once while ``todo_for`` runs the providers
    (``clocks.read_once``)."""

    def __init__(self, today: datetime.date | None = None) -> None:
        self.today = today or timezone.localdate()

    def calendar(self, committee_id: int | None) -> workdays.Calendar:
        return clocks.calendar_for(committee_id)

    def policy(self, committee: "Committee") -> ClockPolicy:
        return clocks.policy_for(committee)

    def level(self, due: datetime.date | None, committee_id: int | None = None) -> str:
        """``clocks.light`` on the committee's calendar; grey without a due date."""
        if due is None:
            return "grey"
        return clocks.light(due=due, today=self.today, calendar=self.calendar(committee_id))

    def measure_level(self, due: datetime.date) -> str:
        """The ledger's rule (``clocks.measure_light``); far-off measures are on time."""
        level = clocks.measure_light(due=due, today=self.today, done=False)
        return "green" if level == "grey" else level

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        return timezone.localtime(moment).date()
