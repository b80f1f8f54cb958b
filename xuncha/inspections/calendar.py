"""The working-day calendar's overrides and each committee's clock lengths."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import diff, event_record, snapshot
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Committee

from .access import can_change_calendar, can_change_clocks
from .models import ClockPolicy, WorkdayOverride

POLICY_FIELDS = ("notice_workdays", "plan_workdays", "report_months", "clue_report_months",
                 "clue_close_months", "clue_close_max_months", "transfer_answer_workdays",
                 "measure_green_days", "measure_yellow_days")


@transaction.atomic
def workday_override_set(*, actor: User, committee: Committee | None, date: datetime.date,
                         is_workday: bool, note: str = "") -> WorkdayOverride:
    if not can_change_calendar(user=actor, committee_id=committee.pk if committee else None):
        if committee is None:
            raise Forbidden(_("Only the platform operator changes the calendar for everyone."))
        raise Forbidden(_("Only an office administrator changes the committee's calendar."))
    row, created = WorkdayOverride.objects.update_or_create(
        committee=committee, date=date, defaults={"is_workday": is_workday, "note": note})
    event_record(actor=actor, action="calendar.override_set", obj=row,
                 committee_id=committee.pk if committee else None,
                 params={"date": date, "is_workday": is_workday, "note": note,
                         "created": created})
    return row


@transaction.atomic
def workday_override_delete(*, actor: User, row: WorkdayOverride) -> None:
    if not can_change_calendar(user=actor, committee_id=row.committee_id):
        raise Forbidden()
    event_record(actor=actor, action="calendar.override_delete", obj=row,
                 committee_id=row.committee_id,
                 params={"date": row.date, "is_workday": row.is_workday})
    row.delete()


@transaction.atomic
def clock_policy_update(*, actor: User, committee: Committee,
                        data: dict[str, Any]) -> ClockPolicy:
    if not can_change_clocks(user=actor, committee_id=committee.pk):
        raise Forbidden(_("Only an office administrator changes the committee's clocks."))
    policy, _created = ClockPolicy.objects.get_or_create(committee=committee)
    before = snapshot(policy, POLICY_FIELDS)
    for name in POLICY_FIELDS:
        if name in data:
            setattr(policy, name, data[name])
    if policy.clue_close_months > policy.clue_close_max_months:
        raise DomainError(_("The usual closing time cannot exceed the latest closing time."),
                          field="clue_close_months")
    if policy.measure_yellow_days > policy.measure_green_days:
        raise DomainError(_("Yellow must come after green (fewer days left)."),
                          field="measure_yellow_days")
    changes = diff(before, snapshot(policy, POLICY_FIELDS))
    if changes:
        policy.save()
        event_record(actor=actor, action="clocks.update", obj=policy, changes=changes)
    return policy
