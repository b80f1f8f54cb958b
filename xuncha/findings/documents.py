"""The report and the feedback opinion as .docx files (Word and LibreOffice open them)."""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from xuncha.lib.docx import Doc

from .models import Feedback, Problem, ReportKind, ReportVersion

CN_NUM = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n - 1]
    if n < 20:
        return "十" + CN_NUM[n - 11]
    return str(n)


def _date(day: datetime.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def _problems_by_category(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.category.name, []).append(problem)
    return groups


def report_docx(version: ReportVersion) -> bytes:
    report = version.report
    inspection = report.inspection
    committee = inspection.committee
    doc = Doc()
    doc.title(report.title)
    doc.para(f"{committee.short_name}：", indent=False)
    doc.para(
        f"根据{committee.short_name}统一部署，{inspection.team.name}于{_date(inspection.period_start)}"
        f"至{_date(inspection.period_end)}对{inspection.unit.name}党组织开展了巡察。现将有关情况报告如下。")
    if version.summary:
        doc.heading("一、基本情况")
        for paragraph in version.summary.splitlines():
            if paragraph.strip():
                doc.para(paragraph.strip())
    problems = list(version.problems.select_related("category").order_by("sequence"))
    doc.heading("二、发现的主要问题" if version.summary else "一、发现的主要问题")
    if version.none_found or not problems:
        doc.para("巡察未发现需要反馈的问题。")
    for index, (category, items) in enumerate(_problems_by_category(problems).items(), start=1):
        doc.para(f"（{_cn(index)}）{category}方面", indent=True, bold=True)
        for number, problem in enumerate(items, start=1):
            doc.para(f"{number}. {problem.title}。{problem.manifestation}")
            if problem.basis:
                doc.para(f"定性依据：{problem.basis}")
            if problem.immediate:
                status = f"已于{_date(problem.fixed_on)}整改完成" if problem.fixed_on else "正在整改"
                doc.para(f"（该问题已移交被巡察单位立行立改，{status}。）")
    if version.conclusion:
        doc.heading("三、意见建议")
        for paragraph in version.conclusion.splitlines():
            if paragraph.strip():
                doc.para(paragraph.strip())
    if report.kind == ReportKind.MAIN and problems:
        doc.heading("附件：问题底稿清单")
        doc.table(["编号", "问题", "类别", "责任类型"],
                  [[p.number, p.title, p.category.name, p.get_responsibility_display()]
                   for p in problems], widths=[4.5, 7, 2.5, 2.5])
    doc.para(f"{committee.short_name}{inspection.team.name}", indent=False, align="right")
    # The committee's own calendar day: a report approved at 02:11 Beijing time on 12-04
    # was signed 12-03 when the day was taken from the UTC timestamp.
    doc.para(_date(timezone.localdate(version.approved_at or version.created_at)),
             indent=False, align="right")
    return doc.bytes()


def feedback_docx(feedback: Feedback) -> bytes:
    inspection = feedback.inspection
    committee = inspection.committee
    doc = Doc()
    doc.title(f"{committee.short_name}{inspection.team.name}关于巡察{inspection.unit.name}党组织的反馈意见")
    doc.para(f"{inspection.unit.name}党组织：", indent=False)
    doc.para(
        f"根据{committee.short_name}统一部署，{inspection.team.name}于{_date(inspection.period_start)}"
        f"至{_date(inspection.period_end)}对你单位党组织进行了巡察。经{committee.short_name}"
        f"同意，现将巡察发现的问题反馈如下。")
    for paragraph in feedback.opinion.splitlines():
        if paragraph.strip():
            doc.para(paragraph.strip())
    problems = list(feedback.problems.select_related("category").order_by("sequence"))
    doc.heading("一、巡察发现的主要问题")
    for index, (category, items) in enumerate(_problems_by_category(problems).items(), start=1):
        doc.para(f"（{_cn(index)}）{category}方面", bold=True)
        for number, problem in enumerate(items, start=1):
            doc.para(f"{number}. {problem.title}。{problem.manifestation}")
    doc.heading("二、整改要求")
    doc.para("请你单位党组织切实履行整改主体责任，党组织书记履行第一责任人职责，"
             "自反馈之日起制定整改方案，建立问题清单、任务清单、责任清单，按期报送整改方案和整改情况报告。")
    if feedback.recipients:
        doc.para("抄送：" + "、".join(feedback.recipients), indent=False)
    doc.para(f"{committee.short_name}{inspection.team.name}", indent=False, align="right")
    doc.para(_date(feedback.feedback_on), indent=False, align="right")
    return doc.bytes()
