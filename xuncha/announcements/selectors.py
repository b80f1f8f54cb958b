"""Reads for importing announcements, scoped to the reader: an office reads its own
committee's imported announcements and applies them to its own committee's work."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from xuncha.accounts.access import is_office_of
from xuncha.accounts.models import User
from xuncha.inspections.models import Inspection, Team, TeamMember, TeamPosition
from xuncha.organizations.models import Unit
from xuncha.organizations.selectors import committee_subtree

from .models import Announcement

#: The "or update this inspection" choice offers the most recent inspections only.
APPLY_INSPECTIONS = 300


def announcements_visible_to(*, user: User) -> QuerySet[Announcement]:
    """The announcements the reader's office imported: the query form of
    ``access.can_review_announcement``."""
    committee_id = user.committee_id
    if committee_id is not None and is_office_of(user=user, committee_id=committee_id):
        return Announcement.objects.filter(committee_id=committee_id)
    return Announcement.objects.none()


@dataclass
class ApplyChoices:
    """What an announcement may be applied to: a team of the committee's rounds and units
    of the committee or below (to create inspections), or one of its inspections."""

    teams: QuerySet[Team]
    units: QuerySet[Unit]
    inspections: QuerySet[Inspection]


def apply_choices(*, user: User) -> ApplyChoices:
    committee = user.committee
    if committee is None or not is_office_of(user=user, committee_id=committee.pk):
        return ApplyChoices(Team.objects.none(), Unit.objects.none(), Inspection.objects.none())
    teams = Team.objects.filter(round__committee=committee).select_related(
        "round__term", "round__committee").prefetch_related(
        Prefetch("members", queryset=TeamMember.objects.filter(
            position=TeamPosition.LEADER).select_related("inspector__cadre"),
            to_attr="leaders")).order_by("-round__planned_start", "number")
    units = Unit.objects.filter(committee__in=committee_subtree(committee).values("pk"),
                                archived_at__isnull=True).order_by("code")
    recent = list(Inspection.objects.filter(committee=committee).order_by(
        "-period_start").values_list("pk", flat=True)[:APPLY_INSPECTIONS])
    return ApplyChoices(teams=teams, units=units,
                        inspections=Inspection.objects.filter(pk__in=recent).select_related(
                            "round__term", "round__committee", "team__round__committee",
                            "unit"))


def team_leader_name(*, team: Team) -> str | None:
    """The name of the team's 组长, if it has one."""
    leaders = getattr(team, "leaders", None)
    if leaders is None:
        leaders = list(team.members.filter(position=TeamPosition.LEADER)
                       .select_related("inspector__cadre"))
    return leaders[0].inspector.cadre.name if leaders else None
