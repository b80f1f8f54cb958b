"""Test fixtures shared by every app: a small world and one persona per role.

World: province P → city C → counties A and B. Each county has departments, a township and
a village; each committee has an inspector pool. Personas (all password ``PASSWORD``):

    platform     superuser
    office       county A office admin          office2     county A office (not admin)
    custodian    county A office, custodian     leader      county A leading group
    team         county A team member           team_b      county A, another inspector
    liaison      county A, education bureau     receiver    county A discipline receiver
    receiver_org county A organization dept.    oversight   city C oversight
    city_office  city C office admin            other_office county B office admin
    other_team   county B team member           other_liaison county B unit liaison
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.test import SimpleTestCase, TestCase
from django.utils.translation import gettext

from xuncha.accounts.models import User
from xuncha.accounts.roles import ReceiverBody, Role
from xuncha.lib.errors import DomainError
from xuncha.organizations.models import (
    Cadre,
    Committee,
    Inspector,
    Level,
    Rank,
    Term,
    Unit,
    UnitKind,
)

PASSWORD = "Correct-Horse-42"  # noqa: S105


def make_committee(code: str, level: str, parent: Committee | None = None,
                   region: str = "", **extra) -> Committee:
    committee = Committee.objects.create(code=code, name=f"中共{region or code}委员会",
                                         short_name=f"{region or code}委", level=level,
                                         parent=parent, region=region, path="", **extra)
    committee.path = f"{parent.path if parent else '/'}{committee.pk}/"
    committee.save(update_fields=["path"])
    return committee


def make_unit(code: str, name: str, committee: Committee, kind: str = UnitKind.DEPARTMENT,
              parent: Unit | None = None) -> Unit:
    return Unit.objects.create(code=code, name=name, kind=kind, committee=committee,
                               parent=parent, locality=committee.region)


def make_cadre(name: str, unit: Unit, position: str = "科员", principal: bool = False,
               rank: str = Rank.SECTION_DEPUTY, native_place: str = "") -> Cadre:
    return Cadre.objects.create(name=name, unit=unit, position=position, rank=rank,
                                is_principal=principal, managing_committee=unit.committee,
                                native_place=native_place)


def make_inspector(name: str, unit: Unit, committee: Committee, expertise=("discipline",),
                   native_place: str = "") -> Inspector:
    cadre = make_cadre(name, unit, native_place=native_place)
    return Inspector.objects.create(cadre=cadre, committee=committee, expertise=list(expertise))


def make_user(username: str, role: str, committee: Committee | None, **extra) -> User:
    user = User(username=username, role=role, committee=committee,
                display_name=extra.pop("display_name", username), **extra)
    user.set_password(PASSWORD)
    user.save()
    return user


class World:
    """Builds the shared world; attributes are set on the test class."""

    @classmethod
    def build(cls, target) -> None:
        t = target
        t.province = make_committee("P", Level.PROVINCIAL, region="江州省")
        t.city = make_committee("P-C", Level.MUNICIPAL, t.province, region="临江市")
        t.county = make_committee("P-C-A", Level.COUNTY, t.city, region="东湖区")
        t.county_b = make_committee("P-C-B", Level.COUNTY, t.city, region="清溪县")
        t.term = Term.objects.create(committee=t.county, name="第十四届",
                                     starts_on=datetime.date(2024, 1, 1),
                                     ends_on=datetime.date(2028, 12, 31))
        t.term_b = Term.objects.create(committee=t.county_b, name="第十五届",
                                       starts_on=datetime.date(2024, 1, 1),
                                       ends_on=datetime.date(2028, 12, 31))
        t.city_term = Term.objects.create(committee=t.city, name="第九届",
                                          starts_on=datetime.date(2023, 1, 1),
                                          ends_on=datetime.date(2027, 12, 31))
        # County A units
        t.unit_jw = make_unit("A-JW", "东湖区纪委监委机关", t.county)
        t.unit_edu = make_unit("A-JYJ", "东湖区教育局", t.county)
        t.unit_fin = make_unit("A-CZJ", "东湖区财政局", t.county)
        t.unit_health = make_unit("A-WJJ", "东湖区卫生健康局", t.county)
        t.township = make_unit("A-Z01", "东湖区湖滨街道", t.county, UnitKind.TOWNSHIP)
        t.village = make_unit("A-Z01-01", "湖滨社区", t.county, UnitKind.VILLAGE, t.township)
        # County B and city units
        t.unit_b = make_unit("B-JYJ", "清溪县教育局", t.county_b)
        t.unit_b2 = make_unit("B-CZJ", "清溪县财政局", t.county_b)
        t.city_unit = make_unit("C-FGW", "临江市发展和改革委员会", t.city)
        # Cadres
        t.edu_chief = make_cadre("王建国", t.unit_edu, "局长", principal=True,
                                 rank=Rank.SECTION_CHIEF)
        t.edu_deputy = make_cadre("李春梅", t.unit_edu, "副局长")
        t.b_chief = make_cadre("赵志强", t.unit_b, "局长", principal=True,
                               rank=Rank.SECTION_CHIEF)
        # Inspector pools
        t.insp_a1 = make_inspector("周敏", t.unit_jw, t.county)
        t.insp_a2 = make_inspector("吴海燕", t.unit_fin, t.county, ("finance", "audit"))
        t.insp_a3 = make_inspector("郑立新", t.unit_jw, t.county, ("organization",))
        t.insp_a4 = make_inspector("孙文斌", t.unit_fin, t.county, ("petitions",))
        t.insp_a5 = make_inspector("钱晓明", t.unit_health, t.county, ("discipline",))
        t.insp_b1 = make_inspector("冯德明", t.unit_b2, t.county_b)
        # Personas
        t.platform = User.objects.create_superuser("platform", password=PASSWORD)
        t.office = make_user("office", Role.OFFICE, t.county, is_office_admin=True,
                             is_office_head=True)
        t.office2 = make_user("office2", Role.OFFICE, t.county)
        t.custodian = make_user("custodian", Role.OFFICE, t.county, is_custodian=True)
        t.leader = make_user("leader", Role.LEADERSHIP, t.county)
        t.team = make_user("team", Role.TEAM, t.county, inspector=t.insp_a1)
        t.team_b = make_user("team_b", Role.TEAM, t.county, inspector=t.insp_a5)
        t.liaison = make_user("liaison", Role.LIAISON, t.county, unit=t.unit_edu)
        t.receiver = make_user("receiver", Role.RECEIVER, t.county,
                               receiver_body=ReceiverBody.DISCIPLINE)
        t.receiver_org = make_user("receiver_org", Role.RECEIVER, t.county,
                                   receiver_body=ReceiverBody.ORGANIZATION)
        t.oversight = make_user("oversight", Role.OVERSIGHT, t.city)
        t.city_office = make_user("city_office", Role.OFFICE, t.city, is_office_admin=True)
        t.other_office = make_user("other_office", Role.OFFICE, t.county_b,
                                   is_office_admin=True)
        t.other_team = make_user("other_team", Role.TEAM, t.county_b, inspector=t.insp_b1)
        t.other_liaison = make_user("other_liaison", Role.LIAISON, t.county_b, unit=t.unit_b)


def said(reason: str, message: str) -> bool:
    """Whether ``message`` (in the active language) says ``reason``, an English message of
    the code or a part of one: the part's own translation, or the translation of a whole
    message containing it (placeholders such as ``%(name)s`` match anything)."""
    import re

    from django.utils.translation import trans_real

    if reason in message or gettext(reason) in message:
        return True
    # gettext's catalogue (django-stubs does not declare it): msgid → translation.
    catalog = vars(trans_real.translation(trans_real.get_language() or "en"))["_catalog"]
    for msgid, msgstr in catalog.items():
        if isinstance(msgid, str) and reason in msgid and isinstance(msgstr, str) and msgstr:
            pattern = ".*?".join(re.escape(part) for part in
                                 re.split(r"%\(\w+\)[sd]|%[sd]", msgstr))
            if re.search(pattern, message, re.S):
                return True
    return False


class RefusalAssertions(SimpleTestCase):
    """``assertRefused``: the action was refused *for the stated reason*, not for any."""

    @contextmanager
    def assertRefused(self, kind: type[DomainError] = DomainError, reason: str | None = None,
                      *, code: str | None = None) -> Iterator[None]:
        """``reason`` is the English message (or a part of it) as written in the code; it
        is compared in the active language. ``code`` is the error's machine code."""
        with self.assertRaises(kind) as ctx:
            yield
        if reason is not None:
            self.assertTrue(said(reason, ctx.exception.message),
                            f"{ctx.exception.message!r} does not say {reason!r}")
        if code is not None:
            self.assertEqual(ctx.exception.code, code)
        if reason is None and code is None:
            raise AssertionError("assertRefused needs the reason or the code it expects")


class WorldTestCase(RefusalAssertions, TestCase):
    """A TestCase with the shared world built once per class."""

    PERSONAS = ("platform", "office", "office2", "custodian", "leader", "team", "team_b",
                "liaison", "receiver", "receiver_org", "oversight", "city_office",
                "other_office", "other_team", "other_liaison")

    @classmethod
    def setUpTestData(cls):
        World.build(cls)

    def login(self, user: User) -> None:
        self.client.force_login(user)
