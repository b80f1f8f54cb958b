"""What the inspections app adds to the shell: menu entries, the home panel and its clocks."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import User
from xuncha.lib.workdays import Calendar
from xuncha.web.registry import NavEntry

from . import clocks
from .access import (
    can_open_calendar,
    can_open_deadlines,
    can_open_inspections,
    can_open_planning,
    can_open_rounds,
    can_watch_inspection_clocks,
)
from .demo import demo_step
from .models import InspectionStatus
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
DEMO_STEPS = [demo_step]
