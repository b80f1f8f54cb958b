"""What the inspections app adds to the shell: menu entries, the home panel, its clocks and
its steps in the to-do."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.access import is_office_of
from xuncha.accounts.models import User
from xuncha.lib.workdays import Calendar
from xuncha.todo.items import PER_KIND, Clock, TodoItem
from xuncha.web.registry import NavEntry

from . import clocks
from .access import (
    can_open_calendar,
    can_open_deadlines,
    can_open_inspections,
    can_open_planning,
    can_open_rounds,
    can_watch_inspection_clocks,
    inspections_awaiting_notification,
    inspections_awaiting_stationing,
    inspections_ready_for_onsite,
    inspections_ready_for_reporting,
    rounds_awaiting_approval,
    rounds_awaiting_rework,
)
from .demo import demo_step
from .models import Inspection, InspectionStatus
from .selectors import inspections_visible_to


def inspection_deadlines(user: User, today: datetime.date) -> list[clocks.Deadline]:
    """Notice and petition-intake clocks of the inspections the user works on."""
    if not can_watch_inspection_clocks(user=user):
        return []
    items = []
    qs = (inspections_visible_to(user=user)
          .filter(status__in=[InspectionStatus.PLANNED, InspectionStatus.STATIONED,
                              InspectionStatus.ON_SITE])
          .select_related("unit", "team__round__committee", "committee"))
    calendars: dict[int, Calendar] = {}
    for inspection in qs:
        calendar = calendars.setdefault(inspection.committee_id,
                                        clocks.calendar_for(inspection.committee_id))
        url = reverse("inspections:inspection_detail", args=[inspection.pk])
        subject = str(inspection)
        if inspection.status == InspectionStatus.PLANNED and not inspection.notified_on:
            items.append(clocks.finish(clocks.Deadline(
                key="notice", label=clocks.NOTICE_LABEL, subject=subject, url=url,
                due=clocks.notice_due(inspection, calendar=calendar)), today=today,
                calendar=calendar))
        if inspection.status in (InspectionStatus.STATIONED, InspectionStatus.ON_SITE):
            items.append(clocks.finish(clocks.Deadline(
                key="intake", label=clocks.INTAKE_LABEL, subject=subject, url=url,
                due=inspection.petition_deadline), today=today, calendar=calendar))
    return items


def deadlines_panel(user: User) -> dict[str, object] | None:
    if not can_open_deadlines(user=user):
        return None
    items = clocks.deadlines_for(user, timezone.localdate())
    return {"template": "inspections/_deadlines_panel.html", "deadlines": items[:8],
            "total": len(items)}


def _round_items(user: User) -> list[TodoItem]:
    items = []
    steps = ((rounds_awaiting_approval, "round_approval", gettext("Approve the round plan"),
              gettext("Inspection office")),
             (rounds_awaiting_rework, "round_rework",
              gettext("Revise and resubmit the returned round plan"), gettext("Leading group")))
    for query, kind, label, asked_by in steps:
        for r in query(user=user).select_related("committee", "term").order_by(
                "planned_start", "pk")[:PER_KIND]:
            items.append(TodoItem(
                kind=kind, label=label, subject=str(r), committee_id=r.committee_id,
                url=reverse("inspections:round_detail", args=[r.pk]), due=None, level="grey",
                asked_by=asked_by, mine=False, key=f"{kind}:{r.pk}"))
    return items


def _inspection_item(user: User, inspection: Inspection, *, kind: str, label: str, url: str,
                     clock: Clock, due: datetime.date | None = None,
                     asked_by: str = "") -> TodoItem:
    """A step of the office or the team's leaders: the leaders' own (``mine``), the
    office's as a body."""
    return TodoItem(
        kind=kind, label=label, subject=str(inspection), url=url,
        committee_id=inspection.committee_id, due=due,
        level=clock.level(due, inspection.committee_id), asked_by=asked_by,
        mine=not is_office_of(user=user, committee_id=inspection.committee_id),
        key=f"{kind}:{inspection.pk}")


def inspection_todo(user: User) -> list[TodoItem]:
    """Rounds awaiting the leading group or the office's rework; the notice before
    stationing, the stationing, the start of the on-site work and of reporting."""
    clock = Clock()
    items = _round_items(user)
    related = ("team__round__committee", "unit", "committee")
    office = gettext("Inspection office")
    for inspection in inspections_awaiting_notification(user=user).select_related(
            *related).order_by("stationed_on", "pk")[:PER_KIND]:
        due = clocks.notice_due(inspection, calendar=clock.calendar(inspection.committee_id),
                                policy=clock.policy(inspection.committee))
        items.append(_inspection_item(
            user, inspection, kind="target_notice", label=str(clocks.NOTICE_LABEL),
            url=reverse("inspections:inspection_edit", args=[inspection.pk]), clock=clock,
            due=due, asked_by=office))
    for inspection in inspections_awaiting_stationing(user=user).select_related(
            *related).order_by("stationed_on", "pk")[:PER_KIND]:
        items.append(_inspection_item(
            user, inspection, kind="stationing",
            label=gettext("Hold the mobilization meeting and station the team"),
            url=reverse("inspections:inspection_detail", args=[inspection.pk]), clock=clock,
            due=inspection.stationed_on, asked_by=office))
    # The on-site work begins on the stationing date and ends on the last day of the period.
    later = ((inspections_ready_for_onsite, "onsite_start", gettext("Begin the on-site work"),
              "stationed_on"),
             (inspections_ready_for_reporting, "reporting_start",
              gettext("Close the on-site work and begin reporting"), "period_end"))
    for query, kind, label, due_field in later:
        for inspection in query(user=user).select_related(*related).order_by(
                due_field, "pk")[:PER_KIND]:
            items.append(_inspection_item(
                user, inspection, kind=kind, label=label, clock=clock,
                due=getattr(inspection, due_field),
                url=reverse("inspections:inspection_detail", args=[inspection.pk])))
    return items


def inspection_todo_queries(user: User) -> list[QuerySet[Any]]:
    """The query forms behind ``inspection_todo``, one per kind (the top bar counts them)."""
    return [rounds_awaiting_approval(user=user), rounds_awaiting_rework(user=user),
            inspections_awaiting_notification(user=user),
            inspections_awaiting_stationing(user=user), inspections_ready_for_onsite(user=user),
            inspections_ready_for_reporting(user=user)]


NAV = [
    NavEntry("inspections", _("My deadlines"), "inspections:my_deadlines", can_open_deadlines),
    NavEntry("inspections", _("Inspections"), "inspections:inspection_list", can_open_inspections),
    NavEntry("inspections", _("Rounds and teams"), "inspections:round_list", can_open_rounds),
    NavEntry("inspections", _("Coverage"), "inspections:coverage", can_open_planning),
    NavEntry("inspections", _("Timeline"), "inspections:timeline", can_open_planning),
    NavEntry("inspections", _("Inspector load"), "inspections:inspector_load", can_open_planning),
    NavEntry("administration", _("Calendar and clocks"), "inspections:calendar",
             can_open_calendar),
]
HOME_PANELS = [deadlines_panel]
DEADLINES = [inspection_deadlines]
TODO = [inspection_todo]
TODO_COUNTS = [inspection_todo_queries]
DEMO_STEPS = [demo_step]
