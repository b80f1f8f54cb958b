"""What the findings app adds: the inspection page panel, menu entries, clue clocks and its
steps in the to-do."""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.access import is_office_of
from xuncha.accounts.http import AuthedHttpRequest
from xuncha.accounts.models import User
from xuncha.inspections import clocks
from xuncha.inspections.access import is_liaison_of
from xuncha.inspections.models import Inspection
from xuncha.todo.items import PER_KIND, Clock, TodoItem
from xuncha.web.registry import NavEntry

from .access import (
    can_draft_reports,
    can_open_case_files,
    can_open_clues,
    can_open_library,
    can_record_feedback,
    can_record_findings,
    can_watch_clue_clocks,
    clues_awaiting_closure,
    clues_awaiting_receipt,
    clues_awaiting_report,
    clues_awaiting_transfer,
    inspections_awaiting_feedback,
    inspections_awaiting_main_report,
    problems_awaiting_signature,
    reports_awaiting_approval,
    reports_awaiting_redraft,
    reports_awaiting_review,
)
from .demo import demo_step
from .models import Clue, ClueStatus, ReportKind
from .selectors import clues_visible_to, feedback_visible_to

CLUE_REPORT_LABEL = _("Receiver reports on a transferred clue")
CLUE_CLOSE_LABEL = _("Transferred clue closed")


def inspection_section(request: AuthedHttpRequest,
                       inspection: Inspection) -> dict[str, Any] | None:
    """The inspection page's panel: the working files for the case roles, the feedback for
    the unit's liaison."""
    user = request.user
    if is_liaison_of(user=user, inspection=inspection):
        feedback = feedback_visible_to(user=user).filter(inspection=inspection).first()
        return {"template": "findings/_liaison_section.html", "feedback": feedback}
    if not can_open_case_files(user=user):
        return None
    problems = list(inspection.problems.select_related("category").order_by("sequence"))
    return {
        "template": "findings/_inspection_section.html",
        "activities": inspection.activities.order_by("-held_on", "-pk")[:20],
        "activity_count": inspection.activities.count(),
        "problems": problems,
        "clues": clues_visible_to(user=user).filter(inspection=inspection),
        "reports": inspection.reports.all(),
        "feedback": feedback_visible_to(user=user).filter(inspection=inspection).first(),
        "can_record": can_record_findings(user=user, inspection=inspection),
        "can_start_report": can_draft_reports(user=user, inspection=inspection),
        "can_feedback": can_record_feedback(user=user, inspection=inspection),
        "has_main": inspection.reports.filter(kind=ReportKind.MAIN).exists(),
    }


def clue_deadlines(user: User, today: datetime.date) -> list[clocks.Deadline]:
    if not can_watch_clue_clocks(user=user):
        return []
    items = []
    qs = clues_visible_to(user=user).exclude(status__in=[ClueStatus.SEALED, ClueStatus.CLOSED])
    for clue in qs.select_related("inspection__unit"):
        url = reverse("findings:clue_detail", args=[clue.pk])
        if clue.report_due:
            items.append(clocks.finish(clocks.Deadline(
                key="clue_report", label=CLUE_REPORT_LABEL, subject=clue.number, url=url,
                due=clue.report_due, done=clue.reported_on is not None), today=today))
        if clue.close_due:
            items.append(clocks.finish(clocks.Deadline(
                key="clue_close", label=CLUE_CLOSE_LABEL, subject=clue.number, url=url,
                due=clue.close_due, done=clue.closed_on is not None), today=today))
    return items


#: What the items of an inspection's working files show.
_INSPECTION = ("inspection__team__round__committee", "inspection__unit")


def _team_report_items(user: User) -> list[TodoItem]:
    """The team's leads: the main report once the on-site work ended, and a report the
    office returned."""
    items = []
    for inspection in inspections_awaiting_main_report(user=user).select_related(
            "team__round__committee", "unit").order_by("pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="draft_main_report", label=gettext("Draft the main report"),
            subject=str(inspection), committee_id=inspection.committee_id,
            url=reverse("inspections:inspection_detail", args=[inspection.pk]), due=None,
            level="grey", asked_by=gettext("Inspection office"), mine=True,
            key=f"draft_main_report:{inspection.pk}"))
    for report in reports_awaiting_redraft(user=user).select_related(*_INSPECTION).order_by(
            "pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="redraft_report",
            label=gettext("Revise and resubmit the returned report: %(title)s") % {
                "title": report.title},
            subject=str(report.inspection), committee_id=report.inspection.committee_id,
            url=reverse("findings:report_detail", args=[report.pk]), due=None, level="grey",
            asked_by=gettext("Inspection office"), mine=True,
            key=f"redraft_report:{report.pk}"))
    return items


def _report_items(user: User) -> list[TodoItem]:
    items = _team_report_items(user)
    for report in reports_awaiting_review(user=user).select_related(*_INSPECTION).order_by(
            "pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="report_review",
            label=gettext("Review the report: %(title)s") % {"title": report.title},
            subject=str(report.inspection), committee_id=report.inspection.committee_id,
            url=reverse("findings:report_detail", args=[report.pk]), due=None, level="grey",
            asked_by=str(report.inspection.team), mine=False, key=f"report_review:{report.pk}"))
    for report in reports_awaiting_approval(user=user).select_related(*_INSPECTION).order_by(
            "pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="report_approval",
            label=gettext("Approve the report: %(title)s") % {"title": report.title},
            subject=str(report.inspection), committee_id=report.inspection.committee_id,
            url=reverse("findings:report_detail", args=[report.pk]), due=None, level="grey",
            asked_by=gettext("Inspection office"), mine=False,
            key=f"report_approval:{report.pk}"))
    for inspection in inspections_awaiting_feedback(user=user).select_related(
            "team__round__committee", "unit").order_by("pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="feedback", label=gettext("Record the feedback to the unit"),
            subject=str(inspection), committee_id=inspection.committee_id,
            url=reverse("findings:feedback_create", args=[inspection.pk]), due=None,
            level="grey", asked_by=gettext("Leading group"),
            mine=not is_office_of(user=user, committee_id=inspection.committee_id),
            key=f"feedback:{inspection.pk}"))
    return items


def _clue_item(clue: Clue, *, kind: str, label: str, due: datetime.date | None,
               asked_by: str, clock: Clock) -> TodoItem:
    return TodoItem(
        kind=kind, label=label % {"number": clue.number}, subject=str(clue.inspection),
        url=reverse("findings:clue_detail", args=[clue.pk]), committee_id=clue.committee_id,
        due=due, level=clock.level(due, clue.committee_id), asked_by=asked_by, mine=False,
        key=f"{kind}:{clue.pk}")


def findings_todo(user: User) -> list[TodoItem]:
    """Problem drafts awaiting the leader's signature; the main report to draft and returned
    reports to redraft (the team's leads); reports awaiting the office's review and the
    leading group's approval; the feedback once the report is approved; clues
    awaiting the office head's transfer and the receiver's receipt, report and closing."""
    clock = Clock()
    items = []
    for problem in problems_awaiting_signature(user=user).select_related(*_INSPECTION).order_by(
            "inspection_id", "sequence")[:PER_KIND]:
        items.append(TodoItem(
            kind="problem_signature",
            label=gettext("Sign problem %(number)s: %(title)s") % {
                "number": problem.number, "title": problem.title},
            subject=str(problem.inspection), committee_id=problem.committee_id,
            url=reverse("findings:problem_detail", args=[problem.pk]), due=None, level="grey",
            asked_by=gettext("Team meeting"), mine=True, key=f"problem_signature:{problem.pk}"))
    items += _report_items(user)
    for clue in clues_awaiting_transfer(user=user).select_related(*_INSPECTION).order_by(
            "created_at", "pk")[:PER_KIND]:
        items.append(_clue_item(clue, kind="clue_transfer", label=gettext(
            "Transfer clue %(number)s"), due=None, asked_by=str(clue.inspection.team),
            clock=clock))
    received = (
        (clues_awaiting_receipt, "clue_receipt", gettext("Record how clue %(number)s is handled"),
         "report_due"),
        (clues_awaiting_report, "clue_report", gettext("Report back on clue %(number)s"),
         "report_due"),
        (clues_awaiting_closure, "clue_closure", gettext("Close clue %(number)s"), "close_due"),
    )
    for query, kind, label, clock_field in received:
        for clue in query(user=user).select_related(*_INSPECTION, "transferred_by").order_by(
                clock_field, "pk")[:PER_KIND]:
            items.append(_clue_item(
                clue, kind=kind, label=label, due=getattr(clue, clock_field), clock=clock,
                asked_by=str(clue.transferred_by) if clue.transferred_by else ""))
    return items


def findings_todo_queries(user: User) -> list[QuerySet[Any]]:
    """The query forms behind ``findings_todo``, one per kind (the top bar counts them)."""
    return [problems_awaiting_signature(user=user), inspections_awaiting_main_report(user=user),
            reports_awaiting_redraft(user=user), reports_awaiting_review(user=user),
            reports_awaiting_approval(user=user), inspections_awaiting_feedback(user=user),
            clues_awaiting_transfer(user=user), clues_awaiting_receipt(user=user),
            clues_awaiting_report(user=user), clues_awaiting_closure(user=user)]


NAV = [
    NavEntry("inspections", _("Problem library"), "findings:library", can_open_library),
    NavEntry("clues", _("Clues"), "findings:clue_list", can_open_clues),
]
INSPECTION_SECTIONS = [inspection_section]
DEADLINES = [clue_deadlines]
TODO = [findings_todo]
TODO_COUNTS = [findings_todo_queries]
DEMO_STEPS = [demo_step]
