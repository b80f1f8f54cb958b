"""The reporter's identity: encrypted at rest, masked for staff, and revealed only to the
requester of a request that an identity custodian (a second person) approved, for a limited
time, every reveal an audit event."""

import datetime
import os
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.accounts.selectors import controlled_together
from xuncha.audit.services import event_record
from xuncha.lib import fieldcrypto
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_decide_reveal, require_handler
from .models import Petition, RevealRequest, RevealStatus

DEFAULT_REVEAL_HOURS = 24


def reveal_hours() -> int:
    return int(getattr(settings, "XUNCHA_REVEAL_HOURS", None)
               or os.environ.get("XUNCHA_REVEAL_HOURS") or DEFAULT_REVEAL_HOURS)


@dataclass
class Reporter:
    name: str = ""
    phone: str = ""
    id_number: str = ""
    address: str = ""

    def cleaned(self) -> "Reporter":
        return Reporter(name=self.name.strip()[:64], phone=self.phone.strip()[:32],
                        id_number=self.id_number.strip()[:32],
                        address=self.address.strip()[:200])

    @property
    def empty(self) -> bool:
        return not (self.name.strip() or self.phone.strip() or self.id_number.strip()
                    or self.address.strip())


def masks(reporter: Reporter) -> dict[str, str]:
    """What staff see: 李** · *********88 · ****************34 · ****.

    Enough to tell two reporters apart on a page, too little to confirm a guess: with the
    last two digits of a phone number a list of suspects is narrowed a hundredfold at most,
    where seven of eleven digits left about ten thousand numbers to try. The address shows
    only that one was given."""
    return {"reporter_name_masked": fieldcrypto.mask(reporter.name),
            "reporter_phone_masked": fieldcrypto.mask(reporter.phone, keep_start=0, keep_end=2),
            "reporter_id_number_masked": fieldcrypto.mask(reporter.id_number, keep_start=0,
                                                          keep_end=2),
            "reporter_address_masked": ADDRESS_GIVEN if reporter.address else ""}


#: The address's mask: that one was given, nothing of what it says.
ADDRESS_GIVEN = "****"


def set_identity(petition: Petition, reporter: Reporter | None) -> None:
    """Encrypt the identity onto an unsaved petition with its masks; none makes it
    anonymous."""
    if reporter is None or reporter.empty:
        petition.anonymous = True
        return
    reporter = reporter.cleaned()
    petition.anonymous = False
    petition.reporter_name = fieldcrypto.encrypt(reporter.name)
    petition.reporter_phone = fieldcrypto.encrypt(reporter.phone)
    petition.reporter_id_number = fieldcrypto.encrypt(reporter.id_number)
    petition.reporter_address = fieldcrypto.encrypt(reporter.address)
    for field, value in masks(reporter).items():
        setattr(petition, field, value)


# --- revealing it -------------------------------------------------------------------------------


@transaction.atomic
def reveal_request(*, actor: User, petition: Petition, reason: str) -> RevealRequest:
    """Ask to see the reporter's identity, with a reason; a custodian decides."""
    require_handler(user=actor, petition=petition)
    if petition.anonymous:
        raise DomainError(_("The reporter left no identity."))
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(_("Give the reason in a full sentence (at least 10 characters)."),
                          field="reason")
    if RevealRequest.objects.filter(petition=petition, requested_by=actor,
                                    status=RevealStatus.PENDING).exists():
        raise DomainError(_("You already have a pending request for this petition."))
    request = RevealRequest.objects.create(petition=petition, requested_by=actor,
                                           reason=reason[:2000])
    event_record(actor=actor, action="identity.reveal_request", obj=request,
                 params={"petition": petition.pk, "reason": request.reason})
    return request


#: An approver whose account the requester created or changed this recently is refused.
CONTROLLED_DAYS = 30


@transaction.atomic
def reveal_decide(*, actor: User, request: RevealRequest, approve: bool, note: str = ""
                  ) -> RevealRequest:
    """An identity custodian of the same committee — never the requester — approves (the
    requester may then see the identity for ``XUNCHA_REVEAL_HOURS`` hours) or refuses."""
    request = RevealRequest.objects.select_for_update().select_related("petition").get(
        pk=request.pk)
    if not can_decide_reveal(user=actor, petition=request.petition):
        raise Forbidden(_("Only an identity custodian of this committee decides."))
    if actor.pk == request.requested_by_id:
        raise Forbidden(_("A request is decided by a second person, not by the requester."))
    if approve and request.requested_by is not None and controlled_together(
            approver=actor, requester=request.requested_by, days=CONTROLLED_DAYS):
        # An administrator could make (or reset the password of) a custodian account and of
        # a requesting account, sign in as both and approve: an approver whose account the
        # requester — or whoever also made or changed the requester's account — created or
        # changed lately is no second person.
        raise Forbidden(_("Your account was created or changed in the last 30 days by the "
                          "requester, or by someone who also created or changed the "
                          "requester's account, so your approval would not be a second "
                          "person's. Another custodian decides."), code="approver_controlled")
    if request.status != RevealStatus.PENDING:
        raise DomainError(_("This request was already decided."), code="already_decided")
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("Say why the request is refused."), field="note")
    request.status = RevealStatus.APPROVED if approve else RevealStatus.REFUSED
    decided_at = timezone.now()
    request.decided_by, request.decided_at = actor, decided_at
    request.decision_note = note[:2000]
    if approve:
        request.valid_until = decided_at + datetime.timedelta(hours=reveal_hours())
    request.save()
    event_record(actor=actor, action="identity.reveal_approve" if approve
                 else "identity.reveal_refuse", obj=request,
                 params={"petition": request.petition_id, "requested_by": request.requested_by_id,
                         "valid_until": request.valid_until})
    return request


@transaction.atomic
def reveal_identity(*, actor: User, request: RevealRequest) -> Reporter:
    """Decrypt for the requester of an approved, unexpired request who still handles the
    petition. Every reveal is an audit event."""
    request = RevealRequest.objects.select_related("petition__inspection").get(pk=request.pk)
    if request.requested_by_id != actor.pk:
        raise Forbidden(_("Only the person who asked may see the identity."))
    if not request.is_current():
        raise Forbidden(_("There is no approved, current request."))
    petition = request.petition
    require_handler(user=actor, petition=petition)
    event_record(actor=actor, action="identity.reveal", obj=petition,
                 params={"request": request.pk})
    return Reporter(name=fieldcrypto.decrypt(petition.reporter_name),
                    phone=fieldcrypto.decrypt(petition.reporter_phone),
                    id_number=fieldcrypto.decrypt(petition.reporter_id_number),
                    address=fieldcrypto.decrypt(petition.reporter_address))
