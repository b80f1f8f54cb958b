"""Demo rectification for 东湖区财政局 (fed back on 2024-07-10): a plan returned once and then
approved, a ledger with closed, open and overdue measures, an accepted report and a notice."""

import datetime

from django.core.files.base import ContentFile

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.models import Inspection
from xuncha.ops.demo import DEMO_PASSWORD, Demo

from .disclosure import wording_approve, wording_write
from .measures import (
    measure_add,
    measure_close,
    measure_evidence_add,
    measure_mark_done,
    measure_progress,
)
from .models import Phase
from .plans import plan_decide, plan_review, plan_submit
from .reports import notice_publish, report_review, report_submit

D = datetime.date
MEASURES = [
    # problem index, text, phase, leader, department, deadline, reason, closed
    (0, "修订机关经费支出管理办法，严格控制会议费、培训费等非刚性支出", Phase.CONCENTRATED, "王副局长",
     "办公室", D(2024, 9, 30), "", True),
    (0, "建立预算执行月度分析制度，对超进度支出及时预警", Phase.LONG_TERM, "王副局长", "预算科",
     D(2027, 6, 30), "制度需经过一个完整预算年度检验", False),
    (1, "全额收回违规发放的补贴18.4万元，对相关责任人进行批评教育", Phase.IMMEDIATE, "局长",
     "财务科", D(2024, 8, 15), "", True),
    (2, "对2022年以来政府采购项目开展全面自查，建立采购项目台账", Phase.CONCENTRATED, "李副局长",
     "政府采购管理科", D(2024, 9, 30), "", True),
    (2, "完善政府采购内控制度，实行采购需求、执行、验收分岗设置", Phase.CONCENTRATED, "李副局长",
     "政府采购管理科", D(2026, 10, 31), "需结合全区政府采购制度改革统筹推进", False),
]

#: how the notice names each problem fed back (in order), apart from its internal title
PUBLIC_WORDINGS = [
    "落实过紧日子要求有差距，非刚性支出压减不到位",
    "以加班补助名义发放补贴",
    "政府采购内部控制不健全，存在规避公开招标问题",
]


def demo_step(demo: Demo) -> None:
    office = demo.users["dh_office"]
    county = demo.committees["JZ-LJ-DH"]
    inspection = Inspection.objects.get(unit__code="JZ-LJ-DH-CZJ", round__number=1,
                                        committee=county)
    liaison = User(username="dh_czj_liaison", role=Role.LIAISON, committee=county,
                   unit=inspection.unit, display_name="东湖区财政局 联络员")
    liaison.set_password(DEMO_PASSWORD)
    liaison.save()
    demo.users[liaison.username] = liaison
    demo.logins.append((Role.LIAISON, liaison.username, DEMO_PASSWORD))
    plan_submit(actor=liaison, inspection=inspection,
                text="一、总体要求……\n二、整改任务（问题清单、任务清单、责任清单）……",
                principal_name="区财政局党组书记", principal_email="czj-sj@example.gov.cn")
    plan = inspection.rectification_plan
    plan_review(actor=office, plan=plan, complete=True, feasible=True)
    plan_review(actor=demo.users["dh_jw"], plan=plan, complete=False, feasible=True,
                comment="对政府采购问题的整改措施不具体，未明确责任人和时限。")
    plan_decide(actor=office, plan=plan, approve=False,
                note="请针对纪委监委意见修改完善后重新报送。")
    plan_submit(actor=liaison, inspection=inspection,
                text="一、总体要求……\n二、整改任务（已细化政府采购问题整改措施）……")
    for reviewer in (office, demo.users["dh_jw"], demo.users["dh_zzb"]):
        plan_review(actor=reviewer, plan=plan, complete=True, feasible=True)
    plan_decide(actor=office, plan=plan, approve=True, note="同意。")
    problems = list(inspection.feedback.problems.order_by("sequence"))
    for index, text, phase, leader, department, deadline, reason, closed in MEASURES:
        measure = measure_add(actor=liaison, inspection=inspection,
                              problem=problems[index], data={
                                  "text": text, "phase": phase,
                                  "responsible_leader": leader,
                                  "responsible_department": department,
                                  "deadline": deadline, "deadline_reason": reason,
                                  "handler_email": "czj-bgs@example.gov.cn"})
        measure_progress(actor=liaison, measure=measure, text="已制定工作方案，正在推进。")
        if closed:
            measure_evidence_add(actor=liaison, measure=measure, upload=ContentFile(
                "整改佐证材料（示例）".encode(), name="整改佐证材料.txt"))
            measure_mark_done(actor=liaison, measure=measure)
            measure_close(actor=office, measure=measure,
                          note="经核查佐证材料并现场抽查，整改到位，同意销号。")
    report_submit(actor=liaison, inspection=inspection,
                  text="区财政局党组关于巡察整改进展情况的报告……",
                  principal_text="党组书记组织落实巡察整改情况的报告……")
    report = inspection.rectification_reports.get()
    report_review(actor=office, report=report, accept=True, grade="good",
                  main_problems_solved=True, transfers_handled=True,
                  note="主要问题已基本整改，长期整改事项需持续推进。")
    # 整改公开 names each problem by its approved public wording (never the internal title).
    for problem, wording in zip(problems, PUBLIC_WORDINGS, strict=False):
        wording_approve(actor=demo.users["dh_custodian"], wording=wording_write(
            actor=liaison, problem=problem, text=wording))
    notice_publish(actor=office, inspection=inspection,
                   title="中共东湖区财政局党组关于巡察整改进展情况的通报",
                   body="根据区委统一部署，2024年3月至5月，区委第一巡察组对区财政局党组进行了巡察……"
                        "现将巡察整改进展情况予以公布。欢迎广大干部群众对整改落实情况进行监督。")
