"""Petitions over the API: the public endpoints (for the reporting page and for mini-program
front ends) and the staff's scoped list, detail, intake and triage.

Public endpoints need no token. A report answers 201 ``{"receipt": "<16 digits>"}`` only
after the petition is committed. Receipts travel in POST bodies only; a wrong, malformed or
unknown receipt always answers the same 404 ``{"error": "not_found", …}``.
"""

import base64
import binascii
import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from xuncha.accounts.models import User
from xuncha.inspections.selectors import inspection_by_public_code
from xuncha.lib import glossary
from xuncha.lib.apipaging import MAX_INT
from xuncha.lib.errors import DomainError, Forbidden, NotFound
from xuncha.lib.lookup import get_or_404
from xuncha.web.access import api_public
from xuncha.web.forms import EARLIEST, LATEST

from . import assignment, duplicates, intake, openings, receipts, triage
from . import files as petition_files
from . import public as guard
from . import selectors as sel
from .access import (
    access_intake_inspection,
    access_intake_unit,
    access_petition,
    access_petition_page,
    assignment_choices,
    can_assign_petition,
)
from .identity import Reporter
from .models import Petition

router = Router(tags=["petitions"])


# --- public ----------------------------------------------------------------------------------


class SubjectIn(Schema):
    name: str = Field(..., min_length=1, max_length=64, description="被反映人")
    position: str = Field("", max_length=100)
    unit: str = Field("", max_length=100, description="Their unit, as text")


class ReporterIn(Schema):
    name: str = Field("", max_length=64)
    phone: str = Field("", max_length=32)
    id_number: str = Field("", max_length=32)
    address: str = Field("", max_length=200)


class PowIn(Schema):
    challenge: str = Field("", max_length=400)
    nonce: str = Field("", max_length=64)


class AttachmentIn(Schema):
    name: str = Field("file", max_length=200)
    data: str = Field(..., description="The file, base64-encoded")


class ReportIn(Schema):
    target: str = Field(..., max_length=64,
                        description="The public code of the target (in its notice and QR code)")
    content: str = Field("", description="What happened (10 to 10,000 characters)")
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=10)
    anonymous: bool = True
    reporter: ReporterIn | None = Field(None, description="Only used when anonymous is false")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)
    pow: PowIn | None = Field(None, description="When GET /public/challenge says required")


class ReceiptOut(Schema):
    receipt: str = Field(..., description="16 digits; shown once — keep it to follow up")


class ReceiptIn(Schema):
    receipt: Any = Field(None, description="The 16-digit receipt (spaces or dashes allowed)")

    @field_validator("receipt", mode="before")
    @classmethod
    def _any(cls, value: object) -> object:
        # Whatever was sent, the answer to a bad receipt is the same 404 as for a wrong one.
        return value if isinstance(value, str | int) else None


class MessageOut(Schema):
    direction: str = Field(..., description="question (from the team) or reporter")
    text: str
    created_at: datetime.datetime


class StatusOut(Schema):
    status: str
    status_text: str
    received_on: datetime.date
    messages: list[MessageOut]


class AddIn(ReceiptIn):
    text: str = Field("", description="Information to add, or the answer to a question")
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)


class ChallengeOut(Schema):
    challenge: str
    difficulty: int = Field(..., description="Leading zero bits of SHA-256(challenge:nonce)")
    required: bool
    expires: str


class Error(Schema):
    error: str
    message: str


class Refusal(Error):
    challenge: ChallengeOut | None = Field(None, description="With pow_required: solve this")


def _decode(attachments: list[AttachmentIn]) -> list[petition_files.CleanFile]:
    cleaned = []
    for item in attachments:
        if len(item.data) > petition_files.MAX_BYTES * 4 // 3 + 8:
            raise DomainError(_("The file %(name)s is larger than 10 MB.") % {"name": item.name},
                              code="file_too_large", field="attachments")
        try:
            data = base64.b64decode(item.data, validate=True)
        except (binascii.Error, ValueError):
            raise DomainError(_("The file %(name)s is not valid base64.") % {"name": item.name},
                              code="file_type", field="attachments") from None
        cleaned.append(petition_files.clean_upload(item.name, data))
    return cleaned


def _status(petition: Petition) -> dict[str, Any]:
    return {"status": petition.status, "status_text": receipts.public_status(petition),
            "received_on": timezone.localtime(petition.received_at).date(),
            "messages": list(petition.messages.order_by("created_at", "pk"))}


@router.get("/public/challenge", auth=None, response=ChallengeOut, url_name="public_challenge",
            summary="A proof-of-work challenge for the next report")
@api_public
def public_challenge(request: HttpRequest, target: str = "") -> dict[str, Any]:
    """Find a nonce so that SHA-256(``challenge`` + ":" + nonce) starts with ``difficulty``
    zero bits and send both with the report. ``required`` says whether the next report
    needs it; a challenge is good for one report within ten minutes."""
    return guard.challenge_for(request, target[:64])


@router.post("/public/reports", auth=None, url_name="public_report",
             response={201: ReceiptOut, 400: Error, 403: Error, 404: Error, 415: Error,
                       429: Refusal},
             summary="Report a problem to an inspection team (anonymous allowed)")
@api_public
def public_report(request: HttpRequest, payload: ReportIn) -> tuple[int, dict[str, Any]]:
    refused = _cross_site(request)
    if refused:
        return refused
    inspection = inspection_by_public_code(payload.target)
    pow_in = payload.pow or PowIn(challenge="", nonce="")
    reporter = None
    if not payload.anonymous and payload.reporter is not None:
        reporter = Reporter(**payload.reporter.dict())
    try:
        files = _decode(payload.attachments)
        _petition, receipt = intake.petition_submit_public(
            inspection=inspection, content=payload.content, reporter=reporter, files=files,
            subjects=[{"name": s.name, "position": s.position, "unit_name": s.unit}
                      for s in payload.subjects],
            admit=lambda: guard.admit(request, target=inspection.public_code,
                                      challenge=pow_in.challenge, nonce=pow_in.nonce))
    except NotFound:
        raise
    except DomainError as exc:
        if exc.code == "pow_required":
            return 429, {"error": exc.code, "message": exc.message,
                         "challenge": guard.challenge_for(request, inspection.public_code)}
        status = 429 if exc.code == "rate_limited" else 400
        return status, {"error": exc.code, "message": exc.message}
    # The service's transaction has committed: the receipt is stored before it is shown.
    return 201, {"receipt": receipt}


def _cross_site(request: HttpRequest) -> tuple[int, dict[str, str]] | None:
    try:
        guard.refuse_cross_site(request)
    except DomainError as exc:
        return (415 if exc.code == "json_required" else 403), {"error": exc.code,
                                                               "message": exc.message}
    return None


def _by_receipt(request: HttpRequest, receipt: object) -> Petition:
    guard.admit_lookup(request)  # DomainError rate_limited → 429 below
    petition = receipts.petition_by_receipt(receipt)
    if petition is None:
        raise NotFound(_("No report matches this receipt number. A receipt has 16 digits; "
                         "check it and try again."))
    return petition


def _refused(exc: DomainError) -> tuple[int, dict[str, str]]:
    return (429 if exc.code == "rate_limited" else 400), {"error": exc.code,
                                                           "message": exc.message}


@router.post("/public/reports/status", auth=None, url_name="public_report_status",
             response={200: StatusOut, 403: Error, 404: Error, 415: Error, 429: Error},
             summary="The status of a report and the team's questions, by receipt")
@api_public
def public_report_status(request: HttpRequest, payload: ReceiptIn
                         ) -> tuple[int, dict[str, Any]]:
    refused = _cross_site(request)
    if refused:
        return refused
    try:
        petition = _by_receipt(request, payload.receipt)
    except NotFound:
        raise
    except DomainError as exc:
        return _refused(exc)
    return 200, _status(petition)


@router.post("/public/reports/add", auth=None, url_name="public_report_add",
             response={200: StatusOut, 400: Error, 403: Error, 404: Error, 415: Error,
                       429: Error},
             summary="Add information or answer the team's question, by receipt")
@api_public
def public_report_add(request: HttpRequest, payload: AddIn) -> tuple[int, dict[str, Any]]:
    refused = _cross_site(request)
    if refused:
        return refused
    try:
        petition = _by_receipt(request, payload.receipt)
        intake.reporter_add(petition=petition, text=payload.text,
                              files=_decode(payload.attachments))
    except NotFound:
        raise
    except DomainError as exc:
        return _refused(exc)
    return 200, _status(petition)


# --- staff -----------------------------------------------------------------------------------


class SubjectOut(Schema):
    name: str
    position: str
    unit_id: int | None
    unit_name: str


class PetitionOut(Schema):
    id: int
    committee_id: int
    inspection_id: int | None
    unit_id: int | None
    route: str
    channel: str
    box_location: str
    received_at: datetime.datetime
    late: bool
    status: str
    category: str
    transfer_category: str
    content: str
    anonymous: bool
    reporter_name_masked: str
    reporter_phone_masked: str
    duplicate_of_id: int | None
    duplicate_count: int
    version: int
    #: The glossary's names of the codes above, in the account's language.
    status_text: str = Field("", description="The status, in the account's language")
    channel_text: str = Field("", description="The channel, in the account's language")

    @staticmethod
    def resolve_status_text(obj: Any) -> str:
        return glossary.display("petition_status", _field(obj, "status"))

    @staticmethod
    def resolve_channel_text(obj: Any) -> str:
        return glossary.display("petition_channel", _field(obj, "channel"))


def _field(obj: Any, name: str) -> str:
    return obj.get(name, "") if isinstance(obj, dict) else getattr(obj, name, "")


class PetitionDetailOut(PetitionOut):
    subjects: list[SubjectOut]
    reporter_id_number_masked: str
    reporter_address_masked: str
    suggestion: dict
    possible_duplicates: list[dict]
    triage_note: str
    transfer: dict | None


class PetitionPage(Schema):
    items: list[PetitionOut]
    next: str | None = Field(None, description="Pass as ``after`` for the next page")


class PetitionFilters(Schema):
    q: str = Field("", max_length=50)
    inspection: int | None = Field(None, ge=1, le=MAX_INT)
    channel: str = ""
    category: str = ""
    status: str = ""
    route: str = ""
    subject: str = Field("", max_length=64)
    date_from: datetime.date | None = Field(None, ge=EARLIEST, le=LATEST)
    date_to: datetime.date | None = Field(None, ge=EARLIEST, le=LATEST)
    after: str = Field("", max_length=80, description="Cursor from the previous page")
    limit: int = Field(50, ge=1, le=200)


def _user(request: HttpRequest) -> User:
    """The token's account (every staff operation requires a token)."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


@router.get("/petitions", response=PetitionPage, summary="Petitions you handle, newest first")
def petition_list(request: HttpRequest, filters: Query[PetitionFilters]) -> dict[str, Any]:
    """Keyset pages by (received_at, id): pass ``next`` back as ``after``."""
    criteria = filters.dict()
    after, limit = criteria.pop("after"), criteria.pop("limit")
    qs = sel.petitions_filter(sel.petitions_visible_to(user=_user(request)), **criteria)
    if after:
        stamp, _sep, ident = after.rpartition("_")
        try:
            moment, pk = datetime.datetime.fromisoformat(stamp), int(ident)
        except ValueError:
            raise DomainError(_("The cursor is not valid."), code="invalid",
                              field="after") from None
        qs = qs.filter(Q(received_at__lt=moment) | Q(received_at=moment, pk__lt=pk))
    rows = list(qs.order_by("-received_at", "-pk")[:limit + 1])
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = f"{last.received_at.isoformat()}_{last.pk}"
    return {"items": rows[:limit], "next": next_cursor}


def _detail(petition: Petition, *, user: User) -> dict[str, Any]:
    """The page's answer: duplicates the reader may not open are not listed (nor hinted)."""
    transfer = getattr(petition, "transfer", None)
    candidates = {d["id"]: d for d in petition.possible_duplicates}
    visible = set(sel.petitions_visible_to(user=user).filter(pk__in=candidates)
                  .values_list("pk", flat=True)) if candidates else set()
    data = PetitionOut.from_orm(petition).dict()
    return data | {
        "subjects": [SubjectOut.from_orm(s).dict() for s in petition.subjects.all()],
        "reporter_id_number_masked": petition.reporter_id_number_masked,
        "reporter_address_masked": petition.reporter_address_masked,
        "suggestion": triage.suggestion_for(petition),
        "possible_duplicates": [d for pk, d in candidates.items() if pk in visible],
        "triage_note": petition.triage_note,
        "transfer": None if transfer is None else {
            "department": transfer.department, "transferred_on": transfer.transferred_on,
            "due_on": transfer.due_on, "answered_on": transfer.answered_on,
            "answer": transfer.answer}}


@router.get("/petitions/{petition_id}", response=PetitionDetailOut,
            summary="One petition (identity masked)")
def petition_get(request: HttpRequest, petition_id: int) -> dict[str, Any]:
    user = _user(request)
    petition = access_petition_page(user=user, pk=petition_id)
    openings.petition_opened(actor=user, petition=petition, via="api")
    return _detail(petition, user=user)


class IntakeIn(Schema):
    channel: str = Field(..., description="phone, sms, letter, visit, email or box")
    content: str
    received_at: datetime.datetime | None = None
    inspection: int | None = Field(None, ge=1, le=MAX_INT)
    unit: int | None = Field(None, ge=1, le=MAX_INT)
    box_location: str = Field("", max_length=200)
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=10)
    reporter: ReporterIn | None = None


@router.post("/petitions", response={201: PetitionDetailOut},
             summary="Record a petition received by phone, SMS, letter, visit, e-mail or box")
def petition_create(request: HttpRequest, payload: IntakeIn) -> tuple[int, dict[str, Any]]:
    user = _user(request)
    inspection = (access_intake_inspection(user=user, pk=payload.inspection)
                  if payload.inspection else None)
    unit = access_intake_unit(user=user, pk=payload.unit) if payload.unit else None
    received_at = payload.received_at
    if received_at is not None and timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    petition = intake.petition_intake(
        actor=user, committee=user.committee, channel=payload.channel, content=payload.content,
        inspection=inspection, unit=unit, box_location=payload.box_location,
        received_at=received_at,
        subjects=[{"name": s.name, "position": s.position, "unit_name": s.unit}
                  for s in payload.subjects],
        reporter=Reporter(**payload.reporter.dict()) if payload.reporter else None)
    return 201, _detail(sel.petition_reloaded(petition), user=user)


class TriageIn(Schema):
    action: str = Field(..., description="accept, transfer, file, duplicate or late")
    category: str = Field("", description="accept: a discipline; transfer: why it goes")
    department: str = Field("", max_length=100, description="transfer: where it goes")
    original: int | None = Field(None, description="duplicate: the original petition")
    note: str = Field("", max_length=4000)
    version: int | None = Field(None, description="The version you read (optimistic lock)")


@router.post("/petitions/{petition_id}/triage", response=PetitionDetailOut,
             summary="Accept, transfer, file, mark as duplicate or mark late")
def petition_triage(request: HttpRequest, petition_id: int, payload: TriageIn
                    ) -> dict[str, Any]:
    user = _user(request)
    petition = access_petition(user=user, pk=petition_id)
    if payload.action == "accept":
        triage.petition_accept(actor=user, petition=petition, category=payload.category,
                               note=payload.note, version=payload.version)
    elif payload.action == "transfer":
        triage.petition_transfer(actor=user, petition=petition, category=payload.category,
                                 department=payload.department, note=payload.note,
                                 version=payload.version)
    elif payload.action == "file":
        triage.petition_file(actor=user, petition=petition, note=payload.note,
                             version=payload.version)
    elif payload.action == "duplicate":
        original = access_petition(user=user, pk=payload.original)
        duplicates.petition_mark_duplicate(actor=user, petition=petition, original=original,
                                           note=payload.note, version=payload.version)
    elif payload.action == "late":
        triage.petition_mark_late(actor=user, petition=petition)
    else:
        raise DomainError(_("Unknown action."), field="action")
    return _detail(sel.petition_reloaded(petition), user=user)


class AssignIn(Schema):
    inspection: int = Field(..., ge=1, le=MAX_INT, description="An inspection of the committee")
    reason: str = Field(..., max_length=2000, description="Why the petition goes there")
    version: int | None = Field(None, description="The version you read (optimistic lock)")


@router.post("/petitions/{petition_id}/assign", response=PetitionDetailOut,
             summary="Assign or reassign a petition to an inspection (the office; audited)")
def petition_assign(request: HttpRequest, petition_id: int, payload: AssignIn
                    ) -> dict[str, Any]:
    user = _user(request)
    petition = access_petition(user=user, pk=petition_id)
    if not can_assign_petition(user=user, petition=petition):
        raise Forbidden(_("Only the inspection office assigns petitions to inspections."))
    inspection = get_or_404(assignment_choices(user=user, petition=petition), payload.inspection)
    assignment.petition_assign(actor=user, petition=petition, inspection=inspection,
                               reason=payload.reason, version=payload.version)
    return _detail(sel.petition_reloaded(petition), user=user)
