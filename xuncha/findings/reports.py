"""Reports: drafted by the team's leaders from the signed problems, reviewed by the office,
approved (and frozen) by the leading group; a change after approval makes a new version."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.lib.errors import DomainError, Forbidden

from .access import (
    can_approve_report,
    can_approve_reports,
    can_comment_report,
    can_draft_reports,
    can_review_report,
    can_review_reports,
    can_start_main_report,
    can_submit_report,
)
from .documents import report_docx
from .models import (
    Problem,
    ProblemStatus,
    Report,
    ReportComment,
    ReportKind,
    ReportStatus,
    ReportVersion,
)

REPORT_TITLES: dict[str, str] = {
    ReportKind.MAIN: "关于巡察{unit}党组织的情况报告",
    ReportKind.THEMATIC: "关于巡察{unit}发现共性问题的专题报告",
    ReportKind.CLUES: "关于巡察{unit}发现问题线索的报告",
}


@transaction.atomic
def report_start(*, actor: User, inspection: Inspection, kind: str = ReportKind.MAIN,
                 title: str = "") -> Report:
    if not can_draft_reports(user=actor, inspection=inspection):
        raise Forbidden(_("The team's leader or deputy drafts the reports."))
    if kind not in ReportKind.values:
        raise DomainError(_("Unknown kind of report."), field="kind")
    if kind == ReportKind.MAIN and not can_start_main_report(user=actor, inspection=inspection):
        # The rule (which the to-do asks too) said no; say which of its conditions failed.
        if inspection.reports.filter(kind=ReportKind.MAIN).exists():
            raise DomainError(_("The main report already exists; open it to make a new "
                                "version."))
        raise DomainError(_("Reports are drafted from the on-site work until the feedback."))
    if not inspection.reached(InspectionStatus.STATIONED):
        raise DomainError(_("Reports are drafted from the on-site work until the feedback."))
    report = Report.objects.create(
        inspection=inspection, kind=kind,
        title=(title or REPORT_TITLES[kind].format(unit=inspection.unit.name))[:200])
    version = ReportVersion.objects.create(report=report, number=1, created_by=actor)
    version.problems.set(Problem.objects.filter(inspection=inspection,
                                                status=ProblemStatus.SIGNED))
    event_record(actor=actor, action="report.start", obj=report, params={"kind": kind})
    return report


def _next_version(report: Report, current: ReportVersion, actor: User) -> ReportVersion:
    """A new draft version, a copy of ``current``, which stays as it was (with who returned
    or approved it, and when)."""
    new = ReportVersion.objects.create(report=report, number=current.number + 1,
                                       created_by=actor, summary=current.summary,
                                       conclusion=current.conclusion,
                                       none_found=current.none_found)
    new.problems.set(current.problems.all())
    event_record(actor=actor, action="report.new_version", obj=report,
                 params={"from": current.number, "to": new.number, "after": current.status})
    return new


def _editable_version(report: Report, actor: User) -> ReportVersion:
    """The version an edit changes: the draft itself; after a return or an approval, a new
    version (the returned or approved one is kept unchanged)."""
    current = report.current()
    if current.status == ReportStatus.DRAFT:
        return current
    if current.status in (ReportStatus.RETURNED, ReportStatus.APPROVED):
        return _next_version(report, current, actor)
    raise DomainError(_("The report is with the office or the leading group; it can change "
                        "again when it is returned."))


@transaction.atomic
def report_edit(*, actor: User, report: Report, summary: str, conclusion: str,
                problems: Iterable[Problem], none_found: bool = False) -> ReportVersion:
    """Edit the draft; editing an approved (frozen) report makes a new draft version."""
    inspection = report.inspection
    if not can_draft_reports(user=actor, inspection=inspection):
        raise Forbidden(_("The team's leader or deputy drafts the reports."))
    if report.kind == ReportKind.MAIN and inspection.reached(InspectionStatus.FEEDBACK):
        raise DomainError(_("Feedback was given on this report; it can no longer change."))
    problem_list = list(problems)
    if any(p.inspection_id != inspection.pk for p in problem_list):
        raise DomainError(_("A report cites problems of its own inspection only."),
                          field="problems")
    version = _editable_version(report, actor)
    before = {"summary": version.summary, "conclusion": version.conclusion,
              "problems": sorted(p.pk for p in version.problems.all()),
              "none_found": version.none_found}
    version.summary, version.conclusion, version.none_found = summary, conclusion, none_found
    version.save(update_fields=["summary", "conclusion", "none_found"])
    version.problems.set(problem_list)
    after = {"summary": summary, "conclusion": conclusion,
             "problems": sorted(p.pk for p in problem_list), "none_found": none_found}
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
def report_submit(*, actor: User, report: Report) -> ReportVersion:
    if not can_draft_reports(user=actor, inspection=report.inspection):
        raise Forbidden(_("The team's leader or deputy submits the reports."))
    if not can_submit_report(user=actor, report=report):
        raise DomainError(_("Only a draft can be submitted."))
    version = report.current()
    issue = report_problems_issue(version)
    if issue:
        raise DomainError(issue, code="precondition")
    if version.status == ReportStatus.RETURNED:
        # Resubmitted as it is: the returned version stays returned, a new one goes up.
        version = _next_version(report, version, actor)
    version.status = ReportStatus.SUBMITTED
    version.submitted_by, version.submitted_at = actor, timezone.now()
    version.save(update_fields=["status", "submitted_by", "submitted_at"])
    event_record(actor=actor, action="report.submit", obj=version,
                 params={"version": version.number})
    return version


@transaction.atomic
def report_review(*, actor: User, report: Report, comment: str, accept: bool) -> ReportVersion:
    """The office reviews: comments, then accepts for the leading group or returns."""
    if not can_review_reports(user=actor, inspection=report.inspection):
        raise Forbidden(_("The inspection office reviews reports."))
    if not can_review_report(user=actor, report=report):
        raise DomainError(_("Only a submitted report is reviewed."))
    if not accept and not comment.strip():
        raise DomainError(_("Say what must change."), field="comment")
    version = report.current()
    if comment.strip():
        ReportComment.objects.create(version=version, author=actor, text=comment.strip())
    version.status = ReportStatus.REVIEWED if accept else ReportStatus.RETURNED
    version.reviewed_by, version.reviewed_at = actor, timezone.now()
    version.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    event_record(actor=actor, action="report.review", obj=version,
                 params={"accept": accept, "comment": comment, "version": version.number})
    return version


@transaction.atomic
def report_comment(*, actor: User, report: Report, text: str) -> ReportComment:
    if not can_comment_report(user=actor, report=report):
        raise Forbidden()
    if not text.strip():
        raise DomainError(_("The comment is empty."), field="text")
    comment = ReportComment.objects.create(version=report.current(), author=actor,
                                           text=text.strip())
    event_record(actor=actor, action="report.comment", obj=report)
    return comment


@transaction.atomic
def report_approve(*, actor: User, report: Report) -> ReportVersion:
    """The leading group approves; the version is frozen (its .docx is kept as approved)."""
    if not can_approve_reports(user=actor, inspection=report.inspection):
        raise Forbidden(_("The leading group approves reports."))
    if not can_approve_report(user=actor, report=report):
        raise DomainError(_("The office must review the report before the leading group "
                            "approves it."))
    version = report.current()
    issue = report_problems_issue(version)
    if issue:
        raise DomainError(issue, code="precondition")
    version.status = ReportStatus.APPROVED
    version.approved_by, version.approved_at = actor, timezone.now()
    version.frozen_docx = report_docx(version)
    version.save(update_fields=["status", "approved_by", "approved_at", "frozen_docx"])
    event_record(actor=actor, action="report.approve", obj=version,
                 params={"problems": [p.pk for p in version.problems.all()]})
    return version
