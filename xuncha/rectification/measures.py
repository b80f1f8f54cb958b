"""The ledger (整改台账): the unit adds measures, records progress and evidence and marks
them done; a verifier of the office or the discipline side closes them (销号) or sends
them back; the office chooses which ones the public notice shows."""

from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.findings.models import Problem
from xuncha.inspections.clocks import rectification_due_dates
from xuncha.inspections.models import Inspection
from xuncha.lib.errors import Conflict, DomainError, Forbidden

from .access import can_choose_published, is_verifier_of, require_liaison
from .models import (
    OPEN_MEASURE,
    Measure,
    MeasureEvidence,
    MeasureProgress,
    MeasureStatus,
    Phase,
)
from .plans import require_rectifying

MEASURE_FIELDS = ("goal", "text", "phase", "responsible_leader", "leader_email",
                  "responsible_department", "handler", "handler_email", "deadline",
                  "deadline_reason", "intended_result")
EVIDENCE_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".doc", ".xlsx", ".xls", ".txt",
                  ".zip"}


def _validate_measure(measure: Measure, inspection: Inspection) -> None:
    if not measure.text.strip():
        raise DomainError(_("Describe the measure."), field="text")
    if not measure.responsible_leader.strip() or not measure.responsible_department.strip():
        raise DomainError(_("Name the responsible leader and department."),
                          field="responsible_leader")
    if measure.phase not in Phase.values:
        raise DomainError(_("Unknown phase."), field="phase")
    assert inspection.feedback_on is not None  # measures exist only after the feedback
    if measure.deadline < inspection.feedback_on:
        raise DomainError(_("The deadline is before the feedback."), field="deadline")
    _plan_due, report_due = rectification_due_dates(inspection)
    if measure.deadline > report_due and not measure.deadline_reason.strip():
        raise DomainError(_("The deadline is after the rectification report is due (%(day)s); "
                            "give the reason (e.g. a long-term measure).") % {"day": report_due},
                          code="late_deadline", field="deadline_reason")


@transaction.atomic
def measure_add(*, actor: User, inspection: Inspection, problem: Problem,
                data: dict[str, Any]) -> Measure:
    require_liaison(user=actor, inspection=inspection)
    require_rectifying(inspection)
    if not inspection.feedback.problems.filter(pk=problem.pk).exists():
        raise DomainError(_("Measures answer problems of the feedback."), field="problem")
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    number = (Measure.objects.filter(inspection=locked).aggregate(n=Max("number"))["n"] or 0) + 1
    measure = Measure(inspection=inspection, committee=inspection.committee, problem=problem,
                      number=number)
    for name in MEASURE_FIELDS:
        if name in data and data[name] is not None:
            setattr(measure, name, data[name])
    _validate_measure(measure, inspection)
    measure.save()
    event_record(actor=actor, action="measure.add", obj=measure,
                 changes=diff({}, snapshot(measure, MEASURE_FIELDS)))
    return measure


def _locked_measure(measure: Measure, version: int | None) -> Measure:
    current = Measure.objects.select_for_update().select_related("inspection").get(pk=measure.pk)
    if version is not None and current.version != version:
        raise Conflict()
    return current


@transaction.atomic
def measure_update(*, actor: User, measure: Measure, data: dict[str, Any],
                   version: int | None = None) -> Measure:
    require_liaison(user=actor, inspection=measure.inspection)
    measure = _locked_measure(measure, version)
    if measure.status in (MeasureStatus.CLOSED, MeasureStatus.DONE):
        raise DomainError(_("A measure awaiting verification or closed cannot be changed."))
    before = snapshot(measure, MEASURE_FIELDS)
    for name in MEASURE_FIELDS:
        if name in data and data[name] is not None:
            setattr(measure, name, data[name])
    _validate_measure(measure, measure.inspection)
    changes = diff(before, snapshot(measure, MEASURE_FIELDS))
    if changes:
        measure.version += 1
        measure.save()
        event_record(actor=actor, action="measure.update", obj=measure, changes=changes)
    return measure


@transaction.atomic
def measure_progress(*, actor: User, measure: Measure, text: str,
                     version: int | None = None) -> MeasureProgress:
    require_liaison(user=actor, inspection=measure.inspection)
    measure = _locked_measure(measure, version)
    if not text.strip():
        raise DomainError(_("Describe the progress."), field="text")
    if measure.status == MeasureStatus.CLOSED:
        raise DomainError(_("The measure is closed."))
    entry = MeasureProgress.objects.create(measure=measure, text=text.strip(), author=actor)
    if measure.status in (MeasureStatus.TODO, MeasureStatus.RETURNED):
        measure.status = MeasureStatus.IN_PROGRESS
    measure.version += 1
    measure.save(update_fields=["status", "version", "updated_at"])
    event_record(actor=actor, action="measure.progress", obj=measure, params={"text": text[:200]})
    return entry


@transaction.atomic
def measure_evidence_add(*, actor: User, measure: Measure, upload: File) -> MeasureEvidence:
    require_liaison(user=actor, inspection=measure.inspection)
    if measure.status == MeasureStatus.CLOSED:
        raise DomainError(_("The measure is closed."))
    name = (upload.name or "").lower()
    if not any(name.endswith(ext) for ext in EVIDENCE_TYPES):
        raise DomainError(_("Upload a PDF, image, Office document, text or zip file."),
                          field="file")
    if upload.size > 20 * 1024 * 1024:
        raise DomainError(_("The file is larger than 20 MB."), field="file")
    row = MeasureEvidence.objects.create(measure=measure, file=upload,
                                         name=(upload.name or "")[:200], size=upload.size,
                                         uploaded_by=actor)
    event_record(actor=actor, action="measure.evidence", obj=measure,
                 params={"name": row.name, "size": row.size})
    return row


@transaction.atomic
def measure_mark_done(*, actor: User, measure: Measure, version: int | None = None) -> Measure:
    """The unit says the measure is done; a verifier must close it."""
    require_liaison(user=actor, inspection=measure.inspection)
    measure = _locked_measure(measure, version)
    if measure.status not in OPEN_MEASURE:
        raise DomainError(_("Only an open measure can be marked done."))
    if not measure.evidence.exists():
        raise DomainError(_("Upload evidence before marking the measure done."),
                          code="no_evidence")
    before = measure.status
    measure.status, measure.done_by, measure.done_at = MeasureStatus.DONE, actor, timezone.now()
    measure.version += 1
    measure.save()
    event_record(actor=actor, action="measure.done", obj=measure,
                 changes={"status": [before, MeasureStatus.DONE]})
    return measure


@transaction.atomic
def measure_close(*, actor: User, measure: Measure, note: str,
                  version: int | None = None) -> Measure:
    """销号: a verifier on the office or discipline side, who is not the submitter, closes
    the measure after checking the evidence."""
    measure = _locked_measure(measure, version)
    if not is_verifier_of(user=actor, inspection=measure.inspection):
        raise Forbidden(_("Only a verifier of the office or the discipline commission closes "
                          "measures."))
    if measure.done_by_id == actor.pk:
        raise Forbidden(_("The person who marked the measure done cannot also close it."))
    if measure.status != MeasureStatus.DONE:
        raise DomainError(_("The unit has not marked this measure done."))
    if not measure.evidence.exists():
        raise DomainError(_("A measure cannot be closed without evidence."), code="no_evidence")
    if not note.strip():
        raise DomainError(_("Write the verification note."), field="note")
    measure.status, measure.closed_by, measure.closed_at = (MeasureStatus.CLOSED, actor,
                                                            timezone.now())
    measure.verification_note = note.strip()
    measure.version += 1
    measure.save()
    event_record(actor=actor, action="measure.close", obj=measure,
                 changes={"status": [MeasureStatus.DONE, MeasureStatus.CLOSED]},
                 params={"note": note})
    return measure


@transaction.atomic
def measure_return(*, actor: User, measure: Measure, note: str,
                   version: int | None = None) -> Measure:
    """Send a done (or, at follow-up, a closed) measure back for rework."""
    measure = _locked_measure(measure, version)
    if not is_verifier_of(user=actor, inspection=measure.inspection):
        raise Forbidden(_("Only a verifier of the office or the discipline commission returns "
                          "measures."))
    if measure.status not in (MeasureStatus.DONE, MeasureStatus.CLOSED):
        raise DomainError(_("Only a done or closed measure can be returned."))
    if not note.strip():
        raise DomainError(_("Say what must be reworked."), field="note")
    before = measure.status
    measure.status = MeasureStatus.RETURNED
    measure.closed_by, measure.closed_at = None, None
    measure.verification_note = note.strip()
    measure.version += 1
    measure.save()
    event_record(actor=actor, action="measure.reopen" if before == MeasureStatus.CLOSED
                 else "measure.return", obj=measure,
                 changes={"status": [before, MeasureStatus.RETURNED]}, params={"note": note})
    return measure


@transaction.atomic
def measure_set_publish(*, actor: User, measure: Measure, publish: bool) -> Measure:
    if not can_choose_published(user=actor, measure=measure):
        raise Forbidden(_("The office decides what is published."))
    if measure.publish != publish:
        measure.publish = publish
        measure.save(update_fields=["publish", "updated_at"])
        event_record(actor=actor, action="measure.publish", obj=measure,
                     changes={"publish": [not publish, publish]})
    return measure
