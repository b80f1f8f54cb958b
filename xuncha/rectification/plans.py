"""The rectification plan (整改方案): the unit submits it, the three bodies review each
version, the office approves it or returns it (退回重来) for a new version."""

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.access import is_office_of
from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import Inspection, InspectionStatus
from xuncha.inspections.moves import inspection_move
from xuncha.lib.errors import DomainError, Forbidden

from .access import require_liaison, review_side
from .models import RECTIFYING, Plan, PlanReview, PlanStatus, PlanVersion, ReviewSide


def require_rectifying(inspection: Inspection) -> None:
    if inspection.status not in RECTIFYING:
        raise DomainError(_("Rectification starts with the feedback."))


@transaction.atomic
def plan_submit(*, actor: User, inspection: Inspection, text: str, principal_name: str = "",
                principal_email: str = "", file: UploadedFile | None = None) -> PlanVersion:
    """Submit (or resubmit after a return) the plan; every version is kept."""
    require_liaison(user=actor, inspection=inspection)
    require_rectifying(inspection)
    if not text.strip():
        raise DomainError(_("Write the plan: problems, tasks, measures and who is responsible."),
                          field="text")
    plan, _created = Plan.objects.select_for_update().get_or_create(inspection=inspection)
    if plan.status in (PlanStatus.SUBMITTED, PlanStatus.APPROVED):
        raise DomainError(_("The plan is under review or already approved."))
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PlanVersion(plan=plan, number=number, text=text.strip(), submitted_by=actor)
    if file is not None:
        from xuncha.lib.uploads import check_upload

        check_upload(file)
        version.file, version.file_name = file, (file.name or "")[:200]
    version.save()
    plan.status = PlanStatus.SUBMITTED
    plan.principal_name = principal_name or plan.principal_name
    plan.principal_email = principal_email or plan.principal_email
    plan.save()
    event_record(actor=actor, action="plan.submit", obj=plan, params={"version": number})
    if inspection.status == InspectionStatus.FEEDBACK:
        inspection_move(actor=actor, inspection=inspection, to=InspectionStatus.RECTIFYING,
                        action="inspection.rectifying")
    return version


@transaction.atomic
def plan_review(*, actor: User, plan: Plan, complete: bool, feasible: bool,
                comment: str = "") -> PlanReview:
    plan = Plan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    side = review_side(user=actor, inspection=plan.inspection)
    if side is None:
        raise Forbidden(_("The office and the discipline and organization reviewers review "
                          "plans."))
    if plan.status != PlanStatus.SUBMITTED:
        raise DomainError(_("Only a submitted plan is reviewed."))
    if not (complete and feasible) and not comment.strip():
        raise DomainError(_("Say what is missing or not feasible."), field="comment")
    version = plan.current()
    try:
        with transaction.atomic():
            review = PlanReview.objects.create(version=version, side=side, reviewer=actor,
                                               complete=complete, feasible=feasible,
                                               comment=comment.strip())
    except IntegrityError as exc:
        raise DomainError(_("Your side has already reviewed this version.")) from exc
    event_record(actor=actor, action="plan.review", obj=plan, params={
        "version": version.number, "side": side, "complete": complete, "feasible": feasible})
    return review


@transaction.atomic
def plan_decide(*, actor: User, plan: Plan, approve: bool, note: str = "") -> Plan:
    """The office approves once all three sides found the version complete and feasible,
    or returns it (退回重来) with comments."""
    plan = Plan.objects.select_for_update().select_related("inspection").get(pk=plan.pk)
    if not is_office_of(user=actor, committee_id=plan.inspection.committee_id):
        raise Forbidden(_("The inspection office decides on plans."))
    if plan.status != PlanStatus.SUBMITTED:
        raise DomainError(_("Only a submitted plan can be approved or returned."))
    version = plan.current()
    reviews = {r.side: r for r in version.reviews.all()}
    if approve:
        missing = [str(label) for value, label in ReviewSide.choices if value not in reviews]
        if missing:
            raise DomainError(_("Reviews still missing: %(sides)s.") % {"sides": "、".join(missing)},
                              code="precondition")
        inadequate = [str(ReviewSide(r.side).label) for r in reviews.values() if not r.adequate]
        if inadequate:
            raise DomainError(_("Found inadequate by: %(sides)s. Return the plan instead.")
                              % {"sides": "、".join(inadequate)}, code="precondition")
    elif not note.strip():
        raise DomainError(_("Say why the plan goes back."), field="note")
    version.decision = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    version.decision_note = note
    version.decided_by, version.decided_at = actor, timezone.now()
    version.save(update_fields=["decision", "decision_note", "decided_by", "decided_at"])
    plan.status = version.decision
    if approve:
        plan.approved_at, plan.approved_by = timezone.now(), actor
    plan.save()
    event_record(actor=actor, action="plan.approve" if approve else "plan.return", obj=plan,
                 params={"version": version.number, "note": note})
    return plan
