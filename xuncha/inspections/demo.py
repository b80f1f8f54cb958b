"""Demo rounds for 东湖区 (see xuncha/ops/demo.py): a finished round, a round on site now,
and a round waiting for the leading group's approval."""

import datetime

from xuncha.lib.errors import DomainError
from xuncha.ops.demo import Demo
from xuncha.teamwork.pledges import pledge_record_paper

from .models import ChannelKind, RoundKind, TeamPosition
from .moves import inspection_begin_onsite, inspection_begin_reporting, inspection_station
from .rounds import round_approve, round_create, round_submit
from .targets import channel_add, inspection_create
from .teams import member_add, team_create

D = datetime.date
SCOPE = ("主要受理反映被巡察党组织领导班子及其成员、下一级党组织领导班子主要负责人和重要岗位领导干部问题的"
         "来信来电来访，重点是关于违反政治纪律、组织纪律、廉洁纪律、群众纪律、工作纪律和生活纪律等方面"
         "的举报和反映。对其他与巡察工作无直接关系的个人诉求、征地拆迁、涉法涉诉等信访问题，按照分级负责、"
         "属地管理原则，转交有关部门处理。")


def _staff(office, team, pool, first, positions):
    """Add members in order, skipping anyone the avoidance or overlap checks refuse."""
    added = []
    candidates = [first, *[p for p in pool if p != first]]
    for inspector in candidates:
        if len(added) == len(positions):
            break
        try:
            member_add(actor=office, team=team, inspector=inspector,
                       position=positions[len(added)])
        except DomainError:
            continue
        added.append(inspector)
    return added


def pledges_record_paper(office, team):
    """The integrity pledges the members signed at the pre-stationing training, recorded by
    the office (the team cannot be stationed before; xuncha/teamwork)."""
    for member in team.members.filter(pledge__isnull=True):
        pledge_record_paper(actor=office, member=member)


def _channels(office, inspection, phone, box):
    channel_add(actor=office, inspection=inspection, data={
        "kind": ChannelKind.PHONE, "value": phone, "hours": "工作日8:30—12:00，14:30—18:00"})
    channel_add(actor=office, inspection=inspection, data={
        "kind": ChannelKind.SMS, "value": "13907910" + phone[-3:], "note": "只接收短信"})
    channel_add(actor=office, inspection=inspection, data={
        "kind": ChannelKind.POSTAL, "value": f"临江市东湖区{box}号邮政专用信箱"})
    channel_add(actor=office, inspection=inspection, data={
        "kind": ChannelKind.ONLINE, "value": ""})
    channel_add(actor=office, inspection=inspection, data={
        "kind": ChannelKind.SUGGESTION_BOX, "value": f"{inspection.unit.name}办公楼一楼大厅"})


def demo_step(demo: Demo) -> None:
    office, leader = demo.users["dh_office"], demo.users["dh_leader"]
    county = demo.committees["JZ-LJ-DH"]
    term = county.terms.get()
    pool = demo.inspectors["JZ-LJ-DH"]
    lead = demo.users["dh_team"].inspector
    units = demo.units
    positions = [TeamPosition.LEADER, TeamPosition.DEPUTY, TeamPosition.MEMBER,
                 TeamPosition.MEMBER, TeamPosition.MEMBER]

    # Round 1 (2024): one team at two targets (一托二), on-site work finished.
    r1 = round_create(actor=office, committee=county, data={
        "term": term, "kind": RoundKind.REGULAR, "planned_start": D(2024, 3, 4),
        "planned_end": D(2024, 6, 28), "note": "巡察区财政局、区卫生健康局党组织。"})
    round_submit(actor=office, round=r1)
    round_approve(actor=leader, round=r1, note="同意。")
    t1 = team_create(actor=office, round=r1)
    done = inspection_create(
        actor=office, team=t1, units=[units["JZ-LJ-DH-CZJ"], units["JZ-LJ-DH-WJJ"]],
        data={"period_start": D(2024, 3, 11), "period_end": D(2024, 5, 10),
              "stationed_on": D(2024, 3, 11), "petition_deadline": D(2024, 5, 3),
              "notified_on": D(2024, 2, 26), "scope_text": SCOPE})
    _staff(office, t1, pool[6:], pool[6], positions)
    pledges_record_paper(office, t1)
    for index, inspection in enumerate(done):
        _channels(office, inspection, f"0791-8600{index}101", f"A00{index + 1}")
        inspection_station(actor=office, inspection=inspection)
        inspection_begin_onsite(actor=office, inspection=inspection)
        inspection_begin_reporting(actor=office, inspection=inspection)

    # Round 2 (now): the education bureau and a sub-district are under inspection.
    r2 = round_create(actor=office, committee=county, data={
        "term": term, "kind": RoundKind.SPECIAL, "topic": "群众身边不正之风和腐败问题",
        "planned_start": D(2026, 10, 12), "planned_end": D(2027, 1, 29),
        "note": "聚焦教育、基层治理领域群众身边不正之风和腐败问题。"})
    round_submit(actor=office, round=r2)
    round_approve(actor=leader, round=r2, note="同意，注意做好信访举报件的保密工作。")
    t2 = team_create(actor=office, round=r2)
    now = inspection_create(
        actor=office, team=t2, units=[units["JZ-LJ-DH-JYJ"], units["JZ-LJ-DH-Z01"]],
        data={"period_start": D(2026, 10, 19), "period_end": D(2026, 12, 25),
              "stationed_on": D(2026, 10, 19), "petition_deadline": D(2026, 12, 18),
              "notified_on": D(2026, 9, 30), "scope_text": SCOPE})
    _staff(office, t2, pool, lead, positions)
    pledges_record_paper(office, t2)
    for index, inspection in enumerate(now):
        _channels(office, inspection, f"0791-8611{index}202", f"A01{index + 1}")
        inspection_station(actor=office, inspection=inspection)
        inspection_begin_onsite(actor=office, inspection=inspection)
    t3 = team_create(actor=office, round=r2)
    inspection_create(
        actor=office, team=t3, units=[units["JZ-LJ-DH-ZJJ"]],
        data={"period_start": D(2026, 12, 7), "period_end": D(2027, 1, 29),
              "stationed_on": D(2026, 12, 7), "petition_deadline": D(2027, 1, 22),
              "scope_text": SCOPE})
    _staff(office, t3, list(reversed(pool)), pool[-1], positions[:4])

    # Round 3 (next year): submitted, waiting for the leading group.
    r3 = round_create(actor=office, committee=county, data={
        "term": term, "kind": RoundKind.REGULAR, "planned_start": D(2027, 3, 1),
        "planned_end": D(2027, 6, 30), "note": "拟巡察区自然资源局、区市场监督管理局和莲塘镇。"})
    round_submit(actor=office, round=r3)
