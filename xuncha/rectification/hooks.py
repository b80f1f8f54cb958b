"""What the rectification app adds: menus, clocks, the inspection panel, the bell, the
periodic sweep and the demo."""

import datetime

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import User
from xuncha.inspections import clocks
from xuncha.inspections.models import Inspection
from xuncha.lib import periodic
from xuncha.web.registry import NavEntry

from .access import (
    can_open_measures,
    can_open_notifications,
    can_open_unit_desk,
    can_see_rectification_clocks,
)
from .demo import demo_step

PLAN_LABEL = _("Rectification plan due")
REPORT_LABEL = _("Rectification report due")


def rectification_deadlines(user: User, today: datetime.date) -> list[clocks.Deadline]:
    from xuncha.inspections.clocks import rectification_due_dates
    from xuncha.inspections.models import InspectionStatus

    from .models import Plan, PlanStatus, RectificationReport, ReportState
    from .selectors import rectification_inspections

    if not can_see_rectification_clocks(user=user):
        return []
    items = []
    qs = rectification_inspections(user=user).filter(
        status__in=[InspectionStatus.FEEDBACK, InspectionStatus.RECTIFYING]).select_related(
        "unit", "team", "committee")
    plans = {p.inspection_id: p for p in Plan.objects.filter(inspection__in=qs)}
    accepted = set(RectificationReport.objects.filter(
        inspection__in=qs, state=ReportState.ACCEPTED).values_list("inspection_id", flat=True))
    for inspection in qs:
        plan_due, report_due = rectification_due_dates(inspection)
        url = reverse("rectification:overview", args=[inspection.pk])
        plan = plans.get(inspection.pk)
        items.append(clocks.finish(clocks.Deadline(
            key="plan", label=PLAN_LABEL, subject=inspection.unit.name, url=url, due=plan_due,
            done=plan is not None and plan.status != PlanStatus.DRAFT), today=today))
        items.append(clocks.finish(clocks.Deadline(
            key="rect_report", label=REPORT_LABEL, subject=inspection.unit.name, url=url,
            due=report_due, done=inspection.pk in accepted), today=today))
    return items


def measure_deadlines(user: User, today: datetime.date) -> list[clocks.Deadline]:
    """Open measures of the liaison's unit (the office sees them in the ledger lists)."""
    from .models import OPEN_MEASURE
    from .selectors import measures_visible_to

    if not can_open_unit_desk(user=user):
        return []
    items = []
    for m in measures_visible_to(user=user).filter(status__in=OPEN_MEASURE).order_by(
            "deadline")[:200]:
        level = clocks.measure_light(due=m.deadline, today=today, done=False)
        items.append(clocks.finish(clocks.Deadline(
            key="measure", label=_("Measure %(n)d") % {"n": m.number}, subject=m.text[:40],
            url=reverse("rectification:measure_detail", args=[m.pk]), due=m.deadline,
            level=level if level != "grey" else "green"), today=today))
    return items


def inspection_section(request: HttpRequest, inspection: Inspection) -> dict | None:
    if inspection.feedback_on is None:
        return None
    return {"template": "rectification/_inspection_section.html",
            "url": reverse("rectification:overview", args=[inspection.pk])}


def liaison_panel(user: User) -> dict | None:
    if not can_open_unit_desk(user=user):
        return None
    from .selectors import rectification_inspections

    return {"template": "rectification/_liaison_panel.html",
            "inspections": list(rectification_inspections(user=user).select_related(
                "unit", "team__round__committee", "round__term"))}


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import unread_notifications

    return {"unread_notifications": unread_notifications(user=user).count()}


def _enqueue_sweep():
    from .tasks import sweep_task

    return sweep_task.enqueue()


NAV = [
    NavEntry("rectification", _("Measures"), "rectification:measure_list", can_open_measures),
    NavEntry("rectification", _("Notifications"), "rectification:notifications",
             can_open_notifications),
]
HOME_PANELS = [liaison_panel]
INSPECTION_SECTIONS = [inspection_section]
DEADLINES = [rectification_deadlines, measure_deadlines]
DEMO_STEPS = [demo_step]
PERIODIC = [periodic.PeriodicJob("rectification-sweep", 60, _enqueue_sweep)]
