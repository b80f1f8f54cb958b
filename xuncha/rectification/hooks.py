"""What the rectification app adds: menus, clocks, the inspection panel, the bell, its steps
in the to-do, the periodic sweep and the demo."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import User
from xuncha.inspections import clocks
from xuncha.inspections.models import Inspection
from xuncha.lib import periodic
from xuncha.todo.items import PER_KIND, Clock, TodoItem
from xuncha.web.registry import NavEntry

from .access import (
    can_open_measures,
    can_open_notifications,
    can_open_unit_desk,
    can_see_rectification_clocks,
    inspections_awaiting_closing,
    inspections_awaiting_follow_up,
    inspections_awaiting_notice,
    inspections_awaiting_plan,
    inspections_awaiting_report,
    measures_awaiting_evidence,
    measures_awaiting_rework,
    measures_awaiting_verification,
    plans_awaiting_decision,
    plans_awaiting_resubmission,
    plans_awaiting_review,
    reports_awaiting_acceptance,
    review_side,
    wordings_awaiting_approval,
)
from .demo import demo_step
from .models import Measure

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


_SHOWN = ("inspection__team__round__committee", "inspection__unit", "inspection__committee")


def _overview(inspection_id: int) -> str:
    return reverse("rectification:overview", args=[inspection_id])


def _plan_items(user: User, clock: Clock) -> list[TodoItem]:
    """Each reviewing body's review of the version under review (the office's own first,
    then its decision), and the returned plan's next version."""
    items = []
    reviewing = set()
    for plan in plans_awaiting_review(user=user).select_related(*_SHOWN).order_by(
            "pk")[:PER_KIND]:
        side = review_side(user=user, inspection=plan.inspection)
        reviewing.add(plan.pk)
        items.append(TodoItem(
            kind="plan_review", label=gettext("Review the rectification plan"),
            subject=str(plan.inspection), url=_overview(plan.inspection_id),
            committee_id=plan.inspection.committee_id, due=None, level="grey",
            asked_by=plan.inspection.unit.name, mine=False,
            key=f"plan_review:{plan.pk}:{side}"))
    for plan in plans_awaiting_decision(user=user).select_related(*_SHOWN).order_by(
            "pk")[:PER_KIND]:
        if plan.pk in reviewing:  # the office decides once it has given its own review
            continue
        items.append(TodoItem(
            kind="plan_decision", label=gettext("Approve or return the rectification plan"),
            subject=str(plan.inspection), url=_overview(plan.inspection_id),
            committee_id=plan.inspection.committee_id, due=None, level="grey",
            asked_by=plan.inspection.unit.name, mine=False, key=f"plan_decision:{plan.pk}"))
    for plan in plans_awaiting_resubmission(user=user).select_related(*_SHOWN).order_by(
            "pk")[:PER_KIND]:
        inspection = plan.inspection
        due = (clocks.rectification_due_dates(inspection)[0]
               if inspection.feedback_on is not None else None)
        items.append(TodoItem(
            kind="plan_resubmission",
            label=gettext("Revise and resubmit the returned rectification plan"),
            subject=str(inspection), url=_overview(inspection.pk),
            committee_id=inspection.committee_id, due=due,
            level=clock.level(due, inspection.committee_id),
            asked_by=gettext("Inspection office"), mine=True,
            key=f"plan_resubmission:{plan.pk}"))
    return items


def _liaison_items(user: User, clock: Clock) -> list[TodoItem]:
    """The unit's first plan after the feedback (by the plan clock) and its rectification
    report under the approved plan (by the report clock)."""
    items = []
    steps = ((inspections_awaiting_plan, "plan_submission", 0,
              gettext("Submit the rectification plan")),
             (inspections_awaiting_report, "rectification_report_submission", 1,
              gettext("Submit the rectification report")))
    for query, kind, clock_index, label in steps:
        for inspection in query(user=user).select_related(
                "team__round__committee", "unit", "committee").order_by("pk")[:PER_KIND]:
            due = (clocks.rectification_due_dates(inspection)[clock_index]
                   if inspection.feedback_on is not None else None)
            items.append(TodoItem(
                kind=kind, label=label, subject=str(inspection), url=_overview(inspection.pk),
                committee_id=inspection.committee_id, due=due,
                level=clock.level(due, inspection.committee_id),
                asked_by=gettext("Inspection office"), mine=True,
                key=f"{kind}:{inspection.pk}"))
    return items


def _measure_item(measure: Measure, *, kind: str, label: str, asked_by: str, mine: bool,
                  clock: Clock) -> TodoItem:
    return TodoItem(
        kind=kind, label=label % {"number": measure.number}, subject=str(measure.inspection),
        url=reverse("rectification:measure_detail", args=[measure.pk]),
        committee_id=measure.committee_id, due=measure.deadline,
        level=clock.measure_level(measure.deadline), asked_by=asked_by, mine=mine,
        key=f"{kind}:{measure.pk}")


def _measure_items(user: User, clock: Clock) -> list[TodoItem]:
    """The unit's open measures without evidence and returned ones (its liaison's), and the
    measures marked done awaiting a verifier's 销号 (the office's or the discipline body's)."""
    items = []
    unit_steps = ((measures_awaiting_evidence, "measure_evidence",
                   gettext("Add evidence to measure %(number)d")),
                  (measures_awaiting_rework, "measure_rework",
                   gettext("Rework returned measure %(number)d")))
    for query, kind, label in unit_steps:
        for measure in query(user=user).select_related(*_SHOWN).order_by(
                "deadline", "pk")[:PER_KIND]:
            items.append(_measure_item(measure, kind=kind, label=label, mine=True, clock=clock,
                                       asked_by=str(measure.inspection.team)))
    for measure in measures_awaiting_verification(user=user).select_related(
            *_SHOWN, "done_by").order_by("deadline", "pk")[:PER_KIND]:
        items.append(_measure_item(
            measure, kind="measure_verification", mine=False, clock=clock,
            label=gettext("Verify and close measure %(number)d (销号)"),
            asked_by=str(measure.done_by) if measure.done_by else measure.inspection.unit.name))
    return items


def rectification_todo(user: User) -> list[TodoItem]:
    """The plan, the ledger, the report, the public notice, the follow-up and the closing:
    what waits on the unit's liaison and on each reviewing body."""
    clock = Clock()
    items = _liaison_items(user, clock) + _plan_items(user, clock) + _measure_items(user, clock)
    for report in reports_awaiting_acceptance(user=user).select_related(*_SHOWN).order_by(
            "pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="rectification_report_review",
            label=gettext("Accept or return the rectification report"),
            subject=str(report.inspection), url=_overview(report.inspection_id),
            committee_id=report.inspection.committee_id, due=None, level="grey",
            asked_by=report.inspection.unit.name, mine=False,
            key=f"rectification_report_review:{report.pk}"))
    # The public wording of a problem, before a notice may name it: the office's second look
    # (anyone of it but the writer).
    for wording in wordings_awaiting_approval(user=user).select_related(
            *(f"problem__{name}" for name in _SHOWN), "problem__inspection__committee",
            "written_by").order_by("pk")[:PER_KIND]:
        inspection = wording.problem.inspection
        items.append(TodoItem(
            kind="wording_approval",
            label=gettext("Approve the public wording of problem %(number)s") % {
                "number": wording.problem.number},
            subject=str(inspection), url=_overview(inspection.pk),
            committee_id=inspection.committee_id, due=None, level="grey",
            asked_by=str(wording.written_by), mine=False, key=f"wording_approval:{wording.pk}"))
    steps = ((inspections_awaiting_notice, "notice", gettext("Publish the rectification notice")),
             (inspections_awaiting_follow_up, "follow_up", gettext("Record the follow-up visit")),
             (inspections_awaiting_closing, "inspection_closing",
              gettext("Close the inspection after the follow-up")))
    for query, kind, label in steps:
        for inspection in query(user=user).select_related(
                "team__round__committee", "unit").order_by("pk")[:PER_KIND]:
            items.append(TodoItem(
                kind=kind, label=label, subject=str(inspection), url=_overview(inspection.pk),
                committee_id=inspection.committee_id, due=None, level="grey",
                asked_by=gettext("Inspection office"), mine=False,
                key=f"{kind}:{inspection.pk}"))
    return items


def _enqueue_sweep():
    from .tasks import sweep_task

    return sweep_task.enqueue()


def rectification_todo_queries(user: User) -> list[QuerySet[Any]]:
    """The query forms behind ``rectification_todo``, one per kind (the top bar counts
    them); the office's decision is counted only where it has given its own review."""
    reviewing = plans_awaiting_review(user=user)
    return [inspections_awaiting_plan(user=user), inspections_awaiting_report(user=user),
            reviewing,
            plans_awaiting_decision(user=user).exclude(pk__in=reviewing.values("pk")),
            plans_awaiting_resubmission(user=user), measures_awaiting_evidence(user=user),
            measures_awaiting_rework(user=user), measures_awaiting_verification(user=user),
            reports_awaiting_acceptance(user=user), wordings_awaiting_approval(user=user),
            inspections_awaiting_notice(user=user),
            inspections_awaiting_follow_up(user=user), inspections_awaiting_closing(user=user)]


NAV = [
    NavEntry("rectification", _("Measures"), "rectification:measure_list", can_open_measures),
    NavEntry("rectification", _("Notifications"), "rectification:notifications",
             can_open_notifications),
]
HOME_PANELS = [liaison_panel]
INSPECTION_SECTIONS = [inspection_section]
DEADLINES = [rectification_deadlines, measure_deadlines]
TODO = [rectification_todo]
TODO_COUNTS = [rectification_todo_queries]
DEMO_STEPS = [demo_step]
PERIODIC = [periodic.PeriodicJob("rectification-sweep", 60, _enqueue_sweep)]
