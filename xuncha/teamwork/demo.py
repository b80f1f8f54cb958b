"""The demo's team conduct (see xuncha/ops/demo.py): 东湖区's supervision phone on the
notices, a public report about the team on site waiting on the office, and an older report
transferred to the discipline body, substantiated, with the inspector's accountability."""

import datetime

from django.utils import timezone

from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.targets import inspection_update
from xuncha.ops.demo import DEMO_PASSWORD, Demo

from .access import team_has_ended
from .appraisals import appraisal_confirm, appraisal_draft, appraisal_send
from .branches import meeting_record
from .models import Branch
from .pledges import supervision_set
from .reports import (
    conduct_report_conclude,
    conduct_report_record,
    conduct_report_submit_public,
    conduct_report_transfer,
    inspector_accountability_record,
)
from .selfcheck import self_check_submit


def _self_check(demo: Demo, office: User) -> None:
    """The planned inspection of 区住建局: notified, its liaison's self-check with three
    problems found, two fixed at once (即知即改)."""
    inspection = Inspection.objects.filter(unit__code="JZ-LJ-DH-ZJJ",
                                           status=InspectionStatus.PLANNED).first()
    if inspection is None:
        return
    if inspection.notified_on is None:
        inspection = inspection_update(actor=office, inspection=inspection, data={
            "notified_on": inspection.stationed_on - datetime.timedelta(days=14)})
    liaison = User(username="dh_zjj_liaison", role=Role.LIAISON, committee=inspection.committee,
                   unit=inspection.unit, display_name=f"{inspection.unit.name} 联络员")
    liaison.set_password(DEMO_PASSWORD)
    liaison.save()
    demo.users[liaison.username] = liaison
    demo.logins.append((Role.LIAISON, liaison.username, DEMO_PASSWORD))
    self_check_submit(actor=liaison, inspection=inspection, summary=(
        "局党组对照巡察重点开展自查，逐项梳理落实全面从严治党主体责任、执行中央八项规定精神、"
        "工程项目管理等方面情况，查找问题3个，已即知即改2个。"), problems=[
        {"text": "公务接待未全部做到一事一单。", "fix": "已补齐2026年公务接待清单并建立台账。"},
        {"text": "个别工程项目变更签证手续不全。", "fix": "已对3个项目补办变更审批手续。"},
        {"text": "保障性住房分配公示期不足。", "fix": ""}])


def demo_step(demo: Demo) -> None:
    office = demo.users["dh_office"]
    county = demo.committees["JZ-LJ-DH"]
    _self_check(demo, office)
    supervision_set(actor=office, committee=county, phone="0791-86009999",
                    note="区纪委监委，工作日8:30—17:30")
    on_site = Inspection.objects.filter(committee=county, status=InspectionStatus.ON_SITE
                                        ).select_related("team", "committee").order_by("pk")
    current = on_site.first()
    if current is not None:
        conduct_report_submit_public(
            inspection=current, content="反映巡察组有工作人员在进驻期间接受被巡察单位安排的工作餐后"
            "又到镇上饭店聚餐，费用由单位报销，请核实。")
    done = Inspection.objects.filter(committee=county, round__number=1).select_related(
        "team").order_by("pk").first()
    if done is None:
        return
    member = done.team.members.select_related("inspector").order_by("-pk").first()
    if member is None:
        return
    report = conduct_report_record(
        actor=office, team=done.team, inspection=done, inspector=member.inspector,
        source="phone", content="来电反映该巡察组一名成员向被巡察单位打听与巡察无关的人事安排，"
        "并为亲属推销保险产品。")
    conduct_report_transfer(actor=office, report=report, note="反映巡察干部个人问题，按规定移交区纪委监委核查。")
    conduct_report_conclude(actor=demo.users["dh_jw"], report=report, substantiated=True,
                            conclusion="经核查，反映为亲属推销保险产品问题属实；打听人事安排问题部分属实。")
    inspector_accountability_record(actor=office, report=report, kind="removed",
                                    text="调离巡察组，退出巡察干部人才库一年，并在本单位作出书面检查。",
                                    decided_on=datetime.date(2024, 5, 20))


def demo_team_life(demo: Demo) -> None:
    """The branch meeting of the team on site now, and the round-1 team's appraisals (its
    work ended with the feedback), one confirmed and sent to the organization department."""
    office = demo.users["dh_office"]
    done = Inspection.objects.filter(committee=demo.committees["JZ-LJ-DH"], round__number=1
                                     ).select_related("team").order_by("pk").first()
    if done is None:
        return
    team = done.team
    members = list(team.members.select_related("inspector").order_by("position", "pk"))
    current = Inspection.objects.filter(committee=done.committee,
                                        status=InspectionStatus.ON_SITE).first()
    branch = Branch.objects.filter(team=current.team).first() if current else None
    if branch is not None and branch.dissolved_at is None:
        present = [m.inspector for m in branch.team.members.select_related("inspector")]
        meeting_record(actor=office, branch=branch, kind="lecture",
                       held_on=timezone.localdate(), topic="进驻前专题党课：严守巡察纪律",
                       attendees=present,
                       minutes="组长讲授专题党课，集体学习巡察干部“八个严禁”，全体成员签署廉洁承诺书。")
    if not team_has_ended(team):
        return
    for member in members[1:3]:
        appraisal = appraisal_draft(actor=office, member=member, grade="优秀" if member.position
                                    == "deputy" else "称职",
                                    text="该同志在巡察期间政治坚定，工作认真，严守巡察纪律，"
                                         "在财务资料调阅和问题底稿撰写中发挥了骨干作用。")
        appraisal = appraisal_confirm(actor=office, appraisal=appraisal)
        if member.position == "deputy":
            appraisal_send(actor=office, appraisal=appraisal)
