"""What the teamwork app adds: its menu entries, the pledges panel of the inspection page,
its steps in the to-do and its part of the demo. No item about a report on a team ever
reaches a team account: its providers ask only the office's and the discipline body's
query forms."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.todo.items import PER_KIND, Clock, TodoItem
from xuncha.web.registry import NavEntry

from .access import (
    appraisals_awaiting_confirmation,
    can_open_conduct_reports,
    can_open_conduct_settings,
    can_open_pledges,
    conduct_reports_awaiting_accountability,
    conduct_reports_awaiting_handling,
    inspections_awaiting_self_check,
    members_awaiting_appraisal,
    members_awaiting_pledge,
    self_found_awaiting_fix,
)
from .demo import demo_step, demo_team_life
from .models import ReportStatus
from .selectors import pledge_exempt, self_found_of, unsigned_members


def pledges_section(request: HttpRequest, inspection: Inspection) -> dict | None:
    """Who has signed the pledge, on the inspection page of the office and the team."""
    user = request.user
    if not isinstance(user, User) or not can_open_pledges(user=user):
        return None
    exempt = pledge_exempt(inspection)
    unsigned = [] if exempt else [m.inspector.cadre.name
                                  for m in unsigned_members(inspection.team)]
    if inspection.status != InspectionStatus.PLANNED and not unsigned:
        return None
    return {"template": "teamwork/_inspection_section.html", "exempt": exempt,
            "unsigned": unsigned,
            "url": reverse("teamwork:team_pledges", args=[inspection.team_id])}


def self_check_section(request: HttpRequest, inspection: Inspection) -> dict | None:
    """The unit's self-check on the inspection page (the team reads it there)."""
    check = getattr(inspection, "self_check", None)
    if check is None and inspection.status != InspectionStatus.PLANNED:
        return None
    problems = list(self_found_of(inspection)) if check else []
    return {"template": "teamwork/_self_check_section.html", "check": check,
            "total": len(problems), "fixed": sum(1 for p in problems if p.fixed),
            "url": reverse("teamwork:self_check", args=[inspection.pk])}


def _self_check_items(user: User, clock: Clock) -> list[TodoItem]:
    """The liaison's self-check report, due by the stationing date, and the fixes of the
    problems the unit found itself."""
    items = []
    for inspection in inspections_awaiting_self_check(user=user).select_related(
            "team__round__committee", "unit").order_by("stationed_on", "pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="self_check", label=gettext("Submit the self-check report"),
            subject=str(inspection), url=reverse("teamwork:self_check", args=[inspection.pk]),
            committee_id=inspection.committee_id, due=inspection.stationed_on,
            level=clock.level(inspection.stationed_on, inspection.committee_id),
            asked_by=gettext("Inspection office"), mine=True, key=f"self_check:{inspection.pk}"))
    for problem in self_found_awaiting_fix(user=user).select_related(
            "inspection__team__round__committee", "inspection__unit").order_by(
            "inspection_id", "number")[:PER_KIND]:
        inspection = problem.inspection
        items.append(TodoItem(
            kind="self_found_fix",
            label=gettext("Fix at once (即知即改) self-found problem %(number)d") % {
                "number": problem.number},
            subject=str(inspection), url=reverse("teamwork:self_check", args=[inspection.pk]),
            committee_id=inspection.committee_id, due=None, level="grey",
            asked_by=inspection.unit.name, mine=True, key=f"self_found_fix:{problem.pk}"))
    return items


def _appraisal_items(user: User) -> list[TodoItem]:
    """The leader's appraisals of the members once the team's work has ended, and the
    office's confirmation of each draft."""
    items = []
    for member in members_awaiting_appraisal(user=user).select_related(
            "team__round__committee", "inspector__cadre").order_by("pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="appraisal_draft",
            label=gettext("Appraisal (综合鉴定) of %(name)s") % {"name": member.inspector.cadre.name},
            subject=f"{member.team.round.name} {member.team.name}",
            url=reverse("teamwork:team_appraisals", args=[member.team_id]),
            committee_id=member.team.round.committee_id, due=None, level="grey",
            asked_by=gettext("Inspection office"), mine=True, key=f"appraisal_draft:{member.pk}"))
    for appraisal in appraisals_awaiting_confirmation(user=user).select_related(
            "team__round", "inspector__cadre", "drafted_by").order_by("pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="appraisal_confirm",
            label=gettext("Confirm the appraisal of %(name)s") % {
                "name": appraisal.inspector.cadre.name},
            subject=f"{appraisal.team.round.name} {appraisal.team.name}",
            url=reverse("teamwork:team_appraisals", args=[appraisal.team_id]),
            committee_id=appraisal.committee_id, due=None, level="grey",
            asked_by=str(appraisal.drafted_by), mine=False,
            key=f"appraisal_confirm:{appraisal.pk}"))
    return items


def teamwork_todo(user: User) -> list[TodoItem]:
    """The liaison's self-check and its fixes; the member's pledge before stationing; the
    office's received reports about teams
    (transfer or conclude) and accountability after a substantiated one; the discipline
    body's transferred reports."""
    clock = Clock()
    items = _self_check_items(user, clock) + _appraisal_items(user)
    for member in members_awaiting_pledge(user=user).select_related(
            "team__round__committee").order_by("pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="pledge_sign", label=gettext("Sign the integrity pledge"),
            subject=f"{member.team.round.name} {member.team.name}",
            url=reverse("teamwork:team_pledges", args=[member.team_id]),
            committee_id=member.team.round.committee_id, due=None, level="grey",
            asked_by=gettext("Inspection office"), mine=True, key=f"pledge_sign:{member.pk}"))
    for report in conduct_reports_awaiting_handling(user=user).select_related(
            "team__round").order_by("received_at", "pk")[:PER_KIND]:
        office = report.status == ReportStatus.RECEIVED
        items.append(TodoItem(
            kind="conduct_report", label=gettext("Handle the report about a team") if office
            else gettext("Conclude the transferred report about a team"),
            subject=f"{report.team.round.name} {report.team.name}",
            url=reverse("teamwork:report_detail", args=[report.pk]),
            committee_id=report.committee_id, due=None, level=clock.level(None),
            asked_by=gettext("Inspection office"), mine=False,
            key=f"conduct_report:{report.pk}"))
    for report in conduct_reports_awaiting_accountability(user=user).select_related(
            "team__round", "inspector__cadre").order_by("pk")[:PER_KIND]:
        items.append(TodoItem(
            kind="inspector_accountability",
            label=gettext("Record the accountability of %(name)s") % {
                "name": report.inspector.cadre.name if report.inspector else ""},
            subject=f"{report.team.round.name} {report.team.name}",
            url=reverse("teamwork:report_detail", args=[report.pk]),
            committee_id=report.committee_id, due=None, level="grey",
            asked_by=gettext("Discipline inspection and supervision commission"), mine=False,
            key=f"inspector_accountability:{report.pk}"))
    return items


def teamwork_todo_queries(user: User) -> list[QuerySet[Any]]:
    return [members_awaiting_pledge(user=user), conduct_reports_awaiting_handling(user=user),
            conduct_reports_awaiting_accountability(user=user),
            inspections_awaiting_self_check(user=user), self_found_awaiting_fix(user=user),
            members_awaiting_appraisal(user=user), appraisals_awaiting_confirmation(user=user)]


NAV = [
    NavEntry("inspections", _("Reports about teams"), "teamwork:report_list",
             can_open_conduct_reports),
    NavEntry("administration", _("Team conduct settings"), "teamwork:settings",
             can_open_conduct_settings),
]
INSPECTION_SECTIONS = [pledges_section, self_check_section]
TODO = [teamwork_todo]
TODO_COUNTS = [teamwork_todo_queries]
DEMO_STEPS = [demo_step, demo_team_life]
