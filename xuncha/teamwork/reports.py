"""Reports about an inspection team or one of its members (对巡察组的监督, 防止灯下黑).

They reach the committee's office (from the public form behind the notice's supervision link,
or recorded by the office from the supervision phone or a letter) and, when the office
transfers them, its discipline body. The reporter's identity is kept as a petition's is
(``xuncha.petitions.identity``: encrypted, masked for staff); no audit event carries it or
the content. A substantiated report about an inspector leads to accountability recorded
against them."""

import datetime
from collections.abc import Callable
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import Inspection, Team
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Inspector
from xuncha.petitions.identity import Reporter, set_identity
from xuncha.petitions.intake import clean_content

from .access import (
    can_conclude_conduct_report,
    can_record_inspector_accountability,
    can_report_on_team,
    can_transfer_conduct_report,
)
from .models import (
    ConductReport,
    InspectorAccountability,
    ReportSource,
    ReportStatus,
    SanctionKind,
)


def _inspector_of(team: Team, inspector: Inspector | None) -> Inspector | None:
    if inspector is not None and not team.members.filter(inspector=inspector).exists():
        raise DomainError(_("The inspector reported on is not on this team."), field="inspector")
    return inspector


def _store(report: ConductReport, reporter: Reporter | None) -> ConductReport:
    # The identity fields are a petition's (same names, same masks): one way to keep them.
    set_identity(cast(Any, report), reporter)
    report.save()
    return report


@transaction.atomic
def conduct_report_submit_public(*, inspection: Inspection, content: str,
                                 reporter: Reporter | None = None,
                                 admit: Callable[[], None] | None = None) -> ConductReport:
    """A citizen's report about the team at this target, from the notice's supervision
    link. ``admit`` is the public flood guard, called once the text is valid."""
    content = clean_content(content)
    if admit is not None:
        admit()
    report = _store(ConductReport(committee=inspection.committee, team=inspection.team,
                                  inspection=inspection, source=ReportSource.PUBLIC,
                                  content=content), reporter)
    event_record(actor=None, action="conduct.report_public", obj=report,
                 params={"team": inspection.team_id})
    return report


@transaction.atomic
def conduct_report_record(*, actor: User, team: Team, content: str, source: str,
                          inspection: Inspection | None = None,
                          inspector: Inspector | None = None,
                          reporter: Reporter | None = None) -> ConductReport:
    """The office records a report received by the supervision phone, by letter or from a
    colleague (staff)."""
    committee_id = team.round.committee_id
    if not can_report_on_team(user=actor, committee_id=committee_id):
        raise Forbidden(_("Only the committee's office records reports about its teams."))
    if source not in (ReportSource.PHONE, ReportSource.STAFF):
        raise DomainError(_("Choose how the report was received."), field="source")
    if inspection is not None and inspection.team_id != team.pk:
        raise DomainError(_("The inspection is not this team's."), field="inspection")
    content = clean_content(content)
    report = _store(ConductReport(committee_id=committee_id, team=team, inspection=inspection,
                                  inspector=_inspector_of(team, inspector), source=source,
                                  content=content, received_by=actor), reporter)
    event_record(actor=actor, action="conduct.report_record", obj=report,
                 params={"team": team.pk, "source": source,
                         "inspector": inspector.pk if inspector else None})
    return report


def _locked(report: ConductReport) -> ConductReport:
    return ConductReport.objects.select_for_update().get(pk=report.pk)


@transaction.atomic
def conduct_report_transfer(*, actor: User, report: ConductReport, note: str,
                            inspector: Inspector | None = None) -> ConductReport:
    """The office sends a received report to the discipline body, naming the inspector
    concerned when the report names one."""
    report = _locked(report)
    if not can_transfer_conduct_report(user=actor, report=report):
        raise Forbidden(_("Only the office transfers a report it holds."), code="not_transferable")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Say why the report is transferred."), field="note")
    if inspector is not None:
        report.inspector = _inspector_of(report.team, inspector)
    report.status = ReportStatus.TRANSFERRED
    report.transferred_by, report.transferred_at = actor, timezone.now()
    report.transfer_note = note[:2000]
    report.save()
    event_record(actor=actor, action="conduct.report_transfer", obj=report,
                 changes={"status": [ReportStatus.RECEIVED, ReportStatus.TRANSFERRED]},
                 params={"inspector": report.inspector_id})
    return report


@transaction.atomic
def conduct_report_conclude(*, actor: User, report: ConductReport, substantiated: bool,
                            conclusion: str, inspector: Inspector | None = None
                            ) -> ConductReport:
    """Conclude the report: the office while it holds it, the discipline body once
    transferred. A substantiated report names the inspector concerned."""
    report = _locked(report)
    if not can_conclude_conduct_report(user=actor, report=report):
        raise Forbidden(_("This report is not yours to conclude."), code="not_concludable")
    conclusion = (conclusion or "").strip()
    if len(conclusion) < 4:
        raise DomainError(_("Write the conclusion of the check."), field="conclusion")
    if inspector is not None:
        report.inspector = _inspector_of(report.team, inspector)
    if substantiated and report.inspector_id is None:
        raise DomainError(_("A substantiated report names the inspector concerned."),
                          field="inspector")
    before = report.status
    report.status = (ReportStatus.SUBSTANTIATED if substantiated
                     else ReportStatus.UNSUBSTANTIATED)
    report.conclusion = conclusion[:4000]
    report.concluded_by, report.concluded_at = actor, timezone.now()
    report.save()
    event_record(actor=actor, action="conduct.report_conclude", obj=report,
                 changes={"status": [before, report.status]},
                 params={"inspector": report.inspector_id})
    return report


@transaction.atomic
def inspector_accountability_record(*, actor: User, report: ConductReport, kind: str,
                                    text: str, decided_on: datetime.date
                                    ) -> InspectorAccountability:
    """问责 against the inspector of a substantiated report, in their record in the pool."""
    report = _locked(report)
    if not can_record_inspector_accountability(user=actor, report=report):
        raise Forbidden(_("Accountability is recorded by the office, once, after a "
                          "substantiated report."), code="not_accountable")
    if kind not in SanctionKind.values:
        raise DomainError(_("Choose the kind of accountability."), field="kind")
    text = (text or "").strip()
    if len(text) < 4:
        raise DomainError(_("Write the decision."), field="text")
    if decided_on > timezone.localdate():
        raise DomainError(_("The decision date cannot be in the future."), field="decided_on")
    assert report.inspector is not None
    record = InspectorAccountability.objects.create(
        report=report, inspector=report.inspector, kind=kind, text=text[:4000],
        decided_on=decided_on, recorded_by=actor)
    event_record(actor=actor, action="conduct.accountability", obj=record,
                 params={"report": report.pk, "inspector": report.inspector_id, "kind": kind})
    return record
