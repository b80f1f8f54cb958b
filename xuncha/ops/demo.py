"""Demo data: a fictional province (江州省) with 2 cities and 4 counties, their units, cadres,
inspectors and one account per role. Every name and number is invented.

Other apps extend the demo through their ``hooks.DEMO_STEPS`` (see ``xuncha.web.registry``:
planned rounds, petitions, …); each step receives the ``Demo`` built here and must be safe
to run once on a fresh database.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction

from xuncha.accounts.models import User
from xuncha.accounts.roles import ReceiverBody, Role
from xuncha.audit.services import event_record
from xuncha.organizations.models import (
    Cadre,
    Committee,
    Expertise,
    Inspector,
    InspectorTie,
    Level,
    Rank,
    Term,
    TieKind,
    Unit,
    UnitKind,
)

DEMO_PASSWORD = "Xuncha-demo-2026"  # noqa: S105  (printed by `xuncha demo-logins`; demo only)
MARKER_ACTION = "demo.seed"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯"
            "邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢")
GIVEN = ("建国 志强 海燕 丽华 文斌 晓明 春梅 国栋 振华 玉兰 立新 红霞 德明 秀英 俊杰 凤英 "
         "永刚 桂芳 伟东 雪梅 宏伟 静怡 子涵 思远 明辉 丹丹 家乐 婷婷 嘉伟 晨曦 浩然 雅琴 卫国 "
         "爱民 光辉 新华 少华 建军 敏 娟 磊 军 勇 涛 超 杰 芳 燕 霞 平 刚 斌").split()


@dataclass
class Demo:
    rng: random.Random
    committees: dict[str, Committee] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    inspectors: dict[str, list[Inspector]] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)


COMMITTEES = [
    # code, name, short, level, parent, region
    ("JZ", "中共江州省委员会", "江州省委", Level.PROVINCIAL, None, "江州省"),
    ("JZ-LJ", "中共临江市委员会", "临江市委", Level.MUNICIPAL, "JZ", "临江市"),
    ("JZ-YY", "中共云阳市委员会", "云阳市委", Level.MUNICIPAL, "JZ", "云阳市"),
    ("JZ-LJ-DH", "中共临江市东湖区委员会", "东湖区委", Level.COUNTY, "JZ-LJ", "东湖区"),
    ("JZ-LJ-QX", "中共清溪县委员会", "清溪县委", Level.COUNTY, "JZ-LJ", "清溪县"),
    ("JZ-YY-BS", "中共白石县委员会", "白石县委", Level.COUNTY, "JZ-YY", "白石县"),
    ("JZ-YY-SL", "中共松岭县委员会", "松岭县委", Level.COUNTY, "JZ-YY", "松岭县"),
]
TERMS = {
    "JZ": ("第十二届", datetime.date(2022, 6, 1), datetime.date(2027, 5, 31)),
    "JZ-LJ": ("第九届", datetime.date(2023, 1, 1), datetime.date(2027, 12, 31)),
    "JZ-YY": ("第八届", datetime.date(2023, 1, 1), datetime.date(2027, 12, 31)),
    "JZ-LJ-DH": ("第十四届", datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)),
    "JZ-LJ-QX": ("第十五届", datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)),
    "JZ-YY-BS": ("第十三届", datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)),
    "JZ-YY-SL": ("第十四届", datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)),
}
# (code suffix, name template, kind, principal position, deputy position)
COUNTY_UNITS = [
    ("BGS", "{p}委办公室", UnitKind.DEPARTMENT, "主任", "副主任"),
    ("ZZB", "{p}委组织部", UnitKind.DEPARTMENT, "部长", "副部长"),
    ("JW", "{p}纪委监委机关", UnitKind.DEPARTMENT, "书记、主任", "副书记"),
    ("CZJ", "{p}财政局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("SJJ", "{p}审计局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("JYJ", "{p}教育局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("WJJ", "{p}卫生健康局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("ZRJ", "{p}自然资源局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("ZJJ", "{p}住房和城乡建设局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("SJGJ", "{p}市场监督管理局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("XFJ", "{p}信访局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("FY", "{p}人民法院", UnitKind.COURT, "院长", "副院长"),
    ("JCY", "{p}人民检察院", UnitKind.PROCURATORATE, "检察长", "副检察长"),
    ("YY", "{p}人民医院", UnitKind.HOSPITAL, "党委书记", "院长"),
    ("YZ", "{p}第一中学", UnitKind.SCHOOL, "党委书记", "校长"),
    ("CT", "{p}城市建设投资集团有限公司", UnitKind.SOE, "董事长", "总经理"),
]
TOWNSHIPS = {
    "JZ-LJ-DH": [("湖滨街道", ["湖滨社区", "望湖社区", "柳岸社区"]),
                 ("新桥街道", ["新桥社区", "丰乐社区", "桥西社区"]),
                 ("莲塘镇", ["莲塘村", "荷花村", "石埠村"])],
    "JZ-LJ-QX": [("清溪镇", ["溪口村", "上林村", "中和村"]),
                 ("枫林乡", ["枫林村", "黄泥村", "坳头村"]),
                 ("龙潭镇", ["龙潭村", "白沙村", "塘边村"])],
    "JZ-YY-BS": [("白石镇", ["白石村", "青石村", "石门村"]),
                 ("云溪乡", ["云溪村", "下坪村", "上坪村"]),
                 ("东岭镇", ["东岭村", "坪田村", "竹园村"])],
    "JZ-YY-SL": [("松岭镇", ["松岭社区", "松北村", "岭南村"]),
                 ("马鞍乡", ["马鞍村", "鹤山村", "桃源村"]),
                 ("西河镇", ["西河村", "河口村", "新屋村"])],
}
CITY_UNITS = [
    ("BGS", "{p}委办公室", UnitKind.DEPARTMENT, "主任", "副主任"),
    ("ZZB", "{p}委组织部", UnitKind.DEPARTMENT, "部长", "副部长"),
    ("JW", "{p}纪委监委机关", UnitKind.DEPARTMENT, "书记、主任", "副书记"),
    ("FGW", "{p}发展和改革委员会", UnitKind.DEPARTMENT, "主任", "副主任"),
    ("CZJ", "{p}财政局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("SJJ", "{p}审计局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("JYJ", "{p}教育局", UnitKind.DEPARTMENT, "局长", "副局长"),
    ("WJW", "{p}卫生健康委员会", UnitKind.DEPARTMENT, "主任", "副主任"),
    ("GZW", "{p}国有资产监督管理委员会", UnitKind.DEPARTMENT, "主任", "副主任"),
    ("ZY", "{p}中级人民法院", UnitKind.COURT, "院长", "副院长"),
    ("JCY", "{p}人民检察院", UnitKind.PROCURATORATE, "检察长", "副检察长"),
    ("JT", "{p}交通投资集团有限公司", UnitKind.SOE, "董事长", "总经理"),
    ("XY", "{p}职业技术学院", UnitKind.SCHOOL, "党委书记", "院长"),
]
PROVINCE_UNITS = [
    ("ZZB", "省委组织部", UnitKind.DEPARTMENT, "部长", "常务副部长"),
    ("JW", "省纪委监委机关", UnitKind.DEPARTMENT, "书记、主任", "副书记"),
    ("CZT", "省财政厅", UnitKind.DEPARTMENT, "厅长", "副厅长"),
    ("JYT", "省教育厅", UnitKind.DEPARTMENT, "厅长", "副厅长"),
    ("JTT", "省交通运输厅", UnitKind.DEPARTMENT, "厅长", "副厅长"),
    ("SJT", "省审计厅", UnitKind.DEPARTMENT, "厅长", "副厅长"),
    ("DX", "江州大学", UnitKind.SCHOOL, "党委书记", "校长"),
    ("NY", "江州能源集团有限公司", UnitKind.SOE, "董事长", "总经理"),
]
RANKS = {
    Level.PROVINCIAL: (Rank.BUREAU_CHIEF, Rank.BUREAU_DEPUTY),
    Level.MUNICIPAL: (Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY),
    Level.COUNTY: (Rank.SECTION_CHIEF, Rank.SECTION_DEPUTY),
}


def demo_exists() -> bool:
    from xuncha.audit.models import Event

    return Event.objects.filter(action=MARKER_ACTION).exists()


def _unit(demo: Demo, code: str, name: str, kind: str, committee: Committee,
          parent: Unit | None = None) -> Unit:
    unit = Unit.objects.create(code=code, name=name, kind=kind, committee=committee,
                               parent=parent, locality=committee.region)
    demo.units[code] = unit
    return unit


def _cadres(demo: Demo, unit: Unit, managing: Committee, chief: str, deputy: str,
            ranks: tuple[str, str], deputies: int = 2) -> list[Cadre]:
    people = [Cadre(name=demo.name(), gender=demo.rng.choice("mmf"), unit=unit, position=chief,
                    rank=ranks[0], is_principal=True, managing_committee=managing,
                    native_place=demo.rng.choice(["临江市", "云阳市", "江州省外", "东湖区",
                                                  "清溪县", "白石县", "松岭县"]))]
    for _i in range(deputies):
        people.append(Cadre(name=demo.name(), gender=demo.rng.choice("mmf"), unit=unit,
                            position=deputy, rank=ranks[1], is_principal=False,
                            managing_committee=managing,
                            native_place=demo.rng.choice(["临江市", "云阳市", "东湖区", "松岭县"])))
    return Cadre.objects.bulk_create(people)


def _build_orgs(demo: Demo) -> None:
    for code, name, short, level, parent, region in COMMITTEES:
        parent_obj = demo.committees.get(parent) if parent else None
        committee = Committee.objects.create(code=code, name=name, short_name=short, level=level,
                                             parent=parent_obj, region=region, path="")
        committee.path = f"{parent_obj.path if parent_obj else '/'}{committee.pk}/"
        committee.save(update_fields=["path"])
        demo.committees[code] = committee
        term_name, start, end = TERMS[code]
        Term.objects.create(committee=committee, name=term_name, starts_on=start, ends_on=end)

    province = demo.committees["JZ"]
    for suffix, name, kind, chief, deputy in PROVINCE_UNITS:
        unit = _unit(demo, f"JZ-{suffix}", name, kind, province)
        _cadres(demo, unit, province, chief, deputy, (Rank.PROVINCE_DEPUTY, Rank.BUREAU_CHIEF))
    # Cities and counties are inspected by the province (巡视) as party committees.
    for code, _name, short, level, _parent, _region in COMMITTEES[1:]:
        committee = demo.committees[code]
        unit = _unit(demo, f"{code}-DW", short, UnitKind.PARTY_COMMITTEE, province)
        ranks = (Rank.BUREAU_CHIEF, Rank.BUREAU_DEPUTY) if level == Level.MUNICIPAL else (
            Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY)
        managing = province if level == Level.MUNICIPAL else committee.parent
        assert managing is not None  # counties have their city as parent
        _cadres(demo, unit, managing, "书记", "副书记", ranks, deputies=1)

    for city_code in ("JZ-LJ", "JZ-YY"):
        city = demo.committees[city_code]
        prefix = city.region
        for suffix, name, kind, chief, deputy in CITY_UNITS:
            unit = _unit(demo, f"{city_code}-{suffix}", name.format(p=prefix), kind, city)
            _cadres(demo, unit, city, chief, deputy, RANKS[Level.MUNICIPAL])

    for county_code, townships in TOWNSHIPS.items():
        county = demo.committees[county_code]
        prefix = county.region
        for suffix, name, kind, chief, deputy in COUNTY_UNITS:
            unit = _unit(demo, f"{county_code}-{suffix}", name.format(p=prefix), kind, county)
            _cadres(demo, unit, county, chief, deputy, RANKS[Level.COUNTY])
        for t_index, (township, villages) in enumerate(townships, start=1):
            town = _unit(demo, f"{county_code}-Z{t_index:02d}", f"{prefix}{township}",
                         UnitKind.TOWNSHIP, county)
            _cadres(demo, town, county, "党委书记" if township.endswith(("镇", "乡"))
                    else "党工委书记", "党委副书记", RANKS[Level.COUNTY])
            for v_index, village in enumerate(villages, start=1):
                v_unit = _unit(demo, f"{county_code}-Z{t_index:02d}-{v_index:02d}",
                               f"{township}{village}", UnitKind.VILLAGE, county, parent=town)
                _cadres(demo, v_unit, county, "党支部书记", "村（居）委会主任",
                        (Rank.STAFF, Rank.STAFF), deputies=1)


def _build_inspectors(demo: Demo) -> None:
    source_units = {"ZZB": Expertise.ORGANIZATION, "JW": Expertise.DISCIPLINE,
                    "SJJ": Expertise.AUDIT, "CZJ": Expertise.FINANCE, "XFJ": Expertise.PETITIONS,
                    "BGS": Expertise.PROPAGANDA, "SJT": Expertise.AUDIT,
                    "CZT": Expertise.FINANCE}
    for code, committee in demo.committees.items():
        pool = []
        cadres = list(Cadre.objects.filter(unit__committee=committee, is_principal=False)
                      .select_related("unit").order_by("pk"))
        for cadre in cadres:
            suffix = cadre.unit.code.rsplit("-", 1)[-1]
            if suffix in source_units:
                expertise = [source_units[suffix]]
                if demo.rng.random() < 0.3:
                    expertise.append(demo.rng.choice([Expertise.LEGAL, Expertise.PETITIONS,
                                                      Expertise.FINANCE]))
                pool.append(Inspector(cadre=cadre, committee=committee,
                                      expertise=sorted(set(expertise))))
        # Pools of 12–16 people: add further cadres of the committee's departments.
        for cadre in cadres:
            if len(pool) >= 14:
                break
            if cadre.unit.kind == UnitKind.DEPARTMENT and not any(
                    p.cadre_id == cadre.pk for p in pool):
                pool.append(Inspector(cadre=cadre, committee=committee,
                                      expertise=[Expertise.OTHER]))
        demo.inspectors[code] = Inspector.objects.bulk_create(pool)
        # Declared ties: past work units and relatives.
        units = list(Unit.objects.filter(committee=committee).exclude(
            kind=UnitKind.VILLAGE).order_by("pk"))
        ties = []
        for inspector in demo.inspectors[code][:6]:
            unit = demo.rng.choice(units)
            start = datetime.date(demo.rng.randint(2012, 2019), demo.rng.randint(1, 12), 1)
            ties.append(InspectorTie(inspector=inspector, kind=TieKind.WORK, unit=unit,
                                     starts_on=start,
                                     ends_on=start + datetime.timedelta(days=365 * 3)))
        for inspector in demo.inspectors[code][6:8]:
            ties.append(InspectorTie(inspector=inspector, kind=TieKind.RELATIVE,
                                     unit=demo.rng.choice(units),
                                     relation=demo.rng.choice(["配偶", "子女", "兄弟姐妹"])))
        InspectorTie.objects.bulk_create(ties)


def _account(demo: Demo, username: str, role: str, committee_code: str | None, **extra) -> User:
    committee = demo.committees[committee_code] if committee_code else None
    user = User(username=username, role=role, committee=committee, **extra)
    user.set_password(DEMO_PASSWORD)
    user.save()
    demo.users[username] = user
    demo.logins.append((role or "platform", username, DEMO_PASSWORD))
    return user


def _build_accounts(demo: Demo) -> None:
    admin = User(username="admin", display_name="平台管理员", is_superuser=True, is_staff=True)
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    demo.users["admin"] = admin
    demo.logins.append(("platform", "admin", DEMO_PASSWORD))
    _account(demo, "dh_office", Role.OFFICE, "JZ-LJ-DH", display_name="东湖区委巡察办 周敏",
             is_office_admin=True, is_office_head=True)
    _account(demo, "dh_custodian", Role.OFFICE, "JZ-LJ-DH", display_name="东湖区委巡察办 郑晓明",
             is_custodian=True)
    _account(demo, "dh_leader", Role.LEADERSHIP, "JZ-LJ-DH", display_name="东湖区委巡察工作领导小组 吴建国")
    _account(demo, "dh_team", Role.TEAM, "JZ-LJ-DH",
             display_name=str(demo.inspectors["JZ-LJ-DH"][0].cadre.name),
             inspector=demo.inspectors["JZ-LJ-DH"][0])
    _account(demo, "dh_team2", Role.TEAM, "JZ-LJ-DH",
             display_name=str(demo.inspectors["JZ-LJ-DH"][1].cadre.name),
             inspector=demo.inspectors["JZ-LJ-DH"][1])
    _account(demo, "dh_liaison", Role.LIAISON, "JZ-LJ-DH", display_name="东湖区教育局 联络员",
             unit=demo.units["JZ-LJ-DH-JYJ"])
    _account(demo, "dh_jw", Role.RECEIVER, "JZ-LJ-DH", display_name="东湖区纪委监委 案件监督管理室",
             receiver_body=ReceiverBody.DISCIPLINE)
    _account(demo, "dh_zzb", Role.RECEIVER, "JZ-LJ-DH", display_name="东湖区委组织部 干部监督科",
             receiver_body=ReceiverBody.ORGANIZATION)
    _account(demo, "qx_office", Role.OFFICE, "JZ-LJ-QX", display_name="清溪县委巡察办 林海燕",
             is_office_admin=True)
    _account(demo, "lj_office", Role.OFFICE, "JZ-LJ", display_name="临江市委巡察办 陈立新",
             is_office_admin=True)
    _account(demo, "lj_oversight", Role.OVERSIGHT, "JZ-LJ",
             display_name="临江市委巡察工作领导小组办公室 督导")
    _account(demo, "jz_office", Role.OFFICE, "JZ", display_name="江州省委巡视办 何振华",
             is_office_admin=True)
    _account(demo, "jz_oversight", Role.OVERSIGHT, "JZ", display_name="江州省委巡视办 巡察指导督导处")


@transaction.atomic
def seed_demo(*, seed: int = 20261122) -> Demo:
    """Build the demo once. Raises RuntimeError if it already exists."""
    if demo_exists():
        raise RuntimeError("The demo data is already loaded.")
    demo = Demo(rng=random.Random(seed))  # noqa: S311 (invented demo names)
    _build_orgs(demo)
    _build_inspectors(demo)
    _build_accounts(demo)
    from xuncha.web import registry

    for step in registry.demo_steps():
        step(demo)
    event_record(actor=None, action=MARKER_ACTION, params={
        "committees": len(demo.committees), "units": len(demo.units),
        "accounts": len(demo.users)})
    return demo


def demo_logins() -> list[tuple[str, str, str]]:
    """``(role, username, password)`` of the demo accounts, in a stable order."""
    order = ["admin", "dh_office", "dh_custodian", "dh_leader", "dh_team", "dh_team2",
             "dh_liaison", "dh_jw", "dh_zzb", "qx_office", "lj_office", "lj_oversight",
             "jz_office", "jz_oversight"]
    roles = dict(User.objects.filter(username__in=order).values_list("username", "role"))
    return [(roles[username] or "platform", username, DEMO_PASSWORD)
            for username in order if username in roles]
