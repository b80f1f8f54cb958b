"""Setting up an evaluation, voting online and on paper, validating ballots, results."""

import datetime
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.roles import Role
from xuncha.audit.services import event_record
from xuncha.lib.errors import DomainError, Forbidden

from .models import (
    Ballot,
    BallotType,
    Evaluation,
    Grade,
    Group,
    Object,
    PaperEntry,
    PaperSheet,
    SheetStatus,
    Source,
    Status,
    UnmarkedRule,
    VotingCode,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_CODES = 2000


def _require_office(actor, evaluation_or_committee_id) -> None:
    committee_id = getattr(evaluation_or_committee_id, "committee_id", evaluation_or_committee_id)
    if not (actor.role == Role.OFFICE and actor.committee_id == committee_id):
        raise Forbidden(_("Only the office of this committee manages the evaluation."))


def _require_draft(evaluation: Evaluation) -> None:
    if evaluation.status != Status.DRAFT:
        raise DomainError(_("Voting has opened: the setup can no longer change."))


# --- setup --------------------------------------------------------------------------------


@transaction.atomic
def evaluation_create(*, actor, title: str, meeting_date: datetime.date,
                      closes_at: datetime.datetime,
                      unmarked_rule: str = UnmarkedRule.BLANK) -> Evaluation:
    _require_office(actor, actor.committee_id)
    if not title.strip():
        raise DomainError(_("Give the evaluation a title."), field="title")
    if unmarked_rule not in UnmarkedRule.values:
        raise DomainError(_("Unknown rule for unmarked objects."), field="unmarked_rule")
    evaluation = Evaluation.objects.create(committee=actor.committee, title=title.strip()[:200],
                                           meeting_date=meeting_date, closes_at=closes_at,
                                           unmarked_rule=unmarked_rule, created_by=actor)
    event_record(actor=actor, action="evaluation.create", obj=evaluation)
    return evaluation


DEFAULT_GRADES = [("good", "好", 100), ("fairly_good", "较好", 80), ("average", "一般", 60),
                  ("poor", "差", 0)]


@transaction.atomic
def evaluation_from_seed_template(*, actor, meeting_date: datetime.date,
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
def group_save(*, actor, evaluation: Evaluation, name: str, quota_grade: str,
               quota_ratio: Decimal | None, quota_max: int | None,
               objects: list[str], group: Group | None = None) -> Group:
    _require_office(actor, evaluation)
    _require_draft(evaluation)
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
def grades_save(*, actor, evaluation: Evaluation, grades: list[tuple[str, str, Decimal]]) -> None:
    _require_office(actor, evaluation)
    _require_draft(evaluation)
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
def ballot_type_save(*, actor, evaluation: Evaluation, code: str, name: str, voters: str,
                     weight: Decimal) -> BallotType:
    _require_office(actor, evaluation)
    _require_draft(evaluation)
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
def evaluation_settings(*, actor, evaluation: Evaluation, data: dict[str, Any]) -> Evaluation:
    _require_office(actor, evaluation)
    if evaluation.status == Status.CLOSED:
        raise DomainError(_("The evaluation is closed."))
    for name in ("title", "meeting_date", "closes_at", "unmarked_rule"):
        if name in data and data[name] not in (None, ""):
            if name == "unmarked_rule":
                _require_draft(evaluation)
                if data[name] not in UnmarkedRule.values:
                    raise DomainError(_("Unknown rule for unmarked objects."), field=name)
            setattr(evaluation, name, data[name])
    evaluation.save()
    event_record(actor=actor, action="evaluation.settings", obj=evaluation,
                 params={k: data[k] for k in data if k in ("title", "meeting_date", "closes_at",
                                                           "unmarked_rule")})
    return evaluation


def setup_problems(evaluation: Evaluation) -> list[str]:
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


@transaction.atomic
def evaluation_open(*, actor, evaluation: Evaluation) -> Evaluation:
    _require_office(actor, evaluation)
    _require_draft(evaluation)
    problems = setup_problems(evaluation)
    if problems:
        raise DomainError(_("Voting cannot open yet; the session needs %(missing)s.")
                          % {"missing": "、".join(str(p) for p in problems)}, code="precondition")
    evaluation.status = Status.OPEN
    evaluation.save(update_fields=["status"])
    event_record(actor=actor, action="evaluation.open", obj=evaluation)
    return evaluation


@transaction.atomic
def evaluation_close(*, actor, evaluation: Evaluation) -> Evaluation:
    _require_office(actor, evaluation)
    if evaluation.status != Status.OPEN:
        raise DomainError(_("Only an open evaluation can be closed."))
    pending = evaluation.sheets.exclude(status__in=[SheetStatus.AGREED, SheetStatus.RESOLVED])
    if pending.exists():
        raise DomainError(_("%(n)d paper ballot(s) still wait for a second entry or a resolution.")
                          % {"n": pending.count()}, code="precondition")
    evaluation.status = Status.CLOSED
    evaluation.save(update_fields=["status"])
    event_record(actor=actor, action="evaluation.close", obj=evaluation)
    return evaluation


# --- codes --------------------------------------------------------------------------------


def _code_key() -> bytes:
    return hashlib.sha256(("xuncha-voting-code:" + settings.SECRET_KEY).encode()).digest()


def code_hash(code: str) -> str:
    normal = "".join(c for c in (code or "").upper() if c.isalnum())
    return hmac.new(_code_key(), normal.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def codes_generate(*, actor, evaluation: Evaluation, ballot_type: BallotType,
                   count: int) -> list[str]:
    """New one-time codes, returned once (for the printed slips) and stored only hashed."""
    _require_office(actor, evaluation)
    if evaluation.status == Status.CLOSED:
        raise DomainError(_("The evaluation is closed."))
    if ballot_type.evaluation_id != evaluation.pk:
        raise DomainError(_("Unknown ballot type."))
    if not 1 <= count <= MAX_CODES:
        raise DomainError(_("Generate between 1 and %(n)d codes at a time.") % {"n": MAX_CODES},
                          field="count")
    codes = []
    rows = []
    while len(codes) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if code in codes:
            continue
        codes.append(code)
        rows.append(VotingCode(evaluation=evaluation, ballot_type=ballot_type,
                               code_hash=code_hash(code)))
    VotingCode.objects.bulk_create(rows)
    event_record(actor=actor, action="evaluation.codes", obj=evaluation,
                 params={"ballot_type": ballot_type.code, "count": count})
    return codes


def code_lookup(evaluation_id: int | None, code: str) -> VotingCode | None:
    qs = VotingCode.objects.select_related("evaluation", "ballot_type").filter(
        code_hash=code_hash(code))
    if evaluation_id:
        qs = qs.filter(evaluation_id=evaluation_id)
    return qs.first()


# --- validation -------------------------------------------------------------------------------


@dataclass
class Checked:
    valid: bool
    reasons: list[str] = field(default_factory=list)
    marks: dict[str, list[str]] = field(default_factory=dict)


def check_ballot(evaluation: Evaluation, marks: dict[Any, Any]) -> Checked:
    """Validate marks ``{object id: grade code or [codes]}``.

    Refuses (DomainError) marks for objects or grades that are not in the session; returns
    a void result with its reasons when an object has more than one mark, a group exceeds
    its quota, or (when the session says so) an object is left unmarked.
    """
    groups = list(evaluation.groups.prefetch_related("members"))
    objects = {str(o.pk): (o, g) for g in groups for o in g.members.all()}
    grades = {g.code: g for g in evaluation.grades.all()}
    normal: dict[str, list[str]] = {}
    for key, value in (marks or {}).items():
        key = str(key)
        if key not in objects:
            raise DomainError(_("The ballot names an object that is not in this evaluation."),
                              code="unknown_object")
        codes = [value] if isinstance(value, str) else list(value or [])
        codes = [c for c in codes if c]
        for code in codes:
            if code not in grades:
                raise DomainError(_("Unknown grade: %(code)s") % {"code": code},
                                  code="unknown_grade")
        if codes:
            normal[key] = codes
    reasons: list[str] = []
    lowest = max(grades.values(), key=lambda g: g.position).code if grades else None
    for key, (obj, _group) in objects.items():
        codes = normal.get(key, [])
        if len(codes) > 1:
            reasons.append(_("%(name)s has more than one mark.") % {"name": obj.name})
        elif not codes and evaluation.unmarked_rule == UnmarkedRule.VOID:
            reasons.append(_("%(name)s is not marked.") % {"name": obj.name})
        elif not codes and evaluation.unmarked_rule == UnmarkedRule.LOWEST and lowest:
            normal[key] = [lowest]
    for group in groups:
        quota = group_quota(group, len(group.members.all()))
        if quota is None:
            continue
        limited = sum(1 for o in group.members.all()
                      if normal.get(str(o.pk)) == [group.quota_grade])
        if limited > quota:
            label = grades[group.quota_grade].label if group.quota_grade in grades else (
                group.quota_grade)
            reasons.append(_("%(group)s: %(count)d marked “%(grade)s”, at most %(quota)d allowed.")
                           % {"group": group.name, "count": limited, "grade": label,
                              "quota": quota})
    return Checked(valid=not reasons, reasons=reasons, marks=normal)


# --- voting online --------------------------------------------------------------------------


def _require_open(evaluation: Evaluation) -> None:
    if evaluation.status != Status.OPEN:
        raise DomainError(_("Voting is not open."), code="not_open")
    if timezone.now() >= evaluation.closes_at:
        raise DomainError(_("Voting closed at %(time)s.") % {
            "time": timezone.localtime(evaluation.closes_at).strftime("%Y-%m-%d %H:%M")},
            code="closed")


def vote_cast(*, code: str, marks: dict[Any, Any]) -> Checked:
    """Cast an online ballot with a one-time code. A ballot that would be void is refused
    with its reasons (the code stays unused so the voter can correct it)."""
    with transaction.atomic():
        voting_code = VotingCode.objects.select_for_update().select_related(
            "evaluation", "ballot_type").filter(code_hash=code_hash(code)).first()
        if voting_code is None:
            raise DomainError(_("This voting code is not valid."), code="bad_code")
        evaluation = voting_code.evaluation
        _require_open(evaluation)
        if voting_code.used:
            raise DomainError(_("This voting code has already been used."), code="used_code")
        checked = check_ballot(evaluation, marks)
        if not checked.valid:
            return checked
        # Mark the code used and store the ballot with no reference to it.
        updated = VotingCode.objects.filter(pk=voting_code.pk, used=False).update(used=True)
        if not updated:
            raise DomainError(_("This voting code has already been used."), code="used_code")
        Ballot.objects.create(evaluation=evaluation, ballot_type=voting_code.ballot_type,
                              source=Source.ONLINE, marks=checked.marks, valid=True)
        event_record(actor=None, action="evaluation.vote", obj=evaluation,
                     params={"source": "online"})
    return checked


# --- paper ----------------------------------------------------------------------------------


@transaction.atomic
def paper_enter(*, actor, evaluation: Evaluation, ballot_type: BallotType, number: int,
                marks: dict[Any, Any]) -> PaperSheet:
    """One clerk's entry of a paper ballot. When the second clerk's entry agrees, the ballot
    counts (valid or void by the rules); when it differs, the sheet waits for resolution."""
    _require_office(actor, evaluation)
    if evaluation.status != Status.OPEN:
        raise DomainError(_("Paper ballots are entered while the evaluation is open."))
    if ballot_type.evaluation_id != evaluation.pk:
        raise DomainError(_("Unknown ballot type."))
    if number < 1:
        raise DomainError(_("Give the number printed on the sheet."), field="number")
    checked = check_ballot(evaluation, marks)  # refuses unknown objects or grades
    sheet, _created = PaperSheet.objects.select_for_update().get_or_create(
        evaluation=evaluation, ballot_type=ballot_type, number=number)
    if sheet.status in (SheetStatus.AGREED, SheetStatus.RESOLVED):
        raise DomainError(_("This sheet is already counted."), code="counted")
    try:
        with transaction.atomic():
            PaperEntry.objects.create(sheet=sheet, clerk=actor, marks=checked_raw(checked))
    except IntegrityError as exc:
        raise DomainError(_("You have already entered this sheet; the second entry must be "
                            "made by another clerk."), code="same_clerk") from exc
    entries = list(sheet.entries.all())
    if len(entries) >= 2:
        if entries[0].marks == entries[1].marks:
            sheet.ballot = _paper_ballot(evaluation, ballot_type, entries[0].marks)
            sheet.status = SheetStatus.AGREED
        else:
            sheet.status = SheetStatus.MISMATCH
        sheet.save()
    event_record(actor=actor, action="evaluation.paper_entry", obj=evaluation,
                 params={"type": ballot_type.code, "number": number, "status": sheet.status})
    return sheet


def checked_raw(checked: Checked) -> dict[str, list[str]]:
    return {k: sorted(v) for k, v in sorted(checked.marks.items())}


def _paper_ballot(evaluation: Evaluation, ballot_type: BallotType, marks: dict) -> Ballot:
    checked = check_ballot(evaluation, marks)
    return Ballot.objects.create(evaluation=evaluation, ballot_type=ballot_type,
                                 source=Source.PAPER, marks=checked.marks, valid=checked.valid,
                                 void_reasons=checked.reasons)


@transaction.atomic
def paper_resolve(*, actor, sheet: PaperSheet, marks: dict[Any, Any]) -> PaperSheet:
    """A third look settles a mismatch: the resolver, not one of the two clerks, records
    what the sheet really says."""
    evaluation = sheet.evaluation
    _require_office(actor, evaluation)
    sheet = PaperSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status != SheetStatus.MISMATCH:
        raise DomainError(_("Only a sheet whose entries differ is resolved."))
    if sheet.entries.filter(clerk=actor).exists():
        raise Forbidden(_("A clerk who entered this sheet cannot resolve it."))
    checked = check_ballot(evaluation, marks)
    sheet.ballot = _paper_ballot(evaluation, sheet.ballot_type, checked_raw(checked))
    sheet.status, sheet.resolved_by = SheetStatus.RESOLVED, actor
    sheet.save()
    event_record(actor=actor, action="evaluation.paper_resolve", obj=evaluation,
                 params={"type": sheet.ballot_type.code, "number": sheet.number})
    return sheet


# --- results --------------------------------------------------------------------------------


@dataclass
class ObjectResult:
    object: Object
    group: Group
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # type → grade → n
    blanks: dict[str, int] = field(default_factory=dict)
    means: dict[str, float | None] = field(default_factory=dict)
    combined: float | None = None
    rank: int | None = None


@dataclass
class Results:
    evaluation: Evaluation
    types: list[BallotType]
    grades: list[Grade]
    rows: list[ObjectResult]
    valid: dict[str, int]
    void: dict[str, int]
    void_reasons: list[tuple[str, list[str]]]


def results(evaluation: Evaluation) -> Results:
    """Per object: counts per grade per ballot type; per type the mean grade score over the
    valid ballots that graded it (blanks left out); the combined score = Σ weight × mean
    over the types that graded it, weights rescaled to those types; the rank in its group."""
    types = list(evaluation.ballot_types.all())
    grades = list(evaluation.grades.all())
    scores = {g.code: float(g.score) for g in grades}
    groups = list(evaluation.groups.prefetch_related("members"))
    rows = {str(o.pk): ObjectResult(object=o, group=g) for g in groups for o in g.members.all()}
    for row in rows.values():
        for t in types:
            row.counts[t.code] = {g.code: 0 for g in grades}
            row.blanks[t.code] = 0
    valid = {t.code: 0 for t in types}
    void = {t.code: 0 for t in types}
    void_reasons = []
    type_code = {t.pk: t.code for t in types}
    for ballot in evaluation.ballots.all():
        code = type_code[ballot.ballot_type_id]
        if not ballot.valid:
            void[code] += 1
            void_reasons.append((code, ballot.void_reasons))
            continue
        valid[code] += 1
        for key, row in rows.items():
            marks = ballot.marks.get(key) or []
            if len(marks) == 1:
                row.counts[code][marks[0]] += 1
            else:
                row.blanks[code] += 1
    for row in rows.values():
        total_weight, weighted = 0.0, 0.0
        for t in types:
            graded = sum(row.counts[t.code].values())
            if graded:
                mean = sum(scores[g] * n for g, n in row.counts[t.code].items()) / graded
                row.means[t.code] = round(mean, 2)
                total_weight += float(t.weight)
                weighted += float(t.weight) * mean
            else:
                row.means[t.code] = None
        row.combined = round(weighted / total_weight, 2) if total_weight else None
    for group in groups:
        members = [rows[str(o.pk)] for o in group.members.all()]
        ordered = sorted((r for r in members if r.combined is not None),
                         key=lambda r: -r.combined)
        previous, rank = None, 0
        for index, row in enumerate(ordered, start=1):
            if row.combined != previous:
                rank = index
            row.rank = rank
            previous = row.combined
    return Results(evaluation=evaluation, types=types, grades=grades, rows=list(rows.values()),
                   valid=valid, void=void, void_reasons=void_reasons)
