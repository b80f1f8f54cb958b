"""What the inspections app adds to the shell: menu entries, the home panel and its clocks."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.roles import Role
from xuncha.web import context, home

from . import clocks
from .models import InspectionStatus
from .selectors import inspections_visible_to

CASE = (Role.OFFICE, Role.LEADERSHIP, Role.TEAM)


def inspection_deadlines(user, today: datetime.date) -> list[clocks.Deadline]:
    """Notice and petition-intake clocks of the inspections the user works on."""
    if user.role not in CASE:
        return []
    items = []
    qs = (inspections_visible_to(user=user)
          .filter(status__in=[InspectionStatus.PLANNED, InspectionStatus.STATIONED,
                              InspectionStatus.ON_SITE])
          .select_related("unit", "team__round__committee", "committee"))
    calendars: dict[int, object] = {}
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


def deadlines_panel(user):
    if not user.role:
        return None
    from django.utils import timezone

    items = clocks.deadlines_for(user, timezone.localdate())
    return {"template": "inspections/_deadlines_panel.html", "deadlines": items[:8],
            "total": len(items)}


def _forget_public_code(sender, instance, **kwargs) -> None:
    from .selectors import forget_public_code

    forget_public_code(instance.public_code)


def install() -> None:
    from django.db.models.signals import post_save

    from .models import Inspection

    post_save.connect(_forget_public_code, sender=Inspection,
                      dispatch_uid="inspections.forget_public_code")
    from xuncha.web.demo import DEMO_STEPS

    from .demo import demo_step

    if demo_step not in DEMO_STEPS:
        DEMO_STEPS.append(demo_step)
    clocks.register(inspection_deadlines)
    home.register_panel(deadlines_panel)
    section = _("Inspections")
    context.register(section, context.NavItem(_("My deadlines"), "inspections:my_deadlines",
                                              tuple(Role.values)), position=1)
    context.register(section, context.NavItem(_("Inspections"), "inspections:inspection_list",
                                              (*CASE, Role.LIAISON)))
    context.register(section, context.NavItem(_("Rounds and teams"), "inspections:round_list",
                                              CASE))
    context.register(section, context.NavItem(_("Coverage"), "inspections:coverage",
                                              (Role.OFFICE, Role.LEADERSHIP)))
    context.register(section, context.NavItem(_("Timeline"), "inspections:timeline",
                                              (Role.OFFICE, Role.LEADERSHIP)))
    context.register(section, context.NavItem(_("Inspector load"), "inspections:inspector_load",
                                              (Role.OFFICE, Role.LEADERSHIP)))
    context.register(_("Administration"), context.NavItem(
        _("Calendar and clocks"), "inspections:calendar", (Role.OFFICE,), platform=True))
