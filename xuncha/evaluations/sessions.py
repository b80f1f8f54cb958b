"""Sessions and their setup: creating a session (or starting from the seed 003 meeting),
its grades, groups with their quotas and ballot types, opening and closing voting."""

import datetime
import math
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.lib.errors import DomainError, Forbidden

from .access import (
    can_change_session,
    can_close_session,
    can_create_session,
    can_manage_session,
    can_open_session,
    can_set_up_session,
)
from .models import (
    BallotType,
    Evaluation,
    Grade,
    Group,
    Object,
    SheetStatus,
    Status,
    UnmarkedRule,
)


def require_manager(*, actor: User, evaluation: Evaluation) -> None:
    """Refuse anyone but the office that runs ``evaluation``."""
    if not can_manage_session(user=actor, evaluation=evaluation):
        raise Forbidden(_("Only the office of this committee manages the evaluation."))


def _require_setup(actor: User, evaluation: Evaluation) -> None:
    require_manager(actor=actor, evaluation=evaluation)
    if not can_set_up_session(user=actor, evaluation=evaluation):
        raise DomainError(_("Voting has opened: the setup can no longer change."))


# --- setup --------------------------------------------------------------------------------


@transaction.atomic
def evaluation_create(*, actor: User, title: str, meeting_date: datetime.date,
                      closes_at: datetime.datetime,
                      unmarked_rule: str = UnmarkedRule.BLANK) -> Evaluation:
    if not can_create_session(user=actor):
        raise Forbidden(_("Only the office of this committee manages the evaluation."))
    if not title.strip():
        raise DomainError(_("Give the evaluation a title."), field="title")
    if unmarked_rule not in UnmarkedRule.values:
        raise DomainError(_("Unknown rule for unmarked objects."), field="unmarked_rule")
    committee = actor.committee
    assert committee is not None  # can_create_session: the office of a committee
    evaluation = Evaluation.objects.create(committee=committee, title=title.strip()[:200],
                                           meeting_date=meeting_date, closes_at=closes_at,
                                           unmarked_rule=unmarked_rule, created_by=actor)
    event_record(actor=actor, action="evaluation.create", obj=evaluation)
    return evaluation


DEFAULT_GRADES = [("good", "好", 100), ("fairly_good", "较好", 80), ("average", "一般", 60),
                  ("poor", "差", 0)]


@transaction.atomic
def evaluation_from_seed_template(*, actor: User, meeting_date: datetime.date,
                                  closes_at: datetime.datetime) -> Evaluation:
    """The meeting of seed 003: counties, zones and city systems in one group (好 at most
    half of them and at most 11), five universities in another (好 at most 3); A ballots
    for the standing committee and the leading group, B ballots for everyone else."""
    evaluation = evaluation_create(actor=actor, meeting_date=meeting_date, closes_at=closes_at,
                                   title=f"{meeting_date.year}年度基层党建工作述职评议")
    for position, (code, label, score) in enumerate(DEFAULT_GRADES):
        Grade.objects.create(evaluation=evaluation, code=code, label=label, score=score,
                             position=position)
    BallotType.objects.create(evaluation=evaluation, code="A", name="A票", weight=Decimal("0.6"),
                              voters="市委常委、市人大常委会主任、市政协主席，市委党的建设（基层组织建设）工作领导小组成员")
    BallotType.objects.create(evaluation=evaluation, code="B", name="B票", weight=Decimal("0.4"),
                              voters="其他参会人员")
    first = Group.objects.create(evaluation=evaluation, position=1,
                                 name="县（市、区）、开发区（管理区）、市直系统", quota_grade="good",
                                 quota_ratio=Decimal("0.5"), quota_max=11)
    names = ["海城市委", "凤岭市委", "青溪县委", "白河县委", "松山县委", "柳林县委", "东湖区委", "西山区委",
             "南岗区委", "北塘区委", "高新技术产业开发区党工委", "经济技术开发区党工委",
             "滨海新区管理区党工委",
             "市直机关工委", "市教育工委", "市卫生健康系统党委"]
    Object.objects.bulk_create([Object(group=first, name=f"{name}书记", position=i)
                                for i, name in enumerate(names)])
    second = Group.objects.create(evaluation=evaluation, position=2, name="省、市属高校",
                                  quota_grade="good", quota_max=3)
    universities = ["江州大学", "江州师范学院", "江州医科大学", "江州理工学院", "江州职业技术学院"]
    Object.objects.bulk_create([Object(group=second, name=f"{name}党委书记", position=i)
                                for i, name in enumerate(universities)])
    event_record(actor=actor, action="evaluation.template", obj=evaluation,
                 params={"template": "seed-003"})
    return evaluation


@transaction.atomic
def evaluation_start(*, actor: User, title: str, meeting_date: datetime.date,
                     closes_at: datetime.datetime, unmarked_rule: str,
                     template: bool) -> Evaluation:
    """The new-session page: an empty session, or the seed 003 meeting with the title and
    the rule for unmarked objects chosen on the page."""
    if not template:
        return evaluation_create(actor=actor, title=title, meeting_date=meeting_date,
                                 closes_at=closes_at, unmarked_rule=unmarked_rule)
    evaluation = evaluation_from_seed_template(actor=actor, meeting_date=meeting_date,
                                               closes_at=closes_at)
    return evaluation_settings(actor=actor, evaluation=evaluation,
                               data={"title": title, "unmarked_rule": unmarked_rule})


def group_quota(group: Group, size: int | None = None) -> int | None:
    """How many objects of the group may receive the limited grade (None: no limit)."""
    size = size if size is not None else group.members.count()
    limits = []
    if group.quota_ratio is not None:
        limits.append(math.floor(Decimal(size) * group.quota_ratio))
    if group.quota_max is not None:
        limits.append(group.quota_max)
    return min(limits) if limits else None


@transaction.atomic
def group_save(*, actor: User, evaluation: Evaluation, name: str, quota_grade: str,
               quota_ratio: Decimal | None, quota_max: int | None,
               objects: list[str], group: Group | None = None) -> Group:
    _require_setup(actor, evaluation)
    names = [n.strip()[:200] for n in objects if n.strip()]
    if not name.strip():
        raise DomainError(_("Name the group."), field="name")
    if not names:
        raise DomainError(_("A group needs at least one object."), field="objects")
    if len(set(names)) != len(names):
        raise DomainError(_("An object is listed twice."), field="objects")
    if not evaluation.grades.filter(code=quota_grade).exists():
        raise DomainError(_("The limited grade must be one of the session's grades."),
                          field="quota_grade")
    if quota_ratio is not None and not (Decimal(0) < quota_ratio <= Decimal(1)):
        raise DomainError(_("The share must be above 0 and at most 1."), field="quota_ratio")
    if quota_max is not None and not (0 < quota_max <= len(names)):
        raise DomainError(_("The quota must be between 1 and the group size (%(n)d).")
                          % {"n": len(names)}, code="bad_quota", field="quota_max")
    if quota_ratio is not None and math.floor(Decimal(len(names)) * quota_ratio) == 0:
        raise DomainError(_("This share allows no object at all in a group of %(n)d.")
                          % {"n": len(names)}, code="bad_quota", field="quota_ratio")
    if group is None:
        position = (evaluation.groups.aggregate(p=Max("position"))["p"] or 0) + 1
        group = Group(evaluation=evaluation, position=position)
    group.name, group.quota_grade = name.strip()[:200], quota_grade
    group.quota_ratio, group.quota_max = quota_ratio, quota_max
    group.save()
    group.members.all().delete()
    Object.objects.bulk_create([Object(group=group, name=n, position=i)
                                for i, n in enumerate(names)])
    event_record(actor=actor, action="evaluation.group_save", obj=evaluation,
                 params={"group": group.name, "objects": len(names),
                         "quota_ratio": quota_ratio, "quota_max": quota_max})
    return group


@transaction.atomic
def grades_save(*, actor: User, evaluation: Evaluation,
                grades: list[tuple[str, str, Decimal]]) -> None:
    _require_setup(actor, evaluation)
    codes = [code for code, _label, _score in grades]
    if len(grades) < 2 or len(set(codes)) != len(codes):
        raise DomainError(_("At least two grades with distinct codes."), field="grades")
    if any(not c or len(c) > 16 or not label or len(label) > 20 for c, label, _score in grades):
        raise DomainError(_("A grade code has 1 to 16 characters and its label 1 to 20."),
                          field="grades")
    if any(not (Decimal(-1000) <= score <= Decimal(1000)) for _c, _label, score in grades):
        raise DomainError(_("A grade's score lies between -1000 and 1000."), field="grades")
    used = set(evaluation.groups.values_list("quota_grade", flat=True))
    if used - set(codes):
        raise DomainError(_("A group's quota refers to a grade you removed."), field="grades")
    evaluation.grades.all().delete()
    Grade.objects.bulk_create([Grade(evaluation=evaluation, code=c, label=label, score=score,
                                     position=i) for i, (c, label, score) in enumerate(grades)])
    event_record(actor=actor, action="evaluation.grades_save", obj=evaluation,
                 params={"grades": [[c, label, str(score)] for c, label, score in grades]})


@transaction.atomic
def ballot_type_save(*, actor: User, evaluation: Evaluation, code: str, name: str, voters: str,
                     weight: Decimal) -> BallotType:
    _require_setup(actor, evaluation)
    if not code.strip() or not name.strip():
        raise DomainError(_("A ballot type needs a code and a name."), field="code")
    if weight < 0 or weight > 1:
        raise DomainError(_("A weight is between 0 and 1."), field="weight")
    ballot_type, _created = BallotType.objects.update_or_create(
        evaluation=evaluation, code=code.strip()[:4],
        defaults={"name": name.strip()[:100], "voters": voters.strip()[:300], "weight": weight})
    event_record(actor=actor, action="evaluation.ballot_type_save", obj=evaluation,
                 params={"code": ballot_type.code, "weight": weight})
    return ballot_type


@transaction.atomic
def evaluation_settings(*, actor: User, evaluation: Evaluation,
                        data: dict[str, Any]) -> Evaluation:
    require_manager(actor=actor, evaluation=evaluation)
    if not can_change_session(user=actor, evaluation=evaluation):
        raise DomainError(_("The evaluation is closed."))
    for name in ("title", "meeting_date", "closes_at", "unmarked_rule"):
        if name in data and data[name] not in (None, ""):
            if name == "unmarked_rule":
                _require_setup(actor, evaluation)
                if data[name] not in UnmarkedRule.values:
                    raise DomainError(_("Unknown rule for unmarked objects."), field=name)
            setattr(evaluation, name, data[name])
    evaluation.save()
    event_record(actor=actor, action="evaluation.settings", obj=evaluation,
                 params={k: data[k] for k in data if k in ("title", "meeting_date", "closes_at",
                                                           "unmarked_rule")})
    return evaluation


def setup_problems(evaluation: Evaluation) -> list[str]:
    """What the session still lacks before voting can open (empty: nothing)."""
    problems = []
    if evaluation.grades.count() < 2:
        problems.append(_("at least two grades"))
    if not evaluation.groups.exists():
        problems.append(_("at least one group of objects"))
    types = list(evaluation.ballot_types.all())
    if not types:
        problems.append(_("at least one ballot type"))
    elif sum(t.weight for t in types) <= 0:
        problems.append(_("a weight above zero"))
    if evaluation.closes_at <= timezone.now():
        problems.append(_("a closing time in the future"))
    return problems


# --- voting opens and closes --------------------------------------------------------------


@transaction.atomic
def evaluation_open(*, actor: User, evaluation: Evaluation) -> Evaluation:
    require_manager(actor=actor, evaluation=evaluation)
    if not can_open_session(user=actor, evaluation=evaluation):
        raise DomainError(_("Voting has opened: the setup can no longer change."))
    problems = setup_problems(evaluation)
    if problems:
        raise DomainError(_("Voting cannot open yet; the session needs %(missing)s.")
                          % {"missing": "、".join(str(p) for p in problems)}, code="precondition")
    evaluation.status = Status.OPEN
    evaluation.save(update_fields=["status"])
    event_record(actor=actor, action="evaluation.open", obj=evaluation)
    return evaluation


@transaction.atomic
def evaluation_close(*, actor: User, evaluation: Evaluation) -> Evaluation:
    require_manager(actor=actor, evaluation=evaluation)
    if not can_close_session(user=actor, evaluation=evaluation):
        raise DomainError(_("Only an open evaluation can be closed."))
    pending = evaluation.sheets.exclude(status__in=[SheetStatus.AGREED, SheetStatus.RESOLVED])
    if pending.exists():
        raise DomainError(_("%(n)d paper ballot(s) still wait for a second entry or a resolution.")
                          % {"n": pending.count()}, code="precondition")
    evaluation.status = Status.CLOSED
    evaluation.save(update_fields=["status"])
    event_record(actor=actor, action="evaluation.close", obj=evaluation)
    return evaluation
