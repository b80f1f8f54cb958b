"""The inspection's own moves: stationed (the mobilization meeting), on site, reporting; and
``inspection_move`` for the later stages the other apps' services drive."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record, snapshot
from xuncha.lib.errors import DomainError
from xuncha.teamwork.branches import branch_dissolve_if_ended
from xuncha.teamwork.pledges import pledge_problem

from . import conflicts
from .access import can_begin_onsite, can_begin_reporting, can_station_inspection
from .models import ChannelKind, Inspection, InspectionStatus, RoundStatus, TeamPosition
from .targets import INSPECTION_FIELDS, locked, require_office_or_lead, validate_dates


def _move(*, actor: User, inspection: Inspection, to: str, action: str,
          params: dict[str, Any] | None = None) -> Inspection:
    before = inspection.status
    inspection.status = to
    inspection.version += 1
    inspection.save(update_fields=["status", "version", "updated_at"])
    event_record(actor=actor, action=action, obj=inspection,
                 changes={"status": [before, to]}, params=params or {})
    branch_dissolve_if_ended(actor=actor, team=inspection.team)  # the team's last target
    return inspection


def station_problems(inspection: Inspection) -> list[str]:
    """What is missing before the team can be stationed (empty: ready)."""
    problems = []
    if inspection.round.status != RoundStatus.APPROVED:
        problems.append(_("the round is not approved by the leading group"))
    members = list(inspection.team.members.values_list("position", flat=True))
    if TeamPosition.LEADER not in members:
        problems.append(_("the team has no leader"))
    if len(members) < 3:
        problems.append(_("the team has fewer than three members"))
    if not inspection.scope_text.strip():
        problems.append(_("the petition scope is not written"))
    kinds = set(inspection.channels.values_list("kind", flat=True))
    if not kinds:
        problems.append(_("no contact channel is published"))
    elif not kinds & {ChannelKind.PHONE, ChannelKind.POSTAL, ChannelKind.ONLINE}:
        problems.append(_("publish at least a phone line, a postal box or online reporting"))
    unresolved = [m for m in inspection.team.members.select_related("inspector__cadre__unit")
                  if conflicts.conflicts_for(inspector=m.inspector, units=[inspection.unit])
                  and not m.override_reason]
    if unresolved:
        problems.append(_("avoidance conflicts are not resolved: %(names)s")
                        % {"names": "、".join(m.inspector.cadre.name for m in unresolved)})
    unsigned = pledge_problem(inspection)  # every member signs the integrity pledge first
    if unsigned:
        problems.append(unsigned)
    return problems


@transaction.atomic
def inspection_station(*, actor: User, inspection: Inspection, version: int | None = None,
                       mobilized_on: datetime.date | None = None) -> Inspection:
    """planned → stationed: the 动员会 is held and the channels are published."""
    require_office_or_lead(actor, inspection)
    inspection = locked(inspection, version)
    if not can_station_inspection(user=actor, inspection=inspection):
        raise DomainError(_("Only a planned inspection can be stationed."))
    problems = station_problems(inspection)
    if problems:
        raise DomainError(_("The team cannot be stationed yet: %(missing)s.")
                          % {"missing": "; ".join(str(p) for p in problems)}, code="precondition")
    params = {}
    if mobilized_on and mobilized_on != inspection.stationed_on:
        data = snapshot(inspection, INSPECTION_FIELDS) | {"stationed_on": mobilized_on}
        for key in ("period_start", "period_end", "petition_deadline", "notified_on"):
            if isinstance(data.get(key), str):
                data[key] = datetime.date.fromisoformat(data[key])
        validate_dates(data)
        params["stationed_on"] = [str(inspection.stationed_on), str(mobilized_on)]
        inspection.stationed_on = mobilized_on
        inspection.save(update_fields=["stationed_on"])
    return _move(actor=actor, inspection=inspection, to=InspectionStatus.STATIONED,
                 action="inspection.station", params=params)


@transaction.atomic
def inspection_begin_onsite(*, actor: User, inspection: Inspection,
                            version: int | None = None) -> Inspection:
    """stationed → on site, from the stationing date."""
    require_office_or_lead(actor, inspection)
    inspection = locked(inspection, version)
    if inspection.status != InspectionStatus.STATIONED:
        raise DomainError(_("Only a stationed inspection can begin its on-site work."))
    if not can_begin_onsite(user=actor, inspection=inspection):  # before the stationing date
        raise DomainError(_("On-site work begins on the stationing date (%(day)s).")
                          % {"day": inspection.stationed_on}, code="precondition")
    return _move(actor=actor, inspection=inspection, to=InspectionStatus.ON_SITE,
                 action="inspection.begin_onsite")


@transaction.atomic
def inspection_begin_reporting(*, actor: User, inspection: Inspection,
                               version: int | None = None) -> Inspection:
    """on site → reporting, once petition intake has closed."""
    require_office_or_lead(actor, inspection)
    inspection = locked(inspection, version)
    if inspection.status != InspectionStatus.ON_SITE:
        raise DomainError(_("Only an inspection on site can move to reporting."))
    if not can_begin_reporting(user=actor, inspection=inspection):  # intake still open
        raise DomainError(_("Petition intake is open until %(day)s; reporting starts after it "
                            "closes.") % {"day": inspection.petition_deadline},
                          code="precondition")
    return _move(actor=actor, inspection=inspection, to=InspectionStatus.REPORTING,
                 action="inspection.begin_reporting")


def inspection_move(*, actor: User, inspection: Inspection, to: str, action: str,
                    params: dict[str, Any] | None = None) -> Inspection:
    """For later stages (feedback, rectification, follow-up): the caller's service has
    checked its own preconditions inside its transaction."""
    return _move(actor=actor, inspection=inspection, to=to, action=action, params=params)
