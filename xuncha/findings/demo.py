"""Demo findings for 东湖区's first round: talks, signed problems, a transferred clue, an
approved report and a recorded feedback for 区财政局; 区卫生健康局's report awaits review."""

import datetime

from xuncha.accounts.models import User
from xuncha.accounts.roles import ReceiverBody, Role
from xuncha.inspections.models import Inspection, TeamPosition
from xuncha.ops.demo import DEMO_PASSWORD, Demo

from .activities import activity_record
from .clues import clue_handle, clue_record, clue_report, clue_transfer
from .feedback import feedback_record
from .models import ActivityKind, ProblemCategory, Responsibility
from .problems import (
    problem_draft,
    problem_hand_over,
    problem_mark_fixed,
    problem_sign,
    problem_team_approve,
)
from .reports import report_approve, report_edit, report_review, report_start, report_submit

D = datetime.date
PROBLEMS = {
    "JZ-LJ-DH-CZJ": [
        ("political", "贯彻落实上级关于过紧日子要求不到位",
         "2022年至2023年，部分非刚性支出未按要求压减，会议费、培训费支出同比上升12.6%。",
         "《党政机关厉行节约反对浪费条例》第十条", Responsibility.PRIMARY, False),
        ("work_style", "违规发放津贴补贴",
         "2023年以加班补助名义向局机关干部发放补贴共计18.4万元。",
         "《中国共产党纪律处分条例》第一百零一条", Responsibility.LEADERSHIP, True),
        ("anti_corruption", "政府采购管理不规范",
         "抽查2022年以来12个采购项目，有5个项目存在化整为零规避公开招标问题。",
         "《中华人民共和国政府采购法》第二十八条", Responsibility.SUPERVISION, False),
    ],
    "JZ-LJ-DH-WJJ": [
        ("organizational", "基层党组织建设薄弱",
         "局属3家医疗机构党支部未按规定开展“三会一课”，组织生活会流于形式。",
         "《中国共产党支部工作条例（试行）》第十八条", Responsibility.PRIMARY, False),
        ("discipline", "医保基金监管不严",
         "2023年抽查发现2家定点医疗机构存在重复收费、超标准收费问题，涉及金额9.7万元。",
         "", Responsibility.SUPERVISION, True),
    ],
}


def _leader_account(inspection: Inspection) -> User:
    leader = inspection.team.members.get(position=TeamPosition.LEADER).inspector
    user = User.objects.filter(role=Role.TEAM, inspector=leader).first()
    if user is None:
        user = User(username="dh_lead2024", role=Role.TEAM, committee=inspection.committee,
                    inspector=leader, display_name=f"{leader.cadre.name}（2024年第一巡察组组长）")
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def demo_step(demo: Demo) -> None:
    office, leadership = demo.users["dh_office"], demo.users["dh_leader"]
    county = demo.committees["JZ-LJ-DH"]
    categories = {c.code: c for c in ProblemCategory.objects.filter(committee__isnull=True)}
    for code, problems in PROBLEMS.items():
        inspection = Inspection.objects.get(unit__code=code, round__number=1, committee=county)
        lead = _leader_account(inspection)
        demo.users[lead.username] = lead
        demo.logins.append((Role.TEAM, lead.username, DEMO_PASSWORD))
        members = [m.inspector for m in inspection.team.members.order_by("pk")]
        principal = inspection.unit.cadres.filter(is_principal=True).first()
        activity_record(actor=lead, inspection=inspection, data={
            "kind": ActivityKind.TALK, "held_on": D(2024, 3, 14), "title": "与主要负责人个别谈话",
            "interviewee": principal, "location": "巡察组谈话室",
            "record": "谈话对象介绍了本单位落实全面从严治党主体责任情况……（谈话记录已签字）"},
            interviewers=members[:2])
        activity_record(actor=lead, inspection=inspection, data={
            "kind": ActivityKind.DOCUMENTS, "held_on": D(2024, 3, 20),
            "title": "调阅2022年以来党组会议记录、财务凭证", "record": "调阅资料共计146卷。"})
        activity_record(actor=lead, inspection=inspection, data={
            "kind": ActivityKind.QUESTIONNAIRE, "held_on": D(2024, 3, 22),
            "title": "领导班子和领导干部民主测评", "questionnaires_sent": 86,
            "questionnaires_returned": 84, "satisfaction": "91.67"})
        signed = []
        for category, title, manifestation, basis, responsibility, immediate in problems:
            problem = problem_draft(actor=lead, inspection=inspection, data={
                "title": title, "manifestation": manifestation, "basis": basis,
                "category": categories[category], "responsibility": responsibility,
                "found_on": D(2024, 4, 8), "found_by": members[0], "immediate": immediate},
                persons=[principal] if principal else [])
            problem_team_approve(actor=lead, problem=problem, meeting_on=D(2024, 4, 26),
                                 opinion="经巡察组组务会研究，同意列入问题底稿。")
            problem_sign(actor=lead, problem=problem)
            if immediate:
                problem_hand_over(actor=lead, problem=problem, on=D(2024, 4, 29))
                problem_mark_fixed(actor=lead, problem=problem, on=D(2024, 5, 8),
                                   note="已全部收回违规发放款项，并建立相关制度。")
            signed.append(problem)
        if code == "JZ-LJ-DH-CZJ":
            clue = clue_record(
                actor=lead, inspection=inspection, subject=principal,
                subject_name=principal.name if principal else "某科长",
                content="反映其在政府采购项目中为特定关系人承揽业务提供便利，具体情况见信访件及调阅材料。",
                problem=signed[2])
            clue_transfer(actor=office, clue=clue, body=ReceiverBody.DISCIPLINE,
                          on=D(2024, 5, 20))
            clue_handle(actor=demo.users["dh_jw"], clue=clue, handling="verify")
            clue_report(actor=demo.users["dh_jw"], clue=clue, outcome="form2",
                        note="经初步核实，问题部分属实，给予党内警告处分。",
                        on=D(2024, 8, 12))
        report = report_start(actor=lead, inspection=inspection)
        report_edit(
            actor=lead, report=report, problems=signed,
            summary="巡察期间，巡察组共个别谈话58人次，调阅资料146卷，受理信访举报23件。",
            conclusion="建议被巡察单位党组织切实扛起整改主体责任，举一反三，建章立制。")
        report_submit(actor=lead, report=report)
        if code == "JZ-LJ-DH-CZJ":
            report_review(actor=office, report=report, comment="问题定性准确，同意报送。",
                          accept=True)
            report_approve(actor=leadership, report=report)
            feedback_record(actor=office, inspection=inspection, data={
                "principal_meeting_on": D(2024, 7, 9), "team_meeting_on": D(2024, 7, 10),
                "feedback_on": D(2024, 7, 10),
                "opinion": "巡察组向区财政局党组反馈了巡察发现的问题，提出了整改意见。",
                "recipients": ["分管领导", "纪委监委", "组织部", "主管部门"]})
