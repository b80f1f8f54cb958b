"""The feedback (反馈) to the inspected unit: its meetings, opinion and copies; its date
starts the rectification clocks (``inspections.clocks.rectification_due_dates``)."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.moves import inspection_move
from xuncha.lib.errors import DomainError, Forbidden

from .access import can_give_feedback
from .models import Feedback
from .selectors import approved_main_version

#: Who receives a copy of the feedback (四抄告).
FEEDBACK_RECIPIENTS = ("分管领导", "纪委监委", "组织部", "主管部门")


@transaction.atomic
def feedback_record(*, actor: User, inspection: Inspection, data: dict[str, Any]) -> Feedback:
    """Record the feedback; its date starts the rectification clocks.

    The rule is ``access.can_record_feedback``; its parts are checked here one by one so
    that each refusal says which is missing."""
    if not can_give_feedback(user=actor, inspection=inspection):
        raise Forbidden(_("The office or the team's leaders record the feedback."))
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status != InspectionStatus.REPORTING:
        raise DomainError(_("Feedback follows the reporting stage."))
    approved = approved_main_version(inspection)
    if approved is None:
        raise DomainError(_("The main report must be approved by the leading group first."),
                          code="precondition")
    principal_on, team_on, feedback_on = (data.get("principal_meeting_on"),
                                          data.get("team_meeting_on"), data.get("feedback_on"))
    if not (principal_on and team_on and feedback_on):
        raise DomainError(_("Give the dates of both meetings and of the feedback."),
                          field="feedback_on")
    if team_on < principal_on:
        raise DomainError(_("The one-to-one with the principal leader comes before the "
                            "feedback to the leadership team."), field="team_meeting_on")
    if feedback_on < principal_on or feedback_on < inspection.period_start:
        raise DomainError(_("The feedback date cannot precede the meetings or the inspection."),
                          field="feedback_on")
    if feedback_on > timezone.localdate():
        raise DomainError(_("The feedback date cannot be in the future."), field="feedback_on")
    opinion = (data.get("opinion") or "").strip()
    if not opinion:
        raise DomainError(_("Write the feedback opinion."), field="opinion")
    recipients = [r for r in data.get("recipients") or [] if r]
    feedback = Feedback.objects.create(
        inspection=inspection, principal_meeting_on=principal_on, team_meeting_on=team_on,
        feedback_on=feedback_on, opinion=opinion, recipients=recipients, recorded_by=actor)
    feedback.problems.set(approved.problems.all())
    inspection.feedback_on = feedback_on
    inspection.save(update_fields=["feedback_on"])
    inspection_move(actor=actor, inspection=inspection, to=InspectionStatus.FEEDBACK,
                    action="inspection.feedback", params={"feedback_on": feedback_on})
    event_record(actor=actor, action="feedback.record", obj=feedback,
                 params={"feedback_on": feedback_on, "recipients": recipients,
                         "problems": approved.problems.count()})
    return feedback
