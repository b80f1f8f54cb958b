"""Assigning a petition to an inspection: the office moves any petition of its queues (its
own, the late queue, a team's) to an inspection of its committee, with a reason. The
petition then follows that inspection's clock like one sent through its code."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import Inspection
from xuncha.lib.errors import DomainError, Forbidden

from .access import ASSIGNABLE_STATUSES, can_assign_petition
from .intake import route_for
from .models import Petition
from .triage import locked

MAX_REASON = 2_000


@transaction.atomic
def petition_assign(*, actor: User, petition: Petition, inspection: Inspection, reason: str,
                    version: int | None = None) -> Petition:
    """Put ``petition`` in ``inspection``'s queue (or, received after its deadline, in the
    late queue with the inspection kept for reference, as intake would). The unit reported
    about becomes the inspection's target. Audited with the reason."""
    if not can_assign_petition(user=actor, petition=petition):
        raise Forbidden(_("Only the inspection office assigns petitions to inspections."))
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise DomainError(_("Say why the petition goes to this inspection."), code="empty",
                          field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_("The reason has at most %(n)d characters.") % {"n": MAX_REASON},
                          code="too_long", field="reason")
    if inspection.committee_id != petition.committee_id:
        raise DomainError(_("Choose an inspection of this committee."), field="inspection")
    if inspection.status not in ASSIGNABLE_STATUSES:
        raise DomainError(_("%(inspection)s is past its on-site work (%(status)s); choose an "
                            "inspection that is planned, stationed, on site or reporting.")
                          % {"inspection": inspection,
                             "status": inspection.get_status_display()},
                          code="closed", field="inspection")
    petition = locked(petition, version)
    routed, route, late = route_for(committee=None, unit=None,
                                    inspection=inspection,
                                    received_on=timezone.localtime(petition.received_at).date())
    if (petition.inspection_id, petition.route) == (routed.pk if routed else None, route):
        raise DomainError(_("The petition is already in this inspection's queue."),
                          code="unchanged", field="inspection")
    before = {"inspection": petition.inspection_id, "route": petition.route,
              "late": petition.late, "unit": petition.unit_id}
    petition.inspection, petition.route, petition.late = routed, route, late
    petition.unit = inspection.unit
    petition.version += 1
    petition.save(update_fields=["inspection", "route", "late", "unit", "version"])
    after = {"inspection": petition.inspection_id, "route": route, "late": late,
             "unit": petition.unit_id}
    event_record(actor=actor, action="petition.assign", obj=petition,
                 changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
                 params={"reason": reason, "inspection": inspection.pk})
    return petition
