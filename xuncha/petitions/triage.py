"""Triage: what a handler decides about a new petition — accept, transfer (and record the
department's answer), file, mark late — and the questions asked to an online reporter.
Linking a duplicate is in ``duplicates.py``; the suggested category in ``categories.py``."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections import clocks
from xuncha.lib.errors import Conflict, DomainError

from . import categories
from .access import require_handler
from .models import (
    Direction,
    Discipline,
    Petition,
    PetitionMessage,
    Route,
    Status,
    Transfer,
    TransferCategory,
)

MAX_QUESTION = 4_000


def locked(petition: Petition, version: int | None) -> Petition:
    """The petition re-read under a row lock; ``Conflict`` when ``version`` is not the
    stored one (someone else changed it since the form was shown)."""
    current = Petition.objects.select_for_update(of=("self",)).select_related("inspection").get(
        pk=petition.pk)
    if version is not None and current.version != version:
        raise Conflict()
    return current


def require_new(petition: Petition) -> None:
    if petition.status != Status.NEW:
        raise DomainError(_("This petition was already triaged (%(status)s).")
                          % {"status": petition.get_status_display()}, code="already_triaged")


def triaged(actor: User, petition: Petition, status: str, note: str, action: str,
            params: dict[str, Any] | None = None) -> Petition:
    """Store a triage decision and its audit event."""
    before = petition.status
    petition.status = status
    petition.triage_note = note.strip()[:4000]
    petition.triaged_by, petition.triaged_at = actor, timezone.now()
    petition.version += 1
    petition.save()
    event_record(actor=actor, action=action, obj=petition,
                 changes={"status": [before, status]}, params=params or {})
    return petition


def suggestion_for(petition: Petition) -> dict[str, Any]:
    """The stored suggestion; computed on first need for online reports (jieba is kept off
    the public submission path)."""
    if not petition.suggestion:
        result = categories.suggest(petition.content).as_dict()
        Petition.objects.filter(pk=petition.pk).update(suggestion=result)
        petition.suggestion = result
    return petition.suggestion


def received_after_deadline(petition: Petition) -> bool:
    inspection = petition.inspection
    return inspection is not None and (
        timezone.localtime(petition.received_at).date() > inspection.petition_deadline)


@transaction.atomic
def petition_accept(*, actor: User, petition: Petition, category: str, note: str = "",
                    version: int | None = None) -> Petition:
    """受理: in scope, about one of the six disciplines. After the deadline only when the
    petition is marked late."""
    require_handler(user=actor, petition=petition)
    petition = locked(petition, version)
    require_new(petition)
    if category not in Discipline.values:
        raise DomainError(_("Choose which discipline the matter concerns."), field="category")
    if received_after_deadline(petition) and not petition.late:
        raise DomainError(_("Received after the intake deadline: mark it late first."),
                          code="late_not_marked")
    petition.category, petition.transfer_category = category, ""
    return triaged(actor, petition, Status.ACCEPTED, note, "petition.accept",
                   {"category": category})


@transaction.atomic
def petition_transfer(*, actor: User, petition: Petition, category: str, department: str,
                      note: str = "", version: int | None = None) -> Petition:
    """转办: out of scope (personal appeal, land, litigation…). Sent to the responsible
    department and tracked until it answers, against the transfer clock (the committee's
    ``transfer_answer_workdays`` working days)."""
    require_handler(user=actor, petition=petition)
    petition = locked(petition, version)
    require_new(petition)
    if category not in TransferCategory.values:
        raise DomainError(_("Choose why the petition is transferred."),
                          field="transfer_category")
    department = (department or "").strip()
    if not department:
        raise DomainError(_("Name the department it goes to."), field="department")
    today = timezone.localdate()
    policy = clocks.policy_for(petition.committee)
    calendar = clocks.calendar_for(petition.committee_id)
    transfer = Transfer.objects.create(
        petition=petition, department=department[:100], transferred_on=today,
        due_on=calendar.add_workdays(today, policy.transfer_answer_workdays),
        transferred_by=actor)
    petition.transfer_category, petition.category = category, ""
    return triaged(actor, petition, Status.TRANSFERRED, note, "petition.transfer",
                   {"category": category, "department": transfer.department,
                    "due_on": transfer.due_on})


@transaction.atomic
def transfer_answer(*, actor: User, petition: Petition, answer: str,
                    answered_on: datetime.date | None = None) -> Transfer:
    """The department answered: the transfer clock stops."""
    require_handler(user=actor, petition=petition)
    transfer = Transfer.objects.select_for_update().filter(petition=petition).first()
    if transfer is None:
        raise DomainError(_("This petition was not transferred."))
    if transfer.answered_on:
        raise DomainError(_("The department's answer is already recorded."))
    if not (answer or "").strip():
        raise DomainError(_("Record what the department answered."), field="answer")
    answered_on = answered_on or timezone.localdate()
    if answered_on < transfer.transferred_on or answered_on > timezone.localdate():
        raise DomainError(_("The answer date must fall between the transfer and today."),
                          field="answered_on")
    transfer.answer, transfer.answered_on = answer.strip()[:4000], answered_on
    transfer.answered_by = actor
    transfer.save()
    event_record(actor=actor, action="petition.transfer_answer", obj=petition,
                 params={"answered_on": answered_on, "due_on": transfer.due_on,
                         "overdue": answered_on > transfer.due_on})
    return transfer


@transaction.atomic
def petition_file(*, actor: User, petition: Petition, note: str,
                  version: int | None = None) -> Petition:
    """存查: kept on file without further handling (no substance, already handled, …)."""
    require_handler(user=actor, petition=petition)
    petition = locked(petition, version)
    require_new(petition)
    if not (note or "").strip():
        raise DomainError(_("Say why the petition is filed."), field="note")
    return triaged(actor, petition, Status.FILED, note, "petition.file")


@transaction.atomic
def petition_mark_late(*, actor: User, petition: Petition) -> Petition:
    """Received after the deadline: marked late and moved to the regular petition office's
    queue (the team no longer sees it)."""
    require_handler(user=actor, petition=petition)
    petition = locked(petition, None)
    if petition.late:
        return petition
    if not received_after_deadline(petition):
        raise DomainError(_("It was received before the intake deadline; it is not late."),
                          code="not_late")
    petition.late, petition.route = True, Route.LATE
    petition.version += 1
    petition.save(update_fields=["late", "route", "version"])
    event_record(actor=actor, action="petition.mark_late", obj=petition,
                 changes={"route": [Route.INSPECTION, Route.LATE]})
    return petition


@transaction.atomic
def petition_ask(*, actor: User, petition: Petition, text: str) -> PetitionMessage:
    """A question to the reporter; they read it with their receipt."""
    require_handler(user=actor, petition=petition)
    if petition.receipt_hash is None:
        raise DomainError(_("Only online reporters can be asked through their receipt."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the question."), field="text")
    message = PetitionMessage.objects.create(petition=petition, direction=Direction.QUESTION,
                                             text=text[:MAX_QUESTION], author=actor)
    event_record(actor=actor, action="petition.ask", obj=petition)
    return message
