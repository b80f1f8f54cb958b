"""Activities, problems, clues, reports and feedback: the rules of 问题底稿 and 移交."""

import datetime
import string
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.access import is_office_head_of, is_office_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import ReceiverBody, Role
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.inspections import clocks
from xuncha.inspections.access import (
    can_manage_inspection_or_lead,
    is_team_lead,
    is_team_leader,
    is_team_member,
)
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.services import inspection_move
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.lib.workdays import add_months

from .models import (
    Activity,
    ActivityKind,
    Clue,
    ClueHandling,
    ClueStatus,
    Feedback,
    FourForms,
    NumberingPolicy,
    Problem,
    ProblemCategory,
    ProblemStatus,
    Report,
    ReportComment,
    ReportKind,
    ReportStatus,
    ReportVersion,
    Responsibility,
)

ACTIVITY_FIELDS = ("kind", "held_on", "title", "interviewee", "interviewee_name", "location",
                   "record", "participants", "questionnaires_sent", "questionnaires_returned",
                   "satisfaction")
PROBLEM_FIELDS = ("title", "manifestation", "basis", "category", "responsibility",
                  "persons_text", "found_on", "found_by", "immediate")
ON_SITE = (InspectionStatus.STATIONED, InspectionStatus.ON_SITE, InspectionStatus.REPORTING)
FEEDBACK_RECIPIENTS = ("分管领导", "纪委监委", "组织部", "主管部门")
FOUR_FORMS_VALUES = tuple(FourForms.values)


# --- who may do what ------------------------------------------------------------------------


def _require_member(user, inspection: Inspection) -> None:
    if not is_team_member(user=user, inspection=inspection):
        raise Forbidden(_("Only members of the inspection team may do this."))


def _require_on_site(inspection: Inspection) -> None:
    if inspection.status not in ON_SITE:
        raise DomainError(_("This can only be done while the team is stationed or reporting."))


# --- activities ---------------------------------------------------------------------------


def _validate_activity(activity: Activity, interviewers: list) -> None:
    if not activity.title.strip():
        raise DomainError(_("Give the subject of the activity."), field="title")
    inspection = activity.inspection
    if activity.held_on < inspection.stationed_on or activity.held_on > max(
            inspection.period_end, timezone.localdate()):
        raise DomainError(_("The date must fall within the inspection."), field="held_on")
    if activity.kind == ActivityKind.TALK:
        if activity.interviewee_id is None and not activity.interviewee_name.strip():
            raise DomainError(_("Name the person interviewed."), field="interviewee")
        if len(set(interviewers)) < 2:
            raise DomainError(_("An individual talk is held by two members of the team."),
                              field="interviewers")
    team_inspectors = set(inspection.team.members.values_list("inspector_id", flat=True))
    if any(i.pk not in team_inspectors for i in interviewers):
        raise DomainError(_("Interviewers must be members of the team."), field="interviewers")
    if activity.kind == ActivityKind.QUESTIONNAIRE and activity.questionnaires_returned and (
            activity.questionnaires_sent is None
            or activity.questionnaires_returned > activity.questionnaires_sent):
        raise DomainError(_("More questionnaires returned than handed out."),
                          field="questionnaires_returned")


@transaction.atomic
def activity_record(*, actor, inspection: Inspection, data: dict[str, Any],
                    interviewers: list | None = None, signed_record=None) -> Activity:
    _require_member(actor, inspection)
    _require_on_site(inspection)
    interviewers = list(interviewers or [])
    activity = Activity(inspection=inspection, created_by=actor)
    for name in ACTIVITY_FIELDS:
        if name in data and data[name] is not None:
            setattr(activity, name, data[name])
    _validate_activity(activity, interviewers)
    if signed_record is not None:
        _check_upload(signed_record)
        activity.signed_record = signed_record
        activity.signed_record_name = signed_record.name[:200]
    activity.save()
    activity.interviewers.set(interviewers)
    event_record(actor=actor, action="activity.record", obj=activity,
                 changes=diff({}, snapshot(activity, ("kind", "held_on", "title"))),
                 params={"interviewers": [i.pk for i in interviewers]})
    return activity


@transaction.atomic
def activity_attach_record(*, actor, activity: Activity, signed_record) -> Activity:
    _require_member(actor, activity.inspection)
    _check_upload(signed_record)
    activity.signed_record = signed_record
    activity.signed_record_name = signed_record.name[:200]
    activity.save(update_fields=["signed_record", "signed_record_name"])
    event_record(actor=actor, action="activity.attach_record", obj=activity,
                 params={"name": activity.signed_record_name})
    return activity


ALLOWED_UPLOADS = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".txt"}
MAX_UPLOAD = 20 * 1024 * 1024


def _check_upload(upload) -> None:
    name = (upload.name or "").lower()
    if not any(name.endswith(ext) for ext in ALLOWED_UPLOADS):
        raise DomainError(_("Upload a PDF, image, Word, Excel or text file."), field="file")
    if upload.size > MAX_UPLOAD:
        raise DomainError(_("The file is larger than 20 MB."), field="file")


# --- problems -------------------------------------------------------------------------------


def categories_for(committee) -> list[ProblemCategory]:
    own = list(ProblemCategory.objects.filter(committee=committee, active=True))
    return own or list(ProblemCategory.objects.filter(committee__isnull=True, active=True))


def _numbering(committee) -> NumberingPolicy:
    return NumberingPolicy.objects.filter(committee=committee).first() or NumberingPolicy(
        committee=committee)


def _format_number(pattern: str, *, inspection: Inspection, seq: int, committee) -> str:
    policy = _numbering(committee)
    abbr = policy.abbreviation or committee.short_name.removesuffix("委")[:4]
    values = {"year": inspection.period_start.year, "abbr": abbr,
              "round": inspection.round.number, "team": inspection.team.number, "seq": seq}
    try:
        fields = {f for _t, f, _s, _c in string.Formatter().parse(pattern) if f}
        if not fields <= set(values):
            raise KeyError
        return pattern.format(**values)[:64]
    except (KeyError, ValueError, IndexError):
        return f"[{values['year']}]{abbr}-{values['team']}-{seq:02d}"


def _validate_problem(problem: Problem) -> None:
    if not problem.title.strip():
        raise DomainError(_("Give the problem a title."), field="title")
    if not problem.manifestation.strip():
        raise DomainError(_("Describe how the problem shows (表现)."), field="manifestation")
    allowed = {c.pk for c in categories_for(problem.committee)}
    if problem.category_id not in allowed:
        raise DomainError(_("Choose a category of this committee's taxonomy."), field="category")
    if problem.responsibility and problem.responsibility not in Responsibility.values:
        raise DomainError(_("Unknown kind of responsibility."), field="responsibility")


@transaction.atomic
def problem_draft(*, actor, inspection: Inspection, data: dict[str, Any], persons=(),
                  activities=(), petitions=()) -> Problem:
    _require_member(actor, inspection)
    _require_on_site(inspection)
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    seq = (Problem.objects.filter(inspection=locked).aggregate(n=Max("sequence"))["n"] or 0) + 1
    problem = Problem(inspection=inspection, committee=inspection.committee, author=actor,
                      sequence=seq)
    for name in PROBLEM_FIELDS:
        if name in data and data[name] is not None:
            setattr(problem, name, data[name])
    problem.number = _format_number(_numbering(inspection.committee).problem_pattern,
                                    inspection=inspection, seq=seq,
                                    committee=inspection.committee)
    _validate_problem(problem)
    problem.save()
    _set_evidence(problem, persons=persons, activities=activities, petitions=petitions)
    event_record(actor=actor, action="problem.draft", obj=problem,
                 changes=diff({}, snapshot(problem, PROBLEM_FIELDS)))
    return problem


def _set_evidence(problem: Problem, *, persons, activities, petitions) -> None:
    activities = list(activities)
    if any(a.inspection_id != problem.inspection_id for a in activities):
        raise DomainError(_("Evidence must come from this inspection."), field="activities")
    petitions = list(petitions)
    if any(p.inspection_id != problem.inspection_id for p in petitions):
        raise DomainError(_("Evidence must come from this inspection."), field="petitions")
    problem.persons.set(list(persons))
    problem.activities.set(activities)
    problem.petitions.set(petitions)


@transaction.atomic
def problem_update(*, actor, problem: Problem, data: dict[str, Any], persons=None,
                   activities=None, petitions=None, version: int | None = None) -> Problem:
    _require_member(actor, problem.inspection)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if version is not None and version != problem.version:
        raise Conflict()
    if problem.status != ProblemStatus.DRAFT:
        raise DomainError(_("An approved problem cannot be edited; withdraw it to a draft "
                            "first."))
    before = snapshot(problem, PROBLEM_FIELDS)
    for name in PROBLEM_FIELDS:
        if name in data and data[name] is not None:
            setattr(problem, name, data[name])
    _validate_problem(problem)
    if persons is not None or activities is not None or petitions is not None:
        _set_evidence(problem,
                      persons=persons if persons is not None else problem.persons.all(),
                      activities=activities if activities is not None
                      else problem.activities.all(),
                      petitions=petitions if petitions is not None else problem.petitions.all())
    changes = diff(before, snapshot(problem, PROBLEM_FIELDS))
    problem.version += 1
    problem.save()
    event_record(actor=actor, action="problem.update", obj=problem, changes=changes)
    return problem


@transaction.atomic
def problem_team_approve(*, actor, problem: Problem, meeting_on: datetime.date,
                         opinion: str) -> Problem:
    """The team meeting approved the draft (recorded by the leader or a deputy)."""
    if not is_team_lead(user=actor, inspection=problem.inspection):
        raise Forbidden(_("The team's leader or deputy records the team meeting's decision."))
    if problem.status != ProblemStatus.DRAFT:
        raise DomainError(_("Only a draft goes to the team meeting."))
    if not opinion.strip():
        raise DomainError(_("Record the team meeting's opinion."), field="opinion")
    if meeting_on > timezone.localdate():
        raise DomainError(_("The meeting date cannot be in the future."), field="meeting_on")
    problem.status = ProblemStatus.TEAM_APPROVED
    problem.meeting_on, problem.meeting_opinion = meeting_on, opinion
    problem.version += 1
    problem.save(update_fields=["status", "meeting_on", "meeting_opinion", "version",
                                "updated_at"])
    event_record(actor=actor, action="problem.team_approve", obj=problem,
                 params={"meeting_on": meeting_on, "opinion": opinion})
    return problem


@transaction.atomic
def problem_sign(*, actor, problem: Problem) -> Problem:
    """The leader signs a draft the team meeting approved; only signed problems are reported."""
    if not is_team_leader(user=actor, inspection=problem.inspection):
        raise Forbidden(_("Only the team leader signs problem drafts."))
    if problem.status != ProblemStatus.TEAM_APPROVED:
        raise DomainError(_("The team meeting must approve the draft before the leader signs."))
    problem.status = ProblemStatus.SIGNED
    problem.signed_by, problem.signed_at = actor, timezone.now()
    problem.version += 1
    problem.save(update_fields=["status", "signed_by", "signed_at", "version", "updated_at"])
    event_record(actor=actor, action="problem.sign", obj=problem)
    return problem


@transaction.atomic
def problem_withdraw(*, actor, problem: Problem, reason: str) -> Problem:
    """Back to draft (or withdrawn altogether) — not once an approved report cites it."""
    if not is_team_lead(user=actor, inspection=problem.inspection):
        raise Forbidden(_("The team's leader or deputy withdraws problems."))
    if problem.report_versions.filter(status=ReportStatus.APPROVED).exists():
        raise DomainError(_("An approved report cites this problem; it cannot be withdrawn."))
    if not reason.strip():
        raise DomainError(_("Say why."), field="reason")
    before = problem.status
    problem.status = ProblemStatus.DRAFT
    problem.signed_by, problem.signed_at = None, None
    problem.version += 1
    problem.save(update_fields=["status", "signed_by", "signed_at", "version", "updated_at"])
    event_record(actor=actor, action="problem.withdraw", obj=problem,
                 changes={"status": [before, ProblemStatus.DRAFT]}, params={"reason": reason})
    return problem


@transaction.atomic
def problem_hand_over(*, actor, problem: Problem, on: datetime.date) -> Problem:
    """立行立改: hand the problem to the target during the inspection, tracked until fixed."""
    if not is_team_lead(user=actor, inspection=problem.inspection):
        raise Forbidden(_("The team's leader or deputy hands problems over."))
    _require_on_site(problem.inspection)
    if problem.handed_over_on:
        raise DomainError(_("Already handed over."))
    problem.immediate, problem.handed_over_on = True, on
    problem.save(update_fields=["immediate", "handed_over_on", "updated_at"])
    event_record(actor=actor, action="problem.hand_over", obj=problem, params={"on": on})
    return problem


@transaction.atomic
def problem_mark_fixed(*, actor, problem: Problem, on: datetime.date, note: str) -> Problem:
    inspection = problem.inspection
    if not (is_team_member(user=actor, inspection=inspection) or (
            actor.role == Role.LIAISON and actor.unit_id == inspection.unit_id)):
        raise Forbidden()
    if not problem.handed_over_on:
        raise DomainError(_("Only a problem handed over for immediate rectification is marked "
                            "fixed here."))
    if not note.strip():
        raise DomainError(_("Say how it was fixed."), field="note")
    if on < problem.handed_over_on:
        raise DomainError(_("It cannot be fixed before it was handed over."), field="on")
    problem.fixed_on, problem.fix_note = on, note
    problem.save(update_fields=["fixed_on", "fix_note", "updated_at"])
    event_record(actor=actor, action="problem.fixed", obj=problem, params={"on": on})
    return problem


# --- clues ------------------------------------------------------------------------------------


def can_read_clue(user, clue: Clue) -> bool:
    if is_office_head_of(user=user, committee_id=clue.committee_id):
        return True
    return bool(user.role == Role.RECEIVER and clue.status != ClueStatus.SEALED
                and user.committee_id == clue.receiver_committee_id
                and user.receiver_body == clue.receiver_body)


@transaction.atomic
def clue_record(*, actor, inspection: Inspection, subject_name: str, content: str,
                subject=None, problem: Problem | None = None) -> Clue:
    """Enter a clue; it is sealed at once (the author keeps no access to its content)."""
    _require_member(actor, inspection)
    _require_on_site(inspection)
    if not content.strip() or not (subject_name or (subject and subject.name)).strip():
        raise DomainError(_("A clue names the person concerned and says what was found."),
                          field="content")
    if problem is not None and problem.inspection_id != inspection.pk:
        raise DomainError(_("The problem belongs to another inspection."), field="problem")
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    seq = Clue.objects.filter(inspection=locked).count() + 1
    clue = Clue.objects.create(
        inspection=inspection, committee=inspection.committee, author=actor, problem=problem,
        subject=subject, subject_name=(subject_name or subject.name).strip()[:64],
        content=content.strip(),
        number=_format_number(_numbering(inspection.committee).clue_pattern,
                              inspection=inspection, seq=seq, committee=inspection.committee))
    event_record(actor=actor, action="clue.record", obj=clue, object_repr=clue.number)
    return clue


def clue_open(*, actor, clue: Clue) -> Clue:
    """Read a sealed clue. Refused (and audited) for anyone but the office head and the
    receiving body; an allowed reading is audited too."""
    with transaction.atomic():
        if not can_read_clue(actor, clue):
            event_record(actor=actor, action="clue.open_refused", obj=clue,
                         object_repr=clue.number)
            allowed = False
        else:
            event_record(actor=actor, action="clue.open", obj=clue, object_repr=clue.number)
            allowed = True
    if not allowed:
        raise Forbidden(_("Clues are sealed: only the office head and the receiving body read "
                          "them. This attempt was recorded."))
    return clue


def receiving_committee(clue: Clue):
    """By cadre management authority: the committee that manages the cadre concerned."""
    if clue.subject_id:
        return clue.subject.managing_committee
    return clue.committee


@transaction.atomic
def clue_transfer(*, actor, clue: Clue, body: str, on: datetime.date | None = None) -> Clue:
    if not is_office_head_of(user=actor, committee_id=clue.committee_id):
        raise Forbidden(_("Only the office head transfers clues."))
    if clue.status != ClueStatus.SEALED:
        raise DomainError(_("This clue was already transferred."))
    if body not in ReceiverBody.values:
        raise DomainError(_("Choose the discipline commission or the organization department."),
                          field="body")
    committee = receiving_committee(clue)
    receivers = User.objects.filter(role=Role.RECEIVER, committee=committee, receiver_body=body,
                                    is_active=True)
    if not receivers.exists():
        raise DomainError(_("%(committee)s has no active receiver account at this body; create "
                            "one before transferring.") % {"committee": committee},
                          code="no_receiver", field="body")
    on = on or timezone.localdate()
    policy = clocks.policy_for(clue.committee)
    clue.receiver_committee, clue.receiver_body = committee, body
    clue.status, clue.transferred_on, clue.transferred_by = ClueStatus.TRANSFERRED, on, actor
    clue.report_due = add_months(on, policy.clue_report_months)
    clue.close_due = add_months(on, policy.clue_close_months)
    clue.close_latest = add_months(on, policy.clue_close_max_months)
    clue.save()
    event_record(actor=actor, action="clue.transfer", obj=clue, object_repr=clue.number,
                 params={"committee": committee.pk, "body": body, "on": on})
    return clue


def _require_receiver(actor, clue: Clue) -> None:
    if not (actor.role == Role.RECEIVER and actor.committee_id == clue.receiver_committee_id
            and actor.receiver_body == clue.receiver_body):
        raise Forbidden(_("Only the receiving body handles this clue."))


@transaction.atomic
def clue_handle(*, actor, clue: Clue, handling: str) -> Clue:
    _require_receiver(actor, clue)
    if clue.status not in (ClueStatus.TRANSFERRED, ClueStatus.HANDLING, ClueStatus.REPORTED):
        raise DomainError(_("This clue is not open for handling."))
    if handling not in ClueHandling.values:
        raise DomainError(_("Choose how the clue is handled."), field="handling")
    before = clue.handling
    clue.handling = handling
    if clue.status == ClueStatus.TRANSFERRED:
        clue.status = ClueStatus.HANDLING
    clue.save(update_fields=["handling", "status"])
    event_record(actor=actor, action="clue.handle", obj=clue, object_repr=clue.number,
                 changes={"handling": [before, handling]})
    return clue


@transaction.atomic
def clue_report(*, actor, clue: Clue, outcome: str, note: str,
                on: datetime.date | None = None, close: bool = False) -> Clue:
    """The receiver reports back (and may close) with the outcome by the four forms."""
    _require_receiver(actor, clue)
    if clue.status not in (ClueStatus.HANDLING, ClueStatus.REPORTED):
        raise DomainError(_("Record how the clue is handled first."))
    if outcome not in FourForms.values:
        raise DomainError(_("Choose the outcome by the four forms."), field="outcome")
    if not note.strip():
        raise DomainError(_("Describe the outcome."), field="note")
    on = on or timezone.localdate()
    if on < clue.transferred_on:
        raise DomainError(_("The report cannot precede the transfer."), field="on")
    clue.outcome, clue.outcome_note = outcome, note
    clue.reported_on = clue.reported_on or on
    clue.status = ClueStatus.REPORTED
    if close:
        clue.status, clue.closed_on = ClueStatus.CLOSED, on
    clue.save()
    event_record(actor=actor, action="clue.close" if close else "clue.report", obj=clue,
                 object_repr=clue.number, params={"outcome": outcome, "on": on})
    return clue


# --- reports -----------------------------------------------------------------------------


REPORT_TITLES = {ReportKind.MAIN: "关于巡察{unit}党组织的情况报告",
                 ReportKind.THEMATIC: "关于巡察{unit}发现共性问题的专题报告",
                 ReportKind.CLUES: "关于巡察{unit}发现问题线索的报告"}


@transaction.atomic
def report_start(*, actor, inspection: Inspection, kind: str = ReportKind.MAIN,
                 title: str = "") -> Report:
    if not is_team_lead(user=actor, inspection=inspection):
        raise Forbidden(_("The team's leader or deputy drafts the reports."))
    if not inspection.reached(InspectionStatus.STATIONED) or (
            kind == ReportKind.MAIN and inspection.reached(InspectionStatus.FEEDBACK)):
        raise DomainError(_("Reports are drafted from the on-site work until the feedback."))
    if kind not in ReportKind.values:
        raise DomainError(_("Unknown kind of report."), field="kind")
    if kind == ReportKind.MAIN and inspection.reports.filter(kind=ReportKind.MAIN).exists():
        raise DomainError(_("The main report already exists; open it to make a new version."))
    report = Report.objects.create(
        inspection=inspection, kind=kind,
        title=(title or REPORT_TITLES[kind].format(unit=inspection.unit.name))[:200])
    version = ReportVersion.objects.create(report=report, number=1, created_by=actor)
    version.problems.set(Problem.objects.filter(inspection=inspection,
                                                status=ProblemStatus.SIGNED))
    event_record(actor=actor, action="report.start", obj=report, params={"kind": kind})
    return report


def _editable_version(report: Report, actor) -> ReportVersion:
    current = report.current()
    if current.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        return current
    if current.status == ReportStatus.APPROVED:
        new = ReportVersion.objects.create(report=report, number=current.number + 1,
                                           created_by=actor, summary=current.summary,
                                           conclusion=current.conclusion,
                                           none_found=current.none_found)
        new.problems.set(current.problems.all())
        event_record(actor=actor, action="report.new_version", obj=report,
                     params={"from": current.number, "to": new.number})
        return new
    raise DomainError(_("The report is with the office or the leading group; it can change "
                        "again when it is returned."))


@transaction.atomic
def report_edit(*, actor, report: Report, summary: str, conclusion: str, problems,
                none_found: bool = False) -> ReportVersion:
    """Edit the draft; editing an approved (frozen) report makes a new draft version."""
    inspection = report.inspection
    if not is_team_lead(user=actor, inspection=inspection):
        raise Forbidden(_("The team's leader or deputy drafts the reports."))
    if report.kind == ReportKind.MAIN and inspection.reached(InspectionStatus.FEEDBACK):
        raise DomainError(_("Feedback was given on this report; it can no longer change."))
    problems = list(problems)
    if any(p.inspection_id != inspection.pk for p in problems):
        raise DomainError(_("A report cites problems of its own inspection only."),
                          field="problems")
    version = _editable_version(report, actor)
    before = {"summary": version.summary, "conclusion": version.conclusion,
              "problems": sorted(p.pk for p in version.problems.all()),
              "none_found": version.none_found}
    version.summary, version.conclusion, version.none_found = summary, conclusion, none_found
    version.save(update_fields=["summary", "conclusion", "none_found"])
    version.problems.set(problems)
    after = {"summary": summary, "conclusion": conclusion,
             "problems": sorted(p.pk for p in problems), "none_found": none_found}
    event_record(actor=actor, action="report.edit", obj=version, changes=diff(before, after))
    return version


def report_problems_issue(version: ReportVersion) -> str | None:
    """Why the version cannot be approved as it is (None when it can)."""
    problems = list(version.problems.all())
    unapproved = [p for p in problems if p.status != ProblemStatus.SIGNED]
    if unapproved:
        return _("The report cites problems not yet approved and signed: %(numbers)s.") % {
            "numbers": "、".join(p.number for p in unapproved)}
    if not problems and not version.none_found and version.report.kind == ReportKind.MAIN:
        return _("The report cites no problem. Add the approved problems, or state explicitly "
                 "that none were found.")
    if problems and version.none_found:
        return _("The report cannot cite problems and state that none were found.")
    return None


@transaction.atomic
def report_submit(*, actor, report: Report) -> ReportVersion:
    if not is_team_lead(user=actor, inspection=report.inspection):
        raise Forbidden(_("The team's leader or deputy submits the reports."))
    version = report.current()
    if version.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise DomainError(_("Only a draft can be submitted."))
    issue = report_problems_issue(version)
    if issue:
        raise DomainError(issue, code="precondition")
    version.status = ReportStatus.SUBMITTED
    version.save(update_fields=["status"])
    event_record(actor=actor, action="report.submit", obj=version)
    return version


@transaction.atomic
def report_review(*, actor, report: Report, comment: str, accept: bool) -> ReportVersion:
    """The office reviews: comments, then accepts for the leading group or returns."""
    if not is_office_of(user=actor, committee_id=report.inspection.committee_id):
        raise Forbidden(_("The inspection office reviews reports."))
    version = report.current()
    if version.status != ReportStatus.SUBMITTED:
        raise DomainError(_("Only a submitted report is reviewed."))
    if not accept and not comment.strip():
        raise DomainError(_("Say what must change."), field="comment")
    if comment.strip():
        ReportComment.objects.create(version=version, author=actor, text=comment.strip())
    version.status = ReportStatus.REVIEWED if accept else ReportStatus.RETURNED
    version.save(update_fields=["status"])
    event_record(actor=actor, action="report.review", obj=version,
                 params={"accept": accept, "comment": comment})
    return version


@transaction.atomic
def report_comment(*, actor, report: Report, text: str) -> ReportComment:
    inspection = report.inspection
    if not (is_office_of(user=actor, committee_id=inspection.committee_id)
            or is_team_member(user=actor, inspection=inspection) or (
            actor.role == Role.LEADERSHIP and actor.committee_id == inspection.committee_id)):
        raise Forbidden()
    if not text.strip():
        raise DomainError(_("The comment is empty."), field="text")
    comment = ReportComment.objects.create(version=report.current(), author=actor,
                                           text=text.strip())
    event_record(actor=actor, action="report.comment", obj=report)
    return comment


@transaction.atomic
def report_approve(*, actor, report: Report) -> ReportVersion:
    """The leading group approves; the version is frozen (its .docx is kept as approved)."""
    inspection = report.inspection
    if not (actor.role == Role.LEADERSHIP and actor.committee_id == inspection.committee_id):
        raise Forbidden(_("The leading group approves reports."))
    version = report.current()
    if version.status != ReportStatus.REVIEWED:
        raise DomainError(_("The office must review the report before the leading group "
                            "approves it."))
    issue = report_problems_issue(version)
    if issue:
        raise DomainError(issue, code="precondition")
    from .documents import report_docx

    version.status = ReportStatus.APPROVED
    version.approved_by, version.approved_at = actor, timezone.now()
    version.frozen_docx = report_docx(version)
    version.save(update_fields=["status", "approved_by", "approved_at", "frozen_docx"])
    event_record(actor=actor, action="report.approve", obj=version,
                 params={"problems": [p.pk for p in version.problems.all()]})
    return version


# --- feedback ----------------------------------------------------------------------------


@transaction.atomic
def feedback_record(*, actor, inspection: Inspection, data: dict[str, Any]) -> Feedback:
    """Record the feedback; its date starts the rectification clocks."""
    if not can_manage_inspection_or_lead(user=actor, inspection=inspection):
        raise Forbidden(_("The office or the team's leaders record the feedback."))
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != InspectionStatus.REPORTING:
        raise DomainError(_("Feedback follows the reporting stage."))
    report = inspection.reports.filter(kind=ReportKind.MAIN).first()
    approved = report.versions.filter(status=ReportStatus.APPROVED).order_by(
        "-number").first() if report else None
    if approved is None:
        raise DomainError(_("The main report must be approved by the leading group first."),
                          code="precondition")
    principal_on, team_on, feedback_on = (data.get("principal_meeting_on"),
                                          data.get("team_meeting_on"), data.get("feedback_on"))
    if not (principal_on and team_on and feedback_on):
        raise DomainError(_("Give the dates of both meetings and of the feedback."),
                          field="feedback_on")
    if team_on < principal_on:
        raise DomainError(_("The one-to-one with the principal leader comes before the "
                            "feedback to the leadership team."), field="team_meeting_on")
    if feedback_on < principal_on or feedback_on < inspection.period_start:
        raise DomainError(_("The feedback date cannot precede the meetings or the inspection."),
                          field="feedback_on")
    if feedback_on > timezone.localdate():
        raise DomainError(_("The feedback date cannot be in the future."), field="feedback_on")
    opinion = (data.get("opinion") or "").strip()
    if not opinion:
        raise DomainError(_("Write the feedback opinion."), field="opinion")
    recipients = [r for r in data.get("recipients") or [] if r]
    feedback = Feedback.objects.create(
        inspection=inspection, principal_meeting_on=principal_on, team_meeting_on=team_on,
        feedback_on=feedback_on, opinion=opinion, recipients=recipients, recorded_by=actor)
    feedback.problems.set(approved.problems.all())
    inspection.feedback_on = feedback_on
    inspection.save(update_fields=["feedback_on"])
    inspection_move(actor=actor, inspection=inspection, to=InspectionStatus.FEEDBACK,
                    action="inspection.feedback", params={"feedback_on": feedback_on})
    event_record(actor=actor, action="feedback.record", obj=feedback,
                 params={"feedback_on": feedback_on, "recipients": recipients,
                         "problems": approved.problems.count()})
    return feedback


def rectification_due_dates(inspection: Inspection) -> tuple[datetime.date, datetime.date]:
    """(plan due, report due) from the feedback date and the committee's clocks."""
    calendar = clocks.calendar_for(inspection.committee_id)
    policy = clocks.policy_for(inspection.committee)
    plan_due = calendar.add_workdays(inspection.feedback_on, policy.plan_workdays)
    report_due = add_months(inspection.feedback_on,
                            clocks.report_months(inspection.committee, policy))
    return plan_due, report_due
