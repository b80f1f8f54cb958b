"""The report and the feedback opinion as .docx files, in 公文格式 (xuncha/lib/docx.py).

Both are written in Chinese whatever the reader's interface language: they go up the chain
and to the inspected unit as they are. Dates are the committee's local days
(xuncha/lib/dates.py): a report approved at 02:11 Beijing time on 12-04 is signed 12-04.
"""

from collections.abc import Iterable

from django.utils import translation

from xuncha.lib.dates import cn_date, cn_period
from xuncha.lib.docx import Doc, cn_numeral

from .models import Feedback, Problem, ReportKind, ReportVersion

ANNEX_TITLE = "问题底稿清单"
_cn = cn_numeral


def _problems_by_category(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.category.name, []).append(problem)
    return groups


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in "。！？；：」”" else text + "。"


def _problem_list(doc: Doc, problems: list[Problem], *, with_basis: bool) -> None:
    for index, (category, items) in enumerate(_problems_by_category(problems).items(), start=1):
        doc.heading2(f"（{_cn(index)}）{category}方面")
        for number, problem in enumerate(items, start=1):
            doc.para(f"{number}. {_sentence(problem.title)}{problem.manifestation.strip()}")
            if with_basis and problem.basis:
                doc.para(f"定性依据：{_sentence(problem.basis)}")
            if with_basis and problem.immediate:
                status = (f"已于{cn_date(problem.fixed_on)}整改完成" if problem.fixed_on
                          else "正在整改")
                doc.para(f"（该问题已移交被巡察单位立行立改，{status}。）")


def report_docx(version: ReportVersion) -> bytes:
    report = version.report
    inspection = report.inspection
    committee = inspection.committee
    with translation.override("zh-hans"):
        doc = Doc()
        doc.title(report.title)
        doc.addressee(committee.short_name)
        doc.para(
            f"根据{committee.short_name}统一部署，{inspection.team.name}于"
            f"{cn_period(inspection.period_start, inspection.period_end)}对"
            f"{inspection.unit.name}党组织开展了巡察。现将有关情况报告如下。")
        number = 1
        if version.summary:
            doc.heading(f"{_cn(number)}、基本情况")
            doc.paras(version.summary)
            number += 1
        problems = list(version.problems.select_related("category").order_by("sequence"))
        doc.heading(f"{_cn(number)}、发现的主要问题")
        number += 1
        if version.none_found or not problems:
            doc.para("巡察未发现需要反馈的问题。")
        _problem_list(doc, problems, with_basis=True)
        if version.conclusion:
            doc.heading(f"{_cn(number)}、意见建议")
            doc.paras(version.conclusion)
        annex = report.kind == ReportKind.MAIN and bool(problems)
        if annex:
            doc.attachment_note([ANNEX_TITLE])
        # The committee's own calendar day (xuncha/lib/dates.py).
        doc.signature(f"{committee.short_name}{inspection.team.name}",
                      cn_date(version.approved_at or version.created_at))
        if annex:
            doc.attachment(ANNEX_TITLE)
            doc.table(["编号", "问题", "类别", "责任类型"],
                      [[p.number, p.title, p.category.name, p.get_responsibility_display()]
                       for p in problems], widths=[4.5, 7, 2.5, 2.5])
        return doc.bytes()


def feedback_docx(feedback: Feedback) -> bytes:
    inspection = feedback.inspection
    committee = inspection.committee
    with translation.override("zh-hans"):
        doc = Doc()
        doc.title(f"{committee.short_name}{inspection.team.name}"
                  f"关于巡察{inspection.unit.name}党组织的反馈意见")
        doc.addressee(f"{inspection.unit.name}党组织")
        doc.para(
            f"根据{committee.short_name}统一部署，{inspection.team.name}于"
            f"{cn_period(inspection.period_start, inspection.period_end)}对你单位党组织"
            f"进行了巡察。经{committee.short_name}同意，现将巡察发现的问题反馈如下。")
        doc.paras(feedback.opinion)
        problems = list(feedback.problems.select_related("category").order_by("sequence"))
        doc.heading("一、巡察发现的主要问题")
        _problem_list(doc, problems, with_basis=False)
        doc.heading("二、整改要求")
        doc.para("请你单位党组织切实履行整改主体责任，党组织书记履行第一责任人职责，"
                 "自反馈之日起制定整改方案，建立问题清单、任务清单、责任清单，按期报送整改方案"
                 "和整改情况报告。")
        doc.signature(f"{committee.short_name}{inspection.team.name}",
                      cn_date(feedback.feedback_on))
        doc.copy_to(feedback.recipients or [])
        return doc.bytes()
