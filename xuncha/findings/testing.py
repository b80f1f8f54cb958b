"""Builders for findings in tests."""

import datetime

from xuncha.findings.feedback import feedback_record
from xuncha.findings.models import Feedback, Problem, ProblemCategory, Report
from xuncha.findings.problems import problem_draft, problem_sign, problem_team_approve
from xuncha.findings.reports import (
    report_approve,
    report_edit,
    report_review,
    report_start,
    report_submit,
)
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.testing import stationed_inspection

D = datetime.date


def on_site(t) -> Inspection:
    """The education bureau inspection, stationed; ``t.team`` (insp_a1) leads it."""
    return stationed_inspection(t)


def signed_problem(t, inspection: Inspection, title: str = "违规发放津贴补贴",
                   immediate: bool = False) -> Problem:
    category = ProblemCategory.objects.get(committee__isnull=True, code="work_style")
    problem = problem_draft(actor=t.team, inspection=inspection, data={
        "title": title, "manifestation": "以加班补助名义发放补贴18.4万元。",
        "category": category, "found_on": D(2026, 3, 20), "immediate": immediate})
    problem_team_approve(actor=t.team, problem=problem, meeting_on=D(2026, 3, 27),
                         opinion="同意列入底稿")
    return problem_sign(actor=t.team, problem=problem)


def approved_report(t, inspection: Inspection, problems: list[Problem]) -> Report:
    report = report_start(actor=t.team, inspection=inspection)
    report_edit(actor=t.team, report=report, summary="概况", conclusion="建议",
                problems=problems)
    report_submit(actor=t.team, report=report)
    report_review(actor=t.office, report=report, comment="", accept=True)
    report_approve(actor=t.leader, report=report)
    return report


FEEDBACK_DAY = D(2026, 5, 8)


def fed_back(t, inspection: Inspection, problems: list[Problem],
             on: datetime.date = FEEDBACK_DAY) -> tuple[Report, Feedback]:
    """Report approved and feedback recorded (inspection moved to reporting first)."""
    report = approved_report(t, inspection, problems)
    inspection.status = InspectionStatus.REPORTING
    inspection.save(update_fields=["status"])
    feedback = feedback_record(actor=t.office, inspection=inspection, data={
        "principal_meeting_on": on, "team_meeting_on": on, "feedback_on": on,
        "opinion": "反馈意见正文", "recipients": ["纪委监委", "组织部"]})
    return report, feedback
