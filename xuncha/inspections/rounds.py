"""Planning rounds: the office plans and submits, the leading group approves or returns."""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Committee, Term

from .access import (
    can_approve_round,
    can_change_round,
    can_decide_round,
    can_manage_round,
    can_plan_rounds_for,
)
from .models import Round, RoundKind, RoundStatus

ROUND_FIELDS = ("term", "number", "kind", "topic", "planned_start", "planned_end", "note")


def office_only() -> Forbidden:
    """The refusal of everything only the committee's office does."""
    return Forbidden(_("Only the inspection office of this committee may do this."))


def _require_manager(actor: User, round: Round) -> None:
    if not can_manage_round(user=actor, round=round):
        raise office_only()


def _require_decider(actor: User, round: Round) -> None:
    if not can_decide_round(user=actor, round=round):
        raise Forbidden(_("Only the leading group of this committee decides on rounds."))


def _validate_round(r: Round) -> None:
    if r.planned_end < r.planned_start:
        raise DomainError(_("The round cannot end before it starts."), field="planned_end")
    term = r.term
    if term.committee_id != r.committee_id:
        raise DomainError(_("Choose a term of this committee."), field="term")
    if r.planned_start < term.starts_on or r.planned_end > term.ends_on:
        raise DomainError(_("The round must fall within the term (%(start)s – %(end)s).")
                          % {"start": term.starts_on, "end": term.ends_on}, field="planned_start")
    if r.kind == RoundKind.SPECIAL and not r.topic.strip():
        raise DomainError(_("A special round needs its topic."), field="topic")
    if r.kind != RoundKind.SPECIAL:
        r.topic = ""
    if r.kind not in RoundKind.values:
        raise DomainError(_("Unknown kind of round."), field="kind")
    clash = Round.objects.filter(committee_id=r.committee_id, term_id=r.term_id, number=r.number)
    if r.pk:
        clash = clash.exclude(pk=r.pk)
    if clash.exists():
        raise DomainError(_("Round %(n)d already exists in this term.") % {"n": r.number},
                          field="number")


@transaction.atomic
def round_create(*, actor: User, committee: Committee, data: dict[str, Any]) -> Round:
    if not can_plan_rounds_for(user=actor, committee_id=committee.pk):
        raise office_only()
    term: Term = data["term"]
    number = data.get("number") or (Round.objects.filter(committee=committee, term=term)
                                    .aggregate(n=Max("number"))["n"] or 0) + 1
    r = Round(committee=committee, created_by=actor, number=number)
    for name in ROUND_FIELDS:
        if name in data and name != "number":
            setattr(r, name, data[name] if data[name] is not None else "")
    _validate_round(r)
    r.save()
    event_record(actor=actor, action="round.create", obj=r,
                 changes=diff({}, snapshot(r, ROUND_FIELDS)))
    return r


@transaction.atomic
def round_update(*, actor: User, round: Round, data: dict[str, Any]) -> Round:
    _require_manager(actor, round)
    if not can_change_round(user=actor, round=round):
        raise DomainError(_("An approved or submitted round cannot be changed; ask the leading "
                            "group to return it first."))
    before = snapshot(round, ROUND_FIELDS)
    for name in ROUND_FIELDS:
        if name in data and data[name] is not None:
            setattr(round, name, data[name])
    _validate_round(round)
    changes = diff(before, snapshot(round, ROUND_FIELDS))
    if changes:
        round.save()
        event_record(actor=actor, action="round.update", obj=round, changes=changes)
    return round


@transaction.atomic
def round_submit(*, actor: User, round: Round) -> Round:
    _require_manager(actor, round)
    if not can_change_round(user=actor, round=round):
        raise DomainError(_("Only a draft or returned round can be submitted."))
    round.status = RoundStatus.SUBMITTED
    round.save(update_fields=["status"])
    event_record(actor=actor, action="round.submit", obj=round)
    return round


@transaction.atomic
def round_approve(*, actor: User, round: Round, note: str = "") -> Round:
    _require_decider(actor, round)
    if not can_approve_round(user=actor, round=round):
        raise DomainError(_("Only a submitted round can be approved."))
    round.status = RoundStatus.APPROVED
    round.approved_by = actor
    round.approved_at = timezone.now()
    round.decision_note = note
    round.save(update_fields=["status", "approved_by", "approved_at", "decision_note"])
    event_record(actor=actor, action="round.approve", obj=round, params={"note": note})
    return round


@transaction.atomic
def round_return(*, actor: User, round: Round, note: str) -> Round:
    _require_decider(actor, round)
    if not can_approve_round(user=actor, round=round):
        raise DomainError(_("Only a submitted round can be returned."))
    if not note.strip():
        raise DomainError(_("Say what must change before the round can be approved."),
                          field="note")
    round.status = RoundStatus.RETURNED
    round.decision_note = note
    round.save(update_fields=["status", "decision_note"])
    event_record(actor=actor, action="round.return", obj=round, params={"note": note})
    return round
