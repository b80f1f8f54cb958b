"""What the findings app adds: the inspection page panel, menu entries, clue clocks."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.accounts.models import User
from xuncha.inspections import clocks
from xuncha.inspections.access import is_liaison_of
from xuncha.inspections.models import Inspection
from xuncha.web.registry import NavEntry

from .access import (
    can_draft_reports,
    can_open_case_files,
    can_open_clues,
    can_open_library,
    can_record_feedback,
    can_record_findings,
    can_watch_clue_clocks,
)
from .demo import demo_step
from .models import ClueStatus, ReportKind
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


NAV = [
    NavEntry("inspections", _("Problem library"), "findings:library", can_open_library),
    NavEntry("clues", _("Clues"), "findings:clue_list", can_open_clues),
]
INSPECTION_SECTIONS = [inspection_section]
DEADLINES = [clue_deadlines]
DEMO_STEPS = [demo_step]
