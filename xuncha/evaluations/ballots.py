"""Ballots: one-time voting codes, validating a ballot against the session's rules, voting
online with a code, and paper ballots entered by two clerks and resolved by a third."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_enter_paper, can_enter_sheet, can_issue_codes, can_resolve_sheet
from .models import (
    Ballot,
    BallotType,
    Evaluation,
    PaperEntry,
    PaperSheet,
    SheetStatus,
    Source,
    Status,
    UnmarkedRule,
    VotingCode,
)
from .sessions import group_quota, require_manager

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
MAX_CODES = 2000


# --- codes --------------------------------------------------------------------------------


def _code_key() -> bytes:
    return hashlib.sha256(("xuncha-voting-code:" + settings.SECRET_KEY).encode()).digest()


def code_hash(code: str) -> str:
    normal = "".join(c for c in (code or "").upper() if c.isalnum())
    return hmac.new(_code_key(), normal.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def codes_generate(*, actor: User, evaluation: Evaluation, ballot_type: BallotType,
                   count: int) -> list[str]:
    """New one-time codes, returned once (for the printed slips) and stored only hashed."""
    require_manager(actor=actor, evaluation=evaluation)
    if not can_issue_codes(user=actor, evaluation=evaluation):
        raise DomainError(_("The evaluation is closed."))
    if ballot_type.evaluation_id != evaluation.pk:
        raise DomainError(_("Unknown ballot type."))
    if not 1 <= count <= MAX_CODES:
        raise DomainError(_("Generate between 1 and %(n)d codes at a time.") % {"n": MAX_CODES},
                          field="count")
    codes: list[str] = []
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
    """The code a voter typed (any session, or ``evaluation_id``'s), or None."""
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


def _same_clerk() -> DomainError:
    return DomainError(_("You have already entered this sheet; the second entry must be "
                         "made by another clerk."), code="same_clerk")


@transaction.atomic
def paper_enter(*, actor: User, evaluation: Evaluation, ballot_type: BallotType, number: int,
                marks: dict[Any, Any]) -> PaperSheet:
    """One clerk's entry of a paper ballot. When the second clerk's entry agrees, the ballot
    counts (valid or void by the rules); when it differs, the sheet waits for resolution."""
    require_manager(actor=actor, evaluation=evaluation)
    if not can_enter_paper(user=actor, evaluation=evaluation):
        raise DomainError(_("Paper ballots are entered while the evaluation is open."))
    if ballot_type.evaluation_id != evaluation.pk:
        raise DomainError(_("Unknown ballot type."))
    if number < 1:
        raise DomainError(_("Give the number printed on the sheet."), field="number")
    checked = check_ballot(evaluation, marks)  # refuses unknown objects or grades
    sheet, created = PaperSheet.objects.select_for_update().get_or_create(
        evaluation=evaluation, ballot_type=ballot_type, number=number)
    if sheet.status in (SheetStatus.AGREED, SheetStatus.RESOLVED):
        raise DomainError(_("This sheet is already counted."), code="counted")
    if sheet.status == SheetStatus.MISMATCH:
        # Two entries are all a sheet takes: a third look resolves it (paper_resolve) and
        # is no entry, so that the third clerk stays free to settle the dispute.
        raise DomainError(_("The two entries of this sheet differ: it is resolved on its own "
                            "page by a clerk who entered neither, not entered again."),
                          code="disputed")
    if (not created and sheet.status == SheetStatus.WAITING
            and not can_enter_sheet(user=actor, sheet=sheet)):
        raise _same_clerk()
    try:
        with transaction.atomic():
            PaperEntry.objects.create(sheet=sheet, clerk=actor, marks=checked_raw(checked))
    except IntegrityError as exc:  # a clerk's entry of a sheet already in dispute
        raise _same_clerk() from exc
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


def _paper_ballot(evaluation: Evaluation, ballot_type: BallotType,
                  marks: dict[str, Any]) -> Ballot:
    checked = check_ballot(evaluation, marks)
    return Ballot.objects.create(evaluation=evaluation, ballot_type=ballot_type,
                                 source=Source.PAPER, marks=checked.marks, valid=checked.valid,
                                 void_reasons=checked.reasons)


@transaction.atomic
def paper_resolve(*, actor: User, sheet: PaperSheet, marks: dict[Any, Any]) -> PaperSheet:
    """A third look settles a mismatch: the resolver, not one of the two clerks, records
    what the sheet really says."""
    evaluation = sheet.evaluation
    require_manager(actor=actor, evaluation=evaluation)
    sheet = PaperSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status != SheetStatus.MISMATCH:
        raise DomainError(_("Only a sheet whose entries differ is resolved."))
    if not can_resolve_sheet(user=actor, sheet=sheet):
        raise Forbidden(_("A clerk who entered this sheet cannot resolve it."))
    checked = check_ballot(evaluation, marks)
    sheet.ballot = _paper_ballot(evaluation, sheet.ballot_type, checked_raw(checked))
    sheet.status, sheet.resolved_by = SheetStatus.RESOLVED, actor
    sheet.save()
    event_record(actor=actor, action="evaluation.paper_resolve", obj=evaluation,
                 params={"type": sheet.ballot_type.code, "number": sheet.number})
    return sheet
