"""Pages of a team's appraisals (综合鉴定) and of its temporary party branch (临时党支部),
and an inspector's record of appraisals with its .docx export."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xuncha.accounts.http import AuthedHttpRequest
from xuncha.inspections.access import access_member, access_team
from xuncha.inspections.models import Team
from xuncha.inspections.views.common import step
from xuncha.lib.errors import NotFound
from xuncha.web.access import allow_if
from xuncha.web.responses import docx_response

from . import access, appraisals, branches, export
from . import selectors as sel
from .forms import AppraisalForm, MeetingForm, SecretaryForm


@allow_if(access.can_open_appraisals)
def team_appraisals_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = access_team(user=request.user, pk=pk)
    user = request.user
    visible = {a.member_id: a for a in sel.appraisals_visible_to(user=user).filter(team=team)}
    grades = sel.grades_of(team.round.committee)
    rows = []
    for member in team.members.select_related("inspector__cadre").order_by("position", "pk"):
        appraisal = visible.get(member.pk)
        can_draft = access.can_draft_appraisal(user=user, member=member)
        if appraisal is None and not can_draft:
            continue  # peers never see each other's appraisals
        rows.append({"member": member, "appraisal": appraisal, "can_draft": can_draft,
                     "form": AppraisalForm(grades=grades, initial={
                         "grade": appraisal.grade if appraisal else grades[0],
                         "text": appraisal.text if appraisal else ""}),
                     "can_confirm": appraisal is not None and access.can_confirm_appraisal(
                         user=user, appraisal=appraisal),
                     "can_send": appraisal is not None and access.can_send_appraisal(
                         user=user, appraisal=appraisal)})
    return render(request, "teamwork/team_appraisals.html", {
        "team": team, "rows": rows, "ended": access.team_has_ended(team)})


def _back(team_id: int) -> str:
    return reverse("teamwork:team_appraisals", args=[team_id])


@allow_if(access.can_open_appraisals)
@require_POST
def appraisal_draft_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    member = access_member(user=request.user, pk=pk)
    form = AppraisalForm(request.POST, grades=sel.grades_of(member.team.round.committee))
    return step(request, lambda d: appraisals.appraisal_draft(
        actor=request.user, member=member, grade=d["grade"], text=d["text"]),
        back=_back(member.team_id), form=form, success=_("The appraisal is drafted."))


def _member_appraisal(request: AuthedHttpRequest, pk: int):
    member = access_member(user=request.user, pk=pk)
    appraisal = sel.appraisals_visible_to(user=request.user).filter(member=member).first()
    return member, appraisal


@allow_if(access.can_open_appraisals)
@require_POST
def appraisal_confirm_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    member, appraisal = _member_appraisal(request, pk)
    form = AppraisalForm(request.POST, grades=sel.grades_of(member.team.round.committee))

    def confirm(d):
        if appraisal is None:
            raise NotFound()
        return appraisals.appraisal_confirm(actor=request.user, appraisal=appraisal,
                                            grade=d["grade"], text=d["text"])
    return step(request, confirm, back=_back(member.team_id), form=form,
                success=_("The appraisal is confirmed into the inspector's record."))


@allow_if(access.can_open_appraisals)
@require_POST
def appraisal_send_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    member, appraisal = _member_appraisal(request, pk)

    def send(d):
        if appraisal is None:
            raise NotFound()
        return appraisals.appraisal_send(actor=request.user, appraisal=appraisal)
    return step(request, send, back=_back(member.team_id),
                success=_("The appraisal is sent to the organization department."))


@allow_if(access.can_open_appraisals)
def inspector_record_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspector = access.access_appraisal_inspector(user=request.user, pk=pk)
    return render(request, "teamwork/inspector_record.html", {
        "inspector": inspector,
        "appraisals": sel.appraisals_visible_to(user=request.user).filter(
            inspector=inspector).order_by("-team__round__planned_start"),
        "accountabilities": sel.accountabilities_visible_to(user=request.user).filter(
            inspector=inspector)})


@allow_if(access.can_open_appraisals)
def inspector_record_docx_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inspector = access.access_appraisal_inspector(user=request.user, pk=pk)
    records = list(sel.appraisals_visible_to(user=request.user).filter(
        inspector=inspector).order_by("team__round__planned_start"))
    return docx_response(export.appraisals_docx(inspector, records),
                         f"{inspector.cadre.name}-综合鉴定.docx")


# --- the branch ---------------------------------------------------------------------------


def _branch(team: Team):
    branch = sel.branch_of(team)
    if branch is None:  # every team has one from its forming (and the migration)
        raise Http404
    return branch


@allow_if(access.can_open_branch)
def branch_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = access_team(user=request.user, pk=pk)
    branch = _branch(team)
    inspectors = sel.inspectors_of_team(team)
    return render(request, "teamwork/branch.html", {
        "team": team, "branch": branch, "meetings": sel.meetings_of(branch),
        "members": team.members.select_related("inspector__cadre").order_by("position", "pk"),
        "can_manage": access.can_manage_branch(user=request.user, branch=branch),
        "can_record": access.can_record_meeting(user=request.user, branch=branch),
        "secretary_form": SecretaryForm(inspectors=inspectors,
                                        initial={"secretary": branch.secretary_id}),
        "meeting_form": MeetingForm(inspectors=inspectors)})


@allow_if(access.can_open_branch)
@require_POST
def branch_secretary_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = access_team(user=request.user, pk=pk)
    branch = _branch(team)
    return step(request, lambda d: branches.branch_set_secretary(
        actor=request.user, branch=branch, secretary=d["secretary"]),
        back=reverse("teamwork:branch", args=[pk]),
        form=SecretaryForm(request.POST, inspectors=sel.inspectors_of_team(team)),
        success=_("The branch's secretary is named."))


@allow_if(access.can_open_branch)
@require_POST
def meeting_record_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team = access_team(user=request.user, pk=pk)
    branch = _branch(team)
    return step(request, lambda d: branches.meeting_record(
        actor=request.user, branch=branch, kind=d["kind"], held_on=d["held_on"],
        topic=d["topic"], attendees=d["attendees"], minutes=d["minutes"]),
        back=reverse("teamwork:branch", args=[pk]),
        form=MeetingForm(request.POST, inspectors=sel.inspectors_of_team(team)),
        success=_("The meeting is recorded."))
