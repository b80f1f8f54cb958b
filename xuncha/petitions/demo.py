"""Demo petitions for 东湖区: the first round's (2024) and the ones coming in now, from
every channel, with a near-duplicate pair, transfers, an identified reporter and a pending
identity request."""

import datetime

from django.utils import timezone

from xuncha.inspections.models import Inspection
from xuncha.ops.demo import Demo

from .duplicates import petition_mark_duplicate
from .identity import Reporter, reveal_request
from .intake import petition_intake, petition_submit_public
from .models import Channel
from .triage import petition_accept, petition_ask, petition_transfer

T = datetime.datetime
NOW_ITEMS = [
    (Channel.PHONE, "JZ-LJ-DH-JYJ", "反映东湖区教育局某科长在学校食堂承包招标中收受供应商红包礼金，并为其亲属经营的配送公司提供便利。",
     "张某", "科长", None),
    (Channel.ONLINE, "JZ-LJ-DH-JYJ", "反映东湖区教育局某科长在学校食堂承包招标中收受供应商的红包礼金，为其亲属经营的配送公司提供方便。",
     "张某", "科长", None),
    (Channel.LETTER, "JZ-LJ-DH-JYJ", "反映局机关在教师职称评审中存在违规操作、优亲厚友问题，部分获评人员不符合条件。",
     "", "", ("李某", "13907918888")),
    (Channel.SMS, "JZ-LJ-DH-JYJ", "本人工资被拖欠三个月，社保也没有缴纳，希望巡察组帮助解决个人待遇问题。",
     "", "", None),
    (Channel.BOX, "JZ-LJ-DH-Z01", "反映湖滨街道某社区在危房改造补助款发放中优亲厚友，村务不公开，群众意见很大。",
     "王某某", "社区书记", None),
    (Channel.VISIT, "JZ-LJ-DH-Z01", "我家房屋征收补偿款至今没有到位，拆迁安置问题长期得不到解决，请求协调。",
     "", "", ("赵某", "13707917777")),
    (Channel.EMAIL, "JZ-LJ-DH-Z01", "反映街道个别干部工作日中午饮酒、上班时间打牌赌博，作风散漫，群众办事推诿扯皮。",
     "", "", None),
    (Channel.ONLINE, "JZ-LJ-DH-Z01", "对法院判决不服，多次申诉无果，请求巡察组督促法院再审。", "", "", None),
]
PAST_ITEMS = [
    (Channel.LETTER, "JZ-LJ-DH-CZJ", "反映区财政局2023年以加班补助名义违规发放津贴补贴，人均数千元。", "", ""),
    (Channel.PHONE, "JZ-LJ-DH-CZJ", "反映政府采购项目化整为零规避公开招标，疑似为特定企业量身定做采购需求。", "", ""),
    (Channel.LETTER, "JZ-LJ-DH-WJJ", "反映区属医院违规收费、重复收费问题，医保基金监管不到位。", "", ""),
]


def demo_step(demo: Demo) -> None:
    office = demo.users["dh_office"]
    county = demo.committees["JZ-LJ-DH"]
    units = demo.units
    for index, (channel, code, content, subject, _position) in enumerate(PAST_ITEMS):
        petition_intake(
            actor=office, committee=county, channel=channel, content=content, unit=units[code],
            subjects=[{"name": "某某", "position": "负责人"}] if not subject else [],
            received_at=timezone.make_aware(T(2024, 3, 20 + index, 10, 0)))
    now = timezone.now()
    created = []
    for index, (channel, code, content, subject, position, identity) in enumerate(NOW_ITEMS):
        inspection = Inspection.objects.get(unit__code=code, round__number=2, committee=county)
        reporter = Reporter(name=identity[0], phone=identity[1]) if identity else None
        subjects = [{"name": subject, "position": position,
                     "unit_name": inspection.unit.name}] if subject else []
        when = now - datetime.timedelta(days=20 - 2 * index, hours=index)
        if channel == Channel.ONLINE:
            petition, _receipt = petition_submit_public(
                inspection=inspection, content=content, subjects=subjects, reporter=reporter)
        else:
            petition = petition_intake(
                actor=office, committee=county, channel=channel, content=content,
                inspection=inspection, subjects=subjects, reporter=reporter, received_at=when,
                box_location=f"{inspection.unit.name}办公楼一楼大厅" if channel == Channel.BOX
                else "")
        created.append(petition)
    team = demo.users["dh_team"]
    petition_mark_duplicate(actor=team, petition=created[1], original=created[0])
    petition_accept(actor=team, petition=created[0], category="integrity",
                    note="属于巡察受理范围，列入重点核查。")
    petition_transfer(actor=team, petition=created[3], category="personal",
                      department="东湖区人力资源和社会保障局")
    petition_transfer(actor=team, petition=created[5], category="land",
                      department="湖滨街道办事处")
    petition_ask(actor=team, petition=created[7],
                 text="请补充说明案件的案号和您此前申诉的时间。")
    reveal_request(actor=team, petition=created[2],
                   reason="需要与反映人当面核实职称评审材料的具体情况。")
