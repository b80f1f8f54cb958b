"""Who may take in, read and handle petitions, and decide on reporters' identities.

``can_*`` answer for one petition — for the services, the views (and the templates, through
the flags the views compute), the API and the shell's hooks. The rules that a to-do list
shows ("waits on this person") also have their query form, ``*_awaiting_*(user=...)``, so
that a list and the to-do ask the same rule in one query. ``access_*`` fetch and authorize:
the same ``NotFound`` for a missing object and for one the user may not see.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xuncha.accounts.access import has_role, is_custodian_of, is_office_of
from xuncha.accounts.models import User
from xuncha.accounts.roles import Role
from xuncha.inspections.access import is_team_member
from xuncha.inspections.models import STATUS_ORDER, Inspection, InspectionStatus
from xuncha.inspections.selectors import inspections_visible_to
from xuncha.lib.errors import Forbidden
from xuncha.lib.lookup import get_or_404
from xuncha.organizations.models import Committee, Unit

from . import selectors as sel
from .models import (
    Petition,
    PetitionAttachment,
    RevealRequest,
    RevealStatus,
    Route,
    Status,
    Transfer,
)

HANDLERS = (Role.OFFICE, Role.TEAM)


# --- pages ------------------------------------------------------------------------------------


def can_open_petitions(*, user: User) -> bool:
    """The petition pages (list, intake, batch entry, identity requests): office and teams."""
    return has_role(user, *HANDLERS)


def can_open_reveal_decisions(*, user: User) -> bool:
    """The approve and refuse addresses: office staff. Whether the request is one they
    decide is ``access_reveal_request_to_decide`` (a 404 otherwise)."""
    return has_role(user, Role.OFFICE)


# --- intake -----------------------------------------------------------------------------------


def takes_in_by_inspection(*, user: User) -> bool:
    """Team members take petitions in for one of their inspections, which they name; the
    office takes them in for any unit of its committee."""
    return has_role(user, Role.TEAM)


def can_take_in(*, user: User, inspection: Inspection | None, committee: Committee) -> bool:
    """The committee's office, or a member of the team of ``inspection``."""
    if is_office_of(user=user, committee_id=committee.pk):
        return True
    return inspection is not None and is_team_member(user=user, inspection=inspection)


def _committee_units(user: User) -> QuerySet[Unit]:
    if user.committee_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(committee_id=user.committee_id)


def intake_choices(*, user: User) -> tuple[QuerySet[Inspection], QuerySet[Unit]]:
    """What the intake form offers: the inspections the user sees (newest first) and the
    committee's active units — for a team member only the units of their inspections."""
    inspections = inspections_visible_to(user=user).select_related(
        "unit", "team__round__committee").order_by("-stationed_on", "pk")
    units = _committee_units(user).filter(archived_at__isnull=True).order_by("code")
    if takes_in_by_inspection(user=user):
        units = units.filter(pk__in=inspections.values("unit_id"))
    return inspections, units


def access_intake_inspection(*, user: User, pk: object) -> Inspection:
    return get_or_404(inspections_visible_to(user=user), pk)


def access_intake_unit(*, user: User, pk: object) -> Unit:
    """A unit of the user's committee (archived ones too: a petition may concern one)."""
    return get_or_404(_committee_units(user), pk)


# --- handling ---------------------------------------------------------------------------------


def can_handle(*, user: User, petition: Petition) -> bool:
    """The committee's office, or a member of the team of the petition's inspection while it
    is in the team's queue. Whoever handles a petition sees it, and nobody else does."""
    if is_office_of(user=user, committee_id=petition.committee_id):
        return True
    return bool(petition.route == Route.INSPECTION and petition.inspection_id
                and has_role(user, Role.TEAM) and petition.inspection is not None
                and is_team_member(user=user, inspection=petition.inspection))


def petitions_handled_by(*, user: User) -> QuerySet[Petition]:
    """The query form of ``can_handle``: the petitions the user sees."""
    return sel.petitions_visible_to(user=user)


def require_handler(*, user: User, petition: Petition) -> None:
    """``Forbidden`` unless ``can_handle``: the services' check."""
    if not can_handle(user=user, petition=petition):
        raise Forbidden(_("Only the inspection office or the inspection team handles this "
                          "petition."))


def can_triage(*, user: User, petition: Petition) -> bool:
    """Accept, transfer, file or link as a duplicate: a handler, while the petition is new."""
    return petition.status == Status.NEW and can_handle(user=user, petition=petition)


def petitions_awaiting_triage(*, user: User) -> QuerySet[Petition]:
    """The query form of ``can_triage``: new petitions the user may triage."""
    return petitions_handled_by(user=user).filter(status=Status.NEW)


def can_answer_transfer(*, user: User, petition: Petition) -> bool:
    """Record the department's answer: a handler, while a transfer waits for it."""
    transfer: Transfer | None = getattr(petition, "transfer", None)
    return (transfer is not None and transfer.answered_on is None
            and can_handle(user=user, petition=petition))


def petitions_awaiting_transfer_answer(*, user: User) -> QuerySet[Petition]:
    """The query form of ``can_answer_transfer``: transferred petitions the user handles
    whose department has not answered."""
    return petitions_handled_by(user=user).filter(transfer__isnull=False,
                                                  transfer__answered_on__isnull=True)


def transfers_awaiting_answer(*, user: User) -> QuerySet[Transfer]:
    """The open transfers of ``petitions_awaiting_transfer_answer`` (their clocks)."""
    return Transfer.objects.filter(
        petition__in=petitions_awaiting_transfer_answer(user=user))


# --- assigning to an inspection ---------------------------------------------------------------

#: The inspections a petition can be assigned to: planned up to reporting (not once the
#: feedback is given: the team's on-site work is over).
ASSIGNABLE_STATUSES = STATUS_ORDER[:STATUS_ORDER.index(InspectionStatus.REPORTING) + 1]


def can_assign_petition(*, user: User, petition: Petition) -> bool:
    """Assign or reassign a petition to an inspection of its committee: the committee's
    office, for any petition in its queues (its own, the late queue, the teams')."""
    return is_office_of(user=user, committee_id=petition.committee_id)


def petitions_assignable_by(*, user: User) -> QuerySet[Petition]:
    """The query form of ``can_assign_petition``."""
    if user.committee_id is None or not is_office_of(user=user,
                                                     committee_id=user.committee_id):
        return Petition.objects.none()
    return sel.petitions_visible_to(user=user)


def assignment_choices(*, user: User, petition: Petition) -> QuerySet[Inspection]:
    """The inspections ``user`` may assign ``petition`` to: those of its committee the user
    sees, planned up to reporting (newest first)."""
    if not can_assign_petition(user=user, petition=petition):
        return Inspection.objects.none()
    return (inspections_visible_to(user=user)
            .filter(committee_id=petition.committee_id, status__in=ASSIGNABLE_STATUSES)
            .select_related("unit", "team__round__committee", "round__term",
                            "round__committee")
            .order_by("-stationed_on", "pk"))


def access_petition(*, user: User, pk: object) -> Petition:
    return get_or_404(sel.petitions_visible_to(user=user), pk)


def access_petition_page(*, user: User, pk: object) -> Petition:
    """``access_petition`` with what the petition's page (and the API's detail) shows."""
    return get_or_404(sel.petitions_for_page(user=user), pk)


def access_attachment(*, user: User, pk: object, file_pk: object) -> PetitionAttachment:
    """A file of a petition the user sees."""
    petition = access_petition(user=user, pk=pk)
    return get_or_404(petition.attachments.all(), file_pk)


# --- the reporter's identity ------------------------------------------------------------------


def is_identity_custodian(*, user: User) -> bool:
    """An identity custodian of the user's own committee: the identity requests page shows
    them the committee's requests, to decide."""
    return is_custodian_of(user=user, committee_id=user.committee_id)


def can_decide_reveal(*, user: User, petition: Petition) -> bool:
    """An identity custodian of the petition's committee decides its reveal requests."""
    return is_custodian_of(user=user, committee_id=petition.committee_id)


def can_decide_reveal_request(*, user: User, reveal: RevealRequest) -> bool:
    """The request waits on this user: pending, asked by someone else, and ``can_decide_reveal``
    for its petition."""
    return (reveal.status == RevealStatus.PENDING and reveal.requested_by_id != user.pk
            and can_decide_reveal(user=user, petition=reveal.petition))


def reveal_requests_awaiting_decision(*, user: User) -> QuerySet[RevealRequest]:
    """The query form of ``can_decide_reveal_request``."""
    return sel.reveal_requests_for_custodian(user=user).filter(
        status=RevealStatus.PENDING).exclude(requested_by=user)


def access_reveal_request_to_decide(*, user: User, pk: object) -> RevealRequest:
    """A request of the committee of which the user is an identity custodian."""
    return get_or_404(sel.reveal_requests_for_custodian(user=user), pk)


def access_own_reveal_request(*, user: User, pk: object) -> RevealRequest:
    """One of the user's own requests (to see the identity once it is approved)."""
    return get_or_404(sel.reveal_requests_by(user=user), pk)
