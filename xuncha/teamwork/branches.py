"""临时党支部: created with the team (its secretary the leader until the office names
another; its members the team's members), its organisational life recorded (三会一课, 谈心谈话:
date, topic, attendance, minutes), dissolved when the team's last inspection of the round
reaches the feedback (``branch_dissolve_if_ended``, asked by the inspection's moves)."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xuncha.accounts.models import User
from xuncha.audit.services import event_record
from xuncha.inspections.models import Team, TeamPosition
from xuncha.lib.errors import DomainError, Forbidden
from xuncha.organizations.models import Inspector

from .access import can_manage_branch, can_record_meeting, team_has_ended
from .models import Branch, BranchMeeting, MeetingKind


@transaction.atomic
def branch_create(*, actor: User, team: Team) -> Branch:
    """Called when the team is formed (``inspections.teams.team_create``)."""
    leader = team.members.filter(position=TeamPosition.LEADER).first()
    branch, created = Branch.objects.get_or_create(team=team, defaults={
        "created_by": actor, "secretary_id": leader.inspector_id if leader else None})
    if created:
        event_record(actor=actor, action="branch.create", obj=branch, params={"team": team.pk})
    return branch


@transaction.atomic
def branch_set_secretary(*, actor: User, branch: Branch, secretary: Inspector) -> Branch:
    branch = Branch.objects.select_for_update().select_related("team__round").get(pk=branch.pk)
    if not can_manage_branch(user=actor, branch=branch):
        raise Forbidden(_("The office names the branch's secretary while the branch exists."),
                        code="not_manageable")
    if not branch.team.members.filter(inspector=secretary).exists():
        raise DomainError(_("The secretary is a member of the team."), field="secretary")
    before = branch.secretary_id
    branch.secretary = secretary
    branch.save(update_fields=["secretary"])
    event_record(actor=actor, action="branch.secretary", obj=branch,
                 changes={"secretary": [before, secretary.pk]})
    return branch


@transaction.atomic
def meeting_record(*, actor: User, branch: Branch, kind: str, held_on: datetime.date,
                   topic: str, attendees: Iterable[Inspector], minutes: str) -> BranchMeeting:
    branch = Branch.objects.select_for_update().select_related("team__round").get(pk=branch.pk)
    if not can_record_meeting(user=actor, branch=branch):
        raise Forbidden(_("The branch's secretary, the team's leaders or the office record "
                          "its meetings while it exists."), code="not_recordable")
    if kind not in MeetingKind.values:
        raise DomainError(_("Choose the kind of meeting."), field="kind")
    if held_on > timezone.localdate():
        raise DomainError(_("A meeting is recorded after it was held."), field="held_on")
    if held_on < timezone.localtime(branch.created_at).date():
        raise DomainError(_("The meeting is dated before the branch was created."),
                          field="held_on")
    topic, minutes = (topic or "").strip(), (minutes or "").strip()
    if not topic:
        raise DomainError(_("Give the meeting's topic."), field="topic")
    if len(minutes) < 10:
        raise DomainError(_("Write the minutes (at least 10 characters)."), field="minutes")
    people = list(attendees)
    members = set(branch.team.members.values_list("inspector_id", flat=True))
    if not people:
        raise DomainError(_("Mark who attended."), field="attendees")
    if any(p.pk not in members for p in people):
        raise DomainError(_("Only the team's members attend its branch's meetings."),
                          field="attendees")
    meeting = BranchMeeting.objects.create(branch=branch, kind=kind, held_on=held_on,
                                           topic=topic[:200], minutes=minutes[:20000],
                                           recorded_by=actor)
    meeting.attendees.set(people)
    event_record(actor=actor, action="branch.meeting", obj=meeting,
                 params={"kind": kind, "held_on": held_on, "attendees": len(people)})
    return meeting


def branch_dissolve_if_ended(*, actor: User, team: Team) -> Branch | None:
    """Dissolve the branch once the team's last inspection has reached the feedback (in the
    caller's transaction)."""
    branch = Branch.objects.filter(team=team, dissolved_at__isnull=True).first()
    if branch is None or not team_has_ended(team):
        return None
    branch.dissolved_at = timezone.now()
    branch.save(update_fields=["dissolved_at"])
    event_record(actor=actor, action="branch.dissolve", obj=branch, params={"team": team.pk})
    return branch
