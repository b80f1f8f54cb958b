"""Activities of the team on site: talks, document reviews, symposiums, visits, surveys."""

from collections.abc import Iterable
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.inspections.models import Inspection
from xuncha.lib.errors import DomainError
from xuncha.lib.uploads import check_upload
from xuncha.organizations.models import Inspector

from .access import check_record_findings, check_write_findings
from .models import Activity, ActivityKind

ACTIVITY_FIELDS = ("kind", "held_on", "title", "interviewee", "interviewee_name", "location",
                   "record", "participants", "questionnaires_sent", "questionnaires_returned",
                   "satisfaction")


def _validate_activity(activity: Activity, interviewers: list[Inspector]) -> None:
    if not activity.title.strip():
        raise DomainError(_("Give the subject of the activity."), field="title")
    inspection = activity.inspection
    if activity.held_on < inspection.stationed_on or activity.held_on > max(
            inspection.period_end, timezone.localdate()):
        raise DomainError(_("The date must fall within the inspection."), field="held_on")
    if activity.kind == ActivityKind.TALK:
        if activity.interviewee_id is None and not activity.interviewee_name.strip():
            raise DomainError(_("Name the person interviewed."), field="interviewee")
        if len(set(interviewers)) < 2:
            raise DomainError(_("An individual talk is held by two members of the team."),
                              field="interviewers")
    team_inspectors = set(inspection.team.members.values_list("inspector_id", flat=True))
    if any(i.pk not in team_inspectors for i in interviewers):
        raise DomainError(_("Interviewers must be members of the team."), field="interviewers")
    if activity.kind == ActivityKind.QUESTIONNAIRE and activity.questionnaires_returned and (
            activity.questionnaires_sent is None
            or activity.questionnaires_returned > activity.questionnaires_sent):
        raise DomainError(_("More questionnaires returned than handed out."),
                          field="questionnaires_returned")


@transaction.atomic
def activity_record(*, actor: User, inspection: Inspection, data: dict[str, Any],
                    interviewers: Iterable[Inspector] | None = None,
                    signed_record: File | None = None) -> Activity:
    check_record_findings(user=actor, inspection=inspection)
    interviewer_list = list(interviewers or [])
    activity = Activity(inspection=inspection, created_by=actor)
    for name in ACTIVITY_FIELDS:
        if name in data and data[name] is not None:
            setattr(activity, name, data[name])
    _validate_activity(activity, interviewer_list)
    if signed_record is not None:
        check_upload(signed_record)
        activity.signed_record = signed_record
        activity.signed_record_name = (signed_record.name or "")[:200]
    activity.save()
    activity.interviewers.set(interviewer_list)
    event_record(actor=actor, action="activity.record", obj=activity,
                 changes=diff({}, snapshot(activity, ("kind", "held_on", "title"))),
                 params={"interviewers": [i.pk for i in interviewer_list]})
    return activity


@transaction.atomic
def activity_attach_record(*, actor: User, activity: Activity, signed_record: File) -> Activity:
    check_write_findings(user=actor, inspection=activity.inspection)
    check_upload(signed_record)
    activity.signed_record = signed_record
    activity.signed_record_name = (signed_record.name or "")[:200]
    activity.save(update_fields=["signed_record", "signed_record_name"])
    event_record(actor=actor, action="activity.attach_record", obj=activity,
                 params={"name": activity.signed_record_name})
    return activity
