"""Taking petitions in: staff intake from every channel but online, the citizen's online
report (with its receipt), the reporter's additions, and the routing they all share."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import STATUS_ORDER, Inspection, InspectionStatus
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Committee, Unit

from . import categories
from .access import can_take_in, takes_in_by_inspection
from .files import CleanFile, files_kept_only_on_success, files_store
from .identity import Reporter, set_identity
from .indexing import index_petition
from .models import Channel, Direction, Petition, PetitionMessage, PetitionSubject, Route
from .receipts import receipt_new
from .tasks import index_petition_task

MAX_CONTENT = 10_000
MIN_CONTENT = 10
MAX_SUBJECTS = 10
MAX_MESSAGES = 50  # from the reporter, per petition
OPEN_FOR_INTAKE = STATUS_ORDER[STATUS_ORDER.index(InspectionStatus.STATIONED):
                                STATUS_ORDER.index(InspectionStatus.REPORTING) + 1]


# --- routing --------------------------------------------------------------------------------


def route_for(*, committee: Committee | None, unit: Unit | None, inspection: Inspection | None,
              received_on: datetime.date) -> tuple[Inspection | None, str, bool]:
    """(inspection, queue, late) for a petition about ``unit`` (or for ``inspection``).

    - sent for one inspection (its target's link or code, or chosen by staff) → that
      inspection's team, also before the stationing date (the notice and its code are
      published before the team arrives);
    - only a unit named: the inspection of the unit whose intake is open that day → its
      team; no inspection of the unit on site → the inspection office's queue (which can
      assign it to an inspection afterwards: ``assignment.petition_assign``);
    - received after the inspection's deadline → marked late, to the regular petition
      office's queue (the inspection is kept for reference).
    """
    if inspection is None and unit is not None:
        candidates = (Inspection.objects.filter(unit=unit, status__in=OPEN_FOR_INTAKE,
                                                stationed_on__lte=received_on)
                      .order_by("-stationed_on", "-pk"))
        if committee is not None:
            candidates = candidates.filter(committee=committee)
        inspection = candidates.first()
    if inspection is None:
        return None, Route.OFFICE, False
    if received_on > inspection.petition_deadline:
        return inspection, Route.LATE, True
    return inspection, Route.INSPECTION, False


# --- validation -----------------------------------------------------------------------------


def clean_content(content: str) -> str:
    content = (content or "").replace("\x00", "").strip()
    if not content:
        raise DomainError(_("Describe the matter: the content is empty."), code="empty",
                          field="content")
    if len(content) < MIN_CONTENT:
        raise DomainError(_("Describe the matter in at least %(n)d characters.")
                          % {"n": MIN_CONTENT}, code="too_short", field="content")
    if len(content) > MAX_CONTENT:
        raise DomainError(_("The text is longer than %(n)d characters; send the rest as an "
                            "attachment or add it afterwards with your receipt.")
                          % {"n": MAX_CONTENT}, code="too_long", field="content")
    return content


def clean_subjects(subjects: Iterable[dict[str, Any]] | None, *,
                   committee: Committee | None = None) -> list[dict[str, Any]]:
    """被反映人 as dicts: name, position, unit (a Unit of the committee, or None) and
    unit_name (free text; the unit's name when a unit is given). Rows without a name are
    skipped."""
    cleaned = []
    for item in subjects or []:
        name = (item.get("name") or "").strip()
        if not name:
            continue
        if len(name) > 64:
            raise DomainError(_("A name has at most 64 characters."), field="subjects")
        unit = item.get("unit")
        unit_name = (item.get("unit_name") or "").strip()[:100]
        if isinstance(unit, str):
            unit_name, unit = unit_name or unit.strip()[:100], None
        if unit is not None and committee is not None and unit.committee_id != committee.pk:
            raise DomainError(_("Choose a unit of this committee."), field="subjects")
        cadre = item.get("cadre")
        if cadre is not None and committee is not None and (
                cadre.unit.committee_id != committee.pk):
            raise DomainError(_("Choose a cadre of this committee."), field="subjects")
        cleaned.append({"name": name, "position": (item.get("position") or "").strip()[:100],
                        "unit_name": unit_name or (unit.name if unit is not None else ""),
                        "unit": unit, "cadre": cadre})
    if len(cleaned) > MAX_SUBJECTS:
        raise DomainError(_("Name at most %(n)d persons.") % {"n": MAX_SUBJECTS},
                          field="subjects")
    return cleaned


# --- intake -----------------------------------------------------------------------------------


@transaction.atomic
def petition_intake(*, actor: User, committee: Committee | None, channel: str, content: str,
                    unit: Unit | None = None, inspection: Inspection | None = None,
                    subjects: Iterable[dict[str, Any]] = (), reporter: Reporter | None = None,
                    box_location: str = "", received_at: datetime.datetime | None = None,
                    files: Sequence[CleanFile] = ()) -> Petition:
    """Staff intake for every channel but online (the office, or the inspection's team).

    Routed by the unit (or the inspection) chosen and the day it was received; the
    reporter's identity is encrypted; near-duplicates are looked up and linked."""
    if takes_in_by_inspection(user=actor) and inspection is None:
        raise Forbidden(_("Team members take petitions in for one of their inspections: "
                          "choose it."))
    if committee is None or not can_take_in(user=actor, inspection=inspection,
                                            committee=committee):
        raise Forbidden(_("Only the inspection office or the inspection's team takes "
                          "petitions in."))
    if channel not in Channel.values or channel == Channel.ONLINE:
        raise DomainError(_("Choose how the petition came in."), field="channel")
    box_location = (box_location or "").strip()[:200]
    if channel == Channel.BOX and not box_location:
        raise DomainError(_("Say which suggestion box the letter came from."),
                          field="box_location")
    if channel != Channel.BOX:
        box_location = ""
    if inspection is not None and inspection.committee_id != committee.pk:
        raise DomainError(_("The inspection belongs to another committee."), field="inspection")
    if unit is not None and unit.committee_id != committee.pk:
        raise DomainError(_("Choose a unit of this committee."), field="unit")
    if inspection is not None and unit is not None and unit.pk != inspection.unit_id:
        raise DomainError(_("The inspection is of another unit; choose one or the other."),
                          field="unit")
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + datetime.timedelta(minutes=5):
        raise DomainError(_("The receiving date cannot be in the future."), field="received_at")
    content = clean_content(content)
    cleaned_subjects = clean_subjects(subjects, committee=committee)
    unit = unit or (inspection.unit if inspection else None)
    routed, route, late = route_for(committee=committee, unit=unit, inspection=inspection,
                                    received_on=timezone.localtime(received_at).date())
    petition = Petition(committee=committee, inspection=routed, unit=unit, route=route,
                        late=late, channel=channel, box_location=box_location,
                        received_at=received_at, content=content, created_by=actor)
    set_identity(petition, reporter)
    with files_kept_only_on_success() as written:
        petition.save()
        PetitionSubject.objects.bulk_create([PetitionSubject(petition=petition, **s)
                                             for s in cleaned_subjects])
        files_store(petition, files, written)
        index_petition(petition, (s["name"] for s in cleaned_subjects))
        petition.suggestion = categories.suggest(petition.content).as_dict()
        Petition.objects.filter(pk=petition.pk).update(suggestion=petition.suggestion)
        event_record(actor=actor, action="petition.intake", obj=petition, params={
            "channel": channel, "route": route, "late": late,
            "inspection": routed.pk if routed else None,
            "duplicates": [d["id"] for d in petition.possible_duplicates]})
    return petition


@transaction.atomic
def petition_submit_public(*, inspection: Inspection, content: str,
                           subjects: Iterable[dict[str, Any]] = (),
                           reporter: Reporter | None = None, files: Sequence[CleanFile] = (),
                           admit: Callable[[], None] | None = None) -> tuple[Petition, str]:
    """A citizen's online report for one target. Returns the petition and the receipt, which
    is shown once and stored only as a peppered hash. Nothing about the client (address,
    browser) is stored, nor in the audit event.

    ``admit`` (the flood guard) is called after the report was validated and before anything
    is stored, so that a typo costs no proof of work and a refusal stores nothing."""
    content = clean_content(content)
    cleaned_subjects = clean_subjects(subjects)
    if admit is not None:
        admit()
    received_at = timezone.now()
    routed, route, late = route_for(committee=inspection.committee, unit=inspection.unit,
                                    inspection=inspection,
                                    received_on=timezone.localtime(received_at).date())
    receipt, digest = receipt_new()
    petition = Petition(committee=inspection.committee, inspection=routed, unit=inspection.unit,
                        route=route, late=late, channel=Channel.ONLINE, content=content,
                        received_at=received_at, receipt_hash=digest)
    set_identity(petition, reporter)
    with files_kept_only_on_success() as written:
        petition.save()
        PetitionSubject.objects.bulk_create([PetitionSubject(petition=petition, **s)
                                             for s in cleaned_subjects])
        files_store(petition, files, written)
        # Indexing (search tokens, MinHash bands, the duplicate lookup) is half the work of
        # a submission; a flood of reports should cost the least per receipt, so it runs in
        # the background worker, queued in this same transaction (a stored report is always
        # indexed). Staff intake indexes at once: the clerk sees the duplicates right away.
        index_petition_task.enqueue(petition.pk)
        event_record(actor=None, action="petition.submit_public", obj=petition,
                     params={"route": route, "late": late})
    return petition, receipt


@transaction.atomic
def reporter_add(*, petition: Petition, text: str, files: Sequence[CleanFile] = ()
                 ) -> PetitionMessage:
    """The reporter adds information or answers a question (authenticated by the receipt)."""
    text = (text or "").replace("\x00", "").strip()
    if not text and not files:
        raise DomainError(_("Write something or attach a file."), code="empty", field="text")
    if len(text) > MAX_CONTENT:
        raise DomainError(_("The text is longer than %(n)d characters.") % {"n": MAX_CONTENT},
                          code="too_long", field="text")
    if petition.messages.filter(direction=Direction.REPORTER).count() >= MAX_MESSAGES:
        raise DomainError(_("This report has received as many additions as it can take; "
                            "please send a new report."), code="too_many", field="text")
    with files_kept_only_on_success() as written:
        message = PetitionMessage.objects.create(petition=petition,
                                                 direction=Direction.REPORTER, text=text)
        files_store(petition, files, written, message)
        event_record(actor=None, action="petition.reporter_message", obj=petition,
                     params={"files": len(files)})
    return message
