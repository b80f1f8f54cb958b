"""Taking petitions in from every channel, routing, triage, duplicates, transfers, messages
with the reporter, and the audited reveal of a reporter's identity."""

import contextlib
import datetime
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.roles import Role
from xuncha.audit.services import event_record
from xuncha.inspections import clocks
from xuncha.inspections.models import STATUS_ORDER, Inspection, InspectionStatus
from xuncha.lib import fieldcrypto
from xuncha.lib.errors import Conflict, DomainError, Forbidden
from xuncha.lib.textnorm import compact

from . import dedup, triage
from . import search as fts
from .files import CleanFile
from .models import (
    Channel,
    Direction,
    Discipline,
    Petition,
    PetitionAttachment,
    PetitionBand,
    PetitionMessage,
    PetitionSubject,
    RevealRequest,
    RevealStatus,
    Route,
    Status,
    Transfer,
    TransferCategory,
)

MAX_CONTENT = 10_000
MIN_CONTENT = 10
MAX_SUBJECTS = 10
MAX_MESSAGES = 50  # from the reporter, per petition
MAX_QUESTION = 4_000
DEFAULT_REVEAL_HOURS = 24
OPEN_FOR_INTAKE = STATUS_ORDER[STATUS_ORDER.index(InspectionStatus.STATIONED):
                                STATUS_ORDER.index(InspectionStatus.REPORTING) + 1]


def reveal_hours() -> int:
    return int(getattr(settings, "XUNCHA_REVEAL_HOURS", None)
               or os.environ.get("XUNCHA_REVEAL_HOURS") or DEFAULT_REVEAL_HOURS)


# --- receipts ---------------------------------------------------------------------------------


def _receipt_key() -> bytes:
    """The pepper: ``XUNCHA_RECEIPT_PEPPER`` (setting or environment), else the secret key.
    Changing it makes every receipt unknown, so production sets it once."""
    pepper = (getattr(settings, "XUNCHA_RECEIPT_PEPPER", "")
              or os.environ.get("XUNCHA_RECEIPT_PEPPER", "") or settings.SECRET_KEY)
    return hashlib.sha256(("xuncha-receipt:" + pepper).encode()).digest()


def receipt_hash(receipt: str) -> str:
    """Peppered SHA-256 (HMAC) of a receipt: what is stored; the receipt itself never is."""
    return hmac.new(_receipt_key(), receipt.encode(), hashlib.sha256).hexdigest()


def normalize_receipt(value: Any) -> str | None:
    """The 16 digits of a receipt as typed (spaces and dashes allowed), or None."""
    if not isinstance(value, str | int):
        return None
    digits = "".join(c for c in str(value)[:64] if not c.isspace() and c != "-")
    return digits if len(digits) == 16 and digits.isascii() and digits.isdigit() else None


def petition_by_receipt(receipt: Any) -> Petition | None:
    """The petition of a receipt, or None. A malformed receipt costs the same hash and the
    same indexed query as a wrong one, so neither answers faster or differently."""
    normal = normalize_receipt(receipt)
    digest = receipt_hash(normal or "malformed-receipt")
    petition = Petition.objects.filter(receipt_hash=digest).select_related("transfer").first()
    return petition if normal else None


def _new_receipt() -> tuple[str, str]:
    while True:
        receipt = f"{secrets.randbelow(10 ** 16):016d}"
        digest = receipt_hash(receipt)
        if not Petition.objects.filter(receipt_hash=digest).exists():
            return receipt, digest


# --- the reporter's identity ----------------------------------------------------------------


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
    """What staff see: 李** · 139****8888 · 3601**************34 · 东湖区****."""
    return {"reporter_name_masked": fieldcrypto.mask(reporter.name),
            "reporter_phone_masked": fieldcrypto.mask(reporter.phone, keep_start=3, keep_end=4),
            "reporter_id_number_masked": fieldcrypto.mask(reporter.id_number, keep_start=4,
                                                          keep_end=2),
            "reporter_address_masked": fieldcrypto.mask(reporter.address, keep_start=3)[:64]}


def _set_identity(petition: Petition, reporter: Reporter | None) -> None:
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


# --- routing --------------------------------------------------------------------------------


def route_for(*, committee, unit, inspection: Inspection | None,
              received_on: datetime.date) -> tuple[Inspection | None, str, bool]:
    """(inspection, queue, late) for a petition about ``unit`` (or for ``inspection``).

    - an inspection of the unit whose intake is open that day → the inspection's team;
    - received after that inspection's deadline → marked late, to the regular petition
      office's queue (the inspection is kept for reference);
    - no inspection of the unit on site → the inspection office's queue.
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
    if not inspection.reached(InspectionStatus.STATIONED) or received_on < (
            inspection.stationed_on):
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


def clean_subjects(subjects: Iterable[dict] | None, *, committee=None) -> list[dict[str, Any]]:
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


# --- indexing: search and duplicates ------------------------------------------------------


def _index(petition: Petition, subjects: list[dict]) -> None:
    """Search tokens and duplicate bands, written with the petition (not in a signal)."""
    text = fts.search_document(petition.content, (s["name"] for s in subjects))
    fts.search_index_write([(petition.pk, text)])
    if connection.vendor != "postgresql":
        petition.search_text = fts.document_text(text)
    normalized, keys = dedup.keys_for(petition.content)
    if keys:
        PetitionBand.objects.bulk_create([PetitionBand(petition_id=petition.pk,
                                                       committee_id=petition.committee_id,
                                                       key=k) for k in keys])
        petition.possible_duplicates = find_duplicates(petition, normalized=normalized,
                                                       keys=keys)
        if petition.possible_duplicates:
            Petition.objects.filter(pk=petition.pk).update(
                possible_duplicates=petition.possible_duplicates)


def reindex(petition: Petition) -> None:
    """Rebuild one petition's search text and bands (after a change of the algorithms)."""
    PetitionBand.objects.filter(petition_id=petition.pk).delete()
    subjects = list(petition.subjects.values("name"))
    _index(petition, subjects)


def find_duplicates(petition: Petition, *, normalized: str | None = None,
                    keys: list[int] | None = None, limit: int = 5) -> list[dict]:
    """Other petitions of the same committee that say nearly the same thing, best first:
    ``[{"id", "ratio", "channel"}]``. Band keys find candidates; the edit-distance ratio
    confirms them."""
    if keys is None:
        normalized, keys = dedup.keys_for(petition.content)
    if not keys:
        return []
    candidates = (PetitionBand.objects.filter(committee_id=petition.committee_id, key__in=keys)
                  .exclude(petition_id=petition.pk).values("petition_id")
                  .annotate(bands=Count("key")).order_by("-bands", "-petition_id")[:20])
    ids = [c["petition_id"] for c in candidates]
    found = []
    for other_id, content, channel in Petition.objects.filter(pk__in=ids).values_list(
            "pk", "content", "channel"):
        ratio = dedup.similarity(normalized or "", compact(content))
        if ratio >= dedup.CONFIRM:
            found.append({"id": other_id, "ratio": round(ratio, 1), "channel": channel})
    return sorted(found, key=lambda d: (-d["ratio"], d["id"]))[:limit]


# --- files ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _files_kept_only_on_success():
    """Attachments are written to storage inside the transaction; when the transaction
    fails, the files written so far are removed again (nothing stored half-way)."""
    written: list = []
    try:
        yield written
    except BaseException:
        for stored in written:
            with contextlib.suppress(Exception):
                stored.delete(save=False)
        raise


def _store_files(petition: Petition, files: list[CleanFile], written: list,
                 message: PetitionMessage | None = None) -> None:
    for clean in files:
        row = PetitionAttachment(petition=petition, message=message, name=clean.name,
                                 content_type=clean.content_type, size=len(clean.data),
                                 sha256=clean.sha256)
        row.file.save(clean.storage_name(), clean.as_content_file(), save=False)
        written.append(row.file)
        row.save()


# --- intake -----------------------------------------------------------------------------------


def can_take_in(user, inspection: Inspection | None, committee) -> bool:
    if user.role == Role.OFFICE:
        return user.committee_id == committee.pk
    if user.role == Role.TEAM and inspection is not None and user.inspector_id:
        return inspection.team.members.filter(inspector_id=user.inspector_id).exists()
    return False


@transaction.atomic
def petition_intake(*, actor, committee, channel: str, content: str, unit=None,
                    inspection: Inspection | None = None, subjects=(),
                    reporter: Reporter | None = None, box_location: str = "",
                    received_at: datetime.datetime | None = None,
                    files: list[CleanFile] = ()) -> Petition:
    """Staff intake for every channel but online (the office, or the inspection's team).

    Routed by the unit (or the inspection) chosen and the day it was received; the
    reporter's identity is encrypted; near-duplicates are looked up and linked."""
    if actor.role == Role.TEAM and inspection is None:
        raise Forbidden(_("Team members take petitions in for one of their inspections: "
                          "choose it."))
    if not can_take_in(actor, inspection, committee):
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
    _set_identity(petition, reporter)
    with _files_kept_only_on_success() as written:
        petition.save()
        PetitionSubject.objects.bulk_create([PetitionSubject(petition=petition, **s)
                                             for s in cleaned_subjects])
        _store_files(petition, list(files), written)
        _index(petition, cleaned_subjects)
        petition.suggestion = triage.suggest(petition.content).as_dict()
        Petition.objects.filter(pk=petition.pk).update(suggestion=petition.suggestion)
        event_record(actor=actor, action="petition.intake", obj=petition, params={
            "channel": channel, "route": route, "late": late,
            "inspection": routed.pk if routed else None,
            "duplicates": [d["id"] for d in petition.possible_duplicates]})
    return petition


@transaction.atomic
def petition_submit_public(*, inspection: Inspection, content: str, subjects=(),
                           reporter: Reporter | None = None, files: list[CleanFile] = (),
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
    receipt, digest = _new_receipt()
    petition = Petition(committee=inspection.committee, inspection=routed, unit=inspection.unit,
                        route=route, late=late, channel=Channel.ONLINE, content=content,
                        received_at=received_at, receipt_hash=digest)
    _set_identity(petition, reporter)
    with _files_kept_only_on_success() as written:
        petition.save()
        PetitionSubject.objects.bulk_create([PetitionSubject(petition=petition, **s)
                                             for s in cleaned_subjects])
        _store_files(petition, list(files), written)
        # Indexing (search tokens, MinHash bands, the duplicate lookup) is half the work of
        # a submission; a flood of reports should cost the least per receipt, so it runs in
        # the background worker, queued in this same transaction (a stored report is always
        # indexed). Staff intake indexes at once: the clerk sees the duplicates right away.
        from .tasks import index_petition_task

        index_petition_task.enqueue(petition.pk)
        event_record(actor=None, action="petition.submit_public", obj=petition,
                     params={"route": route, "late": late})
    return petition, receipt


@transaction.atomic
def reporter_add(*, petition: Petition, text: str, files: list[CleanFile] = ()
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
    with _files_kept_only_on_success() as written:
        message = PetitionMessage.objects.create(petition=petition,
                                                 direction=Direction.REPORTER, text=text)
        _store_files(petition, list(files), written, message)
        event_record(actor=None, action="petition.reporter_message", obj=petition,
                     params={"files": len(files)})
    return message


# --- who may work on a petition ---------------------------------------------------------------


def can_handle(user, petition: Petition) -> bool:
    """The committee's office, or a member of the team of the petition's inspection while it
    is in the team's queue."""
    if user.role == Role.OFFICE and user.committee_id == petition.committee_id:
        return True
    if user.role == Role.TEAM and petition.inspection_id and petition.route == Route.INSPECTION:
        return petition.inspection.team.members.filter(inspector_id=user.inspector_id).exists()
    return False


def _require_handler(user, petition: Petition) -> None:
    if not can_handle(user, petition):
        raise Forbidden(_("Only the inspection office or the inspection team handles this "
                          "petition."))


def _locked(petition: Petition, version: int | None) -> Petition:
    current = Petition.objects.select_for_update(of=("self",)).select_related("inspection").get(
        pk=petition.pk)
    if version is not None and current.version != version:
        raise Conflict()
    return current


def _require_new(petition: Petition) -> None:
    if petition.status != Status.NEW:
        raise DomainError(_("This petition was already triaged (%(status)s).")
                          % {"status": petition.get_status_display()}, code="already_triaged")


def _triaged(actor, petition: Petition, status: str, note: str, action: str, params=None):
    before = petition.status
    petition.status = status
    petition.triage_note = note.strip()[:4000]
    petition.triaged_by, petition.triaged_at = actor, timezone.now()
    petition.version += 1
    petition.save()
    event_record(actor=actor, action=action, obj=petition,
                 changes={"status": [before, status]}, params=params or {})
    return petition


def suggestion_for(petition: Petition) -> dict:
    """The stored suggestion; computed on first need for online reports (jieba is kept off
    the public submission path)."""
    if not petition.suggestion:
        result = triage.suggest(petition.content).as_dict()
        Petition.objects.filter(pk=petition.pk).update(suggestion=result)
        petition.suggestion = result
    return petition.suggestion


def received_after_deadline(petition: Petition) -> bool:
    inspection = petition.inspection
    return inspection is not None and (
        timezone.localtime(petition.received_at).date() > inspection.petition_deadline)


@transaction.atomic
def petition_accept(*, actor, petition: Petition, category: str, note: str = "",
                    version: int | None = None) -> Petition:
    """受理: in scope, about one of the six disciplines. After the deadline only when the
    petition is marked late."""
    _require_handler(actor, petition)
    petition = _locked(petition, version)
    _require_new(petition)
    if category not in Discipline.values:
        raise DomainError(_("Choose which discipline the matter concerns."), field="category")
    if received_after_deadline(petition) and not petition.late:
        raise DomainError(_("Received after the intake deadline: mark it late first."),
                          code="late_not_marked")
    petition.category, petition.transfer_category = category, ""
    return _triaged(actor, petition, Status.ACCEPTED, note, "petition.accept",
                    {"category": category})


@transaction.atomic
def petition_transfer(*, actor, petition: Petition, category: str, department: str,
                      note: str = "", version: int | None = None) -> Petition:
    """转办: out of scope (personal appeal, land, litigation…). Sent to the responsible
    department and tracked until it answers, against the transfer clock (the committee's
    ``transfer_answer_workdays`` working days)."""
    _require_handler(actor, petition)
    petition = _locked(petition, version)
    _require_new(petition)
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
    return _triaged(actor, petition, Status.TRANSFERRED, note, "petition.transfer",
                    {"category": category, "department": transfer.department,
                     "due_on": transfer.due_on})


@transaction.atomic
def transfer_answer(*, actor, petition: Petition, answer: str,
                    answered_on: datetime.date | None = None) -> Transfer:
    """The department answered: the transfer clock stops."""
    _require_handler(actor, petition)
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
def petition_file(*, actor, petition: Petition, note: str,
                  version: int | None = None) -> Petition:
    """存查: kept on file without further handling (no substance, already handled, …)."""
    _require_handler(actor, petition)
    petition = _locked(petition, version)
    _require_new(petition)
    if not (note or "").strip():
        raise DomainError(_("Say why the petition is filed."), field="note")
    return _triaged(actor, petition, Status.FILED, note, "petition.file")


@transaction.atomic
def petition_mark_duplicate(*, actor, petition: Petition, original: Petition,
                            note: str = "", version: int | None = None) -> Petition:
    """重复件: link to the original (the first of the chain) and merge the counts there —
    this petition's own duplicates move to the original too."""
    _require_handler(actor, petition)
    petition = _locked(petition, version)
    _require_new(petition)
    root = Petition.objects.select_for_update().get(pk=original.pk)
    seen = {root.pk}
    while root.duplicate_of_id:
        root = Petition.objects.select_for_update().get(pk=root.duplicate_of_id)
        if root.pk in seen:  # never expected; the constraint-free chain must not loop
            break
        seen.add(root.pk)
    if root.pk == petition.pk:
        raise DomainError(_("A petition cannot duplicate itself."), field="original")
    if root.committee_id != petition.committee_id:
        raise DomainError(_("The original belongs to another committee."), field="original")
    moved = petition.duplicate_count
    Petition.objects.filter(duplicate_of=petition).update(duplicate_of=root)
    Petition.objects.filter(pk=root.pk).update(duplicate_count=F("duplicate_count") + moved + 1)
    petition.duplicate_of, petition.duplicate_count = root, 0
    return _triaged(actor, petition, Status.DUPLICATE, note, "petition.duplicate",
                    {"original": root.pk, "merged": moved + 1})


@transaction.atomic
def petition_mark_late(*, actor, petition: Petition) -> Petition:
    """Received after the deadline: marked late and moved to the regular petition office's
    queue (the team no longer sees it)."""
    _require_handler(actor, petition)
    petition = _locked(petition, None)
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
def petition_ask(*, actor, petition: Petition, text: str) -> PetitionMessage:
    """A question to the reporter; they read it with their receipt."""
    _require_handler(actor, petition)
    if petition.receipt_hash is None:
        raise DomainError(_("Only online reporters can be asked through their receipt."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the question."), field="text")
    message = PetitionMessage.objects.create(petition=petition, direction=Direction.QUESTION,
                                             text=text[:MAX_QUESTION], author=actor)
    event_record(actor=actor, action="petition.ask", obj=petition)
    return message


# --- revealing the reporter's identity --------------------------------------------------------


def is_custodian_for(user, petition: Petition) -> bool:
    return bool(user.role == Role.OFFICE and user.is_custodian
                and user.committee_id == petition.committee_id)


@transaction.atomic
def reveal_request(*, actor, petition: Petition, reason: str) -> RevealRequest:
    """Ask to see the reporter's identity, with a reason; a custodian decides."""
    _require_handler(actor, petition)
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


@transaction.atomic
def reveal_decide(*, actor, request: RevealRequest, approve: bool, note: str = ""
                  ) -> RevealRequest:
    """An identity custodian of the same committee — never the requester — approves (the
    requester may then see the identity for ``XUNCHA_REVEAL_HOURS`` hours) or refuses."""
    request = RevealRequest.objects.select_for_update().select_related("petition").get(
        pk=request.pk)
    if not is_custodian_for(actor, request.petition):
        raise Forbidden(_("Only an identity custodian of this committee decides."))
    if actor.pk == request.requested_by_id:
        raise Forbidden(_("A request is decided by a second person, not by the requester."))
    if request.status != RevealStatus.PENDING:
        raise DomainError(_("This request was already decided."), code="already_decided")
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("Say why the request is refused."), field="note")
    request.status = RevealStatus.APPROVED if approve else RevealStatus.REFUSED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.decision_note = note[:2000]
    if approve:
        request.valid_until = request.decided_at + datetime.timedelta(hours=reveal_hours())
    request.save()
    event_record(actor=actor, action="identity.reveal_approve" if approve
                 else "identity.reveal_refuse", obj=request,
                 params={"petition": request.petition_id, "requested_by": request.requested_by_id,
                         "valid_until": request.valid_until})
    return request


@transaction.atomic
def reveal_identity(*, actor, request: RevealRequest) -> Reporter:
    """Decrypt for the requester of an approved, unexpired request who still handles the
    petition. Every reveal is an audit event."""
    request = RevealRequest.objects.select_related("petition__inspection").get(pk=request.pk)
    if request.requested_by_id != actor.pk:
        raise Forbidden(_("Only the person who asked may see the identity."))
    if not request.is_current():
        raise Forbidden(_("There is no approved, current request."))
    petition = request.petition
    _require_handler(actor, petition)
    event_record(actor=actor, action="identity.reveal", obj=petition,
                 params={"request": request.pk})
    return Reporter(name=fieldcrypto.decrypt(petition.reporter_name),
                    phone=fieldcrypto.decrypt(petition.reporter_phone),
                    id_number=fieldcrypto.decrypt(petition.reporter_id_number),
                    address=fieldcrypto.decrypt(petition.reporter_address))
