"""The team's conduct over the API: a team's pledges, signing, the office's paper record;
reports about teams (the office's and the discipline body's list, detail, recording,
transfer, conclusion and accountability) and the public report about a team. The same
rules and services as the pages."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from xuncha.accounts.models import User
from xuncha.inspections.access import access_member, access_team
from xuncha.inspections.selectors import inspection_by_public_code
from xuncha.lib.errors import DomainError, NotFound
from xuncha.lib.lookup import get_or_404
from xuncha.petitions import public as guard
from xuncha.petitions.identity import Reporter
from xuncha.web.access import api_public

from . import access, pledges, reports
from . import selectors as sel
from .models import ConductReport

router = Router(tags=["teamwork"])


def _user(request: HttpRequest) -> User:
    """The token's account (every staff operation requires a token)."""
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


class PledgeOut(Schema):
    member: int
    name: str
    position: str
    signed: bool
    text_version: int | None
    signed_at: datetime.datetime | None
    on_paper: bool


class SignIn(Schema):
    text_version: int


class ReporterIn(Schema):
    name: str = Field("", max_length=64)
    phone: str = Field("", max_length=32)
    id_number: str = Field("", max_length=32)
    address: str = Field("", max_length=200)


class ReportOut(Schema):
    id: int
    team: int
    inspection: int | None
    inspector: int | None
    source: str
    status: str
    content: str
    anonymous: bool
    reporter_name_masked: str
    reporter_phone_masked: str
    received_at: datetime.datetime
    transfer_note: str
    conclusion: str


class RecordIn(Schema):
    team: int
    content: str = Field(..., max_length=20000)
    source: str
    inspector: int | None = None
    reporter: ReporterIn | None = None


class PublicIn(Schema):
    target: str = Field(..., max_length=16)
    content: str = Field(..., max_length=20000)
    reporter: ReporterIn | None = None
    challenge: str = ""
    nonce: str = ""


class TransferIn(Schema):
    note: str = Field(..., max_length=2000)
    inspector: int | None = None


class ConcludeIn(Schema):
    substantiated: bool
    conclusion: str = Field(..., max_length=4000)
    inspector: int | None = None


class AccountabilityIn(Schema):
    kind: str
    text: str = Field(..., max_length=4000)
    decided_on: datetime.date


class Done(Schema):
    id: int


class Received(Schema):
    received: bool


def _pledge_row(member) -> dict[str, Any]:
    pledge = getattr(member, "pledge", None)
    return {"member": member.pk, "name": member.inspector.cadre.name,
            "position": member.position, "signed": pledge is not None,
            "text_version": pledge.text.version if pledge else None,
            "signed_at": pledge.signed_at if pledge else None,
            "on_paper": bool(pledge and pledge.on_paper)}


@router.get("/teams/{pk}/pledges", response=list[PledgeOut],
            summary="Who on the team has signed the integrity pledge")
def team_pledges(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    team = access_team(user=_user(request), pk=pk)
    return [_pledge_row(m) for m in sel.team_members_with_pledges(team)]


@router.post("/members/{pk}/pledge", response={201: Done},
             summary="Sign your integrity pledge (the text version you read)")
def pledge_sign(request: HttpRequest, pk: int, payload: SignIn) -> tuple[int, dict[str, int]]:
    user = _user(request)
    member = access_member(user=user, pk=pk)
    pledge = pledges.pledge_sign(actor=user, member=member, text_version=payload.text_version)
    return 201, {"id": pledge.pk}


@router.post("/members/{pk}/pledge/paper", response={201: Done},
             summary="Record a member's integrity pledge signed on paper (the office)")
def pledge_record_paper(request: HttpRequest, pk: int) -> tuple[int, dict[str, int]]:
    user = _user(request)
    member = access_member(user=user, pk=pk)
    pledge = pledges.pledge_record_paper(actor=user, member=member)
    return 201, {"id": pledge.pk}


def _reporter(data: ReporterIn | None) -> Reporter | None:
    return Reporter(**data.dict()) if data is not None else None


@router.get("/team-reports", response=list[ReportOut],
            summary="Reports about teams you handle (office, discipline body), newest first")
def report_list(request: HttpRequest, status: str = "") -> list[ConductReport]:
    qs = sel.conduct_reports_visible_to(user=_user(request))
    if status:
        qs = qs.filter(status=status)
    return list(qs[:200])


@router.get("/team-reports/{pk}", response=ReportOut, summary="One report about a team")
def report_detail(request: HttpRequest, pk: int) -> ConductReport:
    return access.access_conduct_report(user=_user(request), pk=pk)


@router.post("/team-reports", response={201: Done},
             summary="Record a report about a team received by phone or from staff")
def report_record(request: HttpRequest, payload: RecordIn) -> tuple[int, dict[str, int]]:
    user = _user(request)
    team = access_team(user=user, pk=payload.team)
    inspector = None
    if payload.inspector is not None:
        inspector = get_or_404(sel.inspectors_of_team(team), payload.inspector)
    report = reports.conduct_report_record(actor=user, team=team, content=payload.content,
                                           source=payload.source, inspector=inspector,
                                           reporter=_reporter(payload.reporter))
    return 201, {"id": report.pk}


def _inspector(report: ConductReport, pk: int | None):
    return None if pk is None else get_or_404(sel.inspectors_of_team(report.team), pk)


@router.post("/team-reports/{pk}/transfer", response=ReportOut,
             summary="Transfer a report about a team to the discipline body (the office)")
def report_transfer(request: HttpRequest, pk: int, payload: TransferIn) -> ConductReport:
    user = _user(request)
    report = access.access_conduct_report(user=user, pk=pk)
    return reports.conduct_report_transfer(actor=user, report=report, note=payload.note,
                                           inspector=_inspector(report, payload.inspector))


@router.post("/team-reports/{pk}/conclude", response=ReportOut,
             summary="Conclude a report about a team: substantiated or not")
def report_conclude(request: HttpRequest, pk: int, payload: ConcludeIn) -> ConductReport:
    user = _user(request)
    report = access.access_conduct_report(user=user, pk=pk)
    return reports.conduct_report_conclude(
        actor=user, report=report, substantiated=payload.substantiated,
        conclusion=payload.conclusion, inspector=_inspector(report, payload.inspector))


@router.post("/team-reports/{pk}/accountability", response={201: Done},
             summary="Record accountability against the inspector of a substantiated report")
def report_accountability(request: HttpRequest, pk: int, payload: AccountabilityIn
                          ) -> tuple[int, dict[str, int]]:
    user = _user(request)
    report = access.access_conduct_report(user=user, pk=pk)
    record = reports.inspector_accountability_record(
        actor=user, report=report, kind=payload.kind, text=payload.text,
        decided_on=payload.decided_on)
    return 201, {"id": record.pk}


@router.post("/public/team-reports", auth=None, url_name="public_team_report",
             response={201: Received, 400: dict, 404: dict, 429: dict},
             summary="Report the inspection team itself (anonymous allowed); never reaches it")
@api_public
def public_team_report(request: HttpRequest, payload: PublicIn) -> tuple[int, dict[str, Any]]:
    try:
        guard.refuse_cross_site(request)
    except DomainError as exc:
        return 400, {"error": exc.code, "message": exc.message}
    inspection = inspection_by_public_code(payload.target)
    try:
        reports.conduct_report_submit_public(
            inspection=inspection, content=payload.content, reporter=_reporter(payload.reporter),
            admit=lambda: guard.admit(request, target=inspection.public_code,
                                      challenge=payload.challenge, nonce=payload.nonce))
    except NotFound:
        raise
    except DomainError as exc:
        status = 429 if exc.code in ("rate_limited", "pow_required") else 400
        return status, {"error": exc.code, "message": exc.message}
    return 201, {"received": True}
