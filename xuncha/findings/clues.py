"""Clues (问题线索): sealed on entry, read only by the office head and the receiving body,
transferred by cadre management authority, handled and reported back by the four forms."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.accounts.roles import ReceiverBody, Role
from xuncha.audit.services import event_record
from xuncha.inspections import clocks
from xuncha.inspections.models import Inspection
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Cadre, Committee

from .access import (
    can_handle_clue,
    can_read_clue,
    can_report_clue,
    can_route_clue,
    can_transfer_clue,
    check_record_findings,
    is_receiver_of_clue,
)
from .models import Clue, ClueHandling, ClueStatus, FourForms, Problem
from .numbering import clue_number


@transaction.atomic
def clue_record(*, actor: User, inspection: Inspection, subject_name: str, content: str,
                subject: Cadre | None = None, problem: Problem | None = None) -> Clue:
    """Enter a clue; it is sealed at once (the author keeps no access to its content)."""
    check_record_findings(user=actor, inspection=inspection)
    name = (subject_name or (subject.name if subject is not None else "")).strip()
    if not content.strip() or not name:
        raise DomainError(_("A clue names the person concerned and says what was found."),
                          field="content")
    if problem is not None and problem.inspection_id != inspection.pk:
        raise DomainError(_("The problem belongs to another inspection."), field="problem")
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    seq = Clue.objects.filter(inspection=locked).count() + 1
    clue = Clue.objects.create(
        inspection=inspection, committee=inspection.committee, author=actor, problem=problem,
        subject=subject, subject_name=name[:64], content=content.strip(),
        number=clue_number(inspection, seq))
    event_record(actor=actor, action="clue.record", obj=clue, object_repr=clue.number)
    return clue


def clue_open(*, actor: User, clue: Clue) -> Clue:
    """Read a sealed clue. Refused (and audited) for anyone but the office head and the
    receiving body; an allowed reading is audited too."""
    with transaction.atomic():
        allowed = can_read_clue(user=actor, clue=clue)
        event_record(actor=actor, action="clue.open" if allowed else "clue.open_refused",
                     obj=clue, object_repr=clue.number)
    if not allowed:
        raise Forbidden(_("Clues are sealed: only the office head and the receiving body read "
                          "them. This attempt was recorded."))
    return clue


def receiving_committee(clue: Clue) -> Committee:
    """By cadre management authority: the committee that manages the cadre concerned."""
    if clue.subject is not None:
        return clue.subject.managing_committee
    return clue.committee


@transaction.atomic
def clue_transfer(*, actor: User, clue: Clue, body: str,
                  on: datetime.date | None = None) -> Clue:
    if not can_route_clue(user=actor, clue=clue):
        raise Forbidden(_("Only the office head transfers clues."))
    if not can_transfer_clue(user=actor, clue=clue):
        raise DomainError(_("This clue was already transferred."))
    if body not in ReceiverBody.values:
        raise DomainError(_("Choose the discipline commission or the organization department."),
                          field="body")
    committee = receiving_committee(clue)
    receivers = User.objects.filter(role=Role.RECEIVER, committee=committee, receiver_body=body,
                                    is_active=True)
    if not receivers.exists():
        raise DomainError(_("%(committee)s has no active receiver account at this body; create "
                            "one before transferring.") % {"committee": committee},
                          code="no_receiver", field="body")
    on = on or timezone.localdate()
    clue.receiver_committee, clue.receiver_body = committee, body
    clue.status, clue.transferred_on, clue.transferred_by = ClueStatus.TRANSFERRED, on, actor
    clue.report_due, clue.close_due, clue.close_latest = clocks.clue_due_dates(clue.committee, on)
    clue.save()
    event_record(actor=actor, action="clue.transfer", obj=clue, object_repr=clue.number,
                 params={"committee": committee.pk, "body": body, "on": on})
    return clue


def _check_receiver(actor: User, clue: Clue) -> None:
    if not is_receiver_of_clue(user=actor, clue=clue):
        raise Forbidden(_("Only the receiving body handles this clue."))


@transaction.atomic
def clue_handle(*, actor: User, clue: Clue, handling: str) -> Clue:
    _check_receiver(actor, clue)
    if not can_handle_clue(user=actor, clue=clue):
        raise DomainError(_("This clue is not open for handling."))
    if handling not in ClueHandling.values:
        raise DomainError(_("Choose how the clue is handled."), field="handling")
    before = clue.handling
    clue.handling = handling
    if clue.status == ClueStatus.TRANSFERRED:
        clue.status = ClueStatus.HANDLING
    clue.save(update_fields=["handling", "status"])
    event_record(actor=actor, action="clue.handle", obj=clue, object_repr=clue.number,
                 changes={"handling": [before, handling]})
    return clue


@transaction.atomic
def clue_report(*, actor: User, clue: Clue, outcome: str, note: str,
                on: datetime.date | None = None, close: bool = False) -> Clue:
    """The receiver reports back (and may close) with the outcome by the four forms."""
    _check_receiver(actor, clue)
    if not can_report_clue(user=actor, clue=clue):
        raise DomainError(_("Record how the clue is handled first."))
    if outcome not in FourForms.values:
        raise DomainError(_("Choose the outcome by the four forms."), field="outcome")
    if not note.strip():
        raise DomainError(_("Describe the outcome."), field="note")
    on = on or timezone.localdate()
    if clue.transferred_on is not None and on < clue.transferred_on:
        raise DomainError(_("The report cannot precede the transfer."), field="on")
    clue.outcome, clue.outcome_note = outcome, note
    clue.reported_on = clue.reported_on or on
    clue.status = ClueStatus.REPORTED
    if close:
        clue.status, clue.closed_on = ClueStatus.CLOSED, on
    clue.save()
    event_record(actor=actor, action="clue.close" if close else "clue.report", obj=clue,
                 object_repr=clue.number, params={"outcome": outcome, "on": on})
    return clue
